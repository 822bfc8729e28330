// A kept subtree as JSON, with plain scalars typed as Kubernetes' YAML reader types them (go-yaml
// v2, YAML 1.1): integers, floats, booleans (yes/no/on/off too) and null; quoted and block
// scalars stay strings. Migrations copy objects through this. And the other way, for objects that
// arrive as JSON values rather than as text (`collect` reads kubectl's output so).
#pragma once

#include <nlohmann/json.hpp>

#include "model/tree.hpp"

namespace upcheck {

nlohmann::json to_json(NodeRef node);
// Strings become quoted scalars, numbers and booleans plain ones; no node has a position.
Tree tree_from_json(const nlohmann::json& value);

}  // namespace upcheck
