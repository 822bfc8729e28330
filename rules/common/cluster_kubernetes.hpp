// The newest Kubernetes the cluster can be running, as far as the input implies it: the Istio
// release installed supports a range of Kubernetes releases (istio-releases.tsv), so an Istio 1.1
// cluster runs Kubernetes 1.13 at most. Fixes that need a newer API (policy/v1, served from
// Kubernetes 1.21) cannot be applied to it now.
#pragma once

#include <optional>
#include <string>

#include "engine/rule.hpp"

namespace upcheck::rules {

struct ClusterKubernetes {
  Version newest;   // 1.13
  std::string how;  // "Istio 1.1 (--from 1.1.7) supports Kubernetes 1.11 to 1.13"
};

// Empty when the installed release is unknown or its Kubernetes range has no upper bound.
std::optional<ClusterKubernetes> cluster_kubernetes(const CheckContext& ctx);

}  // namespace upcheck::rules
