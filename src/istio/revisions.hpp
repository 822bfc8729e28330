// Istio revisions (1.6+): which control-plane revisions and revision tags the input serves,
// which revision would inject a pod, which revision an injected pod is bound to, and where its
// proxy sits.
//
// Injection is decided by the API server, not by Istio: it calls every sidecar-injector webhook
// whose namespaceSelector matches the pod's namespace labels and whose objectSelector matches the
// pod's labels, configurations in name order; the first Istio injector that matches injects and
// later ones see the pod already injected. So when the input holds the
// MutatingWebhookConfigurations, they are evaluated as they are. Without them (a dump of
// workloads, a 1.1 cluster) the documented label rules stand in (see `injection`).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "istio/istio_install.hpp"
#include "model/snapshot.hpp"
#include "model/version.hpp"

namespace upcheck {

// Revision names are DNS-1123 labels: lowercase alphanumerics and '-', starting and ending
// alphanumeric, at most 63 characters. istioctl rejects anything else ("invalid revision
// specified", istio/istio operator/pkg/validate/validate.go, validateRevision ->
// pkg/config/labels IsDNS1123Label).
bool is_valid_revision_name(std::string_view name);
// The nearest valid name: "1.21.0" -> "1-21-0", "Canary_1" -> "canary-1"; empty when nothing is
// left.
std::string suggest_revision_name(std::string_view name);

// One webhook of an Istio sidecar-injector MutatingWebhookConfiguration (its name ends with
// "sidecar-injector.istio.io": the plain, "namespace.", "object.", "rev.namespace.",
// "rev.object." and "auto." forms of every release since 1.0).
struct InjectorWebhook {
  const Resource* configuration = nullptr;
  size_t index = 0;               // in webhooks[]
  std::string name;               // "rev.namespace.sidecar-injector.istio.io"
  std::string revision;           // the revision whose istiod it calls
  std::string tag;                // the revision tag it implements (label istio.io/tag); empty if none
  std::string service_namespace;  // clientConfig.service; both empty for a url
  std::string service_name;
  bool fails_closed = true;    // failurePolicy Fail: v1's default; v1beta1 defaulted to Ignore
  NodeRef namespace_selector;  // invalid when absent (selects every namespace)
  NodeRef object_selector;     // invalid when absent (selects every pod)
  // "webhooks[2]", for FindingSink::report.
  std::string field_path() const { return "webhooks[" + std::to_string(index) + "]"; }
  // Whether the API server calls it for a pod with these labels in a namespace with these labels.
  bool selects(NodeRef namespace_labels, NodeRef pod_labels) const;
};

// What would inject a pod.
struct Injection {
  std::string revision;                      // the resolved revision; empty: nothing injects the pod
  std::string requested;                     // the label that chose it: "istio-injection=enabled", "istio.io/rev=prod"
  const InjectorWebhook* webhook = nullptr;  // null when decided by the label rules
  bool resolved = true;                      // false: the label names a revision nothing in the input serves
  explicit operator bool() const { return !revision.empty(); }
  // Something in the input serves the revision it names (so the pod really gets a sidecar).
  bool served() const { return !revision.empty() && resolved; }
};

// The revision an injected pod is bound to, and what showed it.
struct Binding {
  std::string revision;
  std::string evidence;  // "annotation istio.io/rev", "revision in sidecar.istio.io/status", ...
};

class RevisionIndex {
 public:
  RevisionIndex(const Snapshot& snapshot, const IstioInstallation& istio);
  RevisionIndex(const RevisionIndex&) = delete;
  RevisionIndex& operator=(const RevisionIndex&) = delete;

  // Nothing in the input serves injection (no control plane, no injector webhook): a partial
  // dump, where "unknown revision" would flag every label.
  bool empty() const { return istio_.control_planes.empty() && webhooks_.empty(); }
  bool has_webhooks() const { return !webhooks_.empty(); }
  // Whether every revision tag is known: tags exist only as webhook configurations, so the input
  // must hold those, unless all its control planes predate tags ("In 1.10, we introduced revision
  // tags", istio.io, Announcing Istio 1.11).
  bool knows_tags() const;
  // Injector webhooks, in the order the API server calls them.
  const std::vector<InjectorWebhook>& webhooks() const { return webhooks_; }
  // Revision tags: tag -> revision.
  const std::map<std::string, std::string, std::less<>>& tags() const { return tags_; }
  // Revisions with an istiod (or pre-1.5 control plane) or a revision's own injector webhook.
  const std::vector<std::string>& revisions() const { return revisions_; }
  bool serves(std::string_view revision) const;
  // A revision or tag name to the revision it reaches; nothing when neither is served. "default"
  // reaches the default revision.
  std::optional<std::string> resolve(std::string_view name) const;
  // The revision that injects `istio-injection=enabled` namespaces (the `default` tag, else the
  // unrevisioned control plane).
  std::optional<std::string> default_revision() const { return default_revision_; }
  // The injector webhook that serves the default revision's namespace selector, if the input has one.
  const InjectorWebhook* default_webhook() const { return default_webhook_; }
  // The control plane of a revision ("default" also finds the default tag's).
  const ControlPlane* control_plane(std::string_view revision) const;
  // "revisions 1-20-3, canary; tags prod-stable -> 1-20-3", for messages.
  std::string describe() const;

  // What would inject a new pod with these labels and annotations in a namespace with these labels
  // (invalid NodeRefs: none). A `sidecar.istio.io/inject: "false"` annotation opts out.
  Injection injection(NodeRef namespace_labels, NodeRef pod_labels, NodeRef pod_annotations) const;
  // The revision an injected pod is bound to, strongest evidence first: the `istio.io/rev`
  // annotation the injector writes (istio/istio#44161, 2023), the revision in
  // `sidecar.istio.io/status` (1.11+, istio/istio#33447), else the labels of the pod and its
  // namespace as the webhooks read them (1.6-1.10 injectors also wrote the revision into the
  // pod's istio.io/rev label). `ns` may be null when the namespace is not in the input.
  std::optional<Binding> bound_revision(const Resource& pod, const Resource* ns) const;

 private:
  const IstioInstallation& istio_;
  std::vector<InjectorWebhook> webhooks_;
  std::map<std::string, std::string, std::less<>> tags_;
  std::vector<std::string> revisions_;
  std::optional<std::string> default_revision_;
  const InjectorWebhook* default_webhook_ = nullptr;
  Tree enabled_namespace_;  // {istio-injection: enabled}, to ask who injects such namespaces
};

// The injected Istio proxy of a pod spec (`spec`, or a template's `spec.template.spec`): the
// `istio-proxy` container, or from 1.27 by default a native sidecar, `istio-proxy` in
// initContainers with restartPolicy Always (istio.io, Istio 1.27 upgrade notes).
struct IstioProxy {
  NodeRef container;
  std::string field_path;  // "spec.initContainers[1]", relative to the object
  bool native_sidecar = false;
  ImageRef image;  // "auto" (filled in by injection) has no tag
  std::optional<Version> version() const { return Version::parse(image.tag); }
};
std::optional<IstioProxy> find_istio_proxy(NodeRef pod_spec, std::string_view spec_path);

}  // namespace upcheck
