#include "plan/helm_releases.hpp"

#include "istio/helm_release.hpp"

#include <algorithm>
#include <map>

#include "model/version.hpp"

namespace upcheck::plan {

std::pair<std::string, std::string> split_chart_label(std::string_view label) {
  // Chart names contain dashes too ("istio-discovery-1.8.0"): the version is what follows the last
  // dash that starts a version.
  for (size_t dash = label.rfind('-'); dash != std::string_view::npos && dash > 0; dash = label.rfind('-', dash - 1)) {
    if (Version::parse(label.substr(dash + 1)))
      return {std::string(label.substr(0, dash)), std::string(label.substr(dash + 1))};
  }
  return {std::string(label), {}};
}

std::optional<HelmRelease> HelmReleases::of(const Resource& object) const {
  std::string_view name = object.annotation("meta.helm.sh/release-name").value_or("");
  std::string_view ns = object.annotation("meta.helm.sh/release-namespace").value_or("");
  // Objects rendered before Helm 3.2 annotated them carry only the charts' `release` label.
  if (name.empty() && object.label("app.kubernetes.io/managed-by").value_or("") == "Helm")
    name = object.label("release").value_or("");
  if (name.empty()) return std::nullopt;
  if (ns.empty()) ns = object.ns();
  if (const HelmRelease* known = find(name, ns)) return *known;
  HelmRelease release{std::string(name), std::string(ns), {}, {}, &object};
  if (auto chart = object.label("helm.sh/chart"))
    std::tie(release.chart, release.chart_version) = split_chart_label(*chart);
  return release;
}

HelmReleases::HelmReleases(const Snapshot& snapshot) {
  std::map<std::pair<std::string, std::string>, HelmRelease> found;  // (namespace, name)
  auto add = [&found](HelmRelease release) {
    HelmRelease& known = found[{release.ns, release.name}];
    if (known.name.empty()) {
      known = std::move(release);
    } else if (known.chart.empty() && !release.chart.empty()) {
      known.chart = std::move(release.chart);
      known.chart_version = std::move(release.chart_version);
      known.evidence = release.evidence;
    }
  };
  for (const Resource& object : snapshot.all()) {
    std::string_view name = object.annotation("meta.helm.sh/release-name").value_or("");
    if (name.empty()) continue;
    std::string_view ns = object.annotation("meta.helm.sh/release-namespace").value_or(object.ns());
    HelmRelease release{std::string(name), std::string(ns), {}, {}, &object};
    if (auto chart = object.label("helm.sh/chart"))
      std::tie(release.chart, release.chart_version) = split_chart_label(*chart);
    add(std::move(release));
  }
  // Release records (decoded by the loader, or upcheck collect's stubs) know their chart too.
  for (const upcheck::HelmRelease& record : current_helm_releases(snapshot)) {
    const HelmReleaseSummary& s = record.summary;
    if (!s.name.empty()) add(HelmRelease{s.name, s.ns, s.chart, s.chart_version, record.record});
  }
  for (auto& entry : found) releases_.push_back(std::move(entry.second));
}

const HelmRelease* HelmReleases::with_chart(std::string_view chart) const {
  auto it = std::find_if(releases_.begin(), releases_.end(), [&](const HelmRelease& r) { return r.chart == chart; });
  return it == releases_.end() ? nullptr : &*it;
}

const HelmRelease* HelmReleases::find(std::string_view name, std::string_view ns) const {
  auto it = std::find_if(releases_.begin(), releases_.end(),
                         [&](const HelmRelease& r) { return r.name == name && r.ns == ns; });
  return it == releases_.end() ? nullptr : &*it;
}

}  // namespace upcheck::plan
