// Cuts a YAML stream into chunks at document (`---`) and List-item boundaries, reading it in
// blocks so that memory stays bounded by the chunk size, whatever the input's size.
//
// kubectl prints a List as `items:` at column 0 followed by `- apiVersion: ...` items at column
// 0, each item's lines indented below; so every column-0 `- ` line after `items:` starts an item,
// and the first other column-0 line ends the items. This is what lets a 1 GiB dump (a single
// YAML document) be parsed in parallel and in bounded memory.
#pragma once

#include <deque>
#include <optional>
#include <string>

#include "load/byte_source.hpp"
#include "load/chunk.hpp"
#include "load/limits.hpp"

namespace upcheck::load {

class YamlSplitter {
 public:
  // `prefix` holds bytes already read from `source` (to recognise the input's format).
  YamlSplitter(ByteSource& source, std::string prefix, uint32_t file, const LoadLimits& limits,
               size_t target_chunk_bytes);
  // The next chunk, or nothing at the end of the input. An input that fails (truncated gzip, a
  // read error, a limit) ends early with an error in the last chunk; nothing is thrown.
  std::optional<Chunk> next();
  // After the last chunk: what only the input's end shows (a kubectl List cut short, a last line
  // without its newline), in input order after everything the chunks report.
  ParseOutput take_end_report() { return std::move(end_report_); }
  // At the end: the input held nothing but blank lines, comments, `---` and directives.
  bool holds_nothing() const { return !saw_content_; }

 private:
  enum class Mode : uint8_t { Documents, Items, Trailer };

  bool fill();
  void input_failed();
  void process_line(std::string_view line);
  void start_chunk(ChunkKind kind);
  void flush();
  void begin_unit();
  void oversized();
  void drop_unit();
  void check_end();

  ByteSource& source_;
  std::string buffer_;
  bool first_fill_ = true;
  bool last_read_short_ = false;
  size_t buffer_pos_ = 0;
  size_t searched_ = 0;                    // bytes after buffer_pos_ known to hold no newline
  bool received_input_;                    // a byte at all
  std::optional<InputError> input_error_;  // why the input ended early
  bool eof_ = false;
  uint32_t file_;
  const LoadLimits& limits_;
  size_t target_;

  std::deque<Chunk> ready_;
  Chunk pending_;
  uint32_t line_ = 1;  // line number of the next line to process
  Mode mode_ = Mode::Documents;
  bool items_key_seen_ = false;  // the previous line was `items:` at column 0
  bool directive_seen_ = false;  // a `%YAML`/`%TAG` line already opened the next document
  size_t unit_offset_ = 0;       // where the current document or item starts in pending_
  uint32_t unit_line_ = 1;
  bool discarding_ = false;     // dropping an oversized document or item
  bool skipping_line_ = false;  // dropping the rest of a line longer than any document
  bool finished_ = false;

  // What tells a whole kubectl List from one cut short: kubectl writes `kind: List` (then
  // `metadata:`) after the items. A List that names its kind before them has no such trailer.
  bool kind_before_items_ = false;  // a column-0 `kind:` in the current document before any item
  uint32_t list_line_ = 0;          // where the List in kubectl's layout starts (0: none yet)
  size_t items_started_ = 0;
  bool trailer_kind_ = false;  // `kind: List` at column 0 after the items
  uint32_t last_line_ = 0;     // the last line read, and its length in code points
  uint32_t last_line_columns_ = 0;
  bool last_line_has_newline_ = true;
  ParseOutput end_report_;
  bool saw_content_ = false;
};

}  // namespace upcheck::load
