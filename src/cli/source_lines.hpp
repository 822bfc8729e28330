// Reads back lines of input files for the text report's excerpts. Findings come sorted by file
// and line, so one forward pass per file serves them all, even for a gzip'd dump.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/snapshot.hpp"

namespace upcheck::load {
class ByteSource;
}

namespace upcheck::cli {

class SourceLines {
 public:
  explicit SourceLines(const Snapshot& snapshot);
  ~SourceLines();
  std::optional<std::string> line(uint32_t file, uint32_t line);

 private:
  bool read_line(std::string& out);

  const Snapshot& snapshot_;
  uint32_t open_file_ = 0xFFFFFFFFu;
  uint32_t next_line_ = 1;
  std::unique_ptr<load::ByteSource> source_;
  std::string buffer_;
  size_t buffer_pos_ = 0;
  bool eof_ = false;
};

}  // namespace upcheck::cli
