#include "load/json_block_scanner.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#endif

namespace upcheck::load {
namespace {

struct RawMasks {
  uint64_t quotes = 0;
  uint64_t backslashes = 0;
  uint64_t brackets = 0;
  uint64_t newlines = 0;
  uint64_t continuations = 0;
};

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
// SSE2 is part of every x86-64; AVX2 (twice the bytes per instruction) runs only where the CPU
// has it, chosen once at start-up. Both see the same bytes and give the same masks.
uint64_t bits16(__m128i matches, unsigned lane) {
  return static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(matches))) << (16 * lane);
}

RawMasks classify_sse2(const char* block) {
  RawMasks m;
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i newline = _mm_set1_epi8('\n');
  const __m128i case_bit = _mm_set1_epi8(0x20);
  const __m128i open_curly = _mm_set1_epi8('{');
  const __m128i close_curly = _mm_set1_epi8('}');
  const __m128i continuation_limit = _mm_set1_epi8(-64);
  for (unsigned lane = 0; lane < 4; ++lane) {
    __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + 16 * lane));
    // '[' and ']' are '{' and '}' without 0x20, and no other byte becomes either with it.
    __m128i folded = _mm_or_si128(bytes, case_bit);
    m.quotes |= bits16(_mm_cmpeq_epi8(bytes, quote), lane);
    m.backslashes |= bits16(_mm_cmpeq_epi8(bytes, backslash), lane);
    m.brackets |= bits16(_mm_or_si128(_mm_cmpeq_epi8(folded, open_curly), _mm_cmpeq_epi8(folded, close_curly)), lane);
    m.newlines |= bits16(_mm_cmpeq_epi8(bytes, newline), lane);
    // Continuation bytes are 0x80-0xBF: as signed bytes, exactly those below -64.
    m.continuations |= bits16(_mm_cmplt_epi8(bytes, continuation_limit), lane);
  }
  return m;
}

__attribute__((target("avx2"))) uint64_t bits32_avx2(__m256i matches, unsigned lane) {
  return static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(matches))) << (32 * lane);
}

__attribute__((target("avx2"))) RawMasks classify_avx2(const char* block) {
  RawMasks m;
  const __m256i quote = _mm256_set1_epi8('"');
  const __m256i backslash = _mm256_set1_epi8('\\');
  const __m256i newline = _mm256_set1_epi8('\n');
  const __m256i case_bit = _mm256_set1_epi8(0x20);
  const __m256i open_curly = _mm256_set1_epi8('{');
  const __m256i close_curly = _mm256_set1_epi8('}');
  const __m256i continuation_limit = _mm256_set1_epi8(-64);
  for (unsigned lane = 0; lane < 2; ++lane) {
    __m256i bytes = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(block + 32 * lane));
    __m256i folded = _mm256_or_si256(bytes, case_bit);
    m.quotes |= bits32_avx2(_mm256_cmpeq_epi8(bytes, quote), lane);
    m.backslashes |= bits32_avx2(_mm256_cmpeq_epi8(bytes, backslash), lane);
    m.brackets |= bits32_avx2(
        _mm256_or_si256(_mm256_cmpeq_epi8(folded, open_curly), _mm256_cmpeq_epi8(folded, close_curly)), lane);
    m.newlines |= bits32_avx2(_mm256_cmpeq_epi8(bytes, newline), lane);
    m.continuations |= bits32_avx2(_mm256_cmpgt_epi8(continuation_limit, bytes), lane);
  }
  return m;
}

#else
RawMasks classify_portable(const char* block) {
  RawMasks m;
  for (unsigned i = 0; i < JsonBlockScanner::kBlockBytes; ++i) {
    const auto c = static_cast<unsigned char>(block[i]);
    const uint64_t bit = uint64_t{1} << i;
    if (c == '"') m.quotes |= bit;
    if (c == '\\') m.backslashes |= bit;
    if (c == '{' || c == '}' || c == '[' || c == ']') m.brackets |= bit;
    if (c == '\n') m.newlines |= bit;
    if ((c & 0xC0) == 0x80) m.continuations |= bit;
  }
  return m;
}
#endif

