// The Istio releases upcheck knows: a target outside this table is a usage error, since no rule
// can know what it changes.
#pragma once

#include <span>
#include <string_view>

#include "model/version.hpp"

namespace upcheck {

struct IstioRelease {
  int major = 0;
  int minor = 0;
  std::string_view released;     // first release date of the minor, ISO 8601; "" if unrecorded
  std::string_view end_of_life;  // "" when not yet announced
  std::string_view kubernetes;   // supported Kubernetes minors, comma-separated
  std::string_view era;          // "mixer", "transition", "istiod", "istiod+ambient"
  Version version() const { return {major, minor, std::nullopt, {}}; }
};

std::span<const IstioRelease> istio_releases();
const IstioRelease* find_istio_release(const Version& version);
const IstioRelease& newest_istio_release();

}  // namespace upcheck
