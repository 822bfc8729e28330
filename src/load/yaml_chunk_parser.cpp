#include <yaml.h>

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <optional>

#include "load/chunk_parser.hpp"
#include "load/libyaml_style.hpp"
#include "load/yaml_line_breaks.hpp"
#include "load/yaml_prefilter.hpp"

#include <cstdlib>

namespace upcheck::load {
namespace {

std::string_view anchor_of(const yaml_char_t* anchor) {
  return anchor == nullptr ? std::string_view{} : std::string_view(reinterpret_cast<const char*>(anchor));
}

// libyaml reports a bad trailing byte of a UTF-8 sequence at that byte: point at the sequence.
size_t start_of_sequence(std::string_view text, size_t offset) {
  for (size_t back = 1; back <= 3 && back <= offset; ++back) {
    const auto byte = static_cast<unsigned char>(text[offset - back]);
    if ((byte & 0xC0) == 0xC0) return offset - back;  // the leading byte
    if ((byte & 0xC0) != 0x80) break;
  }
  return offset;
}

// Why a libyaml run ended before the end of its input.
struct RunStop {
  enum class Reason : uint8_t { None, Syntax, Reader, Limit };
  Reason reason = Reason::None;     // None: it read to the end
  uint32_t line = 0;                // where it stopped
  size_t offset = 0;                // a reader error's byte offset in the chunk
  std::optional<Diagnostic> error;  // syntax and reader errors, for the caller to report
};

// One libyaml run over chunk bytes [begin, end), whose first line is `first_line`. A limit is
// reported by the assembler; syntax and reader errors are left to the caller. `odd_breaks`: the
// chunk has line breaks only libyaml counts, so its marks need mapping.
RunStop run_parser(const Chunk& chunk, size_t begin, size_t end, uint32_t first_line, bool odd_breaks,
                   ObjectAssembler& assembler) {
  std::string_view input = std::string_view(chunk.bytes).substr(begin, end - begin);
  yaml_parser_t parser;
  yaml_parser_initialize(&parser);
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(input.data()), input.size());
  const std::optional<LibyamlLineMap> line_map = odd_breaks ? LibyamlLineMap::of(input) : std::nullopt;
  auto mark = [&](const yaml_mark_t& m) {
    if (line_map) return line_map->map(first_line, m.line, m.column);
    return Mark{first_line + static_cast<uint32_t>(m.line), static_cast<uint32_t>(m.column) + 1};
  };
  // libyaml's end of input sits on a line after the last one (after its newline, or after the
  // break libyaml adds before STREAM-END): an error there points at the end of the last line,
  // which the input has.
  auto error_mark = [&](const yaml_mark_t& m) {
    const Mark where = mark(m);
    std::string_view text = input;
    if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
    const Mark end = mark_at_offset(text, text.size(), first_line);
    return where.line > end.line ? end : where;
  };
  RunStop stop;
  for (;;) {
    yaml_event_t ev;
    if (!yaml_parser_parse(&parser, &ev)) {
      Mark where;
      std::string message = parser.problem != nullptr ? parser.problem : "syntax error";
      const DiagnosticCode* code = &kYamlSyntax;
      stop.reason = RunStop::Reason::Syntax;
      if (parser.error == YAML_READER_ERROR) {
        size_t offset = std::min(parser.problem_offset, input.size());
        if (message == "invalid trailing UTF-8 octet") offset = start_of_sequence(input, offset);
        where = mark_at_offset(input, offset, first_line);
        code = &kYamlEncoding;
        if (parser.problem_value >= 0) message += fmt::format(" (byte 0x{:02x})", parser.problem_value);
        message += ": the input must be UTF-8 text";
        stop.reason = RunStop::Reason::Reader;
        stop.offset = begin + offset;
      } else if (parser.error == YAML_MEMORY_ERROR) {
        code = &kYamlMemory;
        message = "out of memory while parsing";
      } else {
        where = error_mark(parser.problem_mark);
        if (parser.context != nullptr) {
          const Mark context = error_mark(parser.context_mark);
          message +=
              fmt::format(" ({} that starts at line {}, column {})", parser.context, context.line, context.column);
        }
      }
      if (where.line == 0) where = Mark{first_line, 1};
      stop.error = Diagnostic{chunk.file, where, code, std::move(message)};
      stop.line = where.line;
      break;
    }
    bool ok = true;
    Mark at = mark(ev.start_mark);
    switch (ev.type) {
      case YAML_DOCUMENT_START_EVENT:
        assembler.begin_document();
        break;
      case YAML_DOCUMENT_END_EVENT:
        assembler.end_document(mark(ev.end_mark));
        break;
      case YAML_MAPPING_START_EVENT:
        ok = assembler.begin_map(at, anchor_of(ev.data.mapping_start.anchor));
        break;
      case YAML_SEQUENCE_START_EVENT:
        ok = assembler.begin_seq(at, anchor_of(ev.data.sequence_start.anchor));
        break;
      case YAML_MAPPING_END_EVENT:
      case YAML_SEQUENCE_END_EVENT:
        ok = assembler.end_container();
        break;
      case YAML_SCALAR_EVENT:
        ok = assembler.scalar({reinterpret_cast<const char*>(ev.data.scalar.value), ev.data.scalar.length},
                              libyaml_scalar_style(ev), at, anchor_of(ev.data.scalar.anchor));
        break;
      case YAML_ALIAS_EVENT:
        ok = assembler.alias(anchor_of(ev.data.alias.anchor), at);
        break;
      default:
        break;
    }
    const bool stream_end = ev.type == YAML_STREAM_END_EVENT;
    yaml_event_delete(&ev);
    if (!ok) {
      stop.reason = RunStop::Reason::Limit;
      stop.line = std::max<uint32_t>(at.line, first_line);
      break;
    }
    if (stream_end) break;
  }
  yaml_parser_delete(&parser);
  return stop;
}

// Parses a chunk's documents or List items (its units), starting again after each one that
// fails, so that one broken unit loses nothing else.
//
// libyaml decodes up to 16 KiB ahead of what it parses, and a run costs that much however soon
// it fails: a run covers whole units, one after a failure and twice as many after each success,
// so that a chunk of a million tiny broken documents costs no more than a clean one.
class ChunkParse {
 public:
  ChunkParse(const Chunk& chunk, bool odd_breaks, ObjectAssembler& assembler, ParseOutput& out)
      : chunk_(chunk), odd_breaks_(odd_breaks), bounds_(chunk.boundaries), assembler_(assembler), out_(out) {}

