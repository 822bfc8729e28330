// A piece of one input that a parser can read on its own: whole YAML documents, whole items
// of a List, or the shell of a List around its items.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "load/object_assembler.hpp"
#include "model/diagnostic.hpp"

namespace upcheck::load {

enum class ChunkKind : uint8_t {
  Documents,  // one or more whole YAML documents (or one JSON value)
  Items,      // whole items of a List in kubectl's layout: "- apiVersion: ..." at column 0
  ListShell,  // what surrounds a List's items (apiVersion, kind, metadata): no objects of its own
  JsonItems,  // whole JSON objects, each one item of a List
};

// Where parsing may start again after a syntax error: a document or item start.
struct Boundary {
  uint32_t offset = 0;  // byte offset in the chunk
  uint32_t line = 0;    // absolute 1-based line
  uint32_t column = 1;  // absolute 1-based column in code points (JSON items may start mid-line)
};

// JSON chunks leave this many readable bytes after their end: simdjson reads past its input.
inline constexpr size_t kJsonChunkPadding = 64;

struct Chunk {
  uint32_t file = 0;
  ChunkKind kind = ChunkKind::Documents;
  std::string bytes;
  uint32_t first_line = 1;           // absolute line of bytes[0]
  std::vector<Boundary> boundaries;  // ascending; the first is the chunk's start
  // Where bytes were cut out (a JSON List's shell, without its items): from each cut's offset on,
  // positions continue at its line and column. Not restart points.
  std::vector<Boundary> cuts;
  // JSON chunks: the offset of every '\n', found while splitting, so that the parser need not
  // look for them again to give lines.
  std::vector<uint32_t> newlines;
  std::vector<SourceComment> sources;  // `# Source:` comments, absolute lines
  std::vector<Diagnostic> errors;      // found while splitting (an oversized document)
};

}  // namespace upcheck::load
