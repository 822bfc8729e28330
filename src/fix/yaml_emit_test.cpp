#include <doctest/doctest.h>

#include <yaml-cpp/yaml.h>

#include <regex>

#include "fix/yaml_emit.hpp"

using nlohmann::json;
using upcheck::fix::to_yaml;

namespace {

// Reads YAML back as kubectl's reader types it: quoted and block scalars are strings (yaml-cpp
// tags them "!"), plain ones may be null, booleans or numbers.
json from_yaml(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& entry : node) out[entry.first.as<std::string>()] = from_yaml(entry.second);
      return out;
    }
    case YAML::NodeType::Sequence: {
      json out = json::array();
      for (const auto& element : node) out.push_back(from_yaml(element));
      return out;
    }
    case YAML::NodeType::Scalar: {
      std::string text = node.Scalar();
      if (node.Tag() == "!") return text;
      if (text == "null" || text == "~" || text.empty()) return nullptr;
      if (text == "true" || text == "false") return text == "true";
      if (std::regex_match(text, std::regex("-?[0-9]+"))) return std::stoll(text);
      if (std::regex_match(text, std::regex(R"(-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?)"))) return std::stod(text);
      return text;
    }
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
  }
  return nullptr;
}

json round_trip(const json& value) { return from_yaml(YAML::Load(to_yaml(value))); }

}  // namespace

TEST_CASE("strings that look like numbers, booleans or null stay strings") {
  json object = {{"version", "1.2"}, {"patch", "1.1.7"}, {"port", "8080"},       {"on", "on"},    {"yes", "yes"},
                 {"no", "NO"},       {"null", "null"},   {"tilde", "~"},         {"empty", ""},   {"hex", "0x1F"},
                 {"float", "1e3"},   {"neg", "-1"},      {"date", "2019-06-18"}, {"inf", ".inf"}, {"time", "1:30"}};
  CHECK(round_trip(object) == object);
  std::string text = to_yaml(object);
  CHECK(text.find("version: \"1.2\"") != std::string::npos);
  CHECK(text.find("on: \"on\"") == std::string::npos);  // the key "on" is quoted too
  CHECK(text.find("\"on\": \"on\"") != std::string::npos);
}

TEST_CASE("numbers, booleans and null keep their types") {
  json object = {{"replicas", 2},
                 {"ratio", 0.25},
                 {"enabled", true},
                 {"off", false},
                 {"nothing", nullptr},
                 {"list", json::array({1, "1", true, "true"})},
                 {"empty_map", json::object()},
                 {"empty_list", json::array()}};
  CHECK(round_trip(object) == object);
  CHECK(to_yaml(object).find("nothing: null") != std::string::npos);
}

TEST_CASE("multi-line strings are literal blocks when those reproduce them, quoted otherwise") {
  json object = {{"mesh", "disablePolicyChecks: true\nrootNamespace: istio-system\n"},
                 {"no_newline", "a\nb"},
                 {"two_newlines", "a\nb\n\n"},
                 {"indented_first", "  indented\nnext\n"},
                 {"nested", {{"script", "#!/bin/sh\necho 'x: y'\n"}}}};
  CHECK(round_trip(object) == object);
  std::string text = to_yaml(object);
  CHECK(text.find("mesh: |\n  disablePolicyChecks: true\n") != std::string::npos);
  CHECK(text.find("no_newline: \"a\\nb\"") != std::string::npos);
}

TEST_CASE("special characters survive: colons, comments, quotes, unicode") {
  json object = {{"a", "key: value"},
                 {"b", "# not a comment"},
                 {"c", "- not a list"},
                 {"d", "it's \"quoted\""},
                 {"e", " leading space"},
                 {"f", "trailing space "},
                 {"g", "ünïcödé"},
                 {"h", "*alias"},
                 {"i", "&anchor"},
                 {"j", "{flow}"},
                 {"k", "[flow]"},
                 {"l", "%directive"},
                 {"m", "@at"},
                 {"n", "`tick"},
                 {"o", "tab\there"},
                 {"auth.istio.io/8000", "NONE"}};
  CHECK(round_trip(object) == object);
}

TEST_CASE("output is deterministic and keys are sorted, apiVersion and kind first") {
  json object =
      json::parse(R"({"spec": {"b": 1, "a": 2}, "metadata": {"name": "x"}, "kind": "K", "apiVersion": "v1"})");
  std::string text = to_yaml(object);
  CHECK(text == "apiVersion: v1\nkind: K\nmetadata:\n  name: x\nspec:\n  a: 2\n  b: 1\n");
  CHECK(to_yaml(object) == text);
}

TEST_CASE("the quoting predicate errs towards quoting") {
  using upcheck::fix::reads_as_non_string;
  CHECK(reads_as_non_string("1.2"));
  CHECK(reads_as_non_string("Off"));
  CHECK(reads_as_non_string("-.5"));
  CHECK(reads_as_non_string(""));
  CHECK_FALSE(reads_as_non_string("istio-system"));
  CHECK_FALSE(reads_as_non_string("ON_WITH_INCLUSION"));
  CHECK_FALSE(reads_as_non_string("default"));
}
