#include "load/chunk_parser.hpp"

namespace upcheck::load {

ParseOutput parse_json_chunk(const Chunk& chunk, const LoadLimits& limits, std::atomic<size_t>* object_count) {
  return parse_yaml_chunk(chunk, limits, object_count);
}

}  // namespace upcheck::load
