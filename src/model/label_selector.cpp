#include "model/label_selector.hpp"

namespace upcheck {
namespace {

bool expression_matches(NodeRef expression, NodeRef labels) {
  std::string_view key = expression["key"].text();
  std::string_view op = expression["operator"].text();
  NodeRef label = labels.get(key);
  bool has = label.valid();
  auto in_values = [&] {
    for (NodeRef v : expression["values"].elements())
      if (has && v.text() == label.text()) return true;
    return false;
  };
  if (op == "In") return has && in_values();
  if (op == "NotIn") return !has || !in_values();
  if (op == "Exists") return has;
  if (op == "DoesNotExist") return !has;
  return false;
}

}  // namespace

bool selector_matches(NodeRef selector, NodeRef labels, EmptySelector empty) {
  if (!selector.is_map()) return false;
  NodeRef match_labels = selector["matchLabels"];
  NodeRef expressions = selector["matchExpressions"];
  if (match_labels.size() == 0 && expressions.size() == 0) return empty == EmptySelector::MatchesAll;
  for (auto [key, value] : match_labels.entries()) {
    NodeRef label = labels.get(key.text());
    if (!label.valid() || label.text() != value.text()) return false;
  }
  for (NodeRef expression : expressions.elements())
    if (!expression_matches(expression, labels)) return false;
  return true;
}

bool map_selector_matches(NodeRef selector, NodeRef labels) {
  if (selector.size() == 0) return false;
  for (auto [key, value] : selector.entries()) {
    NodeRef label = labels.get(key.text());
    if (!label.valid() || label.text() != value.text()) return false;
  }
  return true;
}

std::string describe_selector(NodeRef selector) {
  std::string out;
  auto add = [&](std::string_view s) {
    if (!out.empty()) out += ',';
    out += s;
  };
  NodeRef labels = selector.get("matchLabels");
  if (!labels.valid() && !selector.get("matchExpressions").valid()) labels = selector;  // map form
  for (auto [key, value] : labels.entries()) add(std::string(key.text()) + "=" + std::string(value.text()));
  for (NodeRef e : selector["matchExpressions"].elements()) {
    std::string s(e["key"].text());
    std::string_view op = e["operator"].text();
    if (op == "Exists") {
    } else if (op == "DoesNotExist") {
      s = "!" + s;
    } else {
      s += op == "In" ? " in (" : " notin (";
      bool first = true;
      for (NodeRef v : e["values"].elements()) {
        if (!first) s += ',';
        s += v.text();
        first = false;
      }
      s += ')';
    }
    add(s);
  }
  return out.empty() ? "{}" : out;
}

}  // namespace upcheck
