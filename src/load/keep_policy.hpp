// Which parts of an object the loader keeps.
//
// A cluster dump is mostly status, managedFields, container specs and Secret data that no rule
// reads; keeping only what rules need is what lets a 1 GiB dump load in a fraction of its size.
// Everything a rule reads must be listed here (docs/architecture.md says how to add a path).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace upcheck::load {

// The API group policies are chosen by: "apps" for "apps/v1", "" for the core group ("v1").
inline std::string_view api_group_of(std::string_view api_version) {
  const size_t slash = api_version.find('/');
  return slash == std::string_view::npos ? std::string_view{} : api_version.substr(0, slash);
}

// A node of the keep trie. `keep_all` keeps the whole subtree except children marked `skip`.
// A child named "*" matches any key or sequence element.
struct KeepNode {
  std::string name;  // the key this node matches in its parent ("*": any)
  bool keep_all = false;
  bool skip = false;
  std::vector<KeepNode> children;

  // What to do with the child `key` (sequence elements pass "*"): the child's node, or nullptr
  // to drop it.
  const KeepNode* child(std::string_view key) const;
};

// The trie for an object, chosen by API group, kind and (for ConfigMaps) name.
const KeepNode& keep_policy(std::string_view api_group, std::string_view kind, std::string_view name,
                            std::string_view ns);
// What to keep while the object is still being read, once its kind is known: keep_policy's trie,
// but a Secret keeps `data.release` too, which the assembler decodes (a Helm release record) and
// drops at the object's end. The List-item prefilter uses it as well.
const KeepNode& reading_keep_policy(std::string_view api_group, std::string_view kind);
// A Helm release record (Secret or ConfigMap) once decoded: identity, labels and `type`; never its
// data, whatever its name (Tiller's `istio-init.v1` looks like an Istio ConfigMap).
const KeepNode& release_record_keep_policy();
// Kinds kept whole (status aside): a copy of such an object can be applied as it is.
bool keeps_whole_object(std::string_view api_group, std::string_view kind);
// The trie while the kind is not yet known: keep everything.
const KeepNode& keep_everything();

// Annotation values longer than this are dropped (the key stays, with an empty value) unless
// the key names Istio, Helm or upcheck: nothing else long is ever read. An object's own
// `sidecar.istio.io/status` and last-applied-configuration are never kept: what is read of them
// is in annotation_digest.hpp.
inline constexpr size_t kMaxKeptAnnotationValue = 256;
bool keeps_long_annotation(std::string_view key);

}  // namespace upcheck::load
