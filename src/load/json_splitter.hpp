// Cuts a JSON input into chunks, reading it in blocks so that memory stays bounded by the chunk
// size (and the document size limit) whatever the input's size.
//
// A List (what `kubectl get -A -o json` prints: an object whose "items" is an array) is cut into
// its items, each whole, in JsonItems chunks of about the target size with a boundary at every
// item; the rest of the List (apiVersion, kind, metadata) becomes one ListShell chunk: the List
// with its items cut out. Any other top-level value (an object, an array, several values one
// after another) is a unit of a Documents chunk. The scan is string- and depth-aware
// (JsonBlockScanner), so any layout works: kubectl's indented output, one minified line,
// json.dump. What the splitter can see is reported here, the rest by the chunk parser:
// truncation, mismatched brackets, depth and size limits, missing commas between items.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "load/byte_source.hpp"
#include "load/chunk.hpp"
#include "load/json_block_scanner.hpp"
#include "load/limits.hpp"

namespace upcheck::load {

class JsonSplitter {
 public:
  // `prefix` holds bytes already read from `source` (to recognise the input's format).
  JsonSplitter(ByteSource& source, std::string prefix, uint32_t file, const LoadLimits& limits,
               size_t target_chunk_bytes);
  // The next chunk, or nothing at the end of the input. Throws InputError.
  std::optional<Chunk> next();

 private:
  enum class Mode : uint8_t {
    Documents,  // top-level values, each a unit
    Items,      // inside a List's items array: each item a unit
    ListTail,   // inside a List after its items: the rest of its shell
  };

  void read_more();
  void scan_available();
  void finish();
  void process_block(const JsonBlockMasks& masks);
  void advance_position(const JsonBlockMasks& masks, unsigned newline_count);
  Mark mark_in_block(unsigned index) const;

  void open_bracket(char bracket, unsigned index);
  void close_bracket(char bracket, unsigned index);
  void top_level_value_starts(unsigned index);
  void top_level_value_ends(unsigned index);
  void items_start(unsigned index);
  void item_starts(unsigned index);
  void items_end(unsigned index);

  void start_unit(size_t offset, Mark mark);
  void drop_unit(Diagnostic why);
  void check_unit_size();
  void erase_discarded(size_t up_to);
  Chunk split_front(size_t offset);
  void emit(Chunk chunk);
  bool items_key_before(size_t bracket) const;
  char last_significant_before(size_t offset) const;
  size_t block_offset(unsigned index) const { return static_cast<size_t>(block_offset_ + index); }

  ByteSource& source_;
  uint32_t file_;
  const LoadLimits& limits_;
  size_t target_;
  JsonBlockScanner scanner_;
  std::deque<Chunk> ready_;
  bool eof_ = false;
  bool finished_ = false;

  // The chunk being filled: its bytes, then bytes read ahead and not yet scanned.
  Chunk pending_;
  size_t scanned_ = 0;
  uint32_t line_ = 1;  // position of pending_.bytes[scanned_]
  uint32_t column_ = 1;

  // The block being processed. Its offset is signed: splitting the chunk inside the block moves
  // the block's start before the new chunk's.
  int64_t block_offset_ = 0;
  JsonBlockMasks block_masks_;
  uint32_t block_line_ = 1;
  uint32_t block_column_ = 1;

  Mode mode_ = Mode::Documents;
  size_t depth_ = 0;
  std::vector<char> open_brackets_;  // the innermost levels up to the depth limit, to catch `{ ]`
  size_t unit_start_ = 0;            // offset in pending_ of the current document or item
  Mark unit_mark_{1, 1};
  bool items_seen_ = false;      // an item of the current List has started
  bool list_candidate_ = false;  // the top-level value is an object that may still be a List
  bool discarding_ = false;      // dropping the current unit (too large, too deep, broken)
  Chunk shell_;                  // the current List's shell, growing around its items
  bool shell_dropped_ = false;
};

}  // namespace upcheck::load
