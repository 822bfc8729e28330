// A compact, immutable YAML/JSON tree whose every node knows its source position.
//
// The loader builds one Tree per Kubernetes object, keeping only the parts that rules read, so a
// 100,000-object dump fits in a fraction of its own size. Nodes sit in one array in document
// order; a node's children follow it, and `subtree_size` skips over a whole child. Mapping
// children alternate key, value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/common_strings.hpp"

namespace upcheck {

// 1-based line and column (columns count code points); 0 means unknown.
struct Mark {
  uint32_t line = 0;
  uint32_t column = 0;
  friend bool operator==(const Mark&, const Mark&) = default;
  friend auto operator<=>(const Mark&, const Mark&) = default;
  bool known() const { return line != 0; }
};

enum class NodeType : uint8_t { Null, Scalar, Map, Seq };

// How a scalar was written: a plain scalar may be a number, boolean or null; a quoted or block
// scalar is always a string.
enum class ScalarStyle : uint8_t { Plain, Quoted, Block };

// 16 bytes: a large dump keeps millions of these. A scalar has text and no children; a container
// has children and no text; so one field serves as the text's offset or the subtree's size. Text
// that is one of the common Kubernetes strings (common_strings.hpp) is not copied: the offset is
// then its index in that table.
struct Node {
  static constexpr uint32_t kMaxTextLength = (1u << 27) - 1;
  uint32_t offset_or_size = 0;  // scalar: text offset (or common string index); container: subtree size
  uint32_t text_length : 27 = 0;
  uint32_t common_bit : 1 = 0;  // the text is common_string(offset_or_size)
  uint32_t type_bits : 2 = 0;
  uint32_t style_bits : 2 = 0;
  uint32_t line = 0;
  uint32_t column = 0;

  NodeType type() const { return static_cast<NodeType>(type_bits); }
  ScalarStyle style() const { return static_cast<ScalarStyle>(style_bits); }
  void set_type(NodeType t) { type_bits = static_cast<uint32_t>(t) & 3u; }
  void set_style(ScalarStyle s) { style_bits = static_cast<uint32_t>(s) & 3u; }
  bool is_container() const { return type() == NodeType::Map || type() == NodeType::Seq; }
  // This node and all its descendants.
  uint32_t subtree_size() const { return is_container() ? offset_or_size : 1; }
  uint32_t text_offset() const { return is_container() ? 0 : offset_or_size; }
};
static_assert(sizeof(Node) == 16);

class Tree;
struct NodeChildren;
struct NodeEntries;

// A cheap, copyable view of one node. An invalid NodeRef (missing key, out-of-range index)
// answers every query with "nothing", so lookups chain without checks:
//   tree.root()["spec"]["template"]["metadata"]["labels"]
class NodeRef {
 public:
  NodeRef() = default;
  NodeRef(const Tree* tree, uint32_t index) : tree_(tree), index_(index) {}

  bool valid() const { return tree_ != nullptr; }
  explicit operator bool() const { return valid(); }
  inline NodeType type() const;
  bool is_map() const { return valid() && type() == NodeType::Map; }
  bool is_seq() const { return valid() && type() == NodeType::Seq; }
  bool is_scalar() const { return valid() && type() == NodeType::Scalar; }
  bool is_null() const { return valid() && type() == NodeType::Null; }
  inline ScalarStyle style() const;
  inline Mark mark() const;

  // Scalar text; empty for anything else.
  inline std::string_view text() const;
  // A plain scalar that is a decimal integer, or nothing.
  std::optional<int64_t> as_int() const;
  // A plain YAML 1.1 boolean (true/false/yes/no/on/off, as Kubernetes' YAML reader takes them).
  std::optional<bool> as_bool() const;

  // Mappings: the value of a key, or the key node itself (for its position).
  NodeRef operator[](std::string_view key) const { return get(key); }
  NodeRef get(std::string_view key) const;
  NodeRef key_node(std::string_view key) const;
  // Sequences: element i. Mappings: nothing (use entries()).
  NodeRef at(size_t i) const;
  // Number of elements (sequence) or entries (mapping); 0 otherwise.
  size_t size() const;

  // Follow a field path: `spec.template.metadata.labels`, `spec.ports[0].port`,
  // `metadata.annotations["auth.istio.io/8000"]`.
  NodeRef path(std::string_view field_path) const;

  // Elements of a sequence (empty for anything else).
  NodeChildren elements() const;
  // Key/value pairs of a mapping (empty for anything else).
  NodeEntries entries() const;

  const Tree* tree() const { return tree_; }
  uint32_t index() const { return index_; }
  friend bool operator==(const NodeRef& a, const NodeRef& b) { return a.tree_ == b.tree_ && a.index_ == b.index_; }

  // Navigation used by the iterators.
  inline NodeRef first_child() const;
  inline NodeRef next_sibling_within(const NodeRef& parent) const;

 private:
  inline const Node& node() const;

  const Tree* tree_ = nullptr;
  uint32_t index_ = 0;
};

struct NodeEntry {
  NodeRef key;
  NodeRef value;
};

class NodeChildIterator {
 public:
  NodeChildIterator(NodeRef parent, NodeRef current) : parent_(parent), current_(current) {}
  NodeRef operator*() const { return current_; }
  NodeChildIterator& operator++() {
    current_ = current_.next_sibling_within(parent_);
    return *this;
  }
  bool operator!=(const NodeChildIterator& other) const { return !(current_ == other.current_); }

