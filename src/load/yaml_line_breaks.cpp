#include "load/yaml_line_breaks.hpp"

#include <algorithm>

namespace upcheck::load {
namespace {

bool is_continuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

// The length of a libyaml-only break at `i`: a CR not followed by LF (1), NEL (2), LS or PS (3).
size_t libyaml_only_break_at(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return k < text.size() ? static_cast<unsigned char>(text[k]) : 0; };
  switch (byte(i)) {
    case '\r':
      return byte(i + 1) == '\n' ? 0 : 1;
    case 0xC2:
      return byte(i + 1) == 0x85 ? 2 : 0;
    case 0xE2:
      return byte(i + 1) == 0x80 && (byte(i + 2) == 0xA8 || byte(i + 2) == 0xA9) ? 3 : 0;
    default:
      return 0;
  }
}

}  // namespace

bool has_libyaml_only_line_breaks(std::string_view text) {
  // Three quick searches, as most dumps have none of these bytes at all.
  for (char lead : {'\r', '\xC2', '\xE2'})
    for (size_t at = text.find(lead); at != std::string_view::npos; at = text.find(lead, at + 1))
      if (libyaml_only_break_at(text, at) != 0) return true;
  return false;
}

std::vector<size_t> libyaml_only_line_breaks(std::string_view text) {
  std::vector<size_t> out;
  for (char lead : {'\r', '\xC2', '\xE2'})
    for (size_t at = text.find(lead); at != std::string_view::npos; at = text.find(lead, at + 1))
      if (libyaml_only_break_at(text, at) != 0) out.push_back(at);
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<LibyamlLineMap> LibyamlLineMap::of(std::string_view text) {
  if (!has_libyaml_only_line_breaks(text)) return std::nullopt;
  LibyamlLineMap map;
  map.starts_.push_back({});
  uint32_t line_delta = 0;
  uint32_t column = 0;  // code points since the '\n' line began
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '\n') {
      map.starts_.push_back({++line_delta, 0});
      column = 0;
      ++i;
      continue;
    }
    if (size_t length = libyaml_only_break_at(text, i); length != 0) {
      column += 1;
      map.starts_.push_back({line_delta, column});
      i += length;
      continue;
    }
    if (!is_continuation(static_cast<unsigned char>(text[i]))) ++column;
    ++i;
  }
  return map;
}

Mark LibyamlLineMap::map(uint32_t first_line, size_t libyaml_line, size_t libyaml_column) const {
  const LineStart& start = starts_[std::min(libyaml_line, starts_.size() - 1)];
  return {first_line + start.line_delta, start.column_offset + static_cast<uint32_t>(libyaml_column) + 1};
}

}  // namespace upcheck::load
