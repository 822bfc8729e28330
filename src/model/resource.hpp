// One Kubernetes object as the loader kept it: identity, the parts of its tree that rules read,
// and where it came from.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "model/helm_release_summary.hpp"
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

// What the loader read of annotation values it does not keep (their keys stay in the tree, with an
// empty value, for their presence and position). Each is empty when absent.
struct DigestedAnnotations {
  // The apiVersion in kubectl.kubernetes.io/last-applied-configuration, whose body (a Secret's holds
  // its data) is never kept.
  std::string_view last_applied_api_version;
  // The revision in sidecar.istio.io/status (Istio 1.11+), the only part of that long value rules
  // read: the rest (template hashes, container names) is on thousands of pods.
  std::string_view injected_revision;
};

class Resource {
 public:
  Resource() = default;
  Resource(Tree tree, uint32_t file, Mark position);
  // `document` holds the object, its root mapping closed. The digested values and the provenance
  // are stored with its text, so they cost an object no allocation of its own.
  Resource(TreeBuilder& document, uint32_t file, Mark position, const DigestedAnnotations& digested,
           std::string_view provenance = {});
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
  std::string_view provenance() const { return text_at(provenance_); }
  // DigestedAnnotations: the apiVersion kubectl last applied, and the revision that injected the
  // pod's sidecar.
  std::string_view last_applied_api_version() const { return text_at(last_applied_api_version_); }
  std::string_view injected_revision() const { return text_at(injected_revision_); }
  // A Helm release record (Secret, ConfigMap): what the loader decoded of it (its data is never
  // kept), and where reports place it: the record's name. Null for every other object.
  const HelmReleaseSummary* helm_release() const { return helm_release_ ? &helm_release_->summary : nullptr; }
  Mark helm_release_position() const { return helm_release_ ? helm_release_->position : Mark{}; }
  void set_helm_release(HelmReleaseSummary summary, Mark position);
  // The loader kept the whole object (status aside): a copy of it can be applied as it is.
  bool kept_whole() const { return kept_whole_; }
  void set_kept_whole(bool kept_whole) { kept_whole_ = kept_whole; }
  // The object came from a live cluster: it had `metadata.uid`, which only the API server sets
  // (the loader keeps the fact, not the value). Its `apiVersion` is then whatever version the
  // server chose to serve, not the one its owner applies.
  bool from_cluster() const { return from_cluster_; }
  void set_from_cluster(bool from_cluster) { from_cluster_ = from_cluster; }
  size_t memory_bytes() const;

 private:
  std::string_view text_at(uint32_t index) const {
    return index == 0 ? std::string_view{} : tree_.text(tree_.node(index));
  }

  struct DecodedRelease {
    HelmReleaseSummary summary;
    Mark position;
  };

  Tree tree_;
  uint32_t file_ = 0;
  Mark position_;
  // Scalar nodes of the identity fields (0: absent; node 0 is the root mapping).
  uint32_t api_version_ = 0, kind_ = 0, ns_ = 0, name_ = 0;
  // Scalar nodes of the digested annotations and the provenance (0: absent). They follow the
  // root's subtree, where no navigation from the root reaches them.
  uint32_t last_applied_api_version_ = 0, injected_revision_ = 0, provenance_ = 0;
  bool from_cluster_ = false;
  bool kept_whole_ = false;
  std::unique_ptr<const DecodedRelease> helm_release_;  // only release records pay for it
};

}  // namespace upcheck
