// YAML held in a string field (the mesh config in ConfigMap `istio`'s `data.mesh`), parsed into a
// Tree the way the loader reads files: libyaml, the same scalar styles and nulls. Rules use it
// instead of a parser of their own.
#pragma once

#include <optional>
#include <string_view>

#include "model/tree.hpp"

namespace upcheck::load {

// The first document of `text`, with marks relative to the text (line 1 is its first line). Nothing
// when the text is not YAML; an empty text gives an empty (invalid-root) tree. Anchors are not
// resolved: an alias reads as null.
std::optional<Tree> parse_yaml_text(std::string_view text);

}  // namespace upcheck::load
