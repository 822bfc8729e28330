// What the revision rules (REV) share: the workloads whose pod templates the injector reads,
// and how messages list names.
#pragma once

#include <string>
#include <vector>

#include "model/snapshot.hpp"

namespace upcheck::rules {

// A workload and where its pod template sits.
struct TemplatedWorkload {
  const Resource* object = nullptr;
  std::string template_path;  // "spec.template", "spec.jobTemplate.spec.template"
  NodeRef template_node() const { return object->root().path(template_path); }
  NodeRef labels() const { return template_node()["metadata"]["labels"]; }
  NodeRef annotations() const { return template_node()["metadata"]["annotations"]; }
  // "spec.template.metadata.labels[\"istio.io/rev\"]"
  std::string label_path(std::string_view key) const;
};

// Opted out of injection by a `sidecar.istio.io/inject: "false"` label or annotation on its pod
// template, as istiod and istioctl's gateways are: its istio.io/rev label is never read.
bool opts_out_of_injection(const TemplatedWorkload& workload);

// Deployments, StatefulSets, DaemonSets, ReplicationControllers and CronJobs, and the ReplicaSets
// and Jobs that no controller owns: an owned one repeats its owner's template.
std::vector<TemplatedWorkload> templated_workloads(const Snapshot& snapshot);

// A namespace's istio-injection or istio.io/rev label decides injection for every pod in it; a
// pod's own istio.io/rev is read only where the namespace has neither (istio/istio#37088).
bool namespace_decides_injection(const Resource* ns);

// `metadata.labels["istio.io/rev"]`
std::string label_path(std::string_view key);

// "a, b, c and 2 more"
std::string name_list(const std::vector<std::string>& names, size_t shown = 3);

}  // namespace upcheck::rules