 private:
  NodeRef parent_;
  NodeRef current_;
};

class NodeEntryIterator {
 public:
  NodeEntryIterator(NodeRef parent, NodeRef key) : parent_(parent), key_(key) {}
  NodeEntry operator*() const { return {key_, key_.next_sibling_within(parent_)}; }
  NodeEntryIterator& operator++() {
    key_ = key_.next_sibling_within(parent_).next_sibling_within(parent_);
    return *this;
  }
  bool operator!=(const NodeEntryIterator& other) const { return !(key_ == other.key_); }

 private:
  NodeRef parent_;
  NodeRef key_;
};

struct NodeChildren {
  NodeRef parent;
  NodeChildIterator begin() const { return {parent, parent.first_child()}; }
  NodeChildIterator end() const { return {parent, NodeRef{}}; }
};

struct NodeEntries {
  NodeRef parent;
  NodeEntryIterator begin() const { return {parent, parent.first_child()}; }
  NodeEntryIterator end() const { return {parent, NodeRef{}}; }
};

inline NodeChildren NodeRef::elements() const { return {is_seq() ? *this : NodeRef{}}; }
inline NodeEntries NodeRef::entries() const { return {is_map() ? *this : NodeRef{}}; }

// Owns the nodes and text of one tree. Moving a Tree keeps every NodeRef's text valid because
// the storage lives on the heap. Nodes past the root's subtree are out of every path's reach: a
// Resource keeps values there that are not part of the document (DigestedAnnotations).
class Tree {
 public:
  Tree() = default;
  Tree(std::span<const Node> nodes, std::string_view text);

  NodeRef root() const { return node_count_ == 0 ? NodeRef{} : NodeRef{this, 0}; }
  const Node& node(uint32_t index) const { return nodes()[index]; }
  size_t node_count() const { return node_count_; }
  std::string_view text(const Node& n) const {
    if (n.common_bit) return common_string(n.offset_or_size);
    return {text_block() + n.text_offset(), n.text_length};
  }
  // Bytes held, for memory accounting.
  size_t memory_bytes() const { return node_count_ * sizeof(Node) + text_size_; }

 private:
  const Node* nodes() const { return reinterpret_cast<const Node*>(storage_.get()); }
  const char* text_block() const { return reinterpret_cast<const char*>(storage_.get()) + node_count_ * sizeof(Node); }

  // One allocation holds the nodes, then the text.
  std::unique_ptr<std::byte[]> storage_;
  uint32_t node_count_ = 0;
  uint32_t text_size_ = 0;
};

inline const Node& NodeRef::node() const { return tree_->node(index_); }
inline NodeType NodeRef::type() const { return valid() ? node().type() : NodeType::Null; }
inline ScalarStyle NodeRef::style() const { return valid() ? node().style() : ScalarStyle::Plain; }
inline Mark NodeRef::mark() const { return valid() ? Mark{node().line, node().column} : Mark{}; }
inline std::string_view NodeRef::text() const { return is_scalar() ? tree_->text(node()) : std::string_view{}; }
inline NodeRef NodeRef::first_child() const {
  if (!valid() || node().subtree_size() <= 1) return {};
  return {tree_, index_ + 1};
}
inline NodeRef NodeRef::next_sibling_within(const NodeRef& parent) const {
  if (!valid()) return {};
  uint32_t next = index_ + node().subtree_size();
  if (next >= parent.index_ + parent.node().subtree_size()) return {};
  return {tree_, next};
}

// Builds a Tree in document order. Containers are opened and closed like parser events.
class TreeBuilder {
 public:
  void scalar(std::string_view text, ScalarStyle style, Mark mark);
  void null(Mark mark);
  void begin_map(Mark mark) { open(NodeType::Map, mark); }
  void begin_seq(Mark mark) { open(NodeType::Seq, mark); }
  void end();
  // Appends a copy of a finished subtree of this builder (for YAML aliases).
  void copy_subtree(uint32_t index);
  size_t depth() const { return open_.size(); }
  size_t node_count() const { return nodes_.size(); }
  // The most recently added node (valid until the next call).
  uint32_t last_index() const { return static_cast<uint32_t>(nodes_.size() - 1); }
  const Node& node(uint32_t index) const { return nodes_[index]; }
  std::string_view text(const Node& n) const {
    if (n.common_bit) return common_string(n.offset_or_size);
    return {text_.data() + n.text_offset(), n.text_length};
  }
  // Drops everything added after `mark_count` nodes (used to discard a key whose value was
  // skipped). Only valid when no container opened since then is still open.
  void truncate(size_t node_count);
  void set_mark(uint32_t index, Mark mark) {
    nodes_[index].line = mark.line;
    nodes_[index].column = mark.column;
  }
  // Copies the finished tree out; the builder keeps its buffers for the next object.
  Tree finish();
  void clear();

 private:
  void open(NodeType type, Mark mark);
  uint32_t add_text(std::string_view text);

  std::vector<Node> nodes_;
  std::string text_;
  std::vector<uint32_t> open_;
};

// Parses the field-path syntax used by NodeRef::path and findings into its segments.
struct PathSegment {
  std::string key;              // mapping key, when index is empty
  std::optional<size_t> index;  // sequence index
};
std::vector<PathSegment> parse_field_path(std::string_view field_path);

}  // namespace upcheck
