#include "load/keep_policy.hpp"

#include <initializer_list>
#include <span>

#include "model/kind_groups.hpp"

namespace upcheck::load {
namespace {

// Paths every object keeps. `metadata.managedFields` keeps who applied the object with which
// apiVersion (deprecated-api-version reads it), never the field sets.
constexpr std::string_view kCommon[] = {
    "apiVersion",
    "kind",
    "metadata.name",
    "metadata.namespace",
    "metadata.generateName",
    "metadata.labels",
    "metadata.annotations",
    // Who controls the object (a Pod's ReplicaSet, a ReplicaSet's Deployment); not the uid.
    "metadata.ownerReferences.*.apiVersion",
    "metadata.ownerReferences.*.kind",
    "metadata.ownerReferences.*.name",
    "metadata.ownerReferences.*.controller",
    "metadata.managedFields.*.manager",
    "metadata.managedFields.*.operation",
    "metadata.managedFields.*.apiVersion",
    "metadata.managedFields.*.subresource",
};

// Pod templates: identity, replicas and the containers' names, images and ports (named
// targetPorts resolve through them).
constexpr std::string_view kWorkload[] = {
    "spec.replicas",
    "spec.selector",
    "spec.template.metadata",
    "spec.template.spec.containers.*.name",
    "spec.template.spec.containers.*.image",
    "spec.template.spec.containers.*.ports",
    "spec.template.spec.initContainers.*.name",
    "spec.template.spec.initContainers.*.image",
    "spec.template.spec.initContainers.*.restartPolicy",
    "spec.jobTemplate.spec.template.metadata",
    "spec.jobTemplate.spec.template.spec.containers.*.name",
    "spec.jobTemplate.spec.template.spec.containers.*.image",
};

// Bare pods keep their containers' ports too: a Service's named targetPort resolves through them.
constexpr std::string_view kPod[] = {
    "spec.containers.*.name",
    "spec.containers.*.image",
    "spec.containers.*.ports.*.name",
    "spec.containers.*.ports.*.containerPort",
    "spec.initContainers.*.name",
    "spec.initContainers.*.image",
    "spec.initContainers.*.restartPolicy",
    "status.phase",
};

constexpr std::string_view kCrd[] = {
    "spec.group",
    "spec.names",
    "spec.scope",
    "spec.versions.*.name",
    "spec.versions.*.served",
    "spec.versions.*.storage",
    "spec.versions.*.deprecated",
    "spec.versions.*.deprecationWarning",
    "status.storedVersions",
};

constexpr std::string_view kWebhooks[] = {"webhooks", "!webhooks.*.clientConfig.caBundle"};
constexpr std::string_view kConfigMapData[] = {"data"};
constexpr std::string_view kSecret[] = {"type"};
// Only while reading: a Helm release record's payload (see reading_keep_policy).
constexpr std::string_view kSecretWhileReading[] = {"type", "data.release"};
// Whole objects, for kinds whose migrations copy them or whose checks read deep fields. Status
// is never kept. A migration that writes such an object again applies it with its
// resourceVersion, so that a change made since the dump is a conflict, not reverted.
constexpr std::string_view kWhole[] = {"*", "!status", "metadata.resourceVersion"};

void add_path(KeepNode& root, std::string_view path) {
  bool skip = !path.empty() && path.front() == '!';
  if (skip) path.remove_prefix(1);
  KeepNode* node = &root;
  while (!path.empty()) {
    size_t dot = path.find('.');
    std::string_view segment = path.substr(0, dot);
    path = dot == std::string_view::npos ? std::string_view{} : path.substr(dot + 1);
    KeepNode* next = nullptr;
    for (KeepNode& child : node->children)
      if (child.name == segment) next = &child;
    if (next == nullptr) {
      node->children.push_back(
          KeepNode{.name = std::string(segment), .keep_all = false, .skip = false, .children = {}});
      next = &node->children.back();
    }
    node = next;
  }
  if (skip)
    node->skip = true;
  else
    node->keep_all = true;
}

// A node inside a kept subtree keeps everything too: `webhooks` with `!webhooks.*.clientConfig.caBundle`
// keeps every field of every webhook but the CA bundle, whichever order the paths come in.
void inherit_keep_all(KeepNode& node) {
  for (KeepNode& child : node.children) {
    if (node.keep_all && !child.skip) child.keep_all = true;
    inherit_keep_all(child);
  }
}

KeepNode build(std::initializer_list<std::span<const std::string_view>> lists) {
  KeepNode root;
  for (auto list : lists)
    for (std::string_view path : list) add_path(root, path);
  inherit_keep_all(root);
  return root;
}

bool is_workload(std::string_view kind) { return kind_in(kWorkloadKinds, kind); }

// Kinds kept whole: every Istio API group, the Kubernetes Gateway API, and the core kinds whose
// fields checks and migrations read in depth.
bool is_kept_whole(std::string_view group, std::string_view kind) {
  if (group == "istio.io" || (group.size() > 9 && group.substr(group.size() - 9) == ".istio.io")) return true;
  if (group == "gateway.networking.k8s.io") return true;
  return kind == "Service" || kind == "PodDisruptionBudget" || kind == "HorizontalPodAutoscaler" || kind == "Namespace";
}

}  // namespace

const KeepNode* KeepNode::child(std::string_view key) const {
  static const KeepNode kAll{.name = "*", .keep_all = true, .skip = false, .children = {}};
  const KeepNode* wildcard = nullptr;
  for (const KeepNode& node : children) {
    if (node.name == key) return node.skip ? nullptr : &node;
    if (node.name == "*") wildcard = &node;
  }
  if (wildcard != nullptr) return wildcard->skip ? nullptr : wildcard;
  return keep_all ? &kAll : nullptr;
}

const KeepNode& keep_everything() {
  static const KeepNode kAll{.name = "*", .keep_all = true, .skip = false, .children = {}};
  return kAll;
}

const KeepNode& keep_policy(std::string_view group, std::string_view kind, std::string_view name, std::string_view ns) {
  static const KeepNode kCommonOnly = build({kCommon});
  static const KeepNode kWholeObject = build({kCommon, kWhole});
  static const KeepNode kWorkloadObject = build({kCommon, kWorkload});
  static const KeepNode kPodObject = build({kCommon, kPod});
  static const KeepNode kCrdObject = build({kCommon, kCrd});
  static const KeepNode kWebhookObject = build({kCommon, kWebhooks});
  static const KeepNode kConfigMapWithData = build({kCommon, kConfigMapData});
  static const KeepNode kSecretObject = build({kCommon, kSecret});

  if (is_kept_whole(group, kind)) return kWholeObject;
  if (is_workload(kind)) return kWorkloadObject;
  if (kind == "Pod") return kPodObject;
  if (kind == "CustomResourceDefinition") return kCrdObject;
  if (kind == "MutatingWebhookConfiguration" || kind == "ValidatingWebhookConfiguration") return kWebhookObject;
  // Mesh config (`istio`, `istio-<rev>`) and the injector's config; not the root certificate
  // that Istio copies into every namespace. Helm release records (Helm 3's configmap driver,
  // Tiller's `istio.v3`) keep no data: the assembler has decoded what rules need into a summary.
  (void)ns;
  if (kind == "ConfigMap" && (name == "istio" || name.substr(0, 6) == "istio-") && name != "istio-ca-root-cert")
    return kConfigMapWithData;
  if (kind == "Secret") return kSecretObject;
  return kCommonOnly;
}

const KeepNode& reading_keep_policy(std::string_view group, std::string_view kind) {
  static const KeepNode kSecretReading = build({kCommon, kSecretWhileReading});
  if (kind == "Secret" && group.empty()) return kSecretReading;
  return keep_policy(group, kind, {}, {});
}

const KeepNode& release_record_keep_policy() {
  static const KeepNode kRecord = build({kCommon, kSecret});
  return kRecord;
}

bool keeps_whole_object(std::string_view group, std::string_view kind) { return is_kept_whole(group, kind); }

bool keeps_long_annotation(std::string_view key) {
  // Presence and the injecting revision are what matter; the assembler keeps just the revision.
  if (key == "sidecar.istio.io/status") return false;
  return key.find("istio.io/") != std::string_view::npos || key.find("helm.sh/") != std::string_view::npos ||
         key.find("upcheck.io/") != std::string_view::npos;
}

}  // namespace upcheck::load
