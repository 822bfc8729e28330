// YAML embedded in a string field (the mesh config in ConfigMap `istio`'s `data.mesh`), parsed
// with libyaml into a positioned Tree, and its positions mapped back to the file that holds it.
#pragma once

#include <optional>
#include <string_view>

#include "model/resource.hpp"
#include "model/tree.hpp"

namespace upcheck::rules {

// The first document of `text`, with marks relative to the text (line 1 is its first line).
// Nothing when the text is not YAML; an empty text gives an empty (invalid-root) tree.
std::optional<Tree> parse_embedded_yaml(std::string_view text);

// Where a node of an embedded document sits in the file. A literal block scalar (`mesh: |`) keeps
// the embedded lines one for one below its indicator, so a node maps to its own line; any other
// scalar (quoted, as every JSON dump writes it) maps to the key that holds it.
Mark embedded_position(const Resource& object, std::string_view field_path, Mark inner);

}  // namespace upcheck::rules
