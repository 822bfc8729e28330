#include "load/json_event_sink.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace upcheck::load {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool is_json_number(std::string_view s) {
  size_t i = 0;
  auto digits = [&] {
    const size_t start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    return i > start;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (i < s.size() && s[i] == '0')
    ++i;
  else if (!digits())
    return false;
  if (i < s.size() && s[i] == '.' && (++i, !digits())) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

std::string_view trim_trailing_space(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// The length of the valid UTF-8 sequence at `p` (before `end`), or 0.
size_t utf8_sequence_length(const unsigned char* p, const unsigned char* end) {
  const unsigned char c = p[0];
  if (c < 0x80) return 1;
  size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    length = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    length = 3;
    if (c == 0xE0) low = 0xA0;   // overlong
    if (c == 0xED) high = 0x9F;  // surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    length = 4;
    if (c == 0xF0) low = 0x90;
    if (c == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (static_cast<size_t>(end - p) < length) return 0;
  if (p[1] < low || p[1] > high) return 0;
  for (size_t i = 2; i < length; ++i)
    if ((p[i] & 0xC0) != 0x80) return 0;
  return length;
}

const char* first_invalid_utf8(const char* begin, const char* end) {
  const auto* p = reinterpret_cast<const unsigned char*>(begin);
  const auto* stop = reinterpret_cast<const unsigned char*>(end);
  while (p < stop) {
    const size_t n = utf8_sequence_length(p, stop);
    if (n == 0) return reinterpret_cast<const char*>(p);
    p += n;
  }
  return nullptr;
}

std::vector<Boundary> position_anchors(const Chunk& chunk) {
  std::vector<Boundary> anchors = chunk.boundaries;
  anchors.insert(anchors.end(), chunk.cuts.begin(), chunk.cuts.end());
  std::sort(anchors.begin(), anchors.end(), [](const Boundary& a, const Boundary& b) { return a.offset < b.offset; });
  if (anchors.empty() || anchors.front().offset != 0) anchors.insert(anchors.begin(), Boundary{0, chunk.first_line, 1});
  return anchors;
}

}  // namespace

JsonEventSink::JsonEventSink(const Chunk& chunk, const char* base, ObjectAssembler& assembler, ParseOutput& out)
    : file_(chunk.file),
      base_(base),
      assembler_(assembler),
      positions_(std::string_view(base, chunk.bytes.size()), chunk.newlines, position_anchors(chunk)),
      out_(out) {}

bool JsonEventSink::literal(std::string_view raw, const char* at) {
  return check_literal(raw, at) && assembler_.scalar(trim_trailing_space(raw), ScalarStyle::Plain, mark(at));
}

bool JsonEventSink::check_literal(std::string_view raw, const char* at) {
  const std::string_view token = trim_trailing_space(raw);
  if (token == "true" || token == "false" || token == "null" || is_json_number(token)) return true;
  // The message quotes the token: it must be text, and be cut between characters.
  if (first_invalid_utf8(token.data(), token.data() + token.size()) != nullptr) {
    invalid_text(token.data(), token.data() + token.size(), "The input is not valid UTF-8", true);
    return false;
  }
  size_t shown = std::min<size_t>(token.size(), 40);
  while (shown < token.size() && shown > 0 && (static_cast<unsigned char>(token[shown]) & 0xC0) == 0x80) --shown;
  syntax_error(at, token.empty() ? std::string("a value is missing")
                                 : fmt::format("'{}{}' is not a JSON value", token.substr(0, shown),
                                               token.size() > shown ? "..." : ""));
  return false;
}

namespace {

// The first backslash of [begin, end) that escapes a non-ASCII byte. Backslashes pair up left to
// right: in "\\\\" the second escapes nothing.
const char* backslash_before_non_ascii(const char* begin, const char* end) {
  for (const char* p = begin; p < end;) {
    p = static_cast<const char*>(std::memchr(p, '\\', static_cast<size_t>(end - p)));
    if (p == nullptr || p + 1 >= end) return nullptr;
    if (static_cast<unsigned char>(p[1]) >= 0x80) return p;
    p += 2;
  }
  return nullptr;
}

}  // namespace

bool JsonEventSink::reads_alike_in_both_kernels(const char* begin, const char* end) {
  if (const char* bad = backslash_before_non_ascii(begin, end)) {
    syntax_error(bad, "a backslash before a non-ASCII character is not a JSON escape");
    return false;
  }
  const auto size = static_cast<size_t>(end - begin);
  if (std::memchr(begin, '\f', size) == nullptr && std::memchr(begin, '\x1a', size) == nullptr) return true;
  bool in_string = false;
  bool escaped = false;
  for (const char* p = begin; p < end; ++p) {
    if (escaped) {
      escaped = false;
    } else if (*p == '\\') {
      escaped = true;
    } else if (*p == '"') {
      in_string = !in_string;
    } else if (!in_string && (*p == '\f' || *p == '\x1a')) {
      syntax_error(p, fmt::format("control character U+{:04X} outside a string", static_cast<unsigned char>(*p)));
      return false;
    }
  }
  return true;
}

void JsonEventSink::syntax_error(const char* at, std::string_view reason) {
  out_.errors.push_back({file_, mark(at), &kJsonSyntax, std::string(reason)});
}

void JsonEventSink::invalid_text(const char* begin, const char* end, std::string_view reason, bool bad_utf8) {
  if (bad_utf8) {
    if (const char* bad = first_invalid_utf8(begin, end)) {
      out_.errors.push_back(
          {file_, mark(bad), &kJsonSyntax,
           fmt::format("{} (byte 0x{:02x}): the input must be UTF-8 text", reason, static_cast<unsigned char>(*bad))});
      return;
    }
  }
  syntax_error(begin, reason);
}

}  // namespace upcheck::load
