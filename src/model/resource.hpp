// One Kubernetes object as the loader kept it: identity, the parts of its tree that rules read,
// and where it came from.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "model/tree.hpp"

namespace upcheck {

// Identifies an object in reports. `ns` is empty for cluster-scoped objects.
struct ObjectRef {
  std::string api_version;
  std::string kind;
  std::string ns;
  std::string name;
  friend auto operator<=>(const ObjectRef&, const ObjectRef&) = default;
};

class Resource {
 public:
  Resource() = default;
  Resource(Tree tree, uint32_t file, Mark position);
  Resource(Resource&&) = default;
  Resource& operator=(Resource&&) = default;

  NodeRef root() const { return tree_.root(); }
  NodeRef metadata() const { return root()["metadata"]; }
  NodeRef spec() const { return root()["spec"]; }
  NodeRef labels() const { return metadata()["labels"]; }
  NodeRef annotations() const { return metadata()["annotations"]; }
  std::optional<std::string_view> label(std::string_view key) const;
  std::optional<std::string_view> annotation(std::string_view key) const;

  std::string_view api_version() const { return text_at(api_version_); }
  std::string_view kind() const { return text_at(kind_); }
  std::string_view ns() const { return text_at(ns_); }
  std::string_view name() const { return text_at(name_); }
  // "apps" for "apps/v1"; "" for the core group ("v1").
  std::string_view group() const;
  // "v1" for "apps/v1".
  std::string_view version() const;
  ObjectRef ref() const;
  // "Deployment istio-system/istio-pilot" or "Namespace default".
  std::string display_name() const;

  // Position of a field path's key (`spec.replicas`, `metadata.annotations["a/b"]`); the
  // object's own position when the field is absent.
  Mark locate(std::string_view field_path) const;
  // Position of the object: the first key of its mapping.
  Mark position() const { return position_; }
  uint32_t file() const { return file_; }
  const Tree& tree() const { return tree_; }

  // `# Source: chart/templates/x.yaml` above the document in `helm template` output.
  const std::string& provenance() const { return provenance_; }
  void set_provenance(std::string source) { provenance_ = std::move(source); }
  // apiVersion in the kubectl.kubernetes.io/last-applied-configuration annotation. The loader
  // keeps only that (as the annotation's value: `{"apiVersion":"apps/v1"}`), never the body: a
  // Secret's body holds its data.
  std::string last_applied_api_version() const;
  // The object came from a live cluster: it had `metadata.uid`, which only the API server sets
  // (the loader keeps the fact, not the value). Its `apiVersion` is then whatever version the
  // server chose to serve, not the one its owner applies.
  bool from_cluster() const { return from_cluster_; }
  void set_from_cluster(bool from_cluster) { from_cluster_ = from_cluster; }
  size_t memory_bytes() const;

 private:
  std::string_view text_at(uint32_t index) const { return index == 0 ? std::string_view{} : tree_.text(tree_.node(index)); }

  Tree tree_;
  uint32_t file_ = 0;
  Mark position_;
  // Scalar nodes of the identity fields (0: absent; node 0 is the root mapping).
  uint32_t api_version_ = 0, kind_ = 0, ns_ = 0, name_ = 0;
  bool from_cluster_ = false;
  std::string provenance_;
};

}  // namespace upcheck
