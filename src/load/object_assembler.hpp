// Turns a stream of parse events (from libyaml or simdjson) into Kubernetes objects.
//
// It finds the objects (a document's root mapping, the elements of a root sequence, the `items`
// of a List, Lists inside Lists), keeps only what the keep policy asks for, expands aliases
// within a budget, and resolves duplicate keys the way a lenient apply would (last wins). What it
// decides about a finished object besides (identity, List shells, duplicate-key notices, source,
// collected kinds) is in object_finish.hpp; what it reads of annotations it drops, in
// annotation_digest.hpp; Helm release records are decoded by model/helm_release.hpp.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "load/diagnostic_tally.hpp"
#include "load/keep_policy.hpp"
#include "load/limits.hpp"
#include "load/object_finish.hpp"
#include "model/diagnostic.hpp"
#include "model/resource.hpp"
#include "model/tree.hpp"

namespace upcheck::load {

// What parsing one piece of input produced.
struct ParseOutput {
  std::vector<Resource> resources;
  std::vector<Diagnostic> errors;
  std::vector<Diagnostic> notices;
  std::vector<std::string> collected_kinds;
  DiagnosticTally tally;  // what add_error and add_notice left out

  void add_error(Diagnostic d) { tally.add(errors, std::move(d)); }
  void add_notice(Diagnostic d) { tally.add(notices, std::move(d)); }
};

class ObjectAssembler {
 public:
  // `object_count`, when given, counts the objects built (by every thread: for progress).
  ObjectAssembler(uint32_t file, const LoadLimits& limits, ParseOutput& out,
                  std::atomic<size_t>* object_count = nullptr);

  void set_source_comments(std::vector<SourceComment> comments) { source_comments_ = std::move(comments); }
  // The input is the shell of a List whose items arrive separately: it holds no objects.
  void set_list_shell(bool shell) { list_shell_ = shell; }

  void begin_document();
  void end_document(Mark end);
  // Each returns false once a limit has stopped the document; the caller must then abandon it.
  bool begin_map(Mark mark, std::string_view anchor = {});
  bool begin_seq(Mark mark, std::string_view anchor = {});
  bool scalar(std::string_view text, ScalarStyle style, Mark mark, std::string_view anchor = {});
  bool alias(std::string_view anchor, Mark mark);
  bool end_container();
  // Drops whatever was being built (after a syntax error or a limit); objects already finished
  // stay.
  void abandon_document();

  // What was produced up to a point between documents, so that a parser can read a stretch of
  // its input again (libyaml, after bytes it refused) without anything coming out twice.
  struct Checkpoint {
    size_t resources = 0, errors = 0, notices = 0, collected_kinds = 0;
    DiagnosticTally tally;
    uint32_t previous_document_end_line = 0;
  };
  Checkpoint checkpoint() const;
  // Forgets everything produced since `checkpoint` and whatever was being built.
  void rollback(const Checkpoint& checkpoint);

  // For a parser that can pass over input without sending its events (simdjson): what is
  // dropped then costs no events and no positions. After a key, drops_next_value() says its
  // value is dropped; the parser may then call value_skipped() instead of sending the value's
  // events. After begin_map or begin_seq, inside_dropped_subtree() says the container is
  // dropped whole; the parser may skip its contents and call end_container() at once.
  bool drops_next_value() const { return skip_next_value_ && skip_depth_ == 0 && !stopped_; }
  void value_skipped();
  bool inside_dropped_subtree() const { return skip_depth_ > 0; }

 private:
  enum class Role : uint8_t { Plain, ObjectRoot, Items };
  enum class Section : uint8_t { Other, Metadata, Annotations };

  struct Frame {
    NodeType type = NodeType::Map;
    Role role = Role::Plain;
    Section section = Section::Other;
    bool expecting_key = true;
    const KeepNode* keep = nullptr;  // policy for this container's children
  };

  struct ObjectContext {
    TreeBuilder scratch;
    Mark position;
    bool first_key_seen = false;
    std::string api_version;  // as read so far: they choose the keep policy while reading
    std::string kind;
    std::string last_applied_api_version;  // DigestedAnnotations
    std::string injected_revision;
    bool has_items = false;
    bool has_uid = false;  // metadata.uid: the object came from a live cluster
    size_t alias_nodes = 0;
    std::unordered_map<std::string, uint32_t> anchors;
    size_t frame_base = 0;  // index of its root frame in frames_
  };

  void value_done();
  void skipped_subtree_done();
  void note_document_start(Mark mark);
  bool start_object(Mark mark, std::string_view anchor);
  bool open_container(NodeType type, Mark mark, std::string_view anchor);
  bool check_depth(Mark mark);
  void emit_pending_key();
  void finish_object();
  void remember_anchor(std::string_view anchor, uint32_t index);
  void error(Mark mark, const DiagnosticCode* code, std::string message);
  void notice(Mark mark, const DiagnosticCode* code, std::string message);
  ObjectContext& object() { return objects_[active_objects_ - 1]; }
  bool building() const;

  uint32_t file_;
  const LoadLimits& limits_;
  ParseOutput& out_;
  std::atomic<size_t>* object_count_;

  std::vector<Frame> frames_;
  std::vector<ObjectContext> objects_;  // a pool; the first active_objects_ are in use
  size_t active_objects_ = 0;
  size_t skip_depth_ = 0;         // >0 while inside a dropped subtree
  bool skip_next_value_ = false;  // the key before it was dropped
  bool skipped_key_ = false;      // the dropped subtree is a (complex) mapping key
  bool stopped_ = false;          // a limit stopped this document
  bool list_shell_ = false;
  std::unordered_set<std::string> dropped_anchors_;  // anchors inside dropped subtrees
  TreeBuilder final_builder_;

  // A mapping key waits here until its value shows whether both are kept.
  bool has_pending_key_ = false;
  std::string pending_key_;
  Mark pending_key_mark_;
  ScalarStyle pending_key_style_ = ScalarStyle::Plain;
  const KeepNode* pending_keep_ = nullptr;

  std::vector<SourceComment> source_comments_;
  uint32_t previous_document_end_line_ = 0;
  bool document_has_content_ = false;
  std::string document_provenance_;
};

}  // namespace upcheck::load
