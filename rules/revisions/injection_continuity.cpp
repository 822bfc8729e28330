#include <fmt/format.h>

#include <set>

#include "istio/ownership.hpp"
#include "istio/revisions.hpp"
#include "rules/all_rules.hpp"
#include "rules/revisions/support/revision_support.hpp"

namespace upcheck::rules {
namespace {

constexpr std::string_view kKinds[] = {
    "MutatingWebhookConfiguration", "Service", "Namespace", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet",
    "ReplicationController",        "Job",     "CronJob",   "ConfigMap"};

// The command that makes `target` the default revision, in the installer's own terms.
std::string default_revision_command(const CheckContext& ctx, const InjectorWebhook* webhook,
                                     const std::string& target) {
  std::optional<Manager> m = webhook != nullptr ? managing_tool(*webhook->configuration) : std::nullopt;
  if ((m && m->tool == "Helm") || ctx.istio().installer == Installer::Helm)
    return fmt::format("helm upgrade istio-base istio/base -n istio-system --set defaultRevision={} --skip-crds",
                       target);
  return fmt::format("istioctl tag set default --revision {} --overwrite", target);
}

// Removing the default revision leaves istio-injection=enabled and sidecar.istio.io/inject=true
// with no injector, and nothing fails: pods just start without a sidecar.
void check_default_removal(const CheckContext& ctx, const RevisionIndex& index, FindingSink& out) {
  const std::string& removed = ctx.plan().remove_revision;
  const std::string& target = ctx.plan().revision;
  if (removed.empty() || !is_valid_revision_name(removed) || index.default_revision() != removed) return;
  const Snapshot& snapshot = ctx.snapshot();

  std::vector<std::string> namespaces;
  for (const Resource* ns : snapshot.of_kind("Namespace")) {
    std::optional<std::string_view> legacy = ns->label("istio-injection");
    std::optional<std::string_view> rev = ns->label("istio.io/rev");
    if ((legacy && *legacy == "enabled") || (!legacy && rev && *rev == "default")) namespaces.emplace_back(ns->name());
  }
  size_t workloads = 0;
  for (const TemplatedWorkload& w : templated_workloads(snapshot))
    if (w.labels()["sidecar.istio.io/inject"].text() == "true" && !w.labels()["istio.io/rev"].valid() &&
        !namespace_decides_injection(snapshot.find("Namespace", "", w.object->ns())))
      ++workloads;

  std::string reliers;
  if (!namespaces.empty()) reliers = fmt::format("istio-injection=enabled namespaces ({})", name_list(namespaces));
  if (workloads > 0)
    reliers += fmt::format("{}{} workload{} labelled sidecar.istio.io/inject=true", reliers.empty() ? "" : " and ",
                           workloads, workloads == 1 ? "" : "s");
  if (reliers.empty()) reliers = "istio-injection=enabled namespaces and sidecar.istio.io/inject=true pods";
  const InjectorWebhook* webhook = index.default_webhook();
  const std::string message = fmt::format(
      "revision {} is the default revision{}, which injects {}; removing it while it is the default leaves them with "
      "no injector, so their new pods start without a sidecar and nothing reports it; the default revision also "
      "validates Istio configuration",
      removed,
      webhook != nullptr ? fmt::format(" (MutatingWebhookConfiguration {})", webhook->configuration->name())
                         : std::string{},
      reliers);

  ReportOptions options;
  if (!target.empty()) {
    Fix fix;
    fix.title = fmt::format("make {} the default revision before removing {}", target, removed);
    fix.applicability = Applicability::Unsafe;  // new pods of those namespaces get the new revision's proxy
    fix.commands.push_back(default_revision_command(ctx, webhook, target));
    options.fix = std::move(fix);
  }
  if (webhook != nullptr)
    out.report(*webhook->configuration, webhook->field_path() + ".name", message, std::move(options));
  else if (const ControlPlane* plane = index.control_plane(removed); plane != nullptr && !plane->deployments.empty())
    out.report(*plane->deployments.front(), "metadata.name", message, std::move(options));
  else
    out.report_plan(message, {}, std::move(options));
}

// An injector webhook that fails closed and calls a Service that is not there rejects the pods it
// selects: the API server cannot call it and failurePolicy Fail refuses the request.
void check_fail_closed(const CheckContext& ctx, const RevisionIndex& index, FindingSink& out) {
  const Snapshot& snapshot = ctx.snapshot();
  std::set<std::string, std::less<>> namespaces_with_services;
  for (const Resource* svc : snapshot.of_kind("Service")) namespaces_with_services.emplace(svc->ns());
  std::set<std::string> not_dumped;
  std::set<const Resource*> reported;
  for (const InjectorWebhook& w : index.webhooks()) {
    if (!w.fails_closed || w.service_name.empty() || reported.count(w.configuration) != 0) continue;
    if (namespaces_with_services.count(w.service_namespace) == 0) {
      not_dumped.insert(w.service_namespace);
      continue;
    }
    if (snapshot.find("Service", w.service_namespace, w.service_name) != nullptr) continue;
    reported.insert(w.configuration);

    // Namespaces where it takes every new pod (its object selector passes an unlabelled pod).
    std::vector<std::string> blocked;
    for (const Resource* ns : snapshot.of_kind("Namespace")) {
      for (const InjectorWebhook& other : index.webhooks()) {
        if (other.configuration != w.configuration || !other.fails_closed || other.service_name != w.service_name)
          continue;
        if (other.selects(ns->labels(), NodeRef{})) {
          blocked.emplace_back(ns->name());
          break;
        }
      }
    }
    const bool leftover = index.control_plane(w.revision) == nullptr;
    std::string scope = blocked.empty() ? "every pod it selects"
                                        : fmt::format("every new pod in namespace{} {}", blocked.size() == 1 ? "" : "s",
                                                      name_list(blocked, 5));
    std::optional<Fix> fix;
    if (leftover) {
      fix.emplace();
      fix->title = fmt::format("delete MutatingWebhookConfiguration {}, left behind by revision {}",
                               w.configuration->name(), w.revision);
      fix->applicability = Applicability::Unsafe;  // pods it would have injected start without a sidecar
      fix->remove.push_back(w.configuration->ref());
      // istioctl does not reconcile what it installed; the other managers would put it back.
      if (std::optional<Manager> m = managing_tool(*w.configuration); m && m->tool != "istioctl") {
        fix->applicability = Applicability::DisplayOnly;
        fix->manual_note = change_at_source_note(*m, "the injector configuration");
      }
    }
    out.report(
        *w.configuration, w.field_path() + ".clientConfig.service.name",
        fmt::format("webhook {} of MutatingWebhookConfiguration {} calls Service {}/{}, which does not exist, with "
                    "failurePolicy: Fail: the API server rejects {}{}",
                    w.name, w.configuration->name(), w.service_namespace, w.service_name, scope,
                    leftover ? fmt::format(" (the input has no control plane of revision {}: a leftover of an "
                                           "uninstalled revision?)",
                                           w.revision)
                             : std::string{}),
        {.fix = std::move(fix)});
  }
  if (!not_dumped.empty() && !snapshot.covers_kind("Service")) {
    out.missing_kind("Service", "kubectl get services -A -o yaml");
  } else {
    for (const std::string& ns : not_dumped)
      out.notice(nullptr, &kInputLacksKind,
                 fmt::format("the input has no Services in namespace {}, which injection-continuity needs to check "
                             "the injector webhooks that call it: if the namespace has some, dump them too (`kubectl "
                             "get services -n {} -o yaml`)",
                             ns, ns),
                 "Service in namespace " + ns);
  }
}

void check(const CheckContext& ctx, FindingSink& out) {
  const RevisionIndex index(ctx.snapshot(), ctx.istio());
  check_default_removal(ctx, index, out);
  check_fail_closed(ctx, index, out);
}

}  // namespace

constinit const Rule injection_continuity{
    .info =
        {
            .code = "REV007",
            .name = "injection-continuity",
            .severity = Severity::Error,
            .title = "Sidecar injection stops or blocks pod creation",
            .rationale =
                "Two ways an upgrade breaks injection without touching a workload. First, the default revision, the "
                "one the tag default points to, is the one that injects namespaces labelled istio-injection=enabled, "
                "pods labelled sidecar.istio.io/inject=true and istio.io/rev=default, and it \"validates Istio "
                "resources\" (istio.io, Canary Upgrades: Default tag). Removing "
                "that revision (--remove-revision) before another becomes the default (`istioctl tag set default "
                "--revision NEW`, or for Helm `helm upgrade istio-base istio/base --set defaultRevision=NEW`, istio.io "
                "Upgrade with Helm) leaves those namespaces with no webhook at all: the API server admits their pods "
                "without a sidecar and nothing reports it. Second, an injector webhook that calls a Service that is "
                "not there: Istio's injector webhooks set failurePolicy: Fail (istio/istio "
                "manifests/charts/istio-control/istio-discovery/templates/mutatingwebhook.yaml, revision-tags.yaml; "
                "admissionregistration.k8s.io/v1 also defaults to Fail), so when the API server cannot call "
                "istiod-<revision> it rejects every pod the webhook selects, in every namespace it selects; a "
                "revision uninstalled while its tag or injector configuration stays behind does exactly this. The "
                "Service check runs only when the input holds Services of the webhook's namespace.",
            .remediation =
                "Make the new revision the default before removing the old one; delete injector configurations "
                "left behind by uninstalled revisions, or point their tags at an installed revision.",
            .fix = FixAvailability::Sometimes,
            .kinds = kKinds,
            .example_bad = R"(apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: istio-sidecar-injector-1-19-5
  labels: {app: sidecar-injector, istio.io/rev: 1-19-5}
webhooks:
- name: rev.namespace.sidecar-injector.istio.io
  clientConfig:
    service: {name: istiod-1-19-5, namespace: istio-system, path: /inject, port: 443}
  failurePolicy: Fail
  namespaceSelector:
    matchExpressions:
    - {key: istio.io/rev, operator: In, values: [1-19-5]}
    - {key: istio-injection, operator: DoesNotExist}
---
apiVersion: v1
kind: Service
metadata:
  name: istiod-1-20-3
  namespace: istio-system
spec:
  ports:
  - {name: https-webhook, port: 443, targetPort: 15017}
)",
            .example_good = R"(apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: istio-sidecar-injector-1-20-3
  labels: {app: sidecar-injector, istio.io/rev: 1-20-3}
webhooks:
- name: rev.namespace.sidecar-injector.istio.io
  clientConfig:
    service: {name: istiod-1-20-3, namespace: istio-system, path: /inject, port: 443}
  failurePolicy: Fail
  namespaceSelector:
    matchExpressions:
    - {key: istio.io/rev, operator: In, values: [1-20-3]}
    - {key: istio-injection, operator: DoesNotExist}
---
apiVersion: v1
kind: Service
metadata:
  name: istiod-1-20-3
  namespace: istio-system
spec:
  ports:
  - {name: https-webhook, port: 443, targetPort: 15017}
)",
        },
    .check = check,
};

}  // namespace upcheck::rules
