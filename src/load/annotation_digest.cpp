#include "load/annotation_digest.hpp"

namespace upcheck::load {

std::string_view json_top_level_string(std::string_view json, std::string_view key) {
  size_t i = 0;
  auto skip_ws = [&] {
    while (i < json.size() && (json[i] == ' ' || json[i] == '\n' || json[i] == '\r' || json[i] == '\t')) ++i;
  };
  // Returns the raw text between quotes (escapes left as they are) and moves past it.
  auto read_string = [&](std::string_view& out) {
    if (i >= json.size() || json[i] != '"') return false;
    size_t start = ++i;
    while (i < json.size() && json[i] != '"') i += json[i] == '\\' ? 2 : 1;
    if (i >= json.size()) return false;
    out = json.substr(start, i - start);
    ++i;
    return true;
  };
  auto skip_value = [&] {
    int depth = 0;
    do {
      if (i >= json.size()) return;
      char c = json[i];
      if (c == '"') {
        std::string_view ignored;
        if (!read_string(ignored)) return;
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      if (c == '}' || c == ']') --depth;
      if (depth < 0) return;
      ++i;
      if (depth == 0 && (c == '}' || c == ']')) return;
      if (depth == 0 && c == ',') {
        --i;
        return;
      }
    } while (depth > 0 || (i < json.size() && json[i] != ',' && json[i] != '}'));
  };
  skip_ws();
  if (i >= json.size() || json[i] != '{') return {};
  ++i;
  while (i < json.size()) {
    skip_ws();
    std::string_view name;
    if (!read_string(name)) return {};
    skip_ws();
    if (i >= json.size() || json[i] != ':') return {};
    ++i;
    skip_ws();
    if (name == key) {
      std::string_view value;
      if (read_string(value) && value.find('\\') == std::string_view::npos) return value;
      return {};
    }
    skip_value();
    skip_ws();
    if (i < json.size() && json[i] == ',') {
      ++i;
      continue;
    }
    return {};
  }
  return {};
}

}  // namespace upcheck::load
