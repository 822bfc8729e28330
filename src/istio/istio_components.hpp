// Which Istio component a workload is: control plane (by image, across every era), gateway (by
// label), or none.
#pragma once

#include <optional>
#include <string_view>

#include "model/resource.hpp"

namespace upcheck {

enum class IstioComponent : uint8_t {
  Pilot,  // pilot (0.x-1.4) or istiod (1.5+): both run the `pilot` image
  Galley,
  Mixer,  // istio-policy and istio-telemetry
  Citadel,
  SidecarInjector,
  IngressGateway,
  EgressGateway,
  Operator,  // the in-cluster operator (1.5-1.23)
};
std::string_view component_name(IstioComponent c);

// The component a Deployment (or any pod-template workload) runs, if any.
std::optional<IstioComponent> istio_component(const Resource& workload);

// Control-plane components whose outage disrupts traffic during an upgrade: everything but the
// operator (which reconciles, it serves nothing).
bool serves_traffic(IstioComponent c);

}  // namespace upcheck
