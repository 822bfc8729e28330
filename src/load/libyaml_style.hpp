// How a libyaml scalar event was written, in the tree's terms. Shared by every place that turns
// libyaml events into trees (the chunk parser, and parse_yaml_text for YAML embedded in a string).
#pragma once

#include <yaml.h>

#include <string_view>

#include "model/tree.hpp"

namespace upcheck::load {

// Quoted and block scalars are strings; an explicit `!!str` tag makes a plain one a string too.
inline ScalarStyle libyaml_scalar_style(const yaml_event_t& ev) {
  if (ev.data.scalar.tag != nullptr &&
      std::string_view(reinterpret_cast<const char*>(ev.data.scalar.tag)) == "tag:yaml.org,2002:str")
    return ScalarStyle::Quoted;
  switch (ev.data.scalar.style) {
    case YAML_SINGLE_QUOTED_SCALAR_STYLE:
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
      return ScalarStyle::Quoted;
    case YAML_LITERAL_SCALAR_STYLE:
    case YAML_FOLDED_SCALAR_STYLE:
      return ScalarStyle::Block;
    default:
      return ScalarStyle::Plain;
  }
}

}  // namespace upcheck::load
