// Classifies JSON text 64 bytes at a time, as simdjson's first stage does: which bytes are
// brackets outside strings, which are newlines, which continue a UTF-8 sequence. Whether a block
// starts inside a string (or just after a backslash) carries over from the block before, so the
// splitter can feed an input of any size through it in pieces without a per-byte state machine.
#pragma once

#include <cstddef>
#include <cstdint>

namespace upcheck::load {

// Bit i describes byte i of the block.
struct JsonBlockMasks {
  uint64_t brackets = 0;  // { } [ ] outside strings
  uint64_t newlines = 0;
  uint64_t continuations = 0;  // bytes 0x80-0xBF: not the start of a code point
};

class JsonBlockScanner {
 public:
  static constexpr unsigned kBlockBytes = 64;
  // Best: AVX2 where the CPU has it. Baseline: SSE2 only (for tests comparing the two).
  enum class Isa : uint8_t { Best, Baseline };

  explicit JsonBlockScanner(Isa isa = Isa::Best);

  // Classifies `blocks` consecutive blocks of 64 bytes from `data` into `out`.
  void scan(const char* data, size_t blocks, JsonBlockMasks* out);
  // One block: 64 readable bytes.
  JsonBlockMasks scan(const char* block);
  bool in_string() const { return in_string_ != 0; }

 private:
  bool best_isa_;
  uint64_t in_string_ = 0;  // all ones when the previous block ended inside a string
  uint64_t escaped_ = 0;    // 1 when the previous block ended in an odd run of backslashes
};

}  // namespace upcheck::load
