// The data plane as the input shows it: which namespaces take sidecars and through which label,
// and which workloads run injected sidecars there (what a restart re-injects).
#pragma once

#include <string>
#include <vector>

#include "istio/revisions.hpp"
#include "model/snapshot.hpp"
#include "plan/runbook.hpp"

namespace upcheck::plan {

struct MeshNamespace {
  std::string name;
  const Resource* object = nullptr;          // null: the input holds injected pods but not the Namespace
  bool injection_label = false;              // istio-injection=enabled
  std::string rev_label;                     // its istio.io/rev label, if any
  std::string revision;                      // the revision that injects its new pods today; empty: none
  std::string tag;                           // the revision tag its istio.io/rev names, when it is one
  bool selected_by_labels = false;           // its own labels choose the revision (else its pods' labels do)
  std::vector<WorkloadRef> workloads;        // Deployments, StatefulSets and DaemonSets with injected sidecars
  std::vector<std::string> not_restartable;  // "Job shop/report": injected pods a rollout cannot restart
};

struct DataPlane {
  std::vector<MeshNamespace> namespaces;  // by name
  // The input holds no Pods, so workloads come from their pod templates (those injection would cover).
  bool from_templates = false;
  const MeshNamespace* find(std::string_view name) const;
};

// Namespaces whose labels select an injector, and namespaces holding injected pods. Gateways and
// the control plane are left out: their upgrade is a step of its own.
DataPlane read_data_plane(const Snapshot& snapshot, const RevisionIndex& revisions);

}  // namespace upcheck::plan
