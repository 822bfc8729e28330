#include "load/json_splitter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cstring>

#include "load/bit_count.hpp"

namespace upcheck::load {
namespace {

// Small reads keep the read-ahead that moves to the next chunk at a split (copied once) small.
constexpr size_t kReadBytes = 256u << 10;
constexpr unsigned kBlock = JsonBlockScanner::kBlockBytes;

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

bool all_space(std::string_view bytes) { return std::all_of(bytes.begin(), bytes.end(), is_space); }

}  // namespace

JsonSplitter::JsonSplitter(ByteSource& source, std::string prefix, uint32_t file, const LoadLimits& limits,
                           size_t target_chunk_bytes)
    : source_(source), file_(file), limits_(limits), target_(std::max<size_t>(target_chunk_bytes, 1)) {
  pending_.file = file_;
  pending_.kind = ChunkKind::Documents;
  pending_.bytes.reserve(std::max(prefix.size(), target_ + kReadBytes) + kJsonChunkPadding);
  // A byte-order mark is not JSON; the first character after it is still column 1.
  pending_.bytes.assign(prefix, prefix.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0);
  pending_.boundaries.push_back({0, 1, 1});
}

std::optional<Chunk> JsonSplitter::next() {
  while (ready_.empty() && !finished_) {
    if (pending_.bytes.size() - scanned_ >= kBlock)
      scan_available();
    else if (!eof_)
      read_more();
    else
      finish();
  }
  if (ready_.empty()) return std::nullopt;
  Chunk chunk = std::move(ready_.front());
  ready_.pop_front();
  return chunk;
}

void JsonSplitter::read_more() {
  const size_t old = pending_.bytes.size();
  pending_.bytes.resize(old + kReadBytes);
  const size_t n = source_.read(pending_.bytes.data() + old, kReadBytes);
  pending_.bytes.resize(old + n);
  if (n == 0) eof_ = true;
}

void JsonSplitter::scan_available() {
  constexpr size_t kBatch = 64;  // blocks classified per call
  JsonBlockMasks masks[kBatch];
  while (pending_.bytes.size() - scanned_ >= kBlock) {
    const size_t blocks = std::min((pending_.bytes.size() - scanned_) / kBlock, kBatch);
    scanner_.scan(pending_.bytes.data() + scanned_, blocks, masks);
    // Processing may move the bytes (a split, an erase), never change them: the masks hold.
    for (size_t i = 0; i < blocks; ++i) {
      block_offset_ = static_cast<int64_t>(scanned_);
      process_block(masks[i]);
      scanned_ = static_cast<size_t>(block_offset_) + kBlock;
      check_unit_size();
    }
  }
  if (discarding_) erase_discarded(scanned_);
}

void JsonSplitter::process_block(const JsonBlockMasks& masks) {
  block_masks_ = masks;
  block_line_ = line_;
  block_column_ = column_;
  // Newlines first: a split or an erase at a bracket below moves those after it with the bytes.
  const unsigned newline_count = masks.newlines != 0 ? count_bits(masks.newlines) : 0;
  if (newline_count != 0) {
    std::vector<uint32_t>& newlines = pending_.newlines;
    if (newlines.capacity() - newlines.size() < kBlock) newlines.reserve(2 * newlines.capacity() + kBlock);
    for (uint64_t found = masks.newlines; found != 0; found &= found - 1)
      newlines.push_back(static_cast<uint32_t>(block_offset(static_cast<unsigned>(std::countr_zero(found)))));
  }
  for (uint64_t brackets = masks.brackets; brackets != 0; brackets &= brackets - 1) {
    const auto index = static_cast<unsigned>(std::countr_zero(brackets));
    const char c = pending_.bytes[block_offset(index)];
    if (c == '{' || c == '[')
      open_bracket(c, index);
    else
      close_bracket(c, index);
  }
  advance_position(masks, newline_count);
}

// Most blocks hold no byte beyond ASCII: no continuation bytes to count.
void JsonSplitter::advance_position(const JsonBlockMasks& masks, unsigned newline_count) {
  if (newline_count == 0) {
    column_ += kBlock - (masks.continuations != 0 ? count_bits(masks.continuations) : 0);
    return;
  }
  const auto last = static_cast<unsigned>(63 - std::countl_zero(masks.newlines));
  line_ += newline_count;
  const uint64_t after_last = masks.continuations >> last >> 1;
  column_ = 1 + (kBlock - 1 - last) - (after_last != 0 ? count_bits(after_last) : 0);
}

Mark JsonSplitter::mark_in_block(unsigned index) const {
  const uint64_t before = index >= kBlock ? ~uint64_t{0} : (uint64_t{1} << index) - 1;
  const uint64_t newlines = block_masks_.newlines & before;
  if (newlines == 0) return {block_line_, block_column_ + index - count_bits(block_masks_.continuations & before)};
  const auto last = static_cast<unsigned>(63 - std::countl_zero(newlines));
  const uint64_t since_newline = before & ~((uint64_t{2} << last) - 1);
  return {block_line_ + count_bits(newlines),
          1 + (index - last - 1) - count_bits(block_masks_.continuations & since_newline)};
}

void JsonSplitter::open_bracket(char bracket, unsigned index) {
  ++depth_;
  if (open_brackets_.size() < limits_.max_depth + 2) open_brackets_.push_back(bracket);
  if (depth_ == 1) {
    top_level_value_starts(index);
  } else if (mode_ == Mode::Items && depth_ == 3) {
    item_starts(index);
  } else if (!discarding_ && mode_ == Mode::Documents && depth_ == 2 && bracket == '[' && list_candidate_ &&
             items_key_before(block_offset(index))) {
    items_start(index);
    return;
  }
  // Depth as the object assembler counts it: a document's root is level 1, and so is a List's
  // items array (its items are level 2).
  const size_t level = mode_ == Mode::Items ? depth_ - 1 : depth_;
  if (!discarding_ && level > limits_.max_depth)
    drop_unit({file_, mark_in_block(index), &kLimitDepth,
               fmt::format("nesting deeper than {} levels; raise the limit with --max-depth", limits_.max_depth)});
}

void JsonSplitter::close_bracket(char bracket, unsigned index) {
  if (depth_ == 0) return;  // a stray closing bracket: the parser reports it, in its unit
  char opened = 0;
  if (open_brackets_.size() == depth_) {
    opened = open_brackets_.back();
    open_brackets_.pop_back();
  }
  --depth_;
  if (opened != 0 && (opened == '{') != (bracket == '}') && !discarding_)
    drop_unit({file_, mark_in_block(index), &kJsonSyntax,
               fmt::format("'{}' closes the '{}' opened before it", bracket, opened)});
  if (mode_ == Mode::Items && depth_ == 1)
    items_end(index);
  else if (depth_ == 0)
    top_level_value_ends(index);
}

void JsonSplitter::top_level_value_starts(unsigned index) {
  size_t offset = block_offset(index);
  if (discarding_) {
    erase_discarded(offset);
    offset = unit_start_;
    discarding_ = false;
  }
  const char bracket = pending_.bytes[offset];
  start_unit(offset, mark_in_block(index));
  list_candidate_ = bracket == '{';
}

void JsonSplitter::top_level_value_ends(unsigned index) {
  list_candidate_ = false;
  if (mode_ != Mode::ListTail) return;  // a document's unit runs on to the next value
  const size_t offset = block_offset(index);
  Mark after = mark_in_block(index);
  ++after.column;
  Chunk tail = split_front(offset + 1);
  shell_.errors.insert(shell_.errors.end(), tail.errors.begin(), tail.errors.end());
  if (shell_dropped_) {
    shell_.bytes.clear();
    shell_.boundaries.clear();
    shell_.cuts.clear();
    shell_.newlines.clear();
  } else {
    for (uint32_t newline : tail.newlines)
      shell_.newlines.push_back(static_cast<uint32_t>(shell_.bytes.size()) + newline);
    shell_.bytes += tail.bytes;
  }
  emit(std::move(shell_));
  shell_ = Chunk{};
  mode_ = Mode::Documents;
  discarding_ = false;
  pending_.kind = ChunkKind::Documents;
  pending_.boundaries.push_back({0, after.line, after.column});
  unit_start_ = 0;
  unit_mark_ = after;
}

void JsonSplitter::items_start(unsigned index) {
  const size_t bracket = block_offset(index);
  Mark after = mark_in_block(index);
  ++after.column;
  // Documents before this List go out on their own; the List up to its `[` is the shell's start.
  const size_t shell_prefix = bracket + 1 - unit_start_;
  if (unit_start_ > 0) emit(split_front(unit_start_));
  shell_ = split_front(shell_prefix);
  shell_.kind = ChunkKind::ListShell;
  shell_dropped_ = false;
  pending_.kind = ChunkKind::JsonItems;
  pending_.boundaries.push_back({0, after.line, after.column});
  mode_ = Mode::Items;
  unit_start_ = 0;
  unit_mark_ = after;
  items_seen_ = false;
}

void JsonSplitter::item_starts(unsigned index) {
  size_t offset = block_offset(index);
  const Mark mark = mark_in_block(index);
  if (discarding_) {
    erase_discarded(offset);
    offset = unit_start_;
    discarding_ = false;
  } else if (char before = last_significant_before(offset); before != 0 && before != ',') {
    pending_.errors.push_back({file_, mark, &kJsonSyntax, "a ',' is missing before this List item"});
  }
  items_seen_ = true;
  start_unit(offset, mark);
}

void JsonSplitter::items_end(unsigned index) {
  size_t offset = block_offset(index);
  const Mark mark = mark_in_block(index);
  if (discarding_) {
    erase_discarded(offset);
    offset = unit_start_;
    discarding_ = false;
  } else if (items_seen_ && last_significant_before(offset) == ',') {
    pending_.errors.push_back({file_, mark, &kJsonSyntax, "a ',' after the last List item"});
  }
  emit(split_front(offset));
  shell_.cuts.push_back({static_cast<uint32_t>(shell_.bytes.size()), mark.line, mark.column});
  pending_.kind = ChunkKind::ListShell;
  mode_ = Mode::ListTail;
  unit_start_ = 0;
}

// A new document or item at `offset`. A unit holding only whitespace (before the first item,
// between documents) gives way to it; a full chunk is sent on first.
void JsonSplitter::start_unit(size_t offset, Mark mark) {
  std::vector<Boundary>& boundaries = pending_.boundaries;
  if (!boundaries.empty() &&
      all_space(std::string_view(pending_.bytes).substr(boundaries.back().offset, offset - boundaries.back().offset)))
    boundaries.pop_back();
  if (offset >= target_ && !boundaries.empty()) {
    emit(split_front(offset));
    offset = 0;
  }
  boundaries.push_back({static_cast<uint32_t>(offset), mark.line, mark.column});
  unit_start_ = offset;
  unit_mark_ = mark;
}

// The current unit is lost (`why` says how): its bytes are dropped as they are scanned, up to
// the next unit of the same kind.
void JsonSplitter::drop_unit(Diagnostic why) {
  pending_.errors.push_back(std::move(why));
  while (!pending_.boundaries.empty() && pending_.boundaries.back().offset >= unit_start_)
    pending_.boundaries.pop_back();
  if (mode_ == Mode::ListTail) shell_dropped_ = true;
  list_candidate_ = false;
  discarding_ = true;
}

void JsonSplitter::check_unit_size() {
  if (discarding_) return;
  const size_t size = scanned_ - unit_start_ + (mode_ == Mode::ListTail ? shell_.bytes.size() : 0);
  if (size <= limits_.max_document_bytes) return;
  const char* what = mode_ == Mode::Items      ? "this List item is"
                     : mode_ == Mode::ListTail ? "this List, without its items, is"
                                               : "this document is";
  const Mark where = mode_ == Mode::ListTail && !shell_.boundaries.empty()
                         ? Mark{shell_.boundaries.front().line, shell_.boundaries.front().column}
                         : unit_mark_;
  drop_unit({file_, where, &kLimitDocument,
             fmt::format("{} larger than {} bytes; skipped (raise the limit with --max-document-bytes)", what,
                         limits_.max_document_bytes)});
  erase_discarded(scanned_);
}

// Forgets the dropped unit's bytes scanned so far (those before `up_to`).
void JsonSplitter::erase_discarded(size_t up_to) {
  if (up_to <= unit_start_) return;
  const size_t removed = up_to - unit_start_;
  pending_.bytes.erase(unit_start_, removed);
  std::vector<uint32_t>& newlines = pending_.newlines;
  auto first = std::lower_bound(newlines.begin(), newlines.end(), unit_start_);
  auto last = std::lower_bound(first, newlines.end(), up_to);
  for (auto it = last; it != newlines.end(); ++it) *it -= static_cast<uint32_t>(removed);
  newlines.erase(first, last);
  block_offset_ -= static_cast<int64_t>(removed);
  scanned_ = scanned_ >= up_to ? scanned_ - removed : unit_start_;
}

// Takes pending_'s bytes before `offset` (with their boundaries and the errors so far) as a
// chunk; pending_ keeps the rest, its offsets moved down.
Chunk JsonSplitter::split_front(size_t offset) {
  Chunk front;
  front.file = file_;
  front.kind = pending_.kind;
  front.errors = std::move(pending_.errors);
  pending_.errors.clear();
  auto first_after = std::find_if(pending_.boundaries.begin(), pending_.boundaries.end(),
                                  [&](const Boundary& b) { return b.offset >= offset; });
  front.boundaries.assign(pending_.boundaries.begin(), first_after);
  pending_.boundaries.erase(pending_.boundaries.begin(), first_after);
  for (Boundary& b : pending_.boundaries) b.offset -= static_cast<uint32_t>(offset);
  auto first_newline_after = std::lower_bound(pending_.newlines.begin(), pending_.newlines.end(), offset);
  front.newlines.assign(pending_.newlines.begin(), first_newline_after);
  pending_.newlines.erase(pending_.newlines.begin(), first_newline_after);
  for (uint32_t& newline : pending_.newlines) newline -= static_cast<uint32_t>(offset);

  std::string rest;
  rest.reserve(std::max(pending_.bytes.size() - offset, target_ + kReadBytes) + kJsonChunkPadding);
  rest.assign(pending_.bytes, offset);
  front.bytes = std::move(pending_.bytes);
  front.bytes.resize(offset);
  pending_.bytes = std::move(rest);

  block_offset_ -= static_cast<int64_t>(offset);
  scanned_ = scanned_ >= offset ? scanned_ - offset : 0;
  unit_start_ = unit_start_ >= offset ? unit_start_ - offset : 0;
  return front;
}

void JsonSplitter::emit(Chunk chunk) {
  if (chunk.errors.empty() && all_space(chunk.bytes)) return;
  if (all_space(chunk.bytes)) {
    chunk.bytes.clear();
    chunk.boundaries.clear();
    chunk.cuts.clear();
    chunk.newlines.clear();
  }
  // simdjson reads past the end of what it parses: leave initialised bytes there.
  const size_t size = chunk.bytes.size();
  chunk.bytes.append(kJsonChunkPadding, ' ');
  chunk.bytes.resize(size);
  ready_.push_back(std::move(chunk));
}

void JsonSplitter::finish() {
  finished_ = true;
  Mark end{line_, column_};
  if (const size_t rest = pending_.bytes.size() - scanned_; rest > 0) {
    // The last, partial block: spaces after it change nothing the scanner reports.
    char block[kBlock];
    std::memset(block, ' ', sizeof block);
    std::memcpy(block, pending_.bytes.data() + scanned_, rest);
    block_offset_ = static_cast<int64_t>(scanned_);
    process_block(scanner_.scan(block));
    end = mark_in_block(static_cast<unsigned>(rest));
    scanned_ = static_cast<size_t>(block_offset_) + rest;
    check_unit_size();
  }
  if (discarding_) erase_discarded(scanned_);
  if (depth_ > 0) {
    Diagnostic truncated{
        file_, end, &kJsonSyntax,
        fmt::format("the input ends inside {} unclosed object(s) or array(s): is it truncated?", depth_)};
    const bool inside_unit = mode_ == Mode::Documents || (mode_ == Mode::Items && depth_ >= 3);
    if (inside_unit && !discarding_) {
      drop_unit(std::move(truncated));
      erase_discarded(pending_.bytes.size());
    } else {
      pending_.errors.push_back(std::move(truncated));
    }
  }
  if (mode_ != Mode::Documents) {
    // The List never closed: its shell is not parsed, but what was found wrong in it still counts.
    if (mode_ == Mode::ListTail) {
      pending_.bytes.clear();
      pending_.newlines.clear();
    }
    pending_.errors.insert(pending_.errors.begin(), shell_.errors.begin(), shell_.errors.end());
  }
  emit(split_front(pending_.bytes.size()));
}

bool JsonSplitter::items_key_before(size_t bracket) const {
  // ... "items" : [   (the key is the last string before the colon)
  constexpr std::string_view kKey = "\"items\"";
  const std::string& bytes = pending_.bytes;
  size_t i = bracket;
  auto skip_space = [&] {
    while (i > unit_start_ && is_space(bytes[i - 1])) --i;
  };
  skip_space();
  if (i == unit_start_ || bytes[i - 1] != ':') return false;
  --i;
  skip_space();
  if (i < unit_start_ + kKey.size() + 1 || bytes.compare(i - kKey.size(), kKey.size(), kKey) != 0) return false;
  const char before = bytes[i - kKey.size() - 1];
  return before == '{' || before == ',' || is_space(before);
}

char JsonSplitter::last_significant_before(size_t offset) const {
  while (offset > 0 && is_space(pending_.bytes[offset - 1])) --offset;
  return offset == 0 ? '\0' : pending_.bytes[offset - 1];
}

}  // namespace upcheck::load
