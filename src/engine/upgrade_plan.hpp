// The upgrade the user is about to make: from which Istio to which, and how.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "model/version.hpp"

namespace upcheck {

enum class UpgradeMethod : uint8_t {
  InPlace,  // istioctl upgrade / helm upgrade of the running control plane: the strictest
  Canary,   // a new revision beside the old one, workloads moved namespace by namespace
};
std::string_view method_name(UpgradeMethod method);

struct UpgradePlan {
  std::optional<Version> from;  // overrides what the input shows is installed
  std::optional<Version> to;    // target Istio release; absent: version rules skip
  UpgradeMethod method = UpgradeMethod::InPlace;
  std::optional<Version> to_kubernetes;  // target Kubernetes release for API removals
  std::string revision;                  // the new control plane's revision (canary)
  std::string remove_revision;           // the revision this upgrade removes
  // Per-rule options from .upcheck.yaml: rule name -> option name -> value.
  std::map<std::string, std::map<std::string, std::string>, std::less<>> rule_options;
};

}  // namespace upcheck
