// YAML embedded in a string field (the mesh config in ConfigMap `istio`'s `data.mesh`): where its
// nodes sit in the file that holds it. load/yaml_text.hpp parses it.
#pragma once

#include <string_view>

#include "model/resource.hpp"
#include "model/tree.hpp"

namespace upcheck::rules {

// Where a node of an embedded document sits in the file. A literal block scalar (`mesh: |`) keeps
// the embedded lines one for one below its indicator, so a node maps to its own line; any other
// scalar (quoted, as every JSON dump writes it) maps to the key that holds it.
Mark embedded_position(const Resource& object, std::string_view field_path, Mark inner);

}  // namespace upcheck::rules
