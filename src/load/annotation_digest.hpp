// The annotations whose values the loader reads but does not keep: kubectl's
// last-applied-configuration (a whole copy of the object as last applied: a Secret's holds its
// data) and Istio's sidecar.istio.io/status (hundreds of bytes on each of thousands of pods). Of
// each, one string is read (DigestedAnnotations in model/resource.hpp); the key stays in the tree
// with an empty value. The List-item prefilter reads last-applied blocks the same way.
#pragma once

#include <string_view>

namespace upcheck::load {

inline constexpr std::string_view kLastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";
inline constexpr std::string_view kSidecarStatusAnnotation = "sidecar.istio.io/status";

// The top-level string value of `key` in a JSON object text, without parsing the rest; empty when
// absent, not a string, or written with escapes. It points into `json`.
std::string_view json_top_level_string(std::string_view json, std::string_view key);

// The apiVersion a last-applied-configuration names; empty when it names none.
inline std::string_view last_applied_api_version(std::string_view json) {
  return json_top_level_string(json, "apiVersion");
}
// The revision that injected a pod (sidecar.istio.io/status, Istio 1.11+); empty when it names none.
inline std::string_view injected_revision(std::string_view json) { return json_top_level_string(json, "revision"); }

}  // namespace upcheck::load
