#include <fmt/format.h>

#include "istio/istio_components.hpp"
#include "istio/ownership.hpp"
#include "istio/revisions.hpp"
#include "rules/all_rules.hpp"

namespace upcheck::rules {
namespace {

constexpr std::string_view kKinds[] = {"Deployment", "MutatingWebhookConfiguration", "ConfigMap"};

// The revision a gateway Deployment was installed for: its pod template's istio.io/rev, else its own.
std::string gateway_revision(const Resource& gateway) {
  std::string_view rev = gateway.spec()["template"]["metadata"]["labels"]["istio.io/rev"].text();
  if (rev.empty()) rev = gateway.label("istio.io/rev").value_or("");
  return rev.empty() ? "default" : std::string(rev);
}

void check(const CheckContext& ctx, FindingSink& out) {
  const UpgradePlan& plan = ctx.plan();
  if (plan.method != UpgradeMethod::Canary || plan.revision.empty()) return;
  const RevisionIndex index(ctx.snapshot(), ctx.istio());
  for (const Resource* gateway : ctx.snapshot().of_kind("Deployment")) {
    std::optional<IstioComponent> component = istio_component(*gateway);
    if (component != IstioComponent::IngressGateway && component != IstioComponent::EgressGateway) continue;
    std::optional<IstioProxy> proxy = find_istio_proxy(gateway->spec()["template"]["spec"], "spec.template.spec");
    // `image: auto` is filled in by injection, which follows revision labels like any workload's
    // (the istio/gateway chart, the injected gateway templates): a canary install leaves it alone.
    if (!proxy || proxy->image.name != "proxyv2") continue;
    // Only istioctl (and the operator) render gateways as part of a control-plane install; Helm's
    // gateway charts are releases of their own.
    std::optional<Manager> manager = managing_tool(*gateway);
    if (!manager || (manager->tool != "istioctl" && manager->tool != "the Istio operator")) continue;
    const std::string revision = gateway_revision(*gateway);
    if (revision == plan.revision) continue;

    std::string installed = proxy->version() ? fmt::format("proxyv2 {}, ", proxy->version()->str()) : std::string{};
    std::string old_release = "the old release's";
    if (const ControlPlane* plane = index.control_plane(revision))
      if (std::optional<VersionEvidence> v = plane->version()) old_release = fmt::format("{}", v->version.str());
    out.report(*gateway, proxy->field_path + ".image",
               fmt::format("{} ({}, {}revision {}) is not revision-specific: installing revision {} with {} upgrades "
                           "it in place{} and connects it to istiod-{}, so all of its traffic moves to the canary at "
                           "once; uninstalling {} to roll back does not revert it: reinstall the gateway with istioctl "
                           "{} and wait until it is ready before the uninstall",
                           gateway->display_name(), component_name(*component), installed, revision, plan.revision,
                           manager->tool, plan.to ? fmt::format(" to {}", plan.to->str()) : std::string{},
                           plan.revision, plan.revision, old_release));
  }
}

}  // namespace

constinit const Rule gateway_revision{
    .info =
        {
            .code = "REV006",
            .name = "gateway-revision",
            .severity = Severity::Warning,
            .title = "Canary install upgrades an istioctl-managed gateway in place",
            .rationale =
                "A canary upgrade runs the new control plane beside the old one and moves workloads namespace by "
                "namespace, but not the gateways that istioctl installs with the control plane: \"Unlike istiod, "
                "Istio gateways do not run revision-specific instances, but are instead in-place upgraded to use the "
                "new control plane revision\" (istio.io, Canary Upgrades, 1.6 to today). istioctl renders them with "
                "the proxyv2 image and the revision baked into the Deployment (istio/istio "
                "manifests/charts/gateways/istio-ingress/templates/deployment.yaml), so `istioctl install --revision "
                "NEW` replaces the running gateway and all ingress traffic reaches the canary at once. The way back "
                "is not symmetrical: \"you must first reinstall the gateway(s) for the previous revision manually, "
                "because the uninstall command will not automatically revert the previously in-place upgraded ones\" "
                "and \"make sure the old gateways are up and running before proceeding with the canary uninstall\" "
                "(same page). Gateways deployed by the istio/gateway Helm chart or with an injection template "
                "(`image: auto`) are injected like any workload, per their revision labels, and get a canary of "
                "their own (`helm install istio-ingress-canary istio/gateway --set revision=canary`, istio.io, "
                "Upgrade with Helm): the rule leaves them alone, as it leaves gateways already on the new revision. "
                "Needs --method canary and --revision.",
            .remediation =
                "Plan the rollback before installing the canary: keep the istioctl and configuration of the current "
                "release to reinstall these gateways, or move them to the istio/gateway chart (or gateway injection) "
                "so that each revision gets its own gateway and traffic moves when you choose.",
            .fix = FixAvailability::None,
            .kinds = kKinds,
            .example_bad = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: istio-ingressgateway
  namespace: istio-system
  labels:
    app: istio-ingressgateway
    istio: ingressgateway
    istio.io/rev: 1-20-3
    operator.istio.io/component: IngressGateways
spec:
  template:
    metadata:
      labels: {app: istio-ingressgateway, istio: ingressgateway, istio.io/rev: 1-20-3}
    spec:
      containers:
      - name: istio-proxy
        image: docker.io/istio/proxyv2:1.20.3
)",
            .example_good = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: istio-ingress
  namespace: istio-ingress
  labels: {app: istio-ingress, istio: ingress}
spec:
  template:
    metadata:
      annotations: {inject.istio.io/templates: gateway}
      labels: {app: istio-ingress, istio: ingress, sidecar.istio.io/inject: "true", istio.io/rev: 1-20-3}
    spec:
      containers:
      - name: istio-proxy
        image: auto
)",
            .example_args = "--to 1.21 --method canary --revision 1-21-0",
        },
    .check = check,
};

}  // namespace upcheck::rules
