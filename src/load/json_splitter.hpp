// Cuts a JSON input into chunks: the items of a List (`kubectl get -o json`) in groups, or the
// whole document when it is not a List.
#pragma once

#include <deque>
#include <optional>
#include <string>

#include "load/byte_source.hpp"
#include "load/chunk.hpp"
#include "load/limits.hpp"

namespace upcheck::load {

class JsonSplitter {
 public:
  JsonSplitter(ByteSource& source, std::string prefix, uint32_t file, const LoadLimits& limits,
               size_t target_chunk_bytes);
  std::optional<Chunk> next();

 private:
  ByteSource& source_;
  std::string prefix_;
  uint32_t file_;
  const LoadLimits& limits_;
  size_t target_;
  bool done_ = false;
};

}  // namespace upcheck::load
