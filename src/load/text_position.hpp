// Turns byte offsets into 1-based lines and code-point columns. From an index of the text's
// newlines it walks forward from the last answer: a parser asking in document order pays for
// the newlines it passes and the code points before each answer on its line, not for every
// byte in between (most of a dump is what the keep policy drops, asked no position).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "load/chunk.hpp"
#include "model/tree.hpp"

namespace upcheck::load {

class PositionTracker {
 public:
  // `newlines` are the offsets of every '\n' in `text` (the splitter's; when empty and the text
  // has some, they are found here). `anchors` are offsets whose position is known (a chunk's
  // boundaries and cuts), ascending: past one, positions count from it, not from the bytes
  // before it.
  PositionTracker(std::string_view text, const std::vector<uint32_t>& newlines, std::vector<Boundary> anchors);

  // Cheap when offsets arrive in increasing order; an earlier offset restarts from its anchor.
  Mark at(size_t offset);

 private:
  void jump_to(size_t anchor);
  void advance(size_t offset);

  std::string_view text_;
  std::vector<uint32_t> own_newlines_;
  const std::vector<uint32_t>& newlines_;
  bool ascii_;  // a column is then a byte count: most dumps are ASCII throughout
  std::vector<Boundary> anchors_;
  size_t next_anchor_ = 0;   // the first anchor beyond offset_
  size_t next_newline_ = 0;  // the first newline at or beyond offset_
  size_t offset_ = 0;
  uint32_t line_ = 1;
  uint32_t column_ = 1;
};

}  // namespace upcheck::load
