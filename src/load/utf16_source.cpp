#include "load/utf16_source.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

namespace upcheck::load {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool is_high_surrogate(char16_t u) { return u >= 0xD800 && u <= 0xDBFF; }
bool is_low_surrogate(char16_t u) { return u >= 0xDC00 && u <= 0xDFFF; }

class MarkSniffingSource : public ByteSource {
 public:
  explicit MarkSniffingSource(std::unique_ptr<ByteSource> inner) : inner_(std::move(inner)) {}

  size_t read(char* buffer, size_t capacity) override {
    if (!sniffed_) sniff();
    if (mode_ == Mode::PassThrough) {
      if (head_pos_ < head_.size()) {
        const size_t n = std::min(capacity, head_.size() - head_pos_);
        std::memcpy(buffer, head_.data() + head_pos_, n);
        head_pos_ += n;
        return n;
      }
      return inner_->read(buffer, capacity);
    }
    while (out_pos_ == out_.size() && !ended_) decode_more();
    const size_t n = std::min(capacity, out_.size() - out_pos_);
    std::memcpy(buffer, out_.data() + out_pos_, n);
    out_pos_ += n;
    return n;
  }
  uint64_t position() const override { return inner_->position(); }
  uint64_t size() const override { return inner_->size(); }

 private:
  enum class Mode { PassThrough, LittleEndian, BigEndian };

  void sniff() {
    sniffed_ = true;
    head_.resize(2);
    size_t got = 0;
    while (got < 2) {
      const size_t n = inner_->read(head_.data() + got, 2 - got);
      if (n == 0) break;
      got += n;
    }
    head_.resize(got);
    if (got == 2 && head_ == "\xFF\xFE")
      mode_ = Mode::LittleEndian;
    else if (got == 2 && head_ == "\xFE\xFF")
      mode_ = Mode::BigEndian;
    if (mode_ != Mode::PassThrough) head_.clear();  // the mark is not text
  }

  char16_t unit_at(size_t i) const {
    const auto a = static_cast<unsigned char>(in_[i]);
    const auto b = static_cast<unsigned char>(in_[i + 1]);
    return static_cast<char16_t>(mode_ == Mode::LittleEndian ? (b << 8) | a : (a << 8) | b);
  }

  // Reads a block and decodes every complete code point in it; a code unit or surrogate pair cut
  // by the block's end waits for the next block.
  void decode_more() {
    out_.clear();
    out_pos_ = 0;
    const size_t carried = in_.size();
    in_.resize(carried + kBlockBytes);
    const size_t n = inner_->read(in_.data() + carried, kBlockBytes);
    in_.resize(carried + n);
    const bool at_end = n == 0;
    size_t i = 0;
    while (i + 2 <= in_.size()) {
      const char16_t unit = unit_at(i);
      if (is_high_surrogate(unit)) {
        if (i + 4 > in_.size() && !at_end) break;  // its pair may be in the next block
        if (i + 4 <= in_.size() && is_low_surrogate(unit_at(i + 2))) {
          append_utf8(out_, 0x10000 + ((unit - 0xD800) << 10) + (unit_at(i + 2) - 0xDC00));
          i += 4;
          continue;
        }
        append_utf8(out_, kReplacement);
      } else if (is_low_surrogate(unit)) {
        append_utf8(out_, kReplacement);
      } else {
        append_utf8(out_, unit);
      }
      i += 2;
    }
    in_.erase(0, i);
    if (at_end) {
      if (!in_.empty()) append_utf8(out_, kReplacement);  // an odd last byte
      in_.clear();
      ended_ = true;
    }
  }

  static constexpr size_t kBlockBytes = 1 << 16;
  std::unique_ptr<ByteSource> inner_;
  bool sniffed_ = false;
  Mode mode_ = Mode::PassThrough;
  std::string head_;  // the sniffed bytes, replayed when passing through
  size_t head_pos_ = 0;
  std::string in_;   // UTF-16 bytes not yet decoded
  std::string out_;  // UTF-8 not yet read
  size_t out_pos_ = 0;
  bool ended_ = false;
};

}  // namespace

std::unique_ptr<ByteSource> decode_utf16_if_marked(std::unique_ptr<ByteSource> inner) {
  return std::make_unique<MarkSniffingSource>(std::move(inner));
}

}  // namespace upcheck::load
