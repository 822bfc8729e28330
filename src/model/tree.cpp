#include "model/tree.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace upcheck {

Tree::Tree(std::span<const Node> nodes, std::string_view text)
    : storage_(std::make_unique_for_overwrite<std::byte[]>(nodes.size_bytes() + text.size())),
      node_count_(static_cast<uint32_t>(nodes.size())),
      text_size_(static_cast<uint32_t>(text.size())) {
  std::memcpy(storage_.get(), nodes.data(), nodes.size_bytes());
  std::memcpy(storage_.get() + nodes.size_bytes(), text.data(), text.size());
}

std::optional<int64_t> NodeRef::as_int() const {
  if (!is_scalar() || style() != ScalarStyle::Plain) return std::nullopt;
  // What kubectl reads for an integer field: sigs.k8s.io/yaml resolves a plain scalar as go-yaml v2
  // does (underscores dropped; 0x hex, 0b binary; a float) and writes an integral float as an
  // integer (`1e3`, `2.0`). `0o3` stays a string there, so here.
  std::string t;
  for (char c : text())
    if (c != '_') t += c;
  std::string_view v = t;
  const bool negative = !v.empty() && v.front() == '-';
  if (!v.empty() && (v.front() == '+' || v.front() == '-')) v.remove_prefix(1);
  int base = 10;
  if (v.size() > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'b')) {
    base = v[1] == 'x' ? 16 : 2;
    v.remove_prefix(2);
  }
  int64_t value = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), value, base);
  if (ec == std::errc{} && end == v.data() + v.size() && !v.empty()) return negative ? -value : value;
  if (base != 10 || v.empty() || !(std::isdigit(static_cast<unsigned char>(v.front())) || v.front() == '.'))
    return std::nullopt;
  double d = 0;
  auto [fend, fec] = std::from_chars(v.data(), v.data() + v.size(), d);
  if (fec != std::errc{} || fend != v.data() + v.size() || d != std::floor(d) || d > 9.2e18) return std::nullopt;
  return negative ? -static_cast<int64_t>(d) : static_cast<int64_t>(d);
}

std::optional<bool> NodeRef::as_bool() const {
  if (!is_scalar() || style() != ScalarStyle::Plain) return std::nullopt;
  // The YAML 1.1 spellings that sigs.k8s.io/yaml (go-yaml v2) resolves to booleans.
  static constexpr std::string_view kTrue[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"};
  static constexpr std::string_view kFalse[] = {"false", "False", "FALSE", "no", "No", "NO",
                                                "off",   "Off",   "OFF",   "n",  "N"};
  std::string_view t = text();
  for (auto s : kTrue)
    if (t == s) return true;
  for (auto s : kFalse)
    if (t == s) return false;
  return std::nullopt;
}

NodeRef NodeRef::key_node(std::string_view key) const {
  if (!is_map()) return {};
  for (NodeRef k = first_child(); k.valid(); k = k.next_sibling_within(*this).next_sibling_within(*this)) {
    if (k.is_scalar() && k.text() == key) return k;
  }
  return {};
}

NodeRef NodeRef::get(std::string_view key) const {
  NodeRef k = key_node(key);
  return k.valid() ? k.next_sibling_within(*this) : NodeRef{};
}

NodeRef NodeRef::at(size_t i) const {
  if (!is_seq()) return {};
  NodeRef child = first_child();
  for (size_t n = 0; child.valid() && n < i; ++n) child = child.next_sibling_within(*this);
  return child;
}

size_t NodeRef::size() const {
  if (!is_map() && !is_seq()) return 0;
  size_t n = 0;
  for (NodeRef c = first_child(); c.valid(); c = c.next_sibling_within(*this)) ++n;
  return is_map() ? n / 2 : n;
}

NodeRef NodeRef::path(std::string_view field_path) const {
  NodeRef current = *this;
  for (const PathSegment& segment : parse_field_path(field_path)) {
    current = segment.index ? current.at(*segment.index) : current.get(segment.key);
    if (!current.valid()) return {};
  }
  return current;
}

std::vector<PathSegment> parse_field_path(std::string_view p) {
  std::vector<PathSegment> segments;
  size_t i = 0;
  while (i < p.size()) {
    if (p[i] == '.') {
      ++i;
      continue;
    }
    if (p[i] == '[') {
      size_t close = p.find(']', i);
      if (close == std::string_view::npos) throw std::invalid_argument("unclosed [ in field path");
      std::string_view inner = p.substr(i + 1, close - i - 1);
      if (!inner.empty() && (inner.front() == '"' || inner.front() == '\'')) {
        // A quoted key may itself contain ']' or '.': find the matching quote first.
        char quote = inner.front();
        size_t end_quote = p.find(quote, i + 2);
        if (end_quote == std::string_view::npos || end_quote + 1 >= p.size() || p[end_quote + 1] != ']')
          throw std::invalid_argument("bad quoted key in field path");
        segments.push_back({std::string(p.substr(i + 2, end_quote - i - 2)), std::nullopt});
        i = end_quote + 2;
      } else {
        size_t index = 0;
        auto [end, ec] = std::from_chars(inner.data(), inner.data() + inner.size(), index);
        if (ec != std::errc{} || end != inner.data() + inner.size())
          throw std::invalid_argument("bad index in field path");
        segments.push_back({{}, index});
        i = close + 1;
      }
      continue;
    }
    size_t end = p.find_first_of(".[", i);
    if (end == std::string_view::npos) end = p.size();
    segments.push_back({std::string(p.substr(i, end - i)), std::nullopt});
    i = end;
  }
  return segments;
}

uint32_t TreeBuilder::add_text(std::string_view text) {
  auto offset = static_cast<uint32_t>(text_.size());
  text_.append(text);
  return offset;
}

void TreeBuilder::scalar(std::string_view text, ScalarStyle style, Mark mark) {
  Node n;
  if (std::optional<uint32_t> common = common_string_index(text)) {
    n.offset_or_size = *common;
    n.common_bit = 1;
  } else {
    n.offset_or_size = add_text(text);
  }
  n.text_length = static_cast<uint32_t>(std::min<size_t>(text.size(), Node::kMaxTextLength));
  n.line = mark.line;
  n.column = mark.column;
  n.set_type(NodeType::Scalar);
  n.set_style(style);
  nodes_.push_back(n);
}

void TreeBuilder::null(Mark mark) {
  Node n;
  n.line = mark.line;
  n.column = mark.column;
  n.set_type(NodeType::Null);
  nodes_.push_back(n);
}

void TreeBuilder::open(NodeType type, Mark mark) {
  Node n;
  n.offset_or_size = 1;  // until end(): an alias to an open container copies just it
  n.line = mark.line;
  n.column = mark.column;
  n.set_type(type);
  open_.push_back(static_cast<uint32_t>(nodes_.size()));
  nodes_.push_back(n);
}

void TreeBuilder::end() {
  uint32_t index = open_.back();
  open_.pop_back();
  nodes_[index].offset_or_size = static_cast<uint32_t>(nodes_.size() - index);
}

void TreeBuilder::copy_subtree(uint32_t index) {
  const uint32_t count = nodes_[index].subtree_size();
  nodes_.reserve(nodes_.size() + count);
  for (uint32_t i = 0; i < count; ++i) nodes_.push_back(nodes_[index + i]);
}

void TreeBuilder::truncate(size_t node_count) { nodes_.resize(node_count); }

Tree TreeBuilder::finish() {
  Tree tree(nodes_, text_);
  clear();
  return tree;
}

void TreeBuilder::clear() {
  nodes_.clear();
  text_.clear();
  open_.clear();
}

}  // namespace upcheck
