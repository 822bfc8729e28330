#include "load/object_assembler.hpp"

#include <fmt/format.h>

#include <optional>
#include <unordered_set>

#include "istio/helm_release.hpp"
#include "load/annotation_digest.hpp"
#include "load/yaml_scalars.hpp"

namespace upcheck::load {
namespace {

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

}  // namespace

ObjectAssembler::ObjectAssembler(uint32_t file, const LoadLimits& limits, ParseOutput& out,
                                 std::atomic<size_t>* object_count)
    : file_(file), limits_(limits), out_(out), object_count_(object_count) {}

void ObjectAssembler::error(Mark mark, const DiagnosticCode* code, std::string message) {
  out_.add_error({file_, mark, code, std::move(message)});
}

void ObjectAssembler::notice(Mark mark, const DiagnosticCode* code, std::string message) {
  out_.add_notice({file_, mark, code, std::move(message)});
}

bool ObjectAssembler::building() const { return !frames_.empty() && frames_.back().role != Role::Items; }

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
  return {out_.resources.size(),       out_.errors.size(), out_.notices.size(),
          out_.collected_kinds.size(), out_.tally,         previous_document_end_line_};
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
  document_provenance_ = provenance_between(source_comments_, previous_document_end_line_, mark.line);
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
  ctx.injected_revision.clear();
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
    // The kind decides what is kept of the keys still to come (metadata, spec, status...). Not a
    // ConfigMap's: its policy depends on its name (keep_policy.cpp keeps the data of `istio` and
    // `istio-<revision>` only), which may come after `data`; it is chosen once the object ends.
    if ((pending_key_ == "apiVersion" || pending_key_ == "kind") && !ctx.api_version.empty() && !ctx.kind.empty() &&
        ctx.kind != "ConfigMap") {
      top.keep = &reading_keep_policy(api_group_of(ctx.api_version), ctx.kind);
    }
  }
  if (top.section == Section::Annotations && has_pending_key_) {
    // Two annotations are read, not kept (annotation_digest.hpp); long values rules never read are
    // dropped. The key stays either way.
    if (pending_key_ == kLastAppliedAnnotation) {
      ctx.last_applied_api_version.assign(last_applied_api_version(text));
      kept = {};
    } else if (pending_key_ == kSidecarStatusAnnotation) {
      ctx.injected_revision.assign(injected_revision(text));
      kept = {};
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
  // `ctx` stays in the pool, untouched until the next object starts: it is read below.
  --active_objects_;

  NodeRef root = scratch.root();
  const ObjectIdentity identity = ObjectIdentity::of(root);
  if (list_shell_ || (ctx.has_items && identity.may_be_list())) {
    read_collected_kinds(root, out_.collected_kinds);
    return;
  }
  if (std::string_view missing = identity.missing(); !missing.empty()) {
    notice(ctx.position, &kMissingKind,
           fmt::format("an object without {} is not a Kubernetes object; skipped", missing));
    return;
  }
  if (ctx.has_items)
    notice(ctx.position, &kItemsReadAsObjects,
           fmt::format("the items of this {} were read as objects of their own", identity.kind));

  std::vector<std::pair<NodeRef, NodeRef>> duplicates;
  find_duplicate_keys(scratch, duplicates);
  for (auto& [first, again] : duplicates) notice(again.mark(), &kDuplicateKey, duplicate_key_message(first, again));

  NodeRef metadata = root["metadata"];
  std::string release_error;
  std::optional<HelmReleaseSummary> release =
      identity.api_version == "v1" ? read_release_record(root, identity.kind, release_error) : std::nullopt;
  if (!release_error.empty())
    notice(ctx.position, &kHelmReleaseUndecodable,
           fmt::format("Helm release record {} {}/{} could not be decoded ({}): rules know only its labels",
                       identity.kind, metadata["namespace"].text(), metadata["name"].text(), release_error));
  const std::string_view group = api_group_of(identity.api_version);
  const KeepNode& keep = release
                             ? release_record_keep_policy()
                             : keep_policy(group, identity.kind, metadata["name"].text(), metadata["namespace"].text());

  const auto object_node = static_cast<uint32_t>(final_builder_.node_count());
  final_builder_.begin_map(root.mark());
  prune_entries(root, keep, final_builder_, duplicates.empty());
  place_at_first_child(final_builder_, object_node);
  final_builder_.end();
  Resource resource(final_builder_, file_, ctx.position, {ctx.last_applied_api_version, ctx.injected_revision},
                    document_provenance_);
  resource.set_from_cluster(ctx.has_uid);
  resource.set_kept_whole(keeps_whole_object(group, identity.kind));
  if (release) {
    // Reports place the summary at the record's name: never at its data, whose line a report could quote.
    NodeRef name_key = metadata.key_node("name");
    resource.set_helm_release(std::move(*release), name_key.valid() ? name_key.mark() : ctx.position);
  }
  // Counted for the progress line. --max-objects is the loader's to enforce: it sees the objects in
  // input order, whatever thread parsed them.
  if (object_count_ != nullptr) object_count_->fetch_add(1, std::memory_order_relaxed);
  out_.resources.push_back(std::move(resource));
}

}  // namespace upcheck::load
