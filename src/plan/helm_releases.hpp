// The Helm releases the input shows, so that a runbook names them as they are installed instead of
// the guide's examples (istio-base, istiod, istio-ingress). Helm 3 annotates every object it creates
// with `meta.helm.sh/release-name` and `-namespace`, the Istio charts label them
// `helm.sh/chart: <chart>-<version>`, and each release revision is a Secret
// `sh.helm.release.v1.<release>.v<N>` of type helm.sh/release.v1, whose summary (chart, version)
// the loader decodes (model/helm_release.hpp). No Secret data is read here: the loader keeps none.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/snapshot.hpp"

namespace upcheck::plan {

struct HelmRelease {
  std::string name;
  std::string ns;
  std::string chart;                   // "istiod", "base", "gateway"; empty when only a release Secret shows it
  std::string chart_version;           // "1.20.3"
  const Resource* evidence = nullptr;  // an object of the release (or its release Secret)
};

class HelmReleases {
 public:
  explicit HelmReleases(const Snapshot& snapshot);
  const std::vector<HelmRelease>& all() const { return releases_; }
  // The release an object belongs to, by its annotations (labels `release` for older charts).
  std::optional<HelmRelease> of(const Resource& object) const;
  // The first release of a chart; "base" finds the base chart's release.
  const HelmRelease* with_chart(std::string_view chart) const;
  // A release by name in a namespace.
  const HelmRelease* find(std::string_view name, std::string_view ns) const;

 private:
  std::vector<HelmRelease> releases_;  // sorted by namespace, then name
};

// `helm.sh/chart: istiod-1.20.3` -> {"istiod", "1.20.3"}.
std::pair<std::string, std::string> split_chart_label(std::string_view label);

}  // namespace upcheck::plan
