#include "collect/cluster_collector.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "collect/helm_release_stub.hpp"
#include "version.hpp"

namespace upcheck::collect {

using nlohmann::json;

namespace {

// The kinds the rules read, in the order they are collected: Deployments come before ConfigMaps
// because they tell which namespaces hold a control plane.
struct KindSpec {
  std::string_view resource;  // kubectl's name, group-qualified so no CRD can shadow it
  std::string_view kind;
};
constexpr KindSpec kWorkloadKinds[] = {
    {"namespaces", "Namespace"},
    {"deployments.apps", "Deployment"},
    {"daemonsets.apps", "DaemonSet"},
    {"statefulsets.apps", "StatefulSet"},
    {"replicasets.apps", "ReplicaSet"},
    {"pods", "Pod"},
    {"services", "Service"},
    {"poddisruptionbudgets.policy", "PodDisruptionBudget"},
    {"horizontalpodautoscalers.autoscaling", "HorizontalPodAutoscaler"},
};
constexpr KindSpec kWebhookKinds[] = {
    {"mutatingwebhookconfigurations.admissionregistration.k8s.io", "MutatingWebhookConfiguration"},
    {"validatingwebhookconfigurations.admissionregistration.k8s.io", "ValidatingWebhookConfiguration"},
};
constexpr KindSpec kCrdKind = {"customresourcedefinitions.apiextensions.k8s.io", "CustomResourceDefinition"};

constexpr std::string_view kCollectedScope =
    "ConfigMap: the Istio control-plane namespaces, and kube-system's Helm 2 (OWNER=TILLER) records; "
    "Secret: Helm 3 release Secrets only, as stubs without data; CustomResourceDefinition: Istio and "
    "Gateway API groups only, without schemas";

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool is_istio_group(std::string_view group) { return group == "istio.io" || ends_with(group, ".istio.io"); }
bool is_gateway_api_group(std::string_view group) {
  return group == "gateway.networking.k8s.io" || group == "gateway.networking.x-k8s.io";
}

std::string string_at(const json& object, std::initializer_list<const char*> path) {
  const json* node = &object;
  for (const char* key : path) {
    if (!node->is_object() || !node->contains(key)) return "";
    node = &(*node)[key];
  }
  return node->is_string() ? node->get<std::string>() : "";
}

// Istiod in every release and installer: `istiod`, `istiod-<revision>`, the pre-1.5 `istio-pilot`,
// or the labels the charts put on it.
bool is_control_plane_deployment(const json& deployment) {
  std::string name = string_at(deployment, {"metadata", "name"});
  return name == "istiod" || starts_with(name, "istiod-") || name == "istio-pilot" ||
         string_at(deployment, {"metadata", "labels", "app"}) == "istiod" ||
         string_at(deployment, {"metadata", "labels", "istio"}) == "pilot";
}

// What every object loses: the field-ownership records kubectl before 1.21 still prints. They
// are the bulk of many objects and no rule reads their field sets.
void strip_managed_fields(json& object) {
  if (object.is_object() && object.contains("metadata") && object["metadata"].is_object())
    object["metadata"].erase("managedFields");
}

}  // namespace

void ClusterCollector::report_failure(const KubectlResult& r, const std::string& what, bool quote_kubectl) {
  std::string reason = quote_kubectl || r.failure == KubectlFailure::Forbidden ||
                               r.failure == KubectlFailure::Unauthorized || r.failure == KubectlFailure::Unreachable
                           ? r.reason
                           : "kubectl failed (its message is not shown: it may quote a Secret)";
  switch (r.failure) {
    case KubectlFailure::None:
      return;
    case KubectlFailure::NotStarted:
      error(&kKubectlNotFound,
            fmt::format("cannot run kubectl '{}': {}; install kubectl, or name it with --kubectl PATH",
                        kubectl_.options().program, r.reason));
      stopped_ = true;
      return;
    case KubectlFailure::Unreachable:
      error(&kClusterUnreachable, fmt::format("{}: kubectl cannot reach the cluster: {}", what, reason));
      stopped_ = true;
      return;
    case KubectlFailure::Unauthorized:
      error(&kClusterUnauthorized,
            fmt::format("{}: the cluster rejected kubectl's credentials: {}; log in again (or check --context and "
                        "--kubeconfig)",
                        what, reason));
      stopped_ = true;
      return;
    case KubectlFailure::TimedOut:
      error(&kKubectlTimeout, fmt::format("{}: {}; raise --timeout for a slow cluster", what, reason));
      stopped_ = true;  // a kubectl that hangs once (a login prompt, a stuck plugin) hangs every time
      return;
    case KubectlFailure::Forbidden:
      error(&kKindForbidden, fmt::format("{}: forbidden: {}", what, reason));
      return;
    case KubectlFailure::BadOutput:
    case KubectlFailure::Other:
      error(&kKubectlFailed, fmt::format("{}: {}", what, reason));
      return;
  }
}

bool ClusterCollector::probe() {
  // Any failure here but a 403 (some clusters hide /version) would repeat on every later run: a
  // missing kubectl, an unknown context, a broken kubeconfig, an unreachable server.
  KubectlResult version = kubectl_.run({"get", "--raw", "/version"});
  if (!version.ok() && version.failure != KubectlFailure::Forbidden) {
    report_failure(version, "asking the cluster for its version");
    return false;
  }
  if (version.ok()) {
    json parsed = json::parse(version.output, nullptr, false);
    if (parsed.is_object()) server_version_ = string_at(parsed, {"gitVersion"});
  }
  KubectlResult groups = kubectl_.run({"get", "--raw", "/apis"});
  if (!groups.ok()) {
    report_failure(groups, "listing the cluster's API groups (Istio resources are found through them)");
    if (stopped_) return false;
    skipped_other_.push_back("Istio resources (API discovery failed)");
    return true;
  }
  json parsed = json::parse(groups.output, nullptr, false);
  if (parsed.is_object() && parsed.contains("groups") && parsed["groups"].is_array()) {
    api_groups_ = std::move(parsed["groups"]);
  } else {
    error(&kKubectlFailed, "the cluster's API group list could not be read; Istio resources are skipped");
    skipped_other_.push_back("Istio resources (API discovery failed)");
  }
  return true;
}

void ClusterCollector::ask_access(const std::vector<AccessQuestion>& all_questions) {
  std::vector<AccessQuestion> questions;
  for (const AccessQuestion& q : all_questions)
    if (access_answers_.count(q) == 0 && std::find(questions.begin(), questions.end(), q) == questions.end())
      questions.push_back(q);
  if (stopped_) return;
  constexpr size_t kParallelRuns = 4;
  std::vector<KubectlResult> answers(questions.size());
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i; (i = next++) < questions.size();) {
      const auto& [resource, ns] = questions[i];
      std::string scope = ns.empty() ? "--all-namespaces" : "--namespace=" + ns;
      answers[i] = kubectl_.run({"auth", "can-i", "list", resource, scope});
    }
  };
  std::vector<std::thread> workers;
  for (size_t i = 0; i < std::min(kParallelRuns, questions.size()); ++i) workers.emplace_back(worker);
  for (std::thread& t : workers) t.join();
  for (size_t i = 0; i < questions.size(); ++i) access_answers_[questions[i]] = std::move(answers[i]);
}

