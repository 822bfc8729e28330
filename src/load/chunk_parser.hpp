// Parses one chunk into objects. Chunks are independent, so several parse at once.
#pragma once

#include <atomic>

#include "load/chunk.hpp"
#include "load/limits.hpp"
#include "load/object_assembler.hpp"

namespace upcheck::load {

// YAML chunks go through libyaml's event parser. After a syntax error the parse starts again at
// the next document or List item, so one broken document loses nothing else.
ParseOutput parse_yaml_chunk(const Chunk& chunk, const LoadLimits& limits, std::atomic<size_t>* object_count);

// Chunks from the JSON splitter (documents, List items, a List's shell) go through simdjson
// On-Demand, one unit at a time: a syntax error loses the rest of its unit only. A Documents
// chunk that is not JSON but reads as YAML (flow style) is read as YAML.
ParseOutput parse_json_chunk(const Chunk& chunk, const LoadLimits& limits, std::atomic<size_t>* object_count);

// The 1-based line and column (in code points) of a byte offset, counting from `first_line`.
Mark mark_at_offset(std::string_view text, size_t offset, uint32_t first_line);

}  // namespace upcheck::load
