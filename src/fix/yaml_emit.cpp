#include "fix/yaml_emit.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace upcheck::fix {
namespace {

// YAML 1.1 booleans and nulls (go-yaml v2, which kubectl used for years, reads all of these).
constexpr std::array<std::string_view, 12> kBoolOrNull = {"y",    "n",     "yes",  "no", "on",  "off",
                                                          "true", "false", "null", "~",  "nan", "inf"};

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// yaml-cpp writes a literal block with the plain `|` indicator and indents every line, so only a
// text that ends in exactly one newline, whose first line does not start with a space (the
// indentation would be misread), and that holds no carriage return or other control character,
// comes back unchanged.
bool literal_round_trips(std::string_view s) {
  if (s.size() < 2 || s.back() != '\n' || s[s.size() - 2] == '\n') return false;
  if (s.front() == ' ' || s.front() == '\t') return false;
  return std::none_of(s.begin(), s.end(), [](char c) {
    unsigned char u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\n' && c != '\t') || u == 0x7f;
  });
}

void emit_string(YAML::Emitter& out, const std::string& s) {
  if (s.find('\n') != std::string::npos) {
    out << (literal_round_trips(s) ? YAML::Literal : YAML::DoubleQuoted) << s;
  } else if (reads_as_non_string(s)) {
    out << YAML::DoubleQuoted << s;
  } else {
    out << s;  // yaml-cpp quotes it itself when a plain scalar cannot hold it (": ", "#", "- ")
  }
}

void emit(YAML::Emitter& out, const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object:
      if (j.empty()) {
        out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
        return;
      }
      out << YAML::BeginMap;
      for (const auto& [key, value] : j.items()) {
        out << YAML::Key;
        emit_string(out, key);
        out << YAML::Value;
        emit(out, value);
      }
      out << YAML::EndMap;
      return;
    case nlohmann::json::value_t::array:
      if (j.empty()) {
        out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
        return;
      }
      out << YAML::BeginSeq;
      for (const auto& element : j) emit(out, element);
      out << YAML::EndSeq;
      return;
    case nlohmann::json::value_t::string:
      emit_string(out, j.get_ref<const std::string&>());
      return;
    case nlohmann::json::value_t::boolean:
      out << j.get<bool>();
      return;
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float:
      out << j.dump();  // the shortest text that reads back as the same number
      return;
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded:
    case nlohmann::json::value_t::binary:
      out << YAML::Null;
      return;
  }
}

}  // namespace

bool reads_as_non_string(std::string_view text) {
  if (text.empty()) return true;  // an empty plain scalar is null
  std::string l = lower(text);
  std::string_view word = l;
  if (word.front() == '.' || word.front() == '+' || word.front() == '-') word.remove_prefix(1);
  if (std::find(kBoolOrNull.begin(), kBoolOrNull.end(), word) != kBoolOrNull.end()) return true;
  // Numbers in every spelling YAML 1.1 knows (1_000, 0x1F, 0o17, 1:30 sexagesimal, 1e3, .5) and
  // dates (2019-06-18) start with a digit, or with a sign or point before one. Quoting a few
  // strings that would have stayed strings ("10s") costs nothing.
  unsigned char first = static_cast<unsigned char>(text.front());
  if (std::isdigit(first)) return true;
  if ((first == '-' || first == '+' || first == '.') && text.size() > 1) {
    unsigned char second = static_cast<unsigned char>(text[1]);
    if (std::isdigit(second) || second == '.') return true;
  }
  return false;
}

std::string to_yaml(const nlohmann::json& value) {
  YAML::Emitter out;
  out.SetNullFormat(YAML::LowerNull);
  out.SetBoolFormat(YAML::TrueFalseBool);
  out.SetIndent(2);
  out.SetSeqFormat(YAML::Block);
  out.SetMapFormat(YAML::Block);
  emit(out, value);
  std::string text = out.c_str();
  if (text.empty() || text.back() != '\n') text += '\n';
  return text;
}

}  // namespace upcheck::fix
