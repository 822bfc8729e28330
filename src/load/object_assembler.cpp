#include "load/object_assembler.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <unordered_set>

#include "istio/helm_release.hpp"

namespace upcheck::load {
namespace {

// A key's value as a lenient apply keeps it when the key is given twice: the last. Empty when that
// value is not a scalar (`kind:` followed by a mapping is no kind).
std::string_view last_value_text(NodeRef map, std::string_view key) {
  std::string_view text;
  for (auto [k, v] : map.entries())
    if (k.text() == key) text = v.text();
  return text;
}

constexpr std::string_view kLastApplied = "kubectl.kubernetes.io/last-applied-configuration";
// Istio's record of what it injected into a pod (sidecar.istio.io/status).
constexpr std::string_view kSidecarStatus = "sidecar.istio.io/status";
constexpr std::string_view kCollectedKinds = "upcheck.io/collected-kinds";

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool is_null_scalar(std::string_view text, ScalarStyle style) {
  return style == ScalarStyle::Plain && (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL");
}

std::string_view group_of(std::string_view api_version) {
  auto slash = api_version.find('/');
  return slash == std::string_view::npos ? std::string_view{} : api_version.substr(0, slash);
}

// A kept container's position is its first kept entry's: the same whether or not the dropped
// entries before it were ever parsed (the List-item prefilter blanks them).
void place_at_first_child(TreeBuilder& out, uint32_t container) {
  if (out.node_count() > container + 1) {
    const Node& first = out.node(container + 1);
    out.set_mark(container, {first.line, first.column});
  }
}

// Copies `src` into `out`, keeping what `keep` allows. Duplicate keys resolve to the last one and
// `<<` merge keys are applied, as Kubernetes' YAML reader does.
void prune(NodeRef src, const KeepNode& keep, TreeBuilder& out, bool unique_keys);

bool has_merge_key(const Tree& tree, uint32_t index) {
  const uint32_t end = index + tree.node(index).subtree_size();
  for (uint32_t key = index + 1; key < end;) {
    const Node& k = tree.node(key);
    if (k.style() == ScalarStyle::Plain && k.type() == NodeType::Scalar && tree.text(k) == "<<") return true;
    const uint32_t value = key + k.subtree_size();
    key = value + tree.node(value).subtree_size();
  }
  return false;
}

// The kept entries of the mapping `src`, written into the mapping `out` has open.
void prune_entries(NodeRef src, const KeepNode& keep, TreeBuilder& out, bool unique_keys) {
  const Tree& tree = *src.tree();
  if (unique_keys && !has_merge_key(tree, src.index())) {
    // The usual case, without the bookkeeping duplicates and merges need: no mapping of the
    // object repeats a key (find_duplicate_keys found none) and this one has no merge key. Walks
    // the nodes by index: a node's children follow it, and subtree_size leads from one child to
    // the next.
    const uint32_t end = src.index() + tree.node(src.index()).subtree_size();
    for (uint32_t key = src.index() + 1; key < end;) {
      const Node& k = tree.node(key);
      const uint32_t value = key + k.subtree_size();
      const std::string_view text = k.type() == NodeType::Scalar ? tree.text(k) : std::string_view{};
      if (const KeepNode* child = keep.child(text)) {
        out.scalar(text, k.style(), {k.line, k.column});
        prune(NodeRef(&tree, value), *child, out, true);
      }
      key = value + tree.node(value).subtree_size();
    }
    return;
  }
  std::vector<NodeEntry> entries;
  std::vector<NodeRef> merges;
  for (NodeEntry e : src.entries()) {
    if (e.key.text() == "<<" && e.key.style() == ScalarStyle::Plain)
      merges.push_back(e.value);
    else
      entries.push_back(e);
  }
  std::unordered_set<std::string_view> seen;
  // Walk backwards so the last of duplicate keys wins, then restore document order.
  std::vector<NodeEntry> kept;
  for (auto it = entries.rbegin(); it != entries.rend(); ++it)
    if (seen.insert(it->key.text()).second) kept.push_back(*it);
  for (auto it = kept.rbegin(); it != kept.rend(); ++it) {
    const KeepNode* child = keep.child(it->key.text());
    if (child == nullptr) continue;
    out.scalar(it->key.text(), it->key.style(), it->key.mark());
    prune(it->value, *child, out, unique_keys);
  }
  auto merge_from = [&](NodeRef map) {
    for (NodeEntry e : map.entries()) {
      if (!seen.insert(e.key.text()).second) continue;
      const KeepNode* child = keep.child(e.key.text());
      if (child == nullptr) continue;
      out.scalar(e.key.text(), e.key.style(), e.key.mark());
      prune(e.value, *child, out, unique_keys);
    }
  };
  for (NodeRef m : merges) {
    if (m.is_map()) merge_from(m);
    for (NodeRef element : m.elements()) merge_from(element);
  }
}

void prune(NodeRef src, const KeepNode& keep, TreeBuilder& out, bool unique_keys) {
  const auto container = static_cast<uint32_t>(out.node_count());
  switch (src.type()) {
    case NodeType::Null:
      out.null(src.mark());
      return;
    case NodeType::Scalar:
      out.scalar(src.text(), src.style(), src.mark());
      return;
    case NodeType::Seq:
      out.begin_seq(src.mark());
      for (NodeRef element : src.elements())
        if (const KeepNode* child = keep.child("*")) prune(element, *child, out, unique_keys);
      place_at_first_child(out, container);
      out.end();
      return;
    case NodeType::Map:
      out.begin_map(src.mark());
      prune_entries(src, keep, out, unique_keys);
      place_at_first_child(out, container);
      out.end();
      return;
  }
}

// What a Helm release record holds, decoded from `data.release` while the scratch tree still has
// it; nothing for any other object. A record whose labels say it was superseded is not decoded
// (only a release's newest revision describes what is installed), nor one without data.
std::optional<HelmReleaseSummary> release_record(NodeRef root, std::string_view kind, std::string& error) {
  NodeRef labels = root["metadata"]["labels"];
  std::optional<HelmStorage> storage;
  if (kind == "Secret" && root["type"].text() == "helm.sh/release.v1")
    storage = HelmStorage::Secret;
  else if (kind == "ConfigMap" && labels["owner"].text() == "helm" &&
           root["metadata"]["name"].text().substr(0, 19) == "sh.helm.release.v1.")
    storage = HelmStorage::ConfigMap;
  else if (kind == "ConfigMap" && labels["OWNER"].text() == "TILLER")
    storage = HelmStorage::TillerConfigMap;
  else if (kind == "Secret" && labels["OWNER"].text() == "TILLER")
    storage = HelmStorage::TillerSecret;
  if (!storage) return std::nullopt;

  const bool tiller = is_tiller(*storage);
  HelmReleaseSummary summary;
  summary.storage = *storage;
  summary.name = labels[tiller ? "NAME" : "name"].text();
  // The label is quoted ("3"): read its text whatever its style.
  std::string_view revision = labels[tiller ? "VERSION" : "version"].text();
  std::from_chars(revision.data(), revision.data() + revision.size(), summary.revision);
  for (char c : labels[tiller ? "STATUS" : "status"].text())
    summary.status.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
  if (!tiller) summary.ns = root["metadata"]["namespace"].text();

  std::string_view data = root["data"]["release"].text();
  if (data.empty() && *storage == HelmStorage::Secret)
    if (std::optional<HelmReleaseSummary> stub = summary_from_collect_stub(root["metadata"]["annotations"])) {
      if (stub->ns.empty()) stub->ns = summary.ns;
      if (stub->name.empty()) stub->name = summary.name;
      return stub;
    }
  if (summary.status == "superseded" || data.empty()) return summary;
  HelmDecodeResult decoded = tiller ? decode_tiller_release(data, *storage) : decode_helm3_release(data, *storage);
  if (!decoded.summary) {
    error = std::move(decoded.error);
    return summary;
  }
  decoded.summary->storage = *storage;
  if (!tiller && decoded.summary->ns.empty()) decoded.summary->ns = summary.ns;
  return decoded.summary;
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
    for (; next < keys.size() && keys[next].first == keys[run].first; ++next) report(keys[run].second, keys[next].second);
    run = next;
  }
}

// Reports each duplicate key of every mapping once, in document order of the repeated key.
void find_duplicate_keys(const Tree& tree, std::vector<std::pair<NodeRef, NodeRef>>& found) {
  std::vector<std::pair<std::string_view, uint32_t>> keys;
  for (uint32_t i = 0; i < tree.node_count(); ++i)
    if (tree.node(i).type() == NodeType::Map) find_duplicates_in_map(tree, i, keys, found);
  std::sort(found.begin(), found.end(),
            [](const auto& a, const auto& b) { return a.second.index() < b.second.index(); });
}

}  // namespace

std::string json_top_level_string(std::string_view json, std::string_view key) {
  size_t i = 0;
  auto skip_ws = [&] {
    while (i < json.size() && (json[i] == ' ' || json[i] == '\n' || json[i] == '\r' || json[i] == '\t')) ++i;
  };
  // Returns the raw text between quotes (escapes left as they are) and moves past it.
  auto read_string = [&](std::string_view& out) {
    if (i >= json.size() || json[i] != '"') return false;
    size_t start = ++i;
    while (i < json.size() && json[i] != '"') i += json[i] == '\\' ? 2 : 1;
    if (i >= json.size()) return false;
    out = json.substr(start, i - start);
    ++i;
    return true;
  };
  auto skip_value = [&] {
    int depth = 0;
    do {
      if (i >= json.size()) return;
      char c = json[i];
      if (c == '"') {
        std::string_view ignored;
        if (!read_string(ignored)) return;
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      if (c == '}' || c == ']') --depth;
      if (depth < 0) return;
      ++i;
      if (depth == 0 && (c == '}' || c == ']')) return;
      if (depth == 0 && (c == ',' )) { --i; return; }
    } while (depth > 0 || (i < json.size() && json[i] != ',' && json[i] != '}'));
  };
  skip_ws();
  if (i >= json.size() || json[i] != '{') return {};
  ++i;
  while (i < json.size()) {
    skip_ws();
    std::string_view name;
    if (!read_string(name)) return {};
    skip_ws();
    if (i >= json.size() || json[i] != ':') return {};
    ++i;
    skip_ws();
    if (name == key) {
      std::string_view value;
      if (read_string(value) && value.find('\\') == std::string_view::npos) return std::string(value);
      return {};
    }
    skip_value();
    skip_ws();
    if (i < json.size() && json[i] == ',') {
      ++i;
      continue;
    }
    return {};
  }
  return {};
}

ObjectAssembler::ObjectAssembler(uint32_t file, const LoadLimits& limits, ParseOutput& out,
                                 std::atomic<size_t>* object_count)
    : file_(file), limits_(limits), out_(out), object_count_(object_count) {}

void ObjectAssembler::error(Mark mark, const DiagnosticCode* code, std::string message) {
  out_.add_error({file_, mark, code, std::move(message)});
}

void ObjectAssembler::notice(Mark mark, const DiagnosticCode* code, std::string message) {
  out_.add_notice({file_, mark, code, std::move(message)});
}

bool ObjectAssembler::building() const {
  return !frames_.empty() && frames_.back().role != Role::Items;
}

void ObjectAssembler::begin_document() {
  document_has_content_ = false;
  document_provenance_.clear();
}

void ObjectAssembler::end_document(Mark end) {
  previous_document_end_line_ = end.line;
  abandon_document();
  dropped_anchors_.clear();
}

void ObjectAssembler::abandon_document() {
  frames_.clear();
  for (size_t i = 0; i < active_objects_; ++i) {
    objects_[i].scratch.clear();
    objects_[i].anchors.clear();
  }
  active_objects_ = 0;
  skip_depth_ = 0;
  skip_next_value_ = false;
  skipped_key_ = false;
  has_pending_key_ = false;
  stopped_ = false;
}

void ObjectAssembler::value_skipped() {
  skip_next_value_ = false;
  value_done();
}

ObjectAssembler::Checkpoint ObjectAssembler::checkpoint() const {
  return {out_.resources.size(), out_.errors.size(),          out_.notices.size(),
          out_.collected_kinds.size(), out_.tally, previous_document_end_line_};
}

void ObjectAssembler::rollback(const Checkpoint& checkpoint) {
  abandon_document();
  dropped_anchors_.clear();
  out_.resources.resize(checkpoint.resources);
  out_.errors.resize(checkpoint.errors);
  out_.notices.resize(checkpoint.notices);
  out_.collected_kinds.resize(checkpoint.collected_kinds);
  out_.tally = checkpoint.tally;
  previous_document_end_line_ = checkpoint.previous_document_end_line;
}

bool ObjectAssembler::check_depth(Mark mark) {
  if (frames_.size() + skip_depth_ + 1 <= limits_.max_depth) return true;
  error(mark, &kLimitDepth,
        fmt::format("nesting deeper than {} levels; raise the limit with --max-depth", limits_.max_depth));
  stopped_ = true;
  return false;
}

void ObjectAssembler::remember_anchor(std::string_view anchor, uint32_t index) {
  if (!anchor.empty() && active_objects_ > 0) object().anchors[std::string(anchor)] = index;
}

void ObjectAssembler::emit_pending_key() {
  if (!has_pending_key_) return;
  object().scratch.scalar(pending_key_, pending_key_style_, pending_key_mark_);
  has_pending_key_ = false;
}

void ObjectAssembler::note_document_start(Mark mark) {
  if (document_has_content_) return;
  document_has_content_ = true;
  for (const SourceComment& c : source_comments_)
    if (c.line > previous_document_end_line_ && c.line <= mark.line) document_provenance_ = c.path;
}

// Called when a value (scalar or whole container) has been consumed in the current frame.
void ObjectAssembler::value_done() {
  if (!frames_.empty() && frames_.back().type == NodeType::Map) frames_.back().expecting_key = true;
}

// A dropped subtree ended: it was either a mapping key (whose value is dropped too) or a value.
void ObjectAssembler::skipped_subtree_done() {
  if (skipped_key_) {
    skipped_key_ = false;
    skip_next_value_ = true;
    if (!frames_.empty()) frames_.back().expecting_key = false;
    return;
  }
  value_done();
}

bool ObjectAssembler::start_object(Mark mark, std::string_view anchor) {
  if (active_objects_ == objects_.size()) objects_.emplace_back();
  ObjectContext& ctx = objects_[active_objects_++];
  ctx.scratch.clear();
  ctx.position = mark;
  ctx.api_version.clear();
  ctx.kind.clear();
  ctx.last_applied_api_version.clear();
  ctx.has_items = false;
  ctx.has_uid = false;
  ctx.alias_nodes = 0;
  ctx.anchors.clear();
  ctx.frame_base = frames_.size();
  ctx.first_key_seen = false;
  ctx.scratch.begin_map(mark);
  remember_anchor(anchor, 0);
  frames_.push_back({NodeType::Map, Role::ObjectRoot, Section::Other, true, &keep_everything()});
  return true;
}

bool ObjectAssembler::open_container(NodeType type, Mark mark, std::string_view anchor) {
  if (stopped_) return false;
  if (!check_depth(mark)) return false;
  if (skip_depth_ > 0) {
    ++skip_depth_;
    if (!anchor.empty()) dropped_anchors_.insert(std::string(anchor));
    return true;
  }
  if (frames_.empty()) {  // a document's root
    note_document_start(mark);
    if (type == NodeType::Map) return start_object(mark, anchor);
    frames_.push_back({NodeType::Seq, Role::Items, Section::Other, false, nullptr});
    return true;
  }
  Frame& top = frames_.back();
  if (top.role == Role::Items) {
    if (type == NodeType::Map) return start_object(mark, anchor);
    notice(mark, &kNotAnObject, "a sequence inside a list of objects is not a Kubernetes object; skipped");
    skip_depth_ = 1;
    return true;
  }
  if (top.type == NodeType::Map && top.expecting_key) {
    notice(mark, &kComplexKey, "a mapping key that is not a scalar is not valid in Kubernetes objects; skipped");
    skipped_key_ = true;
    skip_depth_ = 1;
    return true;
  }
  if (skip_next_value_) {
    skip_next_value_ = false;
    if (!anchor.empty()) dropped_anchors_.insert(std::string(anchor));
    skip_depth_ = 1;
    return true;
  }
  const KeepNode* keep = top.keep;
  Section section = Section::Other;
  if (top.type == NodeType::Seq) {
    keep = top.keep->child("*");
    if (keep == nullptr) {
      if (!anchor.empty()) dropped_anchors_.insert(std::string(anchor));
      skip_depth_ = 1;
      return true;
    }
  } else {
    keep = pending_keep_;
    if (top.role == Role::ObjectRoot && pending_key_ == "items" && type == NodeType::Seq) {
      // A List (or a List nested in one): its items are objects of their own.
      has_pending_key_ = false;
      object().has_items = true;
      frames_.push_back({NodeType::Seq, Role::Items, Section::Other, false, nullptr});
      return true;
    }
    if (top.role == Role::ObjectRoot && pending_key_ == "metadata") section = Section::Metadata;
    if (top.section == Section::Metadata && pending_key_ == "annotations") section = Section::Annotations;
  }
  emit_pending_key();
  TreeBuilder& scratch = object().scratch;
  if (type == NodeType::Map)
    scratch.begin_map(mark);
  else
    scratch.begin_seq(mark);
  remember_anchor(anchor, scratch.last_index());
  frames_.push_back({type, Role::Plain, section, true, keep});
  return true;
}

bool ObjectAssembler::begin_map(Mark mark, std::string_view anchor) {
  return open_container(NodeType::Map, mark, anchor);
}

bool ObjectAssembler::begin_seq(Mark mark, std::string_view anchor) {
  return open_container(NodeType::Seq, mark, anchor);
}

bool ObjectAssembler::end_container() {
  if (stopped_) return false;
  if (skip_depth_ > 0) {
    if (--skip_depth_ == 0) skipped_subtree_done();
    return true;
  }
  if (frames_.empty()) return true;
  Frame frame = frames_.back();
  frames_.pop_back();
  if (frame.role == Role::Items) {
    value_done();  // the `items` value of a List, or a document's root sequence
    return true;
  }
  object().scratch.end();
  if (frame.role == Role::ObjectRoot) {
    finish_object();
    return true;
  }
  value_done();
  return true;
}

bool ObjectAssembler::scalar(std::string_view text, ScalarStyle style, Mark mark, std::string_view anchor) {
  if (stopped_) return false;
  if (text.size() > limits_.max_scalar_bytes) {
    error(mark, &kLimitScalar,
          fmt::format("a scalar of {} bytes exceeds the limit of {} bytes; raise it with --max-scalar-bytes",
                      text.size(), limits_.max_scalar_bytes));
    stopped_ = true;
    return false;
  }
  if (skip_depth_ > 0) {
    if (!anchor.empty()) dropped_anchors_.insert(std::string(anchor));
    return true;
  }
  if (frames_.empty()) {  // a document that is a single scalar
    if (!is_null_scalar(text, style)) {
      note_document_start(mark);
      notice(mark, &kNotAnObject, "this document is a scalar, not a Kubernetes object; skipped");
    }
    return true;
  }
  Frame& top = frames_.back();
  if (top.role == Role::Items) {
    if (!is_null_scalar(text, style))
      notice(mark, &kNotAnObject, "a scalar inside a list of objects is not a Kubernetes object; skipped");
    return true;
  }
  if (top.type == NodeType::Map && top.expecting_key) {
    top.expecting_key = false;
    if (top.role == Role::ObjectRoot && !object().first_key_seen) {
      object().first_key_seen = true;
      object().position = mark;
    }
    if (top.section == Section::Metadata && text == "uid") object().has_uid = true;
    const KeepNode* child = top.keep->child(text);
    if (child == nullptr && !(top.role == Role::ObjectRoot && text == "items")) {
      skip_next_value_ = true;
      return true;
    }
    has_pending_key_ = true;
    pending_key_.assign(text);
    pending_key_mark_ = mark;
    pending_key_style_ = style;
    pending_keep_ = child != nullptr ? child : &keep_everything();
    return true;
  }
  if (skip_next_value_) {
    skip_next_value_ = false;
    if (!anchor.empty()) dropped_anchors_.insert(std::string(anchor));
    value_done();
    return true;
  }
  if (top.type == NodeType::Seq && top.keep->child("*") == nullptr) return true;

  ObjectContext& ctx = object();
  std::string_view kept = text;
  if (top.role == Role::ObjectRoot && has_pending_key_) {
    if (pending_key_ == "apiVersion") ctx.api_version.assign(text);
    if (pending_key_ == "kind") ctx.kind.assign(text);
    if ((pending_key_ == "apiVersion" || pending_key_ == "kind") && !ctx.api_version.empty() && !ctx.kind.empty() &&
        ctx.kind != "ConfigMap") {
      // The kind decides what is kept of the keys still to come (metadata, spec, status...).
      top.keep = &reading_keep_policy(group_of(ctx.api_version), ctx.kind);
    }
  }
  std::string sidecar_status;   // outlives `kept` below
  if (top.section == Section::Annotations && has_pending_key_) {
    if (pending_key_ == kLastApplied) {
      std::string version = json_top_level_string(text, "apiVersion");
      ctx.last_applied_api_version = version.empty() ? std::string() : "{\"apiVersion\":\"" + version + "\"}";
      kept = ctx.last_applied_api_version;
    } else if (pending_key_ == kSidecarStatus) {
      // Thousands of pods carry it; of its body only the injecting revision (1.11+) is read.
      std::string revision = json_top_level_string(text, "revision");
      if (!revision.empty()) sidecar_status = "{\"revision\":\"" + revision + "\"}";
      kept = sidecar_status;
    } else if (text.size() > kMaxKeptAnnotationValue && !keeps_long_annotation(pending_key_)) {
      kept = {};
    }
  }
  emit_pending_key();
  if (is_null_scalar(text, style))
    ctx.scratch.null(mark);
  else
    ctx.scratch.scalar(kept, style, mark);
  remember_anchor(anchor, ctx.scratch.last_index());
  value_done();
  return true;
}

bool ObjectAssembler::alias(std::string_view anchor, Mark mark) {
  if (stopped_) return false;
  if (skip_depth_ > 0 || frames_.empty() || frames_.back().role == Role::Items) return true;
  Frame& top = frames_.back();
  ObjectContext& ctx = object();
  auto it = ctx.anchors.find(std::string(anchor));
  bool is_key = top.type == NodeType::Map && top.expecting_key;
  if (it == ctx.anchors.end()) {
    if (dropped_anchors_.count(std::string(anchor)) == 0)
      notice(mark, &kUnresolvedAlias,
             fmt::format("alias *{} refers to no anchor in this object; read as null", anchor));
    if (is_key) {
      top.expecting_key = false;
      skip_next_value_ = true;
      return true;
    }
    if (skip_next_value_) {
      skip_next_value_ = false;
      value_done();
      return true;
    }
    emit_pending_key();
    ctx.scratch.null(mark);
    value_done();
    return true;
  }
  const uint32_t index = it->second;
  const Node& target = ctx.scratch.node(index);
  if (is_key) {
    if (target.type() != NodeType::Scalar) {
      top.expecting_key = false;
      skip_next_value_ = true;
      return true;
    }
    std::string key(ctx.scratch.text(target));
    return scalar(key, target.style(), mark);
  }
  if (skip_next_value_) {
    skip_next_value_ = false;
    value_done();
    return true;
  }
  ctx.alias_nodes += target.subtree_size();
  if (ctx.alias_nodes > limits_.max_alias_nodes) {
    error(mark, &kLimitAlias,
          fmt::format("alias expansion exceeds {} nodes (a \"billion laughs\" document?); raise the limit "
                      "with --max-alias-nodes",
                      limits_.max_alias_nodes));
    stopped_ = true;
    return false;
  }
  emit_pending_key();
  ctx.scratch.copy_subtree(index);
  value_done();
  return true;
}

void ObjectAssembler::finish_object() {
  ObjectContext& ctx = object();
  frames_.resize(ctx.frame_base);
  Tree scratch = ctx.scratch.finish();
  ctx.anchors.clear();
  const std::string api_version = ctx.api_version;
  const std::string kind = ctx.kind;
  const bool has_items = ctx.has_items;
  const bool has_uid = ctx.has_uid;
  const Mark position = ctx.position;
  std::string last_applied = std::move(ctx.last_applied_api_version);
  --active_objects_;

  NodeRef root = scratch.root();
  std::string_view final_kind = last_value_text(root, "kind");
  std::string_view final_api_version = last_value_text(root, "apiVersion");
  if (list_shell_ || (has_items && (final_kind.empty() || ends_with(final_kind, "List")))) {
    std::string_view kinds = root["metadata"]["annotations"][kCollectedKinds].text();
    while (!kinds.empty()) {
      size_t comma = kinds.find(',');
      std::string_view k = kinds.substr(0, comma);
      while (!k.empty() && k.front() == ' ') k.remove_prefix(1);
      while (!k.empty() && k.back() == ' ') k.remove_suffix(1);
      if (!k.empty()) out_.collected_kinds.emplace_back(k);
      kinds = comma == std::string_view::npos ? std::string_view{} : kinds.substr(comma + 1);
    }
    return;
  }
  if (final_kind.empty() || final_api_version.empty()) {
    notice(position, &kMissingKind,
           fmt::format("an object without {} is not a Kubernetes object; skipped",
                       final_kind.empty() && final_api_version.empty() ? "apiVersion and kind"
                       : final_kind.empty()                            ? "kind"
                                                                       : "apiVersion"));
    return;
  }
  if (has_items)
    notice(position, &kItemsReadAsObjects,
           fmt::format("the items of this {} were read as objects of their own", final_kind));

  std::vector<std::pair<NodeRef, NodeRef>> duplicates;
  find_duplicate_keys(scratch, duplicates);
  for (auto& [first, second] : duplicates)
    notice(second.mark(), &kDuplicateKey,
           fmt::format("duplicate key '{}' (first at line {}, column {}): kubectl apply will fail, as strict field "
                       "validation (the default since Kubernetes 1.27) rejects duplicate keys; upcheck reads the "
                       "last value",
                       second.text(), first.mark().line, first.mark().column));

  std::string release_error;
  std::optional<HelmReleaseSummary> release =
      final_api_version == "v1" ? release_record(root, final_kind, release_error) : std::nullopt;
  const KeepNode& keep = release ? release_record_keep_policy()
                                 : keep_policy(group_of(final_api_version), final_kind, root["metadata"]["name"].text(),
                                               root["metadata"]["namespace"].text());
  if (!release_error.empty())
    notice(position, &kHelmReleaseUndecodable,
           fmt::format("Helm release record {} {}/{} could not be decoded ({}): rules know only its labels",
                       final_kind, root["metadata"]["namespace"].text(), root["metadata"]["name"].text(),
                       release_error));

  TreeBuilder& final_builder = final_builder_;
  const auto object_node = static_cast<uint32_t>(final_builder.node_count());
  final_builder.begin_map(root.mark());
  prune_entries(root, keep, final_builder, duplicates.empty());
  if (release) {
    // The summary sits at the record's name: never at its data, whose line a report could quote.
    NodeRef name_key = root["metadata"].key_node("name");
    Mark at = name_key.valid() ? name_key.mark() : position;
    final_builder.scalar(kHelmReleaseKey, ScalarStyle::Plain, at);
    write_helm_summary(*release, final_builder, at);
  }
  place_at_first_child(final_builder, object_node);
  final_builder.end();
  Resource resource(final_builder.finish(), file_, position);
  resource.set_provenance(document_provenance_);
  resource.set_from_cluster(has_uid);
  (void)last_applied;
  (void)api_version;
  (void)kind;
  // Counted for the progress line. --max-objects is the loader's to enforce: it sees the objects in
  // input order, whatever thread parsed them.
  if (object_count_ != nullptr) object_count_->fetch_add(1, std::memory_order_relaxed);
  out_.resources.push_back(std::move(resource));
}

}  // namespace upcheck::load
