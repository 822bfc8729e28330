#include "load/json_splitter.hpp"

namespace upcheck::load {

JsonSplitter::JsonSplitter(ByteSource& source, std::string prefix, uint32_t file, const LoadLimits& limits,
                           size_t target_chunk_bytes)
    : source_(source), prefix_(std::move(prefix)), file_(file), limits_(limits), target_(target_chunk_bytes) {}

std::optional<Chunk> JsonSplitter::next() {
  if (done_) return std::nullopt;
  done_ = true;
  Chunk chunk;
  chunk.file = file_;
  chunk.kind = ChunkKind::Documents;
  chunk.bytes = std::move(prefix_);
  char buffer[1 << 16];
  while (size_t n = source_.read(buffer, sizeof buffer)) chunk.bytes.append(buffer, n);
  chunk.boundaries.push_back({0, 1});
  return chunk;
}

}  // namespace upcheck::load
