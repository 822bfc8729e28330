// The registry: every rule, explicitly, sorted by code. Adding a rule adds one line here, one in
// all_rules.cpp and one in rules/meson.build's `rules` list; scripts/new-rule.sh writes all three
// (docs/adding-a-rule.md).
#pragma once

#include <span>

#include "engine/rule.hpp"

namespace upcheck::rules {

extern const Rule deprecated_api_version;          // API001
extern const Rule missing_pod_disruption_budget;   // AVL001
extern const Rule single_replica_control_plane;    // AVL002
extern const Rule blocking_pod_disruption_budget;  // AVL003
extern const Rule multiple_citadel_replicas;       // AVL004
extern const Rule helm_crds_not_upgraded;          // HELM001
extern const Rule deprecated_rbac_config;          // MESH001
extern const Rule per_service_mtls_annotation;     // MESH002
extern const Rule mtls_excluded_services;          // MESH003
extern const Rule injection_label_conflict;        // REV001
extern const Rule unknown_revision;                // REV002
extern const Rule invalid_revision_name;           // REV003
extern const Rule stale_sidecar;                   // REV004
extern const Rule revision_still_in_use;           // REV005
extern const Rule gateway_revision;                // REV006
extern const Rule injection_continuity;            // REV007
extern const Rule skip_level_upgrade;              // UPG001

}  // namespace upcheck::rules

namespace upcheck {

// Every rule, sorted by code.
std::span<const Rule* const> all_rules();
// A rule by code (any case) or name; nullptr when none.
const Rule* find_rule(std::string_view code_or_name);

}  // namespace upcheck
