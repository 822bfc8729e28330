#include <algorithm>
#include <string>

#include "load/chunk_parser.hpp"
#include "load/json_event_sink.hpp"
#include "load/json_kernel.hpp"

namespace upcheck::load {
namespace {

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

const char* skip_space(const char* p, const char* end) {
  while (p < end && is_space(*p)) ++p;
  return p;
}

// The end of the string, number or literal at `p`: past a string's closing quote, or at the
// first byte that cannot continue a number or literal. Always past `p`.
const char* scalar_token_end(const char* p, const char* end) {
  if (*p == '"') {
    for (const char* q = p + 1; q < end; ++q) {
      if (*q == '\\')
        ++q;
      else if (*q == '"')
        return q + 1;
    }
    return end;
  }
  const char* q = p + 1;
  while (q < end && !is_space(*q) && *q != ',' && *q != ':' && *q != '{' && *q != '}' && *q != '[' && *q != ']' &&
         *q != '"')
    ++q;
  return q;
}

// Where the object or array at `begin` closes, by matching brackets outside strings; nullptr
// when it does not close before `end`.
const char* matching_close(const char* begin, const char* end) {
  size_t depth = 0;
  for (const char* p = begin; p < end; ++p) {
    switch (*p) {
      case '"':
        p = scalar_token_end(p, end) - 1;
        break;
      case '{':
      case '[':
        ++depth;
        break;
      case '}':
      case ']':
        if (--depth == 0) return p + 1;
        break;
      default:
        break;
    }
  }
  return nullptr;
}

// Where the object or array at `begin` ends. A unit holds at most one (the splitter starts a
// unit at each), so when only separators follow it, its end is the unit's last bracket.
const char* container_end(const char* begin, const char* end) {
  const char* q = end;
  while (q > begin && is_space(q[-1])) --q;
  if (q > begin && q[-1] == ',') --q;
  while (q > begin && is_space(q[-1])) --q;
  if (q - 1 > begin && (q[-1] == '}' || q[-1] == ']')) return q;
  return matching_close(begin, end);
}

// Parses one chunk, unit by unit. A unit is a run of values: in JsonItems chunks, List items
// separated by commas (a trailing one before the next unit); elsewhere, documents one after
// another. An error loses the rest of its unit, never another unit.
class JsonChunkParse {
 public:
  JsonChunkParse(const JsonKernel& kernel, const Chunk& chunk, const char* base, const char* readable_end,
                 const LoadLimits& limits, ParseOutput& out, std::atomic<size_t>* object_count)
      : kernel_(kernel),
        chunk_(chunk),
        base_(base),
        readable_end_(readable_end),
        assembler_(chunk.file, limits, out, object_count),
        sink_(chunk, base, assembler_, out),
        items_(chunk.kind == ChunkKind::JsonItems) {}

  void run() {
    const auto& boundaries = chunk_.boundaries;
    const char* chunk_end = base_ + chunk_.bytes.size();
    for (size_t i = 0; i < boundaries.size(); ++i) {
      const char* begin = base_ + boundaries[i].offset;
      const char* end = i + 1 < boundaries.size() ? base_ + boundaries[i + 1].offset : chunk_end;
      if (items_ && !items_open_) {
        // The items are the elements of a sequence, as in a YAML List's chunk.
        assembler_.begin_document();
        assembler_.begin_seq(sink_.mark(begin));
        items_open_ = true;
      }
      if (!unit(begin, end)) {
        assembler_.abandon_document();
        items_open_ = false;
      }
    }
    if (items_open_) {
      assembler_.end_container();
      assembler_.end_document(sink_.mark(chunk_end));
    }
  }

 private:
  bool unit(const char* begin, const char* end) {
    const char* p = skip_space(begin, end);
    bool first = true;
    while (p < end) {
      if (items_ && !first) {
        if (*p != ',') {
          sink_.syntax_error(p, "a ',' is missing between List items");
          return false;
        }
        p = skip_space(p + 1, end);
        if (p == end) break;
      }
      first = false;
      if (!items_) assembler_.begin_document();
      const char* value_end = nullptr;
      if (*p == '{' || *p == '[') {
        value_end = container_end(p, end);
        if (value_end == nullptr) {
          sink_.syntax_error(p, "this object or array is not closed");
          return false;
        }
        if (!kernel_.walk_container(sink_, p, value_end, readable_end_)) return false;
      } else {
        value_end = scalar_token_end(p, end);
        if (!scalar(p, value_end)) return false;
      }
      if (!items_) assembler_.end_document(sink_.mark(value_end));
      p = skip_space(value_end, end);
    }
    return true;
  }

  bool scalar(const char* begin, const char* end) {
    if (*begin != '"') return sink_.literal({begin, static_cast<size_t>(end - begin)}, begin);
    std::string_view text;
    return kernel_.read_string(sink_, begin, end, readable_end_, text) && sink_.string(text, begin);
  }

  const JsonKernel& kernel_;
  const Chunk& chunk_;
  const char* base_;
  const char* readable_end_;
  ObjectAssembler assembler_;
  JsonEventSink sink_;
  const bool items_;
  bool items_open_ = false;
};

bool has_code(const std::vector<Diagnostic>& diagnostics, size_t from, const DiagnosticCode* code) {
  return std::any_of(diagnostics.begin() + static_cast<std::ptrdiff_t>(std::min(from, diagnostics.size())),
                     diagnostics.end(), [&](const Diagnostic& d) { return d.code == code; });
}

ParseOutput parse_with(const JsonKernel& kernel, const Chunk& chunk, const LoadLimits& limits,
                       std::atomic<size_t>* object_count) {
  ParseOutput out;
  out.errors = chunk.errors;
  if (chunk.bytes.empty()) return out;
  const char* base = chunk.bytes.data();
  const char* readable_end = base + chunk.bytes.capacity();
  std::string padded;
  if (chunk.bytes.capacity() - chunk.bytes.size() < kJsonChunkPadding) {
    // Chunks from the splitter leave room; anything else gets a padded copy.
    padded.reserve(chunk.bytes.size() + kJsonChunkPadding);
    padded.assign(chunk.bytes);
    padded.append(kJsonChunkPadding, ' ');
    base = padded.data();
    readable_end = base + padded.size();
  }
  JsonChunkParse(kernel, chunk, base, readable_end, limits, out, object_count).run();
  return out;
}

}  // namespace

ParseOutput parse_json_chunk(const Chunk& chunk, const LoadLimits& limits, std::atomic<size_t>* object_count) {
  ParseOutput out = parse_with(active_json_kernel(), chunk, limits, object_count);
  // What libyaml reads without error is YAML in flow style ({a: 1}, documents after `---`), which
  // upcheck read before it had a JSON parser: keep that reading rather than JSON's error. libyaml
  // counts columns from the chunk's start, so only a chunk that starts a line can be retried.
  const bool starts_a_line = !chunk.boundaries.empty() && chunk.boundaries.front().column == 1;
  if (chunk.kind != ChunkKind::Documents || !starts_a_line || !has_code(out.errors, chunk.errors.size(), &kJsonSyntax))
    return out;
  ParseOutput yaml = parse_yaml_chunk(chunk, limits, nullptr);
  if (has_code(yaml.errors, chunk.errors.size(), &kYamlSyntax) ||
      has_code(yaml.errors, chunk.errors.size(), &kYamlEncoding))
    return out;
  if (object_count != nullptr) {
    object_count->fetch_sub(out.resources.size());
    object_count->fetch_add(yaml.resources.size());
  }
  return yaml;
}

}  // namespace upcheck::load