ClusterCollector::Access ClusterCollector::can_list(const std::string& kind, const std::string& resource,
                                                    const std::string& ns) {
  if (access_answers_.count({resource, ns}) == 0) ask_access({{resource, ns}});
  const KubectlResult& r = access_answers_[{resource, ns}];
  // kubectl prints "yes", or "no" (and exits 1), or an error on standard error.
  std::string answer = r.output.substr(0, r.output.find_first_of(" \n"));
  if (answer == "yes") return Access::Allowed;
  std::string where = ns.empty() ? "in all namespaces" : "in namespace " + ns;
  if (answer == "no") {
    std::string why = r.output.find(" - ") != std::string::npos ? r.output.substr(r.output.find(" - ") + 3) : "";
    while (!why.empty() && why.back() == '\n') why.pop_back();
    error(&kKindForbidden,
          fmt::format("{}: your credentials may not list {} {}{}; skipped, and left out of collected-kinds so that "
                      "check reports it missing",
                      kind, resource, where, why.empty() ? "" : " (" + why + ")"));
    return Access::Denied;
  }
  report_failure(r, fmt::format("{}: asking whether {} may be listed {}", kind, resource, where));
  if (stopped_) return Access::Stop;
  note(fmt::format("{}: listing it anyway", kind));
  return Access::Unknown;
}

