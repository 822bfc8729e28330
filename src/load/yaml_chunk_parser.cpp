#include <yaml.h>

#include <fmt/format.h>

#include <algorithm>

#include "load/chunk_parser.hpp"
#include "load/libyaml_style.hpp"
#include "load/yaml_prefilter.hpp"

#include <cstdlib>

namespace upcheck::load {
namespace {

std::string_view anchor_of(const yaml_char_t* anchor) {
  return anchor == nullptr ? std::string_view{} : std::string_view(reinterpret_cast<const char*>(anchor));
}

// One libyaml run from `offset`; returns the line at which it stopped early, or 0 when it read
// to the end.
uint32_t run_parser(const Chunk& chunk, size_t offset, uint32_t first_line, ObjectAssembler& assembler,
                    ParseOutput& out) {
  std::string_view input = std::string_view(chunk.bytes).substr(offset);
  yaml_parser_t parser;
  yaml_parser_initialize(&parser);
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(input.data()), input.size());
  auto mark = [&](const yaml_mark_t& m) {
    return Mark{first_line + static_cast<uint32_t>(m.line), static_cast<uint32_t>(m.column) + 1};
  };
  uint32_t stopped_at = 0;
  for (;;) {
    yaml_event_t ev;
    if (!yaml_parser_parse(&parser, &ev)) {
      Mark where;
      std::string message = parser.problem != nullptr ? parser.problem : "syntax error";
      std::string code = "yaml-syntax";
      if (parser.error == YAML_READER_ERROR) {
        where = mark_at_offset(input, parser.problem_offset, first_line);
        code = "yaml-encoding";
        if (parser.problem_value >= 0) message += fmt::format(" (byte 0x{:02x})", parser.problem_value);
        message += ": the input must be UTF-8 text";
      } else if (parser.error == YAML_MEMORY_ERROR) {
        code = "yaml-memory";
        message = "out of memory while parsing";
      } else {
        where = mark(parser.problem_mark);
        if (parser.context != nullptr)
          message += fmt::format(" ({} that starts at line {}, column {})", parser.context,
                                 first_line + parser.context_mark.line, parser.context_mark.column + 1);
      }
      if (where.line == 0) where = Mark{first_line, 1};
      out.errors.push_back({chunk.file, where, std::move(code), std::move(message)});
      stopped_at = where.line;
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
    const bool end = ev.type == YAML_STREAM_END_EVENT;
    yaml_event_delete(&ev);
    if (!ok) {
      stopped_at = std::max<uint32_t>(at.line, first_line);
      break;
    }
    if (end) break;
  }
  yaml_parser_delete(&parser);
  return stopped_at;
}

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

ParseOutput parse_yaml_chunk(const Chunk& chunk, const LoadLimits& limits, std::atomic<size_t>* object_count) {
  if (chunk.kind == ChunkKind::Items && !chunk.bytes.empty() && getenv("UPCHECK_NO_PREFILTER") == nullptr) {
    // List items in kubectl's layout: let libyaml skip what the keep policy drops.
    Chunk filtered;
    filtered.file = chunk.file;
    filtered.kind = ChunkKind::Documents;   // parsed as is from here on
    filtered.first_line = chunk.first_line;
    filtered.sources = chunk.sources;
    filtered.errors = chunk.errors;
    std::vector<size_t> item_offsets;
    prefilter_list_items(chunk.bytes, filtered.bytes, item_offsets);
    if (item_offsets.size() == chunk.boundaries.size()) {
      for (size_t i = 0; i < item_offsets.size(); ++i)
        filtered.boundaries.push_back({static_cast<uint32_t>(item_offsets[i]), chunk.boundaries[i].line});
      return parse_yaml_chunk(filtered, limits, object_count);
    }
  }
  ParseOutput out;
  out.errors = chunk.errors;
  if (chunk.bytes.empty()) return out;
  ObjectAssembler assembler(chunk.file, limits, out, object_count);
  assembler.set_source_comments(chunk.sources);
  assembler.set_list_shell(chunk.kind == ChunkKind::ListShell);
  size_t offset = chunk.boundaries.empty() ? 0 : chunk.boundaries.front().offset;
  uint32_t line = chunk.boundaries.empty() ? chunk.first_line : chunk.boundaries.front().line;
  for (;;) {
    uint32_t stopped_at = run_parser(chunk, offset, line, assembler, out);
    if (stopped_at == 0) break;
    assembler.abandon_document();
    // Start again at the first document or item after the one that failed.
    auto next = std::find_if(chunk.boundaries.begin(), chunk.boundaries.end(),
                             [&](const Boundary& b) { return b.offset > offset && b.line >= stopped_at; });
    if (next == chunk.boundaries.end()) break;
    offset = next->offset;
    line = next->line;
  }
  return out;
}

}  // namespace upcheck::load
