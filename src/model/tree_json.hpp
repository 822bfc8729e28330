// A kept subtree as JSON, with plain scalars typed as Kubernetes' YAML reader types them (go-yaml
// v2, YAML 1.1): integers, floats, booleans (yes/no/on/off too) and null; quoted and block
// scalars stay strings. Migrations copy objects through this.
#pragma once

#include <nlohmann/json.hpp>

#include "model/tree.hpp"

namespace upcheck {

nlohmann::json to_json(NodeRef node);

}  // namespace upcheck
