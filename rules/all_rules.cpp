#include "rules/all_rules.hpp"

#include <algorithm>
#include <cctype>

namespace upcheck {
namespace {

constexpr const Rule* kRules[] = {
    &rules::deprecated_api_version,
    &rules::missing_pod_disruption_budget,
    &rules::single_replica_control_plane,
    &rules::blocking_pod_disruption_budget,
    &rules::multiple_citadel_replicas,
    &rules::helm_crds_not_upgraded,
    &rules::deprecated_rbac_config,
    &rules::per_service_mtls_annotation,
    &rules::mtls_excluded_services,
    &rules::injection_label_conflict,
    &rules::unknown_revision,
    &rules::invalid_revision_name,
    &rules::stale_sidecar,
    &rules::revision_still_in_use,
    &rules::gateway_revision,
    &rules::injection_continuity,
    &rules::skip_level_upgrade,
};

}  // namespace

std::span<const Rule* const> all_rules() { return kRules; }

const Rule* find_rule(std::string_view key) {
  for (const Rule* r : kRules) {
    if (r->info.name == key) return r;
    if (r->info.code.size() == key.size() &&
        std::equal(key.begin(), key.end(), r->info.code.begin(),
                   [](char a, char b) { return std::toupper(static_cast<unsigned char>(a)) == b; }))
      return r;
  }
  return nullptr;
}

}  // namespace upcheck
