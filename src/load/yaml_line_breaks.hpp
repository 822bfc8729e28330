// libyaml counts as line breaks what upcheck does not: a lone CR, NEL (U+0085), LINE SEPARATOR
// (U+2028) and PARAGRAPH SEPARATOR (U+2029), as YAML 1.1 says. upcheck's lines are '\n' lines,
// what grep -n, an editor's "go to line", GitHub's code view and the text report's excerpts count,
// and what the JSON loader and the splitter count. This maps libyaml's marks onto them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "model/tree.hpp"

namespace upcheck::load {

// Whether `text` holds a line break that libyaml counts and upcheck does not. CRLF is one break
// to both, so Windows files need no mapping.
bool has_libyaml_only_line_breaks(std::string_view text);

// Where those breaks are in `text`, ascending.
std::vector<size_t> libyaml_only_line_breaks(std::string_view text);

class LibyamlLineMap {
 public:
  // Empty when `text` needs no mapping, the common case: then a mark is taken as it is.
  static std::optional<LibyamlLineMap> of(std::string_view text);

  // A libyaml mark (0-based line and column, in characters) of a run over `text` that starts
  // at line `first_line`, column 1.
  Mark map(uint32_t first_line, size_t libyaml_line, size_t libyaml_column) const;

 private:
  // Where each libyaml line starts: how many '\n' lines after the first, and how many code
  // points into its '\n' line (after a lone CR, NEL, LS or PS, past 0).
  struct LineStart {
    uint32_t line_delta = 0;
    uint32_t column_offset = 0;
  };
  std::vector<LineStart> starts_;
};

}  // namespace upcheck::load
