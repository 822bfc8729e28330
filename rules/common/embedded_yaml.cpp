#include "rules/common/embedded_yaml.hpp"

namespace upcheck::rules {
Mark embedded_position(const Resource& object, std::string_view field_path, Mark inner) {
  NodeRef holder = object.root().path(field_path);
  if (holder.is_scalar() && holder.style() == ScalarStyle::Block && inner.known() && holder.mark().known()) {
    // The value's mark is its `|` indicator; the text starts on the next line, indented (in every
    // layout kubectl and Helm write) two columns past the key.
    const Mark key = object.locate(field_path);
    return Mark{holder.mark().line + inner.line, key.column + 2 + inner.column - 1};
  }
  return object.locate(field_path);
}

}  // namespace upcheck::rules
