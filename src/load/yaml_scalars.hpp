// How YAML spells null in a plain scalar, for every place that turns parse events into trees.
#pragma once

#include <string_view>

#include "model/tree.hpp"

namespace upcheck::load {

// YAML 1.1's nulls as Kubernetes' reader takes them: empty, `~` and three spellings of `null`;
// quoted or block, they are strings.
inline bool is_null_scalar(std::string_view text, ScalarStyle style) {
  return style == ScalarStyle::Plain &&
         (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL");
}

}  // namespace upcheck::load