bool ClusterCollector::collect(const ListRequest& request) {
  if (stopped_) {
    mark(request.kind, false);
    return false;
  }
  Access access = can_list(request.kind, request.resource, request.ns);
  if (access == Access::Denied || access == Access::Stop) {
    mark(request.kind, false);
    return false;
  }
  std::vector<std::string> args{"get", request.resource, "--output=json", fmt::format("--chunk-size={}", chunk_size_),
                                request.ns.empty() ? "--all-namespaces" : "--namespace=" + request.ns};
  args.insert(args.end(), request.selectors.begin(), request.selectors.end());

  SnapshotFile::Checkpoint checkpoint = snapshot_->checkpoint();
  size_t written = 0;
  KubectlResult r = kubectl_.stream_list(args, [&](json&& item) {
    strip_managed_fields(item);
    std::optional<json> kept = request.keep ? request.keep(std::move(item)) : std::optional<json>(std::move(item));
    if (kept) {
      snapshot_->add(*kept);
      ++written;
    }
  });
  std::string where = request.ns.empty() ? "" : " in namespace " + request.ns;
  if (!r.ok()) {
    snapshot_->rollback(checkpoint);  // each kind wholly or not at all
    report_failure(r,
                   fmt::format("{}: listing {}{} failed; skipped, and left out of collected-kinds", request.kind,
                               request.resource, where),
                   request.quote_kubectl_errors);
    mark(request.kind, false);
    return false;
  }
  note(fmt::format("{}{}: {} object{}", request.kind, where, written, written == 1 ? "" : "s"));
  mark(request.kind, true);
  return true;
}

void ClusterCollector::collect_together(const std::vector<ListRequest>& requests) {
  std::vector<const ListRequest*> allowed;
  for (const ListRequest& request : requests) {
    if (stopped_) {
      mark(request.kind, false);
      continue;
    }
    Access access = can_list(request.kind, request.resource, request.ns);
    if (access == Access::Denied || access == Access::Stop)
      mark(request.kind, false);
    else
      allowed.push_back(&request);
  }
  if (allowed.size() < 2) {
    for (const ListRequest* request : allowed) collect(*request);
    return;
  }
  std::string resources;
  std::map<std::string, size_t> counts;
  for (const ListRequest* request : allowed) {
    resources += (resources.empty() ? "" : ",") + request->resource;
    counts[request->kind] = 0;
  }
  SnapshotFile::Checkpoint checkpoint = snapshot_->checkpoint();
  KubectlResult r = kubectl_.stream_list(
      {"get", resources, "--output=json", fmt::format("--chunk-size={}", chunk_size_), "--all-namespaces"},
      [&](json&& item) {
        strip_managed_fields(item);
        ++counts[string_at(item, {"kind"})];
        snapshot_->add(item);
      });
  if (!r.ok()) {
    snapshot_->rollback(checkpoint);
    if (r.failure == KubectlFailure::NotStarted || r.failure == KubectlFailure::Unreachable ||
        r.failure == KubectlFailure::Unauthorized || r.failure == KubectlFailure::TimedOut) {
      report_failure(r, "listing " + resources);
      for (const ListRequest* request : allowed) mark(request->kind, false);
      return;
    }
    for (const ListRequest* request : allowed) collect(*request);
    return;
  }
  for (const ListRequest* request : allowed) {
    size_t written = counts[request->kind];
    note(fmt::format("{}: {} object{}", request->kind, written, written == 1 ? "" : "s"));
    mark(request->kind, true);
  }
}

