// What the assembler decides about an object once all its events are in, apart from pruning it:
// whether it is a Kubernetes object at all (its identity) or the shell of a List, which keys it
// repeats, which `helm template` source it came from, and which kinds an `upcheck collect`
// snapshot says it gathered.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/tree.hpp"

namespace upcheck::load {

// An object's apiVersion and kind as a lenient apply reads them: the last of duplicate keys, and
// nothing for a value that is not a scalar (`kind:` followed by a mapping is no kind).
struct ObjectIdentity {
  std::string_view api_version;
  std::string_view kind;

  static ObjectIdentity of(NodeRef root);
  // What it lacks to be a Kubernetes object ("apiVersion and kind", "kind", "apiVersion"); empty
  // when nothing.
  std::string_view missing() const;
  // A List (`kind: List`, `PodList`...) or a mapping without a kind: with `items`, it is only their
  // shell.
  bool may_be_list() const;
};

// The kinds in `upcheck.io/collected-kinds` (comma-separated, on the List `collect` writes),
// appended to `out`.
void read_collected_kinds(NodeRef list_root, std::vector<std::string>& out);

// Each key that a mapping repeats, paired with its first occurrence, in document order of the
// repetitions.
void find_duplicate_keys(const Tree& tree, std::vector<std::pair<NodeRef, NodeRef>>& found);
std::string duplicate_key_message(NodeRef first, NodeRef again);

// `# Source: chart/templates/x.yaml` comment lines that `helm template` writes above each
// document, with their line numbers.
struct SourceComment {
  uint32_t line = 0;
  std::string path;
};
// The source of a document that starts at `line` after a previous one that ended at
// `previous_end_line`: the last comment between the two; empty when none.
std::string_view provenance_between(std::span<const SourceComment> comments, uint32_t previous_end_line, uint32_t line);

}  // namespace upcheck::load
