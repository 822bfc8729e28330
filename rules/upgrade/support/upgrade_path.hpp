// Istio's published upgrade policy, per release and method: how far one upgrade may jump, and the
// stepwise path when a jump is too far. skip-level-upgrade reports with it; rules that stage
// migrations per hop read the same hops.
#pragma once

#include <string>
#include <vector>

#include "engine/upgrade_plan.hpp"
#include "model/version.hpp"

namespace upcheck::rules {

// Revisions, which canary upgrades install the new control plane as, arrived in Istio 1.6.
inline const Version kFirstRevisionedRelease{1, 6, std::nullopt, {}};
// From the 1.11 docs on, a canary upgrade may jump two minor versions.
inline const Version kFirstTwoMinorCanary{1, 11, std::nullopt, {}};

// The most minor versions one upgrade to `target` may cross by `method` and still be supported:
// 1 in place (every release); for a canary, 2 to 1.11 and later, 1 to 1.6-1.10, and 0 below 1.6,
// where a canary cannot be made at all.
int supported_jump(UpgradeMethod method, const Version& target);

// The minor releases from `from` to `to` (both included, either direction), from upcheck's
// release table: 0.8 is followed by 1.0.
std::vector<Version> minor_releases(const Version& from, const Version& to);

struct Hop {
  Version from, to;
  bool in_place = false;  // a hop the canary method cannot make (its target predates revisions)
};

// The fewest supported hops from `from` to `to` by `method` (downgrades one minor at a time);
// hops a canary cannot make go in place.
std::vector<Hop> supported_path(const Version& from, const Version& to, UpgradeMethod method);

// "1.0 → 1.1 first, then 1.1 → 1.2"; hops a canary cannot make say "(in place)".
std::string describe_path(const std::vector<Hop>& hops, UpgradeMethod method);

}  // namespace upcheck::rules
