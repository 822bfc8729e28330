// Kubernetes' disruption arithmetic for the availability rules: replicas, autoscalers and
// PodDisruptionBudgets, as the disruption controller computes them.
#pragma once

#include <optional>
#include <vector>

#include "istio/istio_components.hpp"
#include "model/snapshot.hpp"

namespace upcheck::rules {

// A control-plane workload the availability rules look at.
struct ControlPlaneWorkload {
  const Resource* workload = nullptr;
  IstioComponent component;
};
// Deployments running an Istio component that serves traffic (everything but the operator).
std::vector<ControlPlaneWorkload> control_plane_workloads(const Snapshot& snapshot);

// spec.replicas; unset means 1.
int64_t declared_replicas(const Resource& workload);
// A HorizontalPodAutoscaler whose scaleTargetRef names the workload.
const Resource* autoscaler_for(const Snapshot& snapshot, const Resource& workload);
// spec.minReplicas; unset means 1.
int64_t autoscaler_min_replicas(const Resource& hpa);
// What the workload runs at the least: its replicas, raised to its autoscaler's minimum.
int64_t effective_replicas(const Snapshot& snapshot, const Resource& workload);

// Whether the PDB selects the workload's pods: same namespace, and Kubernetes' selector
// semantics for the PDB's API version (an empty selector selects every pod in policy/v1, none in
// policy/v1beta1).
bool pdb_selects(const Resource& pdb, const Resource& workload);
std::vector<const Resource*> pdbs_selecting(const Snapshot& snapshot, const Resource& workload);

struct DisruptionBudget {
  int64_t expected_pods = 0;  // pods of every workload the PDB selects
  int64_t desired_healthy = 0;
  int64_t allowed_disruptions() const { return expected_pods - desired_healthy; }
};
// The disruption controller's arithmetic with every pod healthy: minAvailable (an integer or a
// percentage, rounded up), or expected pods minus maxUnavailable (rounded up). Nothing when the
// PDB sets neither or a value is malformed.
std::optional<DisruptionBudget> evaluate_pdb(const Snapshot& snapshot, const Resource& pdb);

// "25%" -> 25; nothing for anything else.
std::optional<int64_t> parse_percent(std::string_view text);

}  // namespace upcheck::rules