// The bytes escaped by a backslash: those after an odd-length run of backslashes. This is
// simdjson's branchless method: adding a run's start bit to the run carries past its end, which
// tells runs starting on odd and even positions apart.
inline uint64_t escaped_bytes(uint64_t backslashes, uint64_t& carried_escape) {
  constexpr uint64_t kEvenBits = 0x5555555555555555ULL;
  backslashes &= ~carried_escape;  // a backslash escaped by the previous block escapes nothing
  const uint64_t follows_backslash = (backslashes << 1) | carried_escape;
  const uint64_t odd_starts = backslashes & ~kEvenBits & ~follows_backslash;
  uint64_t even_started_runs_end = 0;
  carried_escape = __builtin_add_overflow(odd_starts, backslashes, &even_started_runs_end) ? 1 : 0;
  const uint64_t invert = even_started_runs_end << 1;
  return (kEvenBits ^ invert) & follows_backslash;
}

// Bit i is the XOR of bits 0..i: with quote bits in, the bytes from an opening quote up to (not
// including) its closing one. Shifts rather than a carry-less multiply, which needs PCLMUL.
inline uint64_t prefix_xor(uint64_t x) {
  x ^= x << 1;
  x ^= x << 2;
  x ^= x << 4;
  x ^= x << 8;
  x ^= x << 16;
  x ^= x << 32;
  return x;
}

// What carries from one block to the next.
struct StringState {
  uint64_t in_string = 0;  // all ones when the previous block ended inside a string
  uint64_t escaped = 0;    // 1 when the previous block ended in an odd run of backslashes
};

inline JsonBlockMasks structure(const RawMasks& raw, StringState& state) {
  const uint64_t escaped = (raw.backslashes | state.escaped) != 0 ? escaped_bytes(raw.backslashes, state.escaped) : 0;
  const uint64_t quotes = raw.quotes & ~escaped;
  const uint64_t in_string = prefix_xor(quotes) ^ state.in_string;
  state.in_string = static_cast<uint64_t>(static_cast<int64_t>(in_string) >> 63);
  return {raw.brackets & ~in_string, raw.newlines, raw.continuations};
}

// One loop per instruction set, so that the classifier inlines into it: a call per block
// costs as much as the classifying.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
void scan_sse2(const char* data, size_t blocks, JsonBlockMasks* out, StringState& state) {
  for (size_t i = 0; i < blocks; ++i)
    out[i] = structure(classify_sse2(data + i * JsonBlockScanner::kBlockBytes), state);
}

__attribute__((target("avx2"))) void scan_avx2(const char* data, size_t blocks, JsonBlockMasks* out,
                                               StringState& state) {
  for (size_t i = 0; i < blocks; ++i)
    out[i] = structure(classify_avx2(data + i * JsonBlockScanner::kBlockBytes), state);
}

bool cpu_has_avx2() {
  __builtin_cpu_init();  // this may run before the constructors that would call it
  return __builtin_cpu_supports("avx2");
}
const bool kHasAvx2 = cpu_has_avx2();
#else
void scan_portable(const char* data, size_t blocks, JsonBlockMasks* out, StringState& state) {
  for (size_t i = 0; i < blocks; ++i)
    out[i] = structure(classify_portable(data + i * JsonBlockScanner::kBlockBytes), state);
}
#endif

}  // namespace

JsonBlockScanner::JsonBlockScanner(Isa isa) : best_isa_(isa == Isa::Best) {}

void JsonBlockScanner::scan(const char* data, size_t blocks, JsonBlockMasks* out) {
  StringState state{in_string_, escaped_};
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  if (best_isa_ && kHasAvx2)
    scan_avx2(data, blocks, out, state);
  else
    scan_sse2(data, blocks, out, state);
#else
  scan_portable(data, blocks, out, state);
#endif
  in_string_ = state.in_string;
  escaped_ = state.escaped;
}

JsonBlockMasks JsonBlockScanner::scan(const char* block) {
  JsonBlockMasks masks;
  scan(block, 1, &masks);
  return masks;
}

}  // namespace upcheck::load
