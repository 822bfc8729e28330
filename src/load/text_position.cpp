#include "load/text_position.hpp"

#include <algorithm>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace upcheck::load {
namespace {

std::vector<uint32_t> newline_offsets(std::string_view text) {
  std::vector<uint32_t> offsets;
  offsets.reserve(text.size() / 32);
  size_t i = 0;
#if defined(__SSE2__)
  // SSE2 is part of every x86-64: no runtime dispatch needed.
  const __m128i newline = _mm_set1_epi8('\n');
  for (; i + 16 <= text.size(); i += 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i));
    for (auto found = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, newline))); found != 0;
         found &= found - 1)
      offsets.push_back(static_cast<uint32_t>(i + static_cast<size_t>(__builtin_ctz(found))));
  }
#endif
  for (; i < text.size(); ++i)
    if (text[i] == '\n') offsets.push_back(static_cast<uint32_t>(i));
  return offsets;
}

// Whether any byte of `text` is outside ASCII (then columns must count code points).
bool has_non_ascii(std::string_view text) {
  size_t i = 0;
#if defined(__SSE2__)
  __m128i any = _mm_setzero_si128();
  for (; i + 16 <= text.size(); i += 16)
    any = _mm_or_si128(any, _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i)));
  if (_mm_movemask_epi8(any) != 0) return true;
#endif
  for (; i < text.size(); ++i)
    if (static_cast<unsigned char>(text[i]) >= 0x80) return true;
  return false;
}

// UTF-8 code points in [text, text + size): the bytes that do not continue a multi-byte
// sequence. Eight ASCII bytes at a time, the usual case.
size_t count_code_points(const char* text, size_t size) {
  constexpr uint64_t kHighBits = 0x8080808080808080ULL;
  size_t count = 0;
  size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    uint64_t word;
    std::memcpy(&word, text + i, sizeof word);
    if ((word & kHighBits) == 0) {
      count += 8;
      continue;
    }
    for (size_t j = i; j < i + 8; ++j) count += (static_cast<unsigned char>(text[j]) & 0xC0) != 0x80;
  }
  for (; i < size; ++i) count += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
  return count;
}

}  // namespace

PositionTracker::PositionTracker(std::string_view text, const std::vector<uint32_t>& newlines,
                                 std::vector<Boundary> anchors)
    : text_(text),
      own_newlines_(newlines.empty() && text.find('\n') != std::string_view::npos ? newline_offsets(text)
                                                                                  : std::vector<uint32_t>{}),
      newlines_(own_newlines_.empty() ? newlines : own_newlines_),
      ascii_(!has_non_ascii(text)),
      anchors_(std::move(anchors)) {
  if (anchors_.empty() || anchors_.front().offset != 0) anchors_.insert(anchors_.begin(), Boundary{0, 1, 1});
  jump_to(0);
}

void PositionTracker::jump_to(size_t anchor) {
  offset_ = anchors_[anchor].offset;
  line_ = anchors_[anchor].line;
  column_ = anchors_[anchor].column;
  next_anchor_ = anchor + 1;
  next_newline_ =
      static_cast<size_t>(std::lower_bound(newlines_.begin(), newlines_.end(), offset_) - newlines_.begin());
}

Mark PositionTracker::at(size_t offset) {
  offset = std::min(offset, text_.size());
  if (offset < offset_) {
    auto after = std::upper_bound(anchors_.begin(), anchors_.end(), offset,
                                  [](size_t o, const Boundary& b) { return o < b.offset; });
    jump_to(static_cast<size_t>(after - anchors_.begin()) - 1);
  }
  const size_t passed = next_anchor_;
  while (next_anchor_ < anchors_.size() && anchors_[next_anchor_].offset <= offset) ++next_anchor_;
  if (next_anchor_ != passed) jump_to(next_anchor_ - 1);
  advance(offset);
  return {line_, column_};
}

void PositionTracker::advance(size_t offset) {
  size_t line_start = offset_;
  const size_t first = next_newline_;
  while (next_newline_ < newlines_.size() && newlines_[next_newline_] < offset) ++next_newline_;
  if (next_newline_ != first) {
    line_ += static_cast<uint32_t>(next_newline_ - first);
    line_start = newlines_[next_newline_ - 1] + size_t{1};
    column_ = 1;
  }
  const size_t bytes = offset - line_start;
  column_ += static_cast<uint32_t>(ascii_ ? bytes : count_code_points(text_.data() + line_start, bytes));
  offset_ = offset;
}

}  // namespace upcheck::load
