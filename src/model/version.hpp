// Istio and Kubernetes release versions: `1.2`, `1.2.5`, `v1.2.5`, `1.20.0-beta.1`.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace upcheck {

struct Version {
  int major = 0;
  int minor = 0;
  std::optional<int> patch;  // absent for "1.2" (any patch of the minor)
  std::string prerelease;    // "beta.1" for "1.20.0-beta.1"

  // Accepts an optional leading 'v', two or three numeric parts and an optional pre-release or
  // build suffix. Returns nothing for anything else ("latest", "release-1.1-latest-daily").
  static std::optional<Version> parse(std::string_view text);

  Version minor_only() const { return {major, minor, std::nullopt, {}}; }
  bool same_minor(const Version& o) const { return major == o.major && minor == o.minor; }
  // Minor releases from this to `to` (negative for a downgrade): 1.1 -> 1.3 is 2. Istio's
  // 0.x -> 1.0 counts as one step from 0.8.
  int minors_to(const Version& to) const;
  // "1.2.5", "1.2" or "1.20.0-beta.1".
  std::string str() const;
  // "1-2-5": the revision-name form the canary guide recommends.
  std::string revision_name() const;

  // Orders by major, minor, then patch (an absent patch sorts before 0), then pre-release
  // (a pre-release sorts before its release).
  friend std::strong_ordering operator<=>(const Version& a, const Version& b);
  friend bool operator==(const Version& a, const Version& b) { return (a <=> b) == 0; }
};

}  // namespace upcheck