  void run() {
    if (bounds_.empty()) {  // nothing to start again at
      RunStop stop = run_parser(chunk_, 0, chunk_.bytes.size(), chunk_.first_line, odd_breaks_, assembler_);
      if (stop.error) out_.add_error(std::move(*stop.error));
      return;
    }
    parse_units(0, chunk_.bytes.size());
  }

 private:
  static constexpr size_t kMaxUnitsPerRun = size_t{1} << 20;

  // Parses the units from bounds_[first] up to byte `end`, a unit's start or the chunk's end.
  void parse_units(size_t first, size_t end) {
    size_t units = 1;
    for (size_t next = first; next < bounds_.size() && bounds_[next].offset < end;) {
      const size_t last = std::min(next + units, bounds_.size());
      const size_t run_end = last < bounds_.size() ? std::min<size_t>(bounds_[last].offset, end) : end;
      const size_t after = run_units(next, run_end);
      units = after == last ? std::min(units * 2, kMaxUnitsPerRun) : 1;
      next = after;
    }
  }

  // One run from bounds_[first] to byte `end`; returns the unit to go on with.
  size_t run_units(size_t first, size_t end) {
    const ObjectAssembler::Checkpoint before = assembler_.checkpoint();
    RunStop stop = run_parser(chunk_, bounds_[first].offset, end, bounds_[first].line, odd_breaks_, assembler_);
    switch (stop.reason) {
      case RunStop::Reason::None:
        return first_at_or_after_offset(end);
      case RunStop::Reason::Reader: {
        assembler_.abandon_document();
        // The units between the last event and the bad bytes were decoded, never parsed: parse
        // them again without the unit that holds the bad bytes (libyaml accepted every byte
        // before them), then report it.
        const size_t bad_unit = first_at_or_after_offset(stop.offset + 1) - 1;
        if (bad_unit > first) {
          assembler_.rollback(before);
          parse_units(first, bounds_[bad_unit].offset);
        }
        report(std::move(*stop.error));
        return bad_unit + 1;
      }
      case RunStop::Reason::Syntax:
        assembler_.abandon_document();
        report(std::move(*stop.error));
        // libyaml may find a unit's error only at the start of the next one: start again at the
        // first unit that starts on or after the error's line.
        return first_on_line(first + 1, stop.line, false);
      case RunStop::Reason::Limit:
        assembler_.abandon_document();
        return first_on_line(first + 1, stop.line, true);  // the limit was met inside its unit
    }
    return bounds_.size();
  }

