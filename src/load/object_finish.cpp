#include "load/object_finish.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace upcheck::load {
namespace {

// A key's value as a lenient apply keeps it when the key is given twice: the last. Empty when that
// value is not a scalar.
std::string_view last_value_text(NodeRef map, std::string_view key) {
  std::string_view text;
  for (auto [k, v] : map.entries())
    if (k.text() == key) text = v.text();
  return text;
}

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// Keys of one mapping nearly always differ in length or first character: test those before
// calling memcmp.
bool same_key(std::string_view a, std::string_view b) {
  return a.size() == b.size() && (a.empty() || (a.front() == b.front() && a == b));
}

// Finds the duplicate keys of one mapping, each paired with the key's first occurrence. A
// mapping may hold a million keys: past a handful they are sorted rather than compared pairwise.
void find_duplicates_in_map(const Tree& tree, uint32_t index, std::vector<std::pair<std::string_view, uint32_t>>& keys,
                            std::vector<std::pair<NodeRef, NodeRef>>& found) {
  constexpr size_t kPairwiseUpTo = 16;
  auto text_of = [&](uint32_t i) {
    const Node& n = tree.node(i);
    return n.type() == NodeType::Scalar ? tree.text(n) : std::string_view{};
  };
  keys.clear();
  const uint32_t end = index + tree.node(index).subtree_size();
  for (uint32_t key = index + 1; key < end;) {
    const uint32_t value = key + tree.node(key).subtree_size();
    keys.emplace_back(text_of(key), key);
    key = value + tree.node(value).subtree_size();
  }
  auto report = [&](uint32_t first, uint32_t again) {
    if (tree.node(again).type() == NodeType::Scalar) found.emplace_back(NodeRef(&tree, first), NodeRef(&tree, again));
  };
  if (keys.size() <= kPairwiseUpTo) {
    for (size_t i = 1; i < keys.size(); ++i)
      for (size_t j = 0; j < i; ++j)
        if (same_key(keys[j].first, keys[i].first)) {
          report(keys[j].second, keys[i].second);
          break;
        }
    return;
  }
  std::sort(keys.begin(), keys.end());  // by text, then by position: each run starts at its first
  for (size_t run = 0; run < keys.size();) {
    size_t next = run + 1;
    for (; next < keys.size() && keys[next].first == keys[run].first; ++next)
      report(keys[run].second, keys[next].second);
    run = next;
  }
}

}  // namespace

void find_duplicate_keys(const Tree& tree, std::vector<std::pair<NodeRef, NodeRef>>& found) {
  std::vector<std::pair<std::string_view, uint32_t>> keys;
  for (uint32_t i = 0; i < tree.node_count(); ++i)
    if (tree.node(i).type() == NodeType::Map) find_duplicates_in_map(tree, i, keys, found);
  std::sort(found.begin(), found.end(),
            [](const auto& a, const auto& b) { return a.second.index() < b.second.index(); });
}

std::string duplicate_key_message(NodeRef first, NodeRef again) {
  return fmt::format(
      "duplicate key '{}' (first at line {}, column {}): kubectl apply will fail, as strict field validation (the "
      "default since Kubernetes 1.27) rejects duplicate keys; upcheck reads the last value",
      again.text(), first.mark().line, first.mark().column);
}

ObjectIdentity ObjectIdentity::of(NodeRef root) {
  return {last_value_text(root, "apiVersion"), last_value_text(root, "kind")};
}

std::string_view ObjectIdentity::missing() const {
  if (kind.empty() && api_version.empty()) return "apiVersion and kind";
  if (kind.empty()) return "kind";
  if (api_version.empty()) return "apiVersion";
  return {};
}

bool ObjectIdentity::may_be_list() const {
  return kind.empty() || (kind.size() >= 4 && kind.substr(kind.size() - 4) == "List");
}

void read_collected_kinds(NodeRef list_root, std::vector<std::string>& out) {
  std::string_view kinds = list_root["metadata"]["annotations"]["upcheck.io/collected-kinds"].text();
  while (!kinds.empty()) {
    const size_t comma = kinds.find(',');
    if (std::string_view kind = trim_spaces(kinds.substr(0, comma)); !kind.empty()) out.emplace_back(kind);
    kinds = comma == std::string_view::npos ? std::string_view{} : kinds.substr(comma + 1);
  }
}

std::string_view provenance_between(std::span<const SourceComment> comments, uint32_t previous_end_line,
                                    uint32_t line) {
  std::string_view source;
  for (const SourceComment& c : comments)
    if (c.line > previous_end_line && c.line <= line) source = c.path;
  return source;
}

}  // namespace upcheck::load
