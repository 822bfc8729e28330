#include "load/yaml_splitter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace upcheck::load {
namespace {

constexpr size_t kReadSize = 1u << 20;
constexpr size_t kProbeSize = 4u << 10;
constexpr std::string_view kSourcePrefix = "# Source: ";

bool is_blank_or_eol(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim_eol(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.remove_suffix(1);
  return s;
}

std::string_view trim_newline(std::string_view s) {
  if (!s.empty() && s.back() == '\n') s.remove_suffix(1);
  if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
  return s;
}

bool is_items_key(std::string_view line) { return trim_eol(line) == "items:"; }

// `key:` at column 0, followed by a value, a space or the line's end.
bool is_top_level_key(std::string_view line, std::string_view key) {
  if (line.substr(0, key.size()) != key || line.size() == key.size() || line[key.size()] != ':') return false;
  return line.size() == key.size() + 1 || is_blank_or_eol(line[key.size() + 1]);
}

// `kind: List` (or `kind: PodList`, as `kubectl get --raw` gives): the whole of a List's kind,
// where a cut inside the line leaves `kind: Li` or nothing.
bool is_list_kind_line(std::string_view line) {
  if (!is_top_level_key(line, "kind")) return false;
  std::string_view value = trim_eol(line.substr(5));
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front())
    value = value.substr(1, value.size() - 2);
  return value.ends_with("List");
}

uint32_t code_points(std::string_view s) {
  return static_cast<uint32_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace

YamlSplitter::YamlSplitter(ByteSource& source, std::string prefix, uint32_t file, const LoadLimits& limits,
                           size_t target_chunk_bytes)
    : source_(source),
      buffer_(std::move(prefix)),
      received_input_(!buffer_.empty()),
      file_(file),
      limits_(limits),
      target_(target_chunk_bytes) {
  start_chunk(ChunkKind::Documents);
  begin_unit();
}

bool YamlSplitter::fill() {
  if (buffer_pos_ > 0) {
    buffer_.erase(0, buffer_pos_);
    buffer_pos_ = 0;
  }
  size_t old = buffer_.size();
  // Reads are 1 MiB, but a buffer is zeroed to its full size first: a directory of small
  // manifests would zero megabytes per file. So a file of known size is first read with a buffer
  // its size (and a byte more), and after a short read, when the end is likely, 4 KiB look for it.
  size_t want = kReadSize;
  if (first_fill_ && source_.size() > 0)
    want = static_cast<size_t>(std::clamp<uint64_t>(source_.size() + 1, kProbeSize, kReadSize));
  else if (last_read_short_)
    want = kProbeSize;
  first_fill_ = false;
  buffer_.resize(old + want);
  size_t n = 0;
  try {
    n = source_.read(buffer_.data() + old, want);
  } catch (const InputError& e) {
    // The input ends here (truncated gzip, a read error, --max-input-bytes): what came before
    // is still read.
    input_error_ = e;
  }
  buffer_.resize(old + n);
  last_read_short_ = n < want;
  received_input_ = received_input_ || n > 0;
  return n > 0;
}

std::optional<Chunk> YamlSplitter::next() {
  while (ready_.empty()) {
    if (eof_ && buffer_pos_ >= buffer_.size()) {
      if (finished_) return std::nullopt;
      if (input_error_) {
        input_failed();
      } else {
        check_end();
      }
      flush();
      finished_ = true;
      continue;
    }
    const char* start = buffer_.data() + buffer_pos_;
    size_t available = buffer_.size() - buffer_pos_;
    // The bytes of a long line already searched are not searched again after each read.
    const void* nl = available > searched_ ? std::memchr(start + searched_, '\n', available - searched_) : nullptr;
    if (skipping_line_) {
      if (nl == nullptr) {
        buffer_pos_ = buffer_.size();
        searched_ = 0;
        if (!eof_ && !fill()) eof_ = true;
        continue;
      }
      buffer_pos_ += static_cast<size_t>(static_cast<const char*>(nl) - start) + 1;
      searched_ = 0;
      skipping_line_ = false;
      ++line_;
      continue;
    }
    if (nl == nullptr) {
      if (!eof_) {
        searched_ = available;
        if (available > limits_.max_document_bytes) {
          // One line longer than any document may be: drop it as it streams past.
          if (!discarding_) oversized();
          buffer_pos_ = buffer_.size();
          searched_ = 0;
          skipping_line_ = true;
        }
        if (!fill()) eof_ = true;
        continue;
      }
      // The last line has no newline; when the input failed, it is part of what is dropped.
      if (!input_error_) process_line({start, available});
      buffer_pos_ = buffer_.size();
      searched_ = 0;
      continue;
    }
    size_t length = static_cast<size_t>(static_cast<const char*>(nl) - start) + 1;
    process_line({start, length});
    buffer_pos_ += length;
    searched_ = 0;
  }
  Chunk chunk = std::move(ready_.front());
  ready_.pop_front();
  return chunk;
}

void YamlSplitter::start_chunk(ChunkKind kind) {
  pending_ = Chunk{};
  pending_.file = file_;
  pending_.kind = kind;
  pending_.first_line = line_;
}

void YamlSplitter::flush() {
  if (!pending_.bytes.empty() || !pending_.errors.empty()) ready_.push_back(std::move(pending_));
  start_chunk(pending_.kind);
}

void YamlSplitter::begin_unit() {
  unit_offset_ = pending_.bytes.size();
  unit_line_ = line_;
  discarding_ = false;
  auto offset = static_cast<uint32_t>(unit_offset_);
  if (pending_.boundaries.empty() || pending_.boundaries.back().offset != offset)
    pending_.boundaries.push_back({offset, line_});
}

void YamlSplitter::oversized() {
  pending_.errors.push_back(
      {file_, Mark{unit_line_, 1}, &kLimitDocument,
       fmt::format("{} larger than {} bytes; skipped (raise the limit with --max-document-bytes)",
                   mode_ == Mode::Items ? "this List item is" : "this document is", limits_.max_document_bytes)});
  drop_unit();
  discarding_ = true;
}

// Forgets the document or item in progress.
void YamlSplitter::drop_unit() {
  pending_.bytes.resize(unit_offset_);
  while (!pending_.boundaries.empty() && pending_.boundaries.back().offset >= unit_offset_)
    pending_.boundaries.pop_back();
  while (!pending_.sources.empty() && pending_.sources.back().line >= unit_line_) pending_.sources.pop_back();
}

// The input failed before its end: the document or item it cut short is dropped (half an object
// would be analyzed as if it were whole), those before it are read.
void YamlSplitter::input_failed() {
  const bool cut_short = pending_.bytes.size() > unit_offset_ || discarding_;
  const bool nothing_read = !received_input_;
  std::string message = input_error_->what();
  if (cut_short && !discarding_)
    message += fmt::format("; the {} that starts here is incomplete and was skipped",
                           mode_ == Mode::Items ? "List item" : "document");
  pending_.errors.push_back({file_, nothing_read ? Mark{} : Mark{unit_line_, 1}, input_error_->code(), message});
  if (cut_short) drop_unit();
  input_error_.reset();
}

// The input ended without a read error. kubectl, helm and `upcheck collect` end every file with
// a newline, and kubectl ends a List with `kind: List` (and `metadata:`) after its items: a List
// that stops before its kind was cut short (an interrupted pipe, a partial CI artifact), and reading
// it as whole would report a partial cluster as clean.
void YamlSplitter::check_end() {
  const Mark end{last_line_, last_line_columns_ + 1};
  const bool list_open = list_line_ != 0 && !kind_before_items_ && (mode_ == Mode::Items || mode_ == Mode::Trailer);
  if (list_open && !trailer_kind_) {
    std::string message;
    if (mode_ == Mode::Items) {
      // The last item may stop anywhere in its lines: half an object would be read as whole.
      const bool last_item_dropped = !discarding_ && pending_.bytes.size() > unit_offset_;
      if (last_item_dropped) drop_unit();
      const size_t whole_items = items_started_ - (last_item_dropped || discarding_ ? 1 : 0);
      message = fmt::format(
          "the input ends inside the List that starts at line {}, before the `kind: List` that kubectl "
          "writes after the items: it looks cut short. {} {} read{}",
          list_line_, whole_items, whole_items == 1 ? "item was" : "items were",
          last_item_dropped ? fmt::format("; the item at line {}, maybe incomplete, was skipped", unit_line_) : "");
    } else {
      message = fmt::format(
          "the input ends in the lines after the items of the List that starts at line {}, without the "
          "`kind: List` that kubectl writes there: it looks cut short. {} {} read",
          list_line_, items_started_, items_started_ == 1 ? "item was" : "items were");
    }
    end_report_.errors.push_back({file_, end, &kTruncatedInput, std::move(message)});
  }
  if (saw_content_ && !last_line_has_newline_)
    end_report_.notices.push_back(
        {file_, end, &kNoFinalNewline,
         "the input does not end with a newline, as kubectl, helm and `upcheck collect` always end theirs: "
         "if it was cut short here, what followed is missing"});
}

void YamlSplitter::process_line(std::string_view line) {
  const bool doc_marker = line.substr(0, 3) == "---" && (line.size() == 3 || is_blank_or_eol(line[3]));
  const bool directive = !line.empty() && line[0] == '%';
  const bool dash = !line.empty() && line[0] == '-' && !doc_marker && (line.size() == 1 || is_blank_or_eol(line[1]));
  const bool column0_content = !line.empty() && !is_blank_or_eol(line[0]) && line[0] != '#';

  if ((directive && mode_ != Mode::Items) || (doc_marker && !directive_seen_)) {
    // A new document. Lists end with their document; plain documents share a chunk until it
    // reaches the target size.
    if (mode_ != Mode::Documents || pending_.bytes.size() >= target_) {
      flush();
      start_chunk(ChunkKind::Documents);
    }
    mode_ = Mode::Documents;
    begin_unit();
    directive_seen_ = directive;
    kind_before_items_ = false;
    list_line_ = 0;
  } else if (doc_marker) {
    directive_seen_ = false;  // the `---` that follows a directive belongs to it
  } else if (mode_ == Mode::Documents && items_key_seen_ && dash && !discarding_) {
    // A List in kubectl's layout: its shell so far (`apiVersion`, `items:`) becomes a chunk of
    // its own, and the items follow in chunks of their own.
    Chunk shell;
    shell.file = file_;
    shell.kind = ChunkKind::ListShell;
    shell.first_line = unit_line_;
    shell.bytes = pending_.bytes.substr(unit_offset_);
    shell.boundaries.push_back({0, unit_line_});
    pending_.bytes.resize(unit_offset_);
    while (!pending_.boundaries.empty() && pending_.boundaries.back().offset >= unit_offset_)
      pending_.boundaries.pop_back();
    auto first_shell_source = std::find_if(pending_.sources.begin(), pending_.sources.end(),
                                           [&](const SourceComment& c) { return c.line >= unit_line_; });
    shell.sources.assign(first_shell_source, pending_.sources.end());
    pending_.sources.erase(first_shell_source, pending_.sources.end());
    flush();
    ready_.push_back(std::move(shell));
    mode_ = Mode::Items;
    list_line_ = unit_line_;
    items_started_ = 1;
    trailer_kind_ = false;
    start_chunk(ChunkKind::Items);
    begin_unit();
  } else if (mode_ == Mode::Items && dash) {
    if (pending_.bytes.size() >= target_) {
      flush();
      start_chunk(ChunkKind::Items);
    }
    begin_unit();
    ++items_started_;
  } else if (mode_ == Mode::Items && column0_content) {
    flush();
    mode_ = Mode::Trailer;
    start_chunk(ChunkKind::ListShell);
    begin_unit();
  }
  if (mode_ == Mode::Documents && is_top_level_key(line, "kind")) kind_before_items_ = true;
  if (mode_ == Mode::Trailer) {
    trailer_kind_ = trailer_kind_ || is_list_kind_line(line);
  }
  if (!saw_content_ && !doc_marker && !directive) {
    std::string_view rest = line;
    if (line_ == 1 && rest.substr(0, 3) == "\xEF\xBB\xBF") rest.remove_prefix(3);
    const size_t first = rest.find_first_not_of(" \t\r\n");
    saw_content_ = first != std::string_view::npos && rest[first] != '#' && rest.substr(first, 3) != "...";
  }
  last_line_ = line_;
  last_line_has_newline_ = !line.empty() && line.back() == '\n';
  last_line_columns_ = code_points(trim_newline(line));
  items_key_seen_ = mode_ == Mode::Documents && is_items_key(line);

  if (!discarding_) {
    if (line.substr(0, kSourcePrefix.size()) == kSourcePrefix)
      pending_.sources.push_back({line_, std::string(trim_eol(line.substr(kSourcePrefix.size())))});
    pending_.bytes.append(line);
    if (pending_.bytes.size() - unit_offset_ > limits_.max_document_bytes) oversized();
  }
  ++line_;
}

}  // namespace upcheck::load
