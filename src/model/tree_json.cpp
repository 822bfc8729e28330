#include "model/tree_json.hpp"

#include <charconv>
#include <cstdlib>
#include <regex>

namespace upcheck {
namespace {

nlohmann::json plain_scalar(NodeRef node) {
  std::string_view t = node.text();
  if (auto b = node.as_bool()) return *b;
  if (auto i = node.as_int()) return *i;
  // YAML 1.1 floats: [-+]?([0-9][0-9_]*)?\.[0-9.]*([eE][-+][0-9]+)? and the like; keep to the
  // forms Kubernetes manifests use (1.5, -0.25, 1e3).
  static const std::regex kFloat(R"([-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+)");
  if (!t.empty() && std::regex_match(t.begin(), t.end(), kFloat)) {
    std::string s(t);
    return std::strtod(s.c_str(), nullptr);
  }
  return std::string(t);
}

}  // namespace

nlohmann::json to_json(NodeRef node) {
  switch (node.type()) {
    case NodeType::Null:
      return nullptr;
    case NodeType::Scalar:
      return node.style() == ScalarStyle::Plain ? plain_scalar(node) : nlohmann::json(std::string(node.text()));
    case NodeType::Seq: {
      nlohmann::json array = nlohmann::json::array();
      for (NodeRef element : node.elements()) array.push_back(to_json(element));
      return array;
    }
    case NodeType::Map: {
      nlohmann::json object = nlohmann::json::object();
      for (auto [key, value] : node.entries()) object[std::string(key.text())] = to_json(value);
      return object;
    }
  }
  return nullptr;
}

namespace {

void build_from_json(const nlohmann::json& value, TreeBuilder& out) {
  if (value.is_object()) {
    out.begin_map({});
    for (const auto& [key, child] : value.items()) {
      out.scalar(key, ScalarStyle::Quoted, {});
      build_from_json(child, out);
    }
    out.end();
  } else if (value.is_array()) {
    out.begin_seq({});
    for (const nlohmann::json& child : value) build_from_json(child, out);
    out.end();
  } else if (value.is_null()) {
    out.null({});
  } else if (value.is_string()) {
    out.scalar(value.get_ref<const std::string&>(), ScalarStyle::Quoted, {});
  } else {
    out.scalar(value.dump(), ScalarStyle::Plain, {});
  }
}

}  // namespace

Tree tree_from_json(const nlohmann::json& value) {
  TreeBuilder out;
  build_from_json(value, out);
  return out.finish();
}

}  // namespace upcheck
