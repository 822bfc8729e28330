#include "collect/yaml_list_writer.hpp"

#include <fmt/format.h>

#include <cstdint>

#include "fix/yaml_emit.hpp"

namespace upcheck::collect {
namespace {

using nlohmann::json;

// Decodes the UTF-8 code point at `i` (nlohmann only holds valid UTF-8) and moves past it.
uint32_t next_code_point(const std::string& s, size_t& i) {
  auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  uint8_t b = byte(i);
  if (b < 0x80) {
    i += 1;
    return b;
  }
  if ((b & 0xE0) == 0xC0 && i + 1 < s.size()) {
    uint32_t cp = ((b & 0x1Fu) << 6) | (byte(i + 1) & 0x3Fu);
    i += 2;
    return cp;
  }
  if ((b & 0xF0) == 0xE0 && i + 2 < s.size()) {
    uint32_t cp = ((b & 0x0Fu) << 12) | ((byte(i + 1) & 0x3Fu) << 6) | (byte(i + 2) & 0x3Fu);
    i += 3;
    return cp;
  }
  if ((b & 0xF8) == 0xF0 && i + 3 < s.size()) {
    uint32_t cp =
        ((b & 0x07u) << 18) | ((byte(i + 1) & 0x3Fu) << 12) | ((byte(i + 2) & 0x3Fu) << 6) | (byte(i + 3) & 0x3Fu);
    i += 4;
    return cp;
  }
  i += 1;
  return 0xFFFD;
}

// Code points YAML does not allow raw, or reads as line breaks (NEL, LS, PS), or a BOM: these
// are written as escapes in double quotes, and keep a string out of a literal block.
bool needs_escape(uint32_t cp) {
  if (cp < 0x20) return cp != '\t' && cp != '\n';
  return cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF || cp == 0xFFFE ||
         cp == 0xFFFF;
}

std::string double_quoted(const std::string& s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    size_t start = i;
    uint32_t cp = next_code_point(s, i);
    switch (cp) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (needs_escape(cp))
          out += fmt::format("\\u{:04X}", cp);
        else
          out.append(s, start, i - start);
    }
  }
  out += '"';
  return out;
}

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }

// Plain only for strings that start with a letter, `_` or `/` (never a number, date, indicator or
// special float), hold only harmless characters, and are no reserved word.
bool can_be_plain(const std::string& s) {
  if (fix::reads_as_non_string(s)) return false;  // a boolean or null word (numbers fail below)
  char first = s.front();
  if (!is_ascii_letter(first) && first != '_' && first != '/') return false;
  if (s.back() == ' ' || s.back() == ':') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (is_ascii_letter(c) || is_ascii_digit(c)) continue;
    switch (c) {
      case '.':
      case '_':
      case '/':
      case '@':
      case '+':
      case '=':
      case '-':
      case ',':
      case '(':
      case ')':
        continue;
      case ':':
        if (s[i + 1] == ' ') return false;  // ": " starts a mapping value
        continue;
      case ' ':
        if (s[i + 1] == ' ') return false;  // keep runs of spaces in quotes, where they are plain to see
        continue;
      default:
        return false;
    }
  }
  return true;
}

// A literal block reads back unchanged when the text has a line break, no character that needs
// an escape, no carriage return, no trailing blanks on a line, and a first line that neither is
// empty nor starts with a space (which would need an indentation indicator).
bool can_be_literal(const std::string& s) {
  if (s.find('\n') == std::string::npos || s.front() == '\n' || s.front() == ' ') return false;
  for (size_t i = 0; i < s.size();) {
    size_t start = i;
    uint32_t cp = next_code_point(s, i);
    if (needs_escape(cp)) return false;
    if (cp == '\n' && start > 0 && (s[start - 1] == ' ' || s[start - 1] == '\t')) return false;
  }
  char last = s.back();
  return last != ' ' && last != '\t';
}

std::string literal_block(const std::string& s, int indent) {
  size_t trailing = 0;
  while (trailing < s.size() && s[s.size() - 1 - trailing] == '\n') ++trailing;
  std::string out = trailing == 0 ? "|-" : trailing == 1 ? "|" : "|+";
  std::string body = trailing == 0 ? s : s.substr(0, s.size() - 1);
  std::string pad(static_cast<size_t>(indent + 2), ' ');
  size_t pos = 0;
  while (pos <= body.size()) {
    size_t end = body.find('\n', pos);
    if (end == std::string::npos) end = body.size();
    out += '\n';
    if (end > pos) out += pad + body.substr(pos, end - pos);
    pos = end + 1;
  }
  return out;
}

std::string scalar(const json& value, int indent) {
  switch (value.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return value.get<bool>() ? "true" : "false";
    case json::value_t::string:
      return yaml_scalar(value.get_ref<const std::string&>(), indent);
    case json::value_t::object:
      return "{}";
    case json::value_t::array:
      return "[]";
    default:
      return value.dump();  // numbers as JSON writes them, which YAML reads the same
  }
}

bool is_nested(const json& value) { return (value.is_object() || value.is_array()) && !value.empty(); }

void append_sequence(std::string& out, const json& array, int indent, bool first_inline);

void append_entries(std::string& out, const json& object, int indent, bool first_inline) {
  bool first = true;
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (!(first && first_inline)) out.append(static_cast<size_t>(indent), ' ');
    first = false;
    // Keys never as literal blocks, which YAML does not allow as implicit keys.
    out += can_be_plain(it.key()) ? it.key() : double_quoted(it.key());
    out += ':';
    const json& value = it.value();
    if (value.is_object() && !value.empty()) {
      out += '\n';
      append_entries(out, value, indent + 2, false);
    } else if (value.is_array() && !value.empty()) {
      out += '\n';
      append_sequence(out, value, indent, false);  // kubectl's layout: "- " under the key
    } else {
      out += ' ';
      out += scalar(value, indent);
      out += '\n';
    }
  }
}

void append_sequence(std::string& out, const json& array, int indent, bool first_inline) {
  bool first = true;
  for (const json& element : array) {
    if (!(first && first_inline)) out.append(static_cast<size_t>(indent), ' ');
    first = false;
    out += "- ";
    if (is_nested(element) && element.is_object()) {
      append_entries(out, element, indent + 2, true);
    } else if (is_nested(element)) {
      append_sequence(out, element, indent + 2, true);
    } else {
      out += scalar(element, indent);
      out += '\n';
    }
  }
}

}  // namespace

std::string yaml_scalar(const std::string& text, int indent) {
  if (can_be_plain(text)) return text;
  if (can_be_literal(text)) return literal_block(text, indent);
  return double_quoted(text);
}

void append_yaml_list_item(std::string& out, const json& object) {
  out += "- ";
  if (object.is_object() && !object.empty())
    append_entries(out, object, 2, true);
  else
    out += scalar(object, 0) + "\n";
}

void append_yaml_mapping(std::string& out, const json& object, int indent) {
  append_entries(out, object, indent, false);
}

}  // namespace upcheck::collect
