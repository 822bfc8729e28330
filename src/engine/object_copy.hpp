// Copies of live objects for migrations. A dump holds what the API server added to an object
// (status, uid, resourceVersion, field managers...); applying a copy that still carries them fails
// (a stale resourceVersion is a conflict) or lies (a status the new object never had).
#pragma once

#include <nlohmann/json.hpp>

#include <string_view>

namespace upcheck {

// The object as it would be written by hand: without `status` and without the metadata the API
// server owns (resourceVersion, uid, managedFields, creationTimestamp, generation, selfLink,
// deletionTimestamp, deletionGracePeriodSeconds), and without kubectl's last-applied-configuration
// annotation (it describes the old object). Empty `annotations` left behind are dropped.
// Idempotent; anything not an object is returned as is.
nlohmann::json copy_for_apply(nlohmann::json object);

// The annotation `kubectl apply` records the applied object in.
inline constexpr std::string_view kLastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

}  // namespace upcheck
