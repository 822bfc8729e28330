#include "rules/common/cluster_kubernetes.hpp"

#include <fmt/format.h>

#include "istio/istio_releases.hpp"
#include "rules/mesh/support/mtls_migration.hpp"

namespace upcheck::rules {

std::optional<ClusterKubernetes> cluster_kubernetes(const CheckContext& ctx) {
  const InstalledRelease installed = installed_release(ctx);
  if (!installed.version) return std::nullopt;
  const IstioRelease* release = find_istio_release(*installed.version);
  if (release == nullptr || release->kubernetes.empty()) return std::nullopt;
  std::optional<Version> oldest, newest;
  std::string_view list = release->kubernetes;
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::optional<Version> v = Version::parse(list.substr(0, comma));
    if (!v) return std::nullopt;  // not a plain list of releases: no upper bound to go by
    if (!oldest || *v < *oldest) oldest = v;
    if (!newest || *newest < *v) newest = v;
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
  }
  return ClusterKubernetes{*newest, fmt::format("Istio {}.{} ({}) supports Kubernetes {} to {}", release->major,
                                                release->minor, installed.how, oldest->str(), newest->str())};
}

}  // namespace upcheck::rules
