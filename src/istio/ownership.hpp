// Who manages an object: a fix applied with kubectl to an object that Helm, Argo CD, Flux or
// Istio's operator owns is reverted (or drifts) on their next sync, so such fixes say to make the
// change at the source instead.
#pragma once

#include <optional>
#include <string>

#include "model/resource.hpp"

namespace upcheck::rules {

struct Manager {
  std::string tool;    // "Helm", "Argo CD", "Flux", "the Istio operator", "istioctl"
  std::string source;  // "release istio in istio-system", "IstioOperator istio-system/default"
};

std::optional<Manager> managing_tool(const Resource& object);

// "owned by Helm (release istio in istio-system): make this change in the release's values, not with
// kubectl"; `what` says which setting ("pilot replicas").
std::string change_at_source_note(const Manager& manager, std::string_view what);

}  // namespace upcheck::rules
