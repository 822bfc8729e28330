// What runs behind a Service: the pods and pod templates its selector selects, whether they run
// an Istio sidecar, and which container port a service port sends to.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/snapshot.hpp"

namespace upcheck::rules {

// A pod or a workload's pod template.
struct PodShape {
  const Resource* owner = nullptr;  // the Pod, or the Deployment/StatefulSet/... whose template it is
  NodeRef metadata;                 // labels and annotations of the pod (template)
  NodeRef spec;                     // the pod spec: containers, their ports
};

// Pods and pod templates in the Service's namespace whose labels its `spec.selector` matches. A
// Service without a selector selects nothing (its endpoints are managed by hand).
std::vector<PodShape> pods_selected_by(const Snapshot& snapshot, const Resource& service);

enum class SidecarState : uint8_t { Present, Absent, Unknown };

struct SidecarVerdict {
  SidecarState state = SidecarState::Unknown;
  std::string reason;  // "Deployment bar/foo runs istio-proxy", "no pod or pod template selected"
};

// Whether the Service's pods run an Istio sidecar: an `istio-proxy` container or the
// `sidecar.istio.io/status` annotation (injected), or injection enabled for them (namespace label
// `istio-injection=enabled` or `istio.io/rev`, or pod annotation `sidecar.istio.io/inject: "true"`;
// `"false"` opts a pod out). Unknown when the selector matches nothing in the input.
SidecarVerdict sidecar_of(const Snapshot& snapshot, const Resource& service);

// The container port a service port sends to: `targetPort` when numeric, a named `targetPort`
// through the selected pods' containers' ports, `port` when `targetPort` is absent. Nothing when
// a named port cannot be resolved from the input; `why` then says so.
std::optional<int64_t> target_port(const Snapshot& snapshot, const Resource& service, NodeRef service_port,
                                   std::string* why = nullptr);

}  // namespace upcheck::rules