  // A unit that failed on its first line is found again when the run before it went on into
  // it: report the same error once.
  void report(Diagnostic error) {
    if (last_error_ && last_error_->mark == error.mark && last_error_->message == error.message) return;
    last_error_ = error;
    out_.add_error(std::move(error));
  }

  size_t first_at_or_after_offset(size_t offset) const {
    auto it = std::lower_bound(bounds_.begin(), bounds_.end(), offset,
                               [](const Boundary& b, size_t o) { return b.offset < o; });
    return static_cast<size_t>(it - bounds_.begin());
  }

  // The first unit from `from` on that starts on `line` or, when `after` holds, after it.
  size_t first_on_line(size_t from, uint32_t line, bool after) const {
    auto begin = bounds_.begin() + static_cast<std::ptrdiff_t>(std::min(from, bounds_.size()));
    auto it =
        after ? std::upper_bound(begin, bounds_.end(), line, [](uint32_t l, const Boundary& b) { return l < b.line; })
              : std::lower_bound(begin, bounds_.end(), line, [](const Boundary& b, uint32_t l) { return b.line < l; });
    return static_cast<size_t>(it - bounds_.begin());
  }

  const Chunk& chunk_;
  const bool odd_breaks_;
  const std::vector<Boundary>& bounds_;
  ObjectAssembler& assembler_;
  ParseOutput& out_;
  std::optional<Diagnostic> last_error_;
};

}  // namespace

Mark mark_at_offset(std::string_view text, size_t offset, uint32_t first_line) {
  offset = std::min(offset, text.size());
  uint32_t line = first_line;
  size_t line_start = 0;
  for (size_t i = 0; i < offset; ++i)
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  uint32_t column = 1;
  for (size_t i = line_start; i < offset; ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++column;
  return {line, column};
}

namespace {

ParseOutput parse_as_is(const Chunk& chunk, bool odd_breaks, const LoadLimits& limits,
                        std::atomic<size_t>* object_count) {
  ParseOutput out;
  out.errors = chunk.errors;
  if (chunk.bytes.empty()) return out;
  ObjectAssembler assembler(chunk.file, limits, out, object_count);
  assembler.set_source_comments(chunk.sources);
  assembler.set_list_shell(chunk.kind == ChunkKind::ListShell);
  ChunkParse(chunk, odd_breaks, assembler, out).run();
  return out;
}

}  // namespace

ParseOutput parse_yaml_chunk(const Chunk& chunk, const LoadLimits& limits, std::atomic<size_t>* object_count) {
  const bool odd_breaks = has_libyaml_only_line_breaks(chunk.bytes);
  if (chunk.kind == ChunkKind::Items && !chunk.bytes.empty() && getenv("UPCHECK_NO_PREFILTER") == nullptr) {
    // List items in kubectl's layout: let libyaml skip what the keep policy drops.
    Chunk filtered;
    filtered.file = chunk.file;
    filtered.kind = ChunkKind::Documents;  // parsed as is from here on
    filtered.first_line = chunk.first_line;
    filtered.sources = chunk.sources;
    filtered.errors = chunk.errors;
    std::vector<size_t> item_offsets;
    prefilter_list_items(chunk.bytes, filtered.bytes, item_offsets);
    if (item_offsets.size() == chunk.boundaries.size()) {
      for (size_t i = 0; i < item_offsets.size(); ++i)
        filtered.boundaries.push_back({static_cast<uint32_t>(item_offsets[i]), chunk.boundaries[i].line});
      return parse_as_is(filtered, odd_breaks, limits, object_count);  // it leaves items with such breaks as they are
    }
  }
  return parse_as_is(chunk, odd_breaks, limits, object_count);
}

}  // namespace upcheck::load