// Every resource of the *.istio.io groups that can be listed, from the discovery documents of
// each version (a kind may be served in one version only, as EnvoyFilter is in v1alpha3).
void ClusterCollector::discover_istio_resources() {
  std::set<std::pair<std::string, std::string>> seen;
  for (const json& group : api_groups_) {
    std::string name = string_at(group, {"name"});
    if (!is_istio_group(name) || !group.contains("versions") || !group["versions"].is_array()) continue;
    std::vector<std::string> versions;
    std::string preferred = string_at(group, {"preferredVersion", "version"});
    if (!preferred.empty()) versions.push_back(preferred);
    for (const json& v : group["versions"])
      if (std::string version = string_at(v, {"version"}); !version.empty() && version != preferred)
        versions.push_back(version);
    for (const std::string& version : versions) {
      if (stopped_) return;
      KubectlResult r = kubectl_.run({"get", "--raw", fmt::format("/apis/{}/{}", name, version)});
      json list = r.ok() ? json::parse(r.output, nullptr, false) : json();
      if (!r.ok() || !list.is_object() || !list.contains("resources") || !list["resources"].is_array()) {
        if (r.ok()) {
          r.failure = KubectlFailure::BadOutput;
          r.reason = "not an API resource list";
        }
        report_failure(r, fmt::format("discovering the resources of {}/{}; they are skipped", name, version));
        skipped_other_.push_back(fmt::format("{}/{} resources (discovery failed)", name, version));
        continue;
      }
      for (const json& resource : list["resources"]) {
        std::string plural = string_at(resource, {"name"});
        std::string kind = string_at(resource, {"kind"});
        const json verbs = resource.value("verbs", json::array());
        bool listable = verbs.is_array() && std::find(verbs.begin(), verbs.end(), "list") != verbs.end();
        if (plural.empty() || kind.empty() || plural.find('/') != std::string::npos || !listable) continue;
        if (seen.emplace(name, plural).second) istio_resources_.push_back({name, plural, kind});
      }
    }
  }
}

// Where the mesh config and the injector's config live: every namespace with a control plane,
// and istio-system whenever it exists (or the namespace list could not be read).
std::vector<std::string> ClusterCollector::configmap_namespaces() const {
  std::set<std::string> out = control_plane_namespaces_;
  bool namespaces_known = kinds_.count("Namespace") != 0 && kinds_.at("Namespace");
  if (!namespaces_known || namespaces_.count("istio-system") != 0) out.insert("istio-system");
  return {out.begin(), out.end()};
}

