#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>
#include <set>

#include "istio/ownership.hpp"
#include "istio/pod_owner.hpp"
#include "istio/revisions.hpp"
#include "rules/all_rules.hpp"

namespace upcheck::rules {
namespace {

constexpr std::string_view kKinds[] = {"Pod",         "ReplicaSet", "Deployment",
                                       "StatefulSet", "DaemonSet",  "MutatingWebhookConfiguration",
                                       "Namespace",   "ConfigMap"};

// What is wrong with a proxy's version, least to most urgent.
enum class Skew : uint8_t {
  None,
  Stale,                  // another release than its control plane, within the supported skew
  OutOfSkewAfterUpgrade,  // fine today; an in-place upgrade to --to puts it out of skew
  TooFarBehind,           // the control plane is more than one minor release ahead
  DataPlaneAhead,         // the proxy is a newer minor release than its control plane
};

Skew classify(const Version& proxy, const Version& control_plane, const UpgradePlan& plan) {
  const int behind = proxy.minors_to(control_plane);
  if (behind < 0) return Skew::DataPlaneAhead;
  if (behind > 1) return Skew::TooFarBehind;
  // An in-place upgrade moves the control plane these proxies are bound to (a canary leaves it);
  // re-injecting first helps unless the upgrade itself skips a minor release (skip-level-upgrade).
  if (plan.to && plan.method == UpgradeMethod::InPlace && proxy.minors_to(*plan.to) > 1 &&
      control_plane.minors_to(*plan.to) <= 1)
    return Skew::OutOfSkewAfterUpgrade;
  const bool differs =
      proxy.patch && control_plane.patch ? !(proxy == control_plane) : !proxy.same_minor(control_plane);
  return differs ? Skew::Stale : Skew::None;
}

// How the workload gets its proxy, which decides whether a restart replaces it.
enum class Injected : uint8_t { Automatically, Manually, Pinned };

Injected how_injected(const PodOwner& owner) {
  if (owner.object == nullptr || owner.kind == "Pod") return Injected::Automatically;
  NodeRef pod_template = owner.kind == "CronJob" ? owner.object->spec()["jobTemplate"]["spec"]["template"]
                                                 : owner.object->spec()["template"];
  std::optional<IstioProxy> proxy = find_istio_proxy(pod_template["spec"], "spec.template.spec");
  if (!proxy || proxy->image.name.empty() || proxy->container["image"].text() == "auto") return Injected::Automatically;
  // `istioctl kube-inject` leaves its status annotation on the template it rewrote.
  if (pod_template["metadata"]["annotations"]["sidecar.istio.io/status"].valid()) return Injected::Manually;
  return Injected::Pinned;
}

struct Group {
  PodOwner owner;
  const Resource* first_pod = nullptr;
  std::string proxy_field;  // the first pod's istio-proxy image
  std::string proxy_image;
  size_t pods = 0;
  std::set<std::string> proxy_versions;
  std::string revision;
  Version control_plane;
  Skew skew = Skew::None;
};

std::string describe_skew(const Group& g, const UpgradePlan& plan) {
  const std::string pods = fmt::format("{} pod{} run{} istio-proxy {}", g.pods, g.pods == 1 ? "" : "s",
                                       g.pods == 1 ? "s" : "", fmt::join(g.proxy_versions, ", "));
  const std::string plane = fmt::format("the control plane {} bound to (revision {}, {})",
                                        g.pods == 1 ? "it is" : "they are", g.revision, g.control_plane.str());
  switch (g.skew) {
    case Skew::DataPlaneAhead:
      return fmt::format("{}: {}, ahead of {}: the data plane may never be ahead of its control plane",
                         g.owner.display(), pods, plane);
    case Skew::TooFarBehind:
      return fmt::format(
          "{}: {}, more than one minor release behind {}: outside the supported skew (the control "
          "plane may be one minor release ahead of the data plane)",
          g.owner.display(), pods, plane);
    case Skew::OutOfSkewAfterUpgrade:
      return fmt::format(
          "{}: {}; upgrading {} in place to {} puts it more than one minor release ahead of them, "
          "outside the supported skew: re-inject them from {} before the upgrade",
          g.owner.display(), pods, plane, plan.to->str(), g.control_plane.str());
    case Skew::Stale:
    case Skew::None:
      break;
  }
  return fmt::format(
      "{}: {}, but {} runs {}: injected proxies keep their release until their pods are re-created", g.owner.display(),
      pods, fmt::format("the control plane {} bound to (revision {})", g.pods == 1 ? "it is" : "they are", g.revision),
      g.control_plane.str());
}

void report(const UpgradePlan& plan, const Group& g, FindingSink& out) {
  std::string message = describe_skew(g, plan);
  const Injected injected = how_injected(g.owner);
  const std::string restart = restart_command(g.owner);
  Fix fix;
  bool has_fix = false;
  switch (injected) {
    case Injected::Manually:
      message += fmt::format(
          "; they were injected by hand (the pod template itself carries istio-proxy), so a restart "
          "brings back the same proxy: re-inject the original manifest with istioctl {}",
          g.control_plane.str());
      fix.title = fmt::format("re-inject {} with istioctl {} kube-inject", g.owner.display(), g.control_plane.str());
      fix.applicability = Applicability::DisplayOnly;
      fix.commands.push_back("kubectl apply -f <(istioctl kube-inject -f $ORIGINAL_DEPLOYMENT_YAML)");
      fix.manual_note = fmt::format("ORIGINAL_DEPLOYMENT_YAML is {}'s manifest before injection", g.owner.display());
      has_fix = true;
      break;
    case Injected::Pinned:
      message += fmt::format(
          "; the pod template pins {}, so a restart brings back the same proxy: change the image "
          "where the workload is defined (gateways installed by istioctl or Helm are upgraded "
          "with them)",
          g.proxy_image);
      break;
    case Injected::Automatically:
      if (restart.empty()) {
        message += "; re-create them to re-inject (nothing rolls them out)";
        break;
      }
      message += fmt::format("; restart them: {}", restart);
      fix.title = fmt::format("restart {} to re-inject its sidecars", g.owner.display());
      fix.applicability = Applicability::Unsafe;  // every pod is re-created, with another proxy release
      fix.commands.push_back(restart);
      has_fix = true;
      break;
  }
  if (g.owner.name_derived) message += " (Deployment named after its pods' ReplicaSet: the input holds neither)";
  if (g.owner.matched_by_selector) message += " (its pods name no owner: matched by the workload's selector)";

  const bool on_workload = g.owner.object != nullptr && g.owner.kind != "Pod";
  if (has_fix && on_workload && injected == Injected::Manually)
    if (std::optional<Manager> m = managing_tool(*g.owner.object))
      fix.manual_note = change_at_source_note(*m, "the injected manifest");
  ReportOptions options{.fix = has_fix ? std::optional<Fix>(std::move(fix)) : std::nullopt};
  if (on_workload)
    out.report(*g.owner.object, "metadata.name", std::move(message), std::move(options));
  else
    out.report(*g.first_pod, g.proxy_field, std::move(message), std::move(options));
}

void check(const CheckContext& ctx, FindingSink& out) {
  const Snapshot& snapshot = ctx.snapshot();
  const RevisionIndex index(snapshot, ctx.istio());
  const UpgradePlan& plan = ctx.plan();
  // --from overrides the detected version when there is one control plane to apply it to.
  const bool from_applies = plan.from && ctx.istio().control_planes.size() == 1;

  const PodOwners owners(snapshot);
  std::map<std::tuple<std::string, std::string, std::string>, Group> groups;
  bool proxies_seen = false;
  for (const Resource* pod : snapshot.of_kind("Pod")) {
    std::string_view phase = pod->root()["status"]["phase"].text();
    if (phase == "Succeeded" || phase == "Failed") continue;
    std::optional<IstioProxy> proxy = find_istio_proxy(pod->spec(), "spec");
    if (!proxy) continue;
    std::optional<Version> proxy_version = proxy->version();
    if (!proxy_version) continue;  // a digest or a moving tag: nothing to compare
    proxies_seen = true;
    std::optional<Binding> binding = index.bound_revision(*pod, snapshot.find("Namespace", "", pod->ns()));
    if (!binding) continue;
    const ControlPlane* plane = index.control_plane(binding->revision);
    if (plane == nullptr) continue;  // an unserved revision is unknown-revision's finding
    std::optional<Version> plane_version = from_applies ? plan.from : std::optional<Version>{};
    if (!plane_version)
      if (std::optional<VersionEvidence> evidence = plane->version()) plane_version = evidence->version;
    if (!plane_version) continue;
    const Skew skew = classify(*proxy_version, *plane_version, plan);
    if (skew == Skew::None) continue;

    PodOwner owner = owners.of(*pod);
    Group& g = groups[{owner.ns, owner.kind, owner.name}];
    if (g.first_pod == nullptr) {
      g.owner = owner;
      g.first_pod = pod;
      g.proxy_field = proxy->field_path + ".image";
      g.proxy_image = std::string(proxy->container["image"].text());
      g.revision = plane->revision;
      g.control_plane = *plane_version;
    }
    ++g.pods;
    g.proxy_versions.insert(proxy_version->str());
    g.skew = std::max(g.skew, skew);
  }
  for (const auto& [key, g] : groups) report(plan, g, out);
  if (proxies_seen && ctx.istio().empty())
    out.missing_kind("Deployment", "kubectl get deployments -n istio-system -o yaml");
}

}  // namespace

constinit const Rule stale_sidecar{
    .info =
        {
            .code = "REV004",
            .name = "stale-sidecar",
            .severity = Severity::Warning,
            .title = "Injected proxies run another release than their control plane",
            .rationale =
                "A sidecar is injected once, when its pod is created, with the proxy release of the control plane "
                "that injected it; upgrading the control plane does not touch running pods: \"After the control plane "
                "upgrade, the applications already running Istio will still be using an older sidecar. To upgrade "
                "the sidecar, you will need to re-inject it\" (istio.io, Upgrade Steps, 1.2), by a rolling restart "
                "for automatic injection and with `istioctl kube-inject` for manual injection. Until then the proxies "
                "lag their control plane, and the supported skew is narrow: \"The Istio control plane can be one "
                "version ahead of the data plane. However, the data plane cannot be ahead of control plane\" "
                "(istio.io, Supported Releases, Control Plane/Data Plane Skew). The rule compares each injected "
                "pod's istio-proxy image tag (a container, or from 1.27 by default a native-sidecar init container) "
                "with the version of the control plane it is bound to: the revision in its istio.io/rev annotation "
                "or sidecar.istio.io/status, else the revision its namespace and pod labels select. It flags proxies "
                "of another release, proxies outside the skew today, and with an in-place --to, proxies that the "
                "upgrade would leave more than one minor release behind. One finding per workload (pods are grouped "
                "through their ReplicaSet to the Deployment, or to their StatefulSet or DaemonSet), with the restart "
                "command; a workload whose pod template itself carries istio-proxy was injected by hand and needs "
                "re-injection instead.",
            .remediation =
                "Restart automatically injected workloads (`kubectl rollout restart deployment/NAME -n NS`) so that "
                "their pods are re-injected by their control plane; re-inject manually injected ones with the "
                "matching istioctl (`kubectl apply -f <(istioctl kube-inject -f ORIGINAL.yaml)`).",
            .fix = FixAvailability::Sometimes,
            .kinds = kKinds,
            .example_bad = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: istiod
  namespace: istio-system
  labels: {app: istiod, istio.io/rev: default}
spec:
  template:
    spec:
      containers:
      - name: discovery
        image: docker.io/istio/pilot:1.20.3
---
apiVersion: v1
kind: Pod
metadata:
  name: cart-7d4b9c-x2x8q
  namespace: shop
  annotations:
    istio.io/rev: default
spec:
  containers:
  - name: cart
    image: shop/cart:2.4
  - name: istio-proxy
    image: docker.io/istio/proxyv2:1.19.5
)",
            .example_good = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: istiod
  namespace: istio-system
  labels: {app: istiod, istio.io/rev: default}
spec:
  template:
    spec:
      containers:
      - name: discovery
        image: docker.io/istio/pilot:1.20.3
---
apiVersion: v1
kind: Pod
metadata:
  name: cart-7d4b9c-x2x8q
  namespace: shop
  annotations:
    istio.io/rev: default
spec:
  containers:
  - name: cart
    image: shop/cart:2.4
  - name: istio-proxy
    image: docker.io/istio/proxyv2:1.20.3
)",
        },
    .check = check,
};

}  // namespace upcheck::rules
