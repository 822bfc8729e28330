#include "codec/base64.hpp"

#include <array>
#include <cstdint>

namespace upcheck::codec {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

}  // namespace

std::optional<std::string> decode_base64(std::string_view text, size_t max_output) {
  // 0-63: a symbol's value; kSpace: skipped; kPad: '='; kBad: anything else.
  static constexpr uint8_t kSpace = 64, kPad = 65, kBad = 255;
  static constexpr std::array<uint8_t, 256> kTable = [] {
    std::array<uint8_t, 256> t{};
    t.fill(kBad);
    for (size_t i = 0; i < kAlphabet.size(); ++i) t[static_cast<uint8_t>(kAlphabet[i])] = static_cast<uint8_t>(i);
    for (char c : {' ', '\n', '\r', '\t'}) t[static_cast<uint8_t>(c)] = kSpace;
    t[static_cast<uint8_t>('=')] = kPad;
    return t;
  }();
  // Whitespace makes the text longer than what it encodes, never shorter: this bound is safe.
  if (text.size() / 4 * 3 > max_output && text.size() / 4 * 3 - max_output > 3) return std::nullopt;
  std::string out(text.size() / 4 * 3 + 3, '\0');
  char* o = out.data();
  uint32_t group = 0;
  int symbols = 0, padding = 0;
  for (char ch : text) {
    uint8_t v = kTable[static_cast<uint8_t>(ch)];
    if (v < 64) {
      if (padding > 0) return std::nullopt;  // data after padding
      group = (group << 6) | v;
      if (++symbols == 4) {
        *o++ = static_cast<char>(group >> 16);
        *o++ = static_cast<char>(group >> 8);
        *o++ = static_cast<char>(group);
        symbols = 0;
        group = 0;
      }
    } else if (v == kPad) {
      ++padding;
    } else if (v != kSpace) {
      return std::nullopt;
    }
  }
  // A final group of 2 or 3 symbols, padded to 4.
  if (symbols == 2 && padding == 2) {
    *o++ = static_cast<char>(group >> 4);
  } else if (symbols == 3 && padding == 1) {
    *o++ = static_cast<char>(group >> 10);
    *o++ = static_cast<char>(group >> 2);
  } else if (symbols != 0 || padding != 0) {
    return std::nullopt;
  }
  out.resize(static_cast<size_t>(o - out.data()));
  if (out.size() > max_output) return std::nullopt;
  return out;
}

std::string encode_base64(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t v = (static_cast<uint32_t>(static_cast<uint8_t>(bytes[i])) << 16) |
                 (static_cast<uint32_t>(static_cast<uint8_t>(bytes[i + 1])) << 8) | static_cast<uint8_t>(bytes[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out.push_back(kAlphabet[(v >> shift) & 63]);
  }
  if (i + 1 == bytes.size()) {
    uint32_t v = static_cast<uint32_t>(static_cast<uint8_t>(bytes[i])) << 16;
    out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    uint32_t v = (static_cast<uint32_t>(static_cast<uint8_t>(bytes[i])) << 16) |
                 (static_cast<uint32_t>(static_cast<uint8_t>(bytes[i + 1])) << 8);
    out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63], '='};
  }
  return out;
}

}  // namespace upcheck::codec
