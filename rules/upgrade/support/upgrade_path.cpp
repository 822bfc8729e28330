#include "rules/upgrade/support/upgrade_path.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "istio/istio_releases.hpp"

namespace upcheck::rules {

int supported_jump(UpgradeMethod method, const Version& target) {
  if (method == UpgradeMethod::InPlace) return 1;
  Version minor = target.minor_only();
  if (minor < kFirstRevisionedRelease) return 0;
  return minor < kFirstTwoMinorCanary ? 1 : 2;
}

std::vector<Version> minor_releases(const Version& from, const Version& to) {
  Version low = std::min(from.minor_only(), to.minor_only());
  Version high = std::max(from.minor_only(), to.minor_only());
  std::vector<Version> out;
  for (const IstioRelease& r : istio_releases())
    if (r.version() >= low && r.version() <= high) out.push_back(r.version());
  if (from.minor_only() > to.minor_only()) std::reverse(out.begin(), out.end());
  return out;
}

std::vector<Hop> supported_path(const Version& from, const Version& to, UpgradeMethod method) {
  std::vector<Version> releases = minor_releases(from, to);
  std::vector<Hop> hops;
  const bool downgrade = from.minor_only() > to.minor_only();
  size_t at = 0;
  while (at + 1 < releases.size()) {
    size_t next = at + 1;
    bool in_place = false;
    if (!downgrade) {
      // The furthest release the method reaches in one supported hop from here.
      for (size_t candidate = releases.size() - 1; candidate > at; --candidate) {
        int jump = supported_jump(method, releases[candidate]);
        if (jump > 0 && static_cast<int>(candidate - at) <= jump) {
          next = candidate;
          break;
        }
      }
      in_place = supported_jump(method, releases[next]) == 0;
    }
    hops.push_back({releases[at], releases[next], in_place});
    at = next;
  }
  return hops;
}

std::string describe_path(const std::vector<Hop>& hops, UpgradeMethod method) {
  std::string out;
  for (size_t i = 0; i < hops.size(); ++i) {
    const Hop& h = hops[i];
    out += fmt::format("{}{} → {}{}", i == 0 ? "" : (i + 1 == hops.size() ? ", then " : ", "), h.from.str(), h.to.str(),
                       h.in_place && method == UpgradeMethod::Canary ? " (in place)" : "");
    if (i == 0 && hops.size() > 1) out += " first";
  }
  return out;
}

}  // namespace upcheck::rules
