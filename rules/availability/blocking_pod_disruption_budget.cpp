#include <fmt/format.h>

#include "istio/ownership.hpp"
#include "rules/all_rules.hpp"
#include "rules/availability/support/disruption.hpp"

namespace upcheck::rules {
namespace {

constexpr std::string_view kKinds[] = {"PodDisruptionBudget", "Deployment", "StatefulSet", "HorizontalPodAutoscaler"};

// The fewest pods, above `pods`, with which the budget lets one go; nothing when no count does
// (maxUnavailable 0 or 0%, minAvailable 100%): then the budget itself must change. Percentages
// round up as the disruption controller rounds them.
std::optional<int64_t> pods_that_allow_eviction(const Resource& pdb, int64_t pods) {
  NodeRef min_available = pdb.spec()["minAvailable"];
  NodeRef max_unavailable = pdb.spec()["maxUnavailable"];
  if (min_available.valid() && !min_available.is_null()) {
    if (auto n = min_available.as_int()) return *n + 1;
    std::optional<int64_t> percent = parse_percent(min_available.text());
    if (!percent || *percent >= 100) return std::nullopt;
    for (int64_t n = pods + 1; n <= pods + 100; ++n)
      if (n - (*percent * n + 99) / 100 >= 1) return n;
    return std::nullopt;
  }
  if (max_unavailable.as_int().value_or(0) > 0 || parse_percent(max_unavailable.text()).value_or(0) > 0)
    return std::max<int64_t>(pods, 1);
  return std::nullopt;
}

void check(const CheckContext& ctx, FindingSink& out) {
  const Snapshot& snapshot = ctx.snapshot();
  std::vector<ControlPlaneWorkload> workloads = control_plane_workloads(snapshot);
  for (const Resource* pdb : snapshot.of_kind("PodDisruptionBudget")) {
    std::vector<const ControlPlaneWorkload*> covered;
    for (const ControlPlaneWorkload& cp : workloads)
      if (pdb_selects(*pdb, *cp.workload)) covered.push_back(&cp);
    if (covered.empty()) continue;
    std::optional<DisruptionBudget> budget = evaluate_pdb(snapshot, *pdb);
    if (!budget || budget->expected_pods == 0 || budget->allowed_disruptions() > 0) continue;

    const bool by_min = pdb->spec()["minAvailable"].valid() && !pdb->spec()["minAvailable"].is_null();
    const std::string field = by_min ? "spec.minAvailable" : "spec.maxUnavailable";
    const ControlPlaneWorkload& first = *covered.front();
    Fix fix;
    if (first.component == IstioComponent::Citadel) {
      // Citadel must stay at one replica, so the budget itself must give way.
      fix.title = "let the budget allow one eviction (maxUnavailable: 1)";
      fix.applicability = Applicability::Unsafe;
      fix.patches.push_back({pdb->ref(), {{"spec", {{"minAvailable", nullptr}, {"maxUnavailable", 1}}}}});
      if (std::optional<Manager> m = managing_tool(*pdb)) {
        fix.applicability = Applicability::DisplayOnly;
        fix.manual_note = change_at_source_note(*m, "the budget");
      }
    } else if (std::optional<int64_t> pods = pods_that_allow_eviction(*pdb, budget->expected_pods); !pods) {
      // No replica count helps: relax the budget to the minimum availability of 1 the upgrade
      // guides ask for, which the replicas already exceed.
      fix.title = "let the budget allow evictions (minAvailable: 1), as the upgrade guides ask";
      fix.applicability = Applicability::Unsafe;
      fix.manual_note = fmt::format(
          "as written the budget blocks eviction at any replica count; this relaxes it "
          "to keep 1 of {} pods",
          budget->expected_pods);
      fix.patches.push_back({pdb->ref(), {{"spec", {{"minAvailable", 1}, {"maxUnavailable", nullptr}}}}});
      if (std::optional<Manager> m = managing_tool(*pdb)) {
        fix.applicability = Applicability::DisplayOnly;
        fix.manual_note = change_at_source_note(*m, "the budget");
      }
    } else {
      // Other workloads the budget selects keep their replicas; the first one makes up the rest.
      const int64_t needed = declared_replicas(*first.workload) + (*pods - budget->expected_pods);
      fix.title = fmt::format("run {} replicas so that one pod may be evicted", needed);
      const Resource& workload = *first.workload;
      if (const Resource* hpa = autoscaler_for(snapshot, workload))
        fix.patches.push_back({hpa->ref(), {{"spec", {{"minReplicas", needed}}}}});
      else
        fix.patches.push_back({workload.ref(), {{"spec", {{"replicas", needed}}}}});
      if (std::optional<Manager> m = managing_tool(workload)) {
        fix.applicability = Applicability::DisplayOnly;
        fix.manual_note = change_at_source_note(*m, "the replica count");
      }
    }
    out.report(
        *pdb, field,
        fmt::format("PodDisruptionBudget {} allows no eviction: {} {} while {} runs {} pod{}, so draining its node "
                    "hangs the upgrade (istio/istio#12602)",
                    pdb->name(), by_min ? "minAvailable is" : "maxUnavailable leaves",
                    by_min ? std::string(pdb->spec()["minAvailable"].text())
                           : fmt::format("{} of them required", budget->desired_healthy),
                    first.workload->display_name(), budget->expected_pods, budget->expected_pods == 1 ? "" : "s"),
        {.fix = std::move(fix)});
  }
}

}  // namespace

constinit const Rule blocking_pod_disruption_budget{
    .info =
        {
            .code = "AVL003",
            .name = "blocking-pod-disruption-budget",
            .severity = Severity::Error,
            .title = "PodDisruptionBudget over an Istio component allows no eviction",
            .rationale =
                "A budget whose minAvailable is at least the number of pods (or whose maxUnavailable is 0 or 0%, or "
                "whose minAvailable is 100%) never lets the eviction API take a pod, so `kubectl drain` retries "
                "forever and a node-by-node upgrade hangs. Istio 1.1's default install does exactly this: one "
                "replica of pilot, policy, telemetry and the gateways, each under a budget with minAvailable: 1; "
                "the maintainers' answer was to scale out before draining (istio/istio#12602, "
                "istio/installer#212). Percentages are rounded up, as the disruption controller does.",
            .remediation = "Run more replicas than the budget requires (at least 2 for minAvailable: 1), or, for "
                           "Citadel (which must run one replica), let the budget allow one eviction.",
            .fix = FixAvailability::Always,
            .kinds = kKinds,
            .example_bad = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: istio-policy
  namespace: istio-system
spec:
  replicas: 1
  template:
    metadata:
      labels: {istio: mixer, istio-mixer-type: policy}
    spec:
      containers:
      - name: mixer
        image: docker.io/istio/mixer:1.1.7
---
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata:
  name: istio-policy
  namespace: istio-system
spec:
  minAvailable: 1
  selector:
    matchLabels: {istio: mixer, istio-mixer-type: policy}
)",
            .example_good = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: istio-policy
  namespace: istio-system
spec:
  replicas: 2
  template:
    metadata:
      labels: {istio: mixer, istio-mixer-type: policy}
    spec:
      containers:
      - name: mixer
        image: docker.io/istio/mixer:1.1.7
---
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata:
  name: istio-policy
  namespace: istio-system
spec:
  minAvailable: 1
  selector:
    matchLabels: {istio: mixer, istio-mixer-type: policy}
)",
        },
    .check = check,
};

}  // namespace upcheck::rules