void ClusterCollector::collect_into(SnapshotFile& snapshot) {
  snapshot_ = &snapshot;
  std::vector<AccessQuestion> questions;
  for (const KindSpec& spec : kWorkloadKinds) questions.emplace_back(spec.resource, "");
  for (const KindSpec& spec : kWebhookKinds) questions.emplace_back(spec.resource, "");
  questions.emplace_back(kCrdKind.resource, "");
  questions.emplace_back("secrets", "");
  questions.emplace_back("configmaps", "kube-system");
  questions.emplace_back("configmaps", "istio-system");
  ask_access(questions);

  for (const KindSpec& spec : kWorkloadKinds) {
    ListRequest request{std::string(spec.kind), std::string(spec.resource), "", {}, true, nullptr};
    if (spec.kind == "Namespace") {
      request.keep = [this](json&& ns) -> std::optional<json> {
        namespaces_.insert(string_at(ns, {"metadata", "name"}));
        return std::move(ns);
      };
    } else if (spec.kind == "Deployment") {
      request.keep = [this](json&& deployment) -> std::optional<json> {
        if (is_control_plane_deployment(deployment))
          control_plane_namespaces_.insert(string_at(deployment, {"metadata", "namespace"}));
        return std::move(deployment);
      };
    }
    collect(request);
  }

  questions.clear();
  for (const std::string& ns : configmap_namespaces()) questions.emplace_back("configmaps", ns);
  ask_access(questions);
  for (const std::string& ns : configmap_namespaces()) collect({"ConfigMap", "configmaps", ns, {}, true, nullptr});
  collect({"ConfigMap", "configmaps", "kube-system", {"--selector=OWNER=TILLER"}, true, nullptr});

  std::vector<ListRequest> webhook_kinds;
  for (const KindSpec& spec : kWebhookKinds)
    webhook_kinds.push_back({std::string(spec.kind), std::string(spec.resource), "", {}, true, nullptr});
  collect_together(webhook_kinds);

  auto keep_istio_crd = [](json&& crd) -> std::optional<json> {
    std::string group = string_at(crd, {"spec", "group"});
    if (!is_istio_group(group) && !is_gateway_api_group(group)) return std::nullopt;
    // Schemas are most of a CRD's bytes, and no rule reads them.
    if (crd.contains("spec") && crd["spec"].contains("versions") && crd["spec"]["versions"].is_array())
      for (json& version : crd["spec"]["versions"])
        if (version.is_object()) version.erase("schema");
    return std::move(crd);
  };
  collect({std::string(kCrdKind.kind), std::string(kCrdKind.resource), "", {}, true, keep_istio_crd});

  if (!stopped_) discover_istio_resources();
  questions.clear();
  for (const IstioResource& r : istio_resources_) questions.emplace_back(r.plural + "." + r.group, "");
  ask_access(questions);
  std::vector<ListRequest> istio_kinds;
  for (const IstioResource& r : istio_resources_)
    istio_kinds.push_back({r.kind, r.plural + "." + r.group, "", {}, true, nullptr});
  collect_together(istio_kinds);

  collect({"Secret",
           "secrets",
           "",
           {"--selector=owner=helm", fmt::format("--field-selector=type={}", kHelmReleaseSecretType)},
           false,
           [this](json&& secret) -> std::optional<json> {
             if (!is_helm_release_secret(secret)) return std::nullopt;  // whatever a server let through
             std::string why;
             json stub = helm_release_stub(secret, why);
             if (!why.empty())
               err_ << "upcheck collect: notice[helm-release-undecodable]: Secret "
                    << string_at(secret, {"metadata", "namespace"}) << '/' << string_at(secret, {"metadata", "name"})
                    << ": " << why << "; its stub keeps only the labels\n";
             return stub;
           }});
}

std::vector<std::string> ClusterCollector::collected_kinds() const {
  std::vector<std::string> out;
  for (const auto& [kind, complete] : kinds_)
    if (complete) out.push_back(kind);
  return out;
}

std::vector<std::string> ClusterCollector::skipped_kinds() const {
  std::vector<std::string> out;
  for (const auto& [kind, complete] : kinds_)
    if (!complete) out.push_back(kind);
  out.insert(out.end(), skipped_other_.begin(), skipped_other_.end());
  return out;
}

json ClusterCollector::list_metadata() const {
  json annotations = {
      {"upcheck.io/collected-by", fmt::format("upcheck {}", kVersion)},
      {"upcheck.io/collected-kinds", fmt::format("{}", fmt::join(collected_kinds(), ","))},
      {"upcheck.io/collected-scope", std::string(kCollectedScope)},
  };
  if (!server_version_.empty()) annotations["upcheck.io/kubernetes-version"] = server_version_;
  if (std::vector<std::string> skipped = skipped_kinds(); !skipped.empty())
    annotations["upcheck.io/skipped-kinds"] = fmt::format("{}", fmt::join(skipped, ","));
  return {{"annotations", std::move(annotations)}, {"resourceVersion", ""}};
}

}  // namespace upcheck::collect
