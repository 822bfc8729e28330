#include <fmt/format.h>

#include "istio/ownership.hpp"
#include "model/tree_json.hpp"
#include "rules/all_rules.hpp"
#include "rules/availability/support/disruption.hpp"
#include "rules/common/cluster_kubernetes.hpp"

namespace upcheck::rules {
namespace {

constexpr std::string_view kKinds[] = {"Deployment", "StatefulSet", "PodDisruptionBudget", "HorizontalPodAutoscaler",
                                       "ConfigMap"};

// A budget protects the workload when it keeps at least one of its pods running.
bool protects(const Snapshot& snapshot, const Resource& pdb) {
  std::optional<DisruptionBudget> budget = evaluate_pdb(snapshot, pdb);
  return budget && budget->desired_healthy >= 1;
}

// The PodDisruptionBudget the seed asks for: "a minimum availability of 1". policy/v1 unless the
// input's budgets are all policy/v1beta1, or the installed Istio implies a Kubernetes older than
// 1.21 (`serves_policy_v1`): a cluster older than Kubernetes 1.21 has no policy/v1.
nlohmann::json budget_for(const Snapshot& snapshot, const Resource& workload, bool serves_policy_v1) {
  bool only_beta = snapshot.has_kind("PodDisruptionBudget") || !serves_policy_v1;
  for (const Resource* pdb : snapshot.of_kind("PodDisruptionBudget"))
    if (pdb->api_version() != "policy/v1beta1" && serves_policy_v1) only_beta = false;
  nlohmann::json match_labels = to_json(workload.spec()["selector"]["matchLabels"]);
  if (!match_labels.is_object() || match_labels.empty()) {
    match_labels = to_json(workload.spec()["template"]["metadata"]["labels"]);
    if (match_labels.is_object()) match_labels.erase("pod-template-hash");
  }
  std::string name(workload.name());
  if (snapshot.find("PodDisruptionBudget", workload.ns(), name) != nullptr) name += "-upcheck";
  return {{"apiVersion", only_beta ? "policy/v1beta1" : "policy/v1"},
          {"kind", "PodDisruptionBudget"},
          {"metadata", {{"name", name}, {"namespace", workload.ns()}}},
          {"spec", {{"minAvailable", 1}, {"selector", {{"matchLabels", match_labels}}}}}};
}

void check(const CheckContext& ctx, FindingSink& out) {
  const Snapshot& snapshot = ctx.snapshot();
  std::vector<ControlPlaneWorkload> workloads = control_plane_workloads(snapshot);
  const std::optional<ClusterKubernetes> cluster = cluster_kubernetes(ctx);
  const bool serves_policy_v1 = !cluster || !(cluster->newest.minor_only() < Version{1, 21, std::nullopt, {}});
  bool reported = false;
  for (const ControlPlaneWorkload& cp : workloads) {
    // Citadel must run one replica (multiple instances race); a budget on it blocks every drain.
    if (cp.component == IstioComponent::Citadel) continue;
    const Resource& workload = *cp.workload;
    std::vector<const Resource*> budgets = pdbs_selecting(snapshot, workload);
    if (std::any_of(budgets.begin(), budgets.end(), [&](const Resource* p) { return protects(snapshot, *p); }))
      continue;
    int64_t replicas = effective_replicas(snapshot, workload);
    Fix fix;
    fix.title = "add a PodDisruptionBudget with minAvailable: 1";
    fix.apply.push_back(budget_for(snapshot, workload, serves_policy_v1));
    if (replicas < 2) {
      fix.applicability = Applicability::Unsafe;
      fix.manual_note = fmt::format(
          "with {} replica this budget blocks every node drain: scale it to 2 first (single-replica-control-plane)",
          replicas);
    }
    if (std::optional<Manager> m = managing_tool(workload)) {
      fix.applicability = Applicability::DisplayOnly;
      fix.manual_note = change_at_source_note(*m, "the PodDisruptionBudget settings");
    }
    out.report(workload, "metadata.name",
               fmt::format("{} ({}) has no PodDisruptionBudget that keeps a pod running: a node drain "
                           "during the upgrade can evict {} at once",
                           workload.display_name(), component_name(cp.component),
                           replicas == 1 ? std::string("its only pod") : fmt::format("all {} of its pods", replicas)),
               {.fix = std::move(fix)});
    reported = true;
  }
  if (reported && !snapshot.covers_kind("PodDisruptionBudget"))
    out.missing_kind("PodDisruptionBudget", "kubectl get pdb -A -o yaml");
}

}  // namespace

constinit const Rule missing_pod_disruption_budget{
    .info =
        {
            .code = "AVL001",
            .name = "missing-pod-disruption-budget",
            .severity = Severity::Warning,
            .title = "Istio control-plane Deployment has no PodDisruptionBudget",
            .rationale =
                "Upgrades drain nodes. Without a PodDisruptionBudget a drain may evict every pod of pilot, galley, "
                "the injector or a gateway at once, and traffic or injection stops until they reschedule. The "
                "upgrade guides warn: \"To minimize the disruption, ensure that at least two replicas of each "
                "component (except Citadel) are running. Also, ensure that PodDisruptionBudgets are configured with "
                "a minimum availability of 1\" (istio.io, Upgrade Istio using istioctl, 1.4; Upgrade Istio, 1.7). "
                "Citadel is exempt: it must run one replica, and a budget on it blocks every drain. Selectors are "
                "matched as Kubernetes does: in policy/v1 an empty selector selects every pod in the namespace, in "
                "policy/v1beta1 none; a budget that keeps no pod running (minAvailable: 0) does not count.",
            .remediation =
                "Add a PodDisruptionBudget with minAvailable: 1 over the Deployment's pods, and run at least 2 "
                "replicas so that the budget still lets a drain proceed.",
            .fix = FixAvailability::Always,
            .kinds = kKinds,
            .example_bad = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: istio-pilot
  namespace: istio-system
spec:
  replicas: 2
  selector:
    matchLabels: {istio: pilot}
  template:
    metadata:
      labels: {istio: pilot}
    spec:
      containers:
      - name: discovery
        image: docker.io/istio/pilot:1.1.7
)",
            .example_good = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: istio-pilot
  namespace: istio-system
spec:
  replicas: 2
  selector:
    matchLabels: {istio: pilot}
  template:
    metadata:
      labels: {istio: pilot}
    spec:
      containers:
      - name: discovery
        image: docker.io/istio/pilot:1.1.7
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: istio-pilot
  namespace: istio-system
spec:
  minAvailable: 1
  selector:
    matchLabels: {istio: pilot}
)",
        },
    .check = check,
};

}  // namespace upcheck::rules
