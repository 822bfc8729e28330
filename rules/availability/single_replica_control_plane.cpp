#include <fmt/format.h>

#include "istio/ownership.hpp"
#include "rules/all_rules.hpp"
#include "rules/availability/support/disruption.hpp"

namespace upcheck::rules {
namespace {

constexpr std::string_view kKinds[] = {"Deployment", "HorizontalPodAutoscaler"};
constexpr RuleOption kOptions[] = {
    {"min-replicas", "2", "Fewest replicas a control-plane component may run to survive a node drain.",
     RuleOptionType::Integer},
};

void check(const CheckContext& ctx, FindingSink& out) {
  const Snapshot& snapshot = ctx.snapshot();
  const int64_t minimum = std::max(1, ctx.option_int("min-replicas"));
  bool reported = false;
  for (const ControlPlaneWorkload& cp : control_plane_workloads(snapshot)) {
    if (cp.component == IstioComponent::Citadel) continue;  // must run one (multiple-citadel-replicas)
    const Resource& workload = *cp.workload;
    // With an autoscaler its minimum is the floor, whatever spec.replicas says now.
    const Resource* hpa = autoscaler_for(snapshot, workload);
    const int64_t replicas = declared_replicas(workload);
    if ((hpa != nullptr ? autoscaler_min_replicas(*hpa) : replicas) >= minimum) continue;

    std::string message;
    Fix fix;
    fix.title = fmt::format("run at least {} replicas", minimum);
    if (hpa != nullptr) {
      // The autoscaler owns the replica count: raising spec.replicas alone would be scaled back.
      message = fmt::format(
          "{} ({}) may scale down to {} replica{} (HorizontalPodAutoscaler {} minReplicas): a "
          "node drain during the upgrade leaves it with no pod while it reschedules",
          workload.display_name(), component_name(cp.component), autoscaler_min_replicas(*hpa),
          autoscaler_min_replicas(*hpa) == 1 ? "" : "s", hpa->name());
      fix.patches.push_back({hpa->ref(), {{"spec", {{"minReplicas", minimum}}}}});
    } else {
      message = fmt::format(
          "{} ({}) runs {} replica{}{}: a node drain during the upgrade leaves it with no pod "
          "while it reschedules",
          workload.display_name(), component_name(cp.component), replicas, replicas == 1 ? "" : "s",
          workload.spec()["replicas"].valid() ? "" : " (spec.replicas is unset)");
      fix.patches.push_back({workload.ref(), {{"spec", {{"replicas", minimum}}}}});
    }
    if (std::optional<Manager> m = managing_tool(hpa != nullptr ? *hpa : workload)) {
      fix.applicability = Applicability::DisplayOnly;
      fix.manual_note = change_at_source_note(*m, fmt::format("the {} replica count", component_name(cp.component)));
    }
    out.report(workload, hpa != nullptr ? "metadata.name" : "spec.replicas", std::move(message),
               {.fix = std::move(fix)});
    reported = true;
  }
  if (reported && !snapshot.covers_kind("HorizontalPodAutoscaler"))
    out.missing_kind("HorizontalPodAutoscaler", "kubectl get hpa -A -o yaml");
}

}  // namespace

constinit const Rule single_replica_control_plane{
    .info =
        {
            .code = "AVL002",
            .name = "single-replica-control-plane",
            .severity = Severity::Warning,
            .title = "Istio control-plane component runs a single replica",
            .rationale =
                "An upgrade restarts every control-plane pod and drains nodes; a component with one replica is "
                "down while its only pod moves, and with it config distribution (pilot), validation (galley), "
                "injection of new pods (sidecar-injector) or ingress traffic (gateways). The upgrade guides: "
                "\"ensure that at least two replicas of each component (except Citadel) are running\" (istio.io, "
                "Upgrade Istio using istioctl, 1.4) and \"please ensure your Istio control plane components and "
                "your applications are highly available with multiple replicas\" (Upgrade Steps, 1.2). An unset "
                "spec.replicas means 1. A HorizontalPodAutoscaler with minReplicas of at least 2 satisfies it; one "
                "with a lower minimum does not, whatever spec.replicas says, because the autoscaler owns the count. "
                "Citadel is exempt: see multiple-citadel-replicas.",
            .remediation = "Run at least 2 replicas (spec.replicas, or the autoscaler's minReplicas) of every "
                           "control-plane component but Citadel.",
            .fix = FixAvailability::Always,
            .kinds = kKinds,
            .options = kOptions,
            .example_bad = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: istio-galley
  namespace: istio-system
spec:
  replicas: 1
  template:
    spec:
      containers:
      - name: galley
        image: docker.io/istio/galley:1.1.7
)",
            .example_good = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: istio-galley
  namespace: istio-system
spec:
  replicas: 2
  template:
    spec:
      containers:
      - name: galley
        image: docker.io/istio/galley:1.1.7
)",
        },
    .check = check,
};

}  // namespace upcheck::rules
