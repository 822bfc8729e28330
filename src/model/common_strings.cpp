#include "model/common_strings.hpp"

#include <string>
#include <unordered_map>

namespace upcheck {
namespace {

// Field names of the core, apps, policy, autoscaling, admission and Istio APIs, the annotations
// and labels kubectl, Helm and Istio write, and the values they repeat. Append only: a tree refers
// to these by index.
constexpr std::string_view kCommonStrings[] = {
    "apiVersion", "kind", "metadata", "name", "namespace", "labels", "annotations", "spec", "status",
    "managedFields", "manager", "operation", "subresource", "time", "fieldsType", "fieldsV1",
    "ownerReferences", "controller", "blockOwnerDeletion", "uid", "generateName", "resourceVersion",
    "creationTimestamp", "generation", "finalizers", "selfLink", "template", "containers", "initContainers",
    "image", "imagePullPolicy", "ports", "containerPort", "protocol", "hostPort", "replicas", "selector",
    "matchLabels", "matchExpressions", "key", "values", "strategy", "type", "port", "targetPort", "nodePort",
    "clusterIP", "clusterIPs", "sessionAffinity", "ipFamilies", "ipFamilyPolicy", "externalTrafficPolicy",
    "minAvailable", "maxUnavailable", "minReplicas", "maxReplicas", "scaleTargetRef", "metrics", "resource",
    "target", "phase", "data", "webhooks", "clientConfig", "service", "path", "caBundle", "namespaceSelector",
    "objectSelector", "failurePolicy", "sideEffects", "admissionReviewVersions", "matchPolicy", "rules",
    "reinvocationPolicy", "timeoutSeconds", "operations", "apiGroups", "apiVersions", "resources", "scope",
    "host", "subsets", "trafficPolicy", "loadBalancer", "simple", "tls", "mode", "portLevelSettings",
    "number", "connectionPool", "outlierDetection", "http", "tcp", "hosts", "gateways", "route",
    "destination", "subset", "weight", "timeout", "retries", "attempts", "perTryTimeout", "exportTo", "names",
    "group", "versions", "served", "storage", "plural", "singular", "shortNames", "categories",
    "storedVersions", "restartPolicy", "args", "command", "env", "volumeMounts", "jobTemplate", "inclusion",
    "exclusion", "peers", "targets", "origins", "app", "version", "istio", "release", "chart", "heritage",
    "pod-template-hash", "component", "revision", "kubectl.kubernetes.io/last-applied-configuration",
    "deployment.kubernetes.io/revision", "sidecar.istio.io/status", "sidecar.istio.io/inject", "istio.io/rev",
    "istio-injection", "app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/version",
    "app.kubernetes.io/component", "app.kubernetes.io/part-of", "app.kubernetes.io/managed-by",
    "helm.sh/chart", "meta.helm.sh/release-name", "meta.helm.sh/release-namespace",
    "operator.istio.io/component", "operator.istio.io/managed", "operator.istio.io/version",
    "install.operator.istio.io/owning-resource", "install.operator.istio.io/owning-resource-namespace",
    "istio.io/tag", "kubernetes.io/metadata.name", "service.istio.io/canonical-name",
    "service.istio.io/canonical-revision", "security.istio.io/tlsMode", "topology.istio.io/network",
    "prometheus.io/scrape", "prometheus.io/port", "prometheus.io/path", "v1", "apps/v1", "policy/v1",
    "policy/v1beta1", "autoscaling/v1", "autoscaling/v2", "autoscaling/v2beta1", "autoscaling/v2beta2",
    "batch/v1", "networking.istio.io/v1alpha3", "networking.istio.io/v1beta1", "networking.istio.io/v1",
    "security.istio.io/v1beta1", "security.istio.io/v1", "authentication.istio.io/v1alpha1",
    "rbac.istio.io/v1alpha1", "install.istio.io/v1alpha1", "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1beta1", "apiextensions.k8s.io/v1", "apiextensions.k8s.io/v1beta1",
    "telemetry.istio.io/v1alpha1", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob",
    "Pod", "Service", "ConfigMap", "Secret", "Namespace", "PodDisruptionBudget", "HorizontalPodAutoscaler",
    "DestinationRule", "VirtualService", "Gateway", "ServiceEntry", "Sidecar", "PeerAuthentication",
    "AuthorizationPolicy", "RequestAuthentication", "EnvoyFilter", "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration", "CustomResourceDefinition", "List", "kubectl-client-side-apply",
    "kubectl", "kubectl-create", "kubectl-edit", "kubectl-patch", "kubectl-label", "kubectl-annotate",
    "kube-controller-manager", "helm", "Helm", "pilot-discovery", "istio-operator", "Update", "Apply",
    "Running", "Pending", "Succeeded", "Failed", "TCP", "UDP", "ClusterIP", "NodePort", "LoadBalancer",
    "None", "true", "false", "IfNotPresent", "Always", "Never", "OnFailure", "Fail", "Ignore", "NoneOnDryRun",
    "Namespaced", "Cluster", "istio-proxy", "istio-init", "discovery", "enabled", "disabled", "ISTIO_MUTUAL",
    "DISABLE", "SIMPLE", "MUTUAL", "STRICT", "PERMISSIVE", "ROUND_ROBIN", "LEAST_CONN", "LEAST_REQUEST",
    "RANDOM", "PASSTHROUGH", "istio-system", "default", "kube-system", "Tiller", "CREATE", "UPDATE", "Equal",
    "Exists", "In", "NotIn", "DoesNotExist", "{\"apiVersion\":\"v1\"}", "{\"apiVersion\":\"apps/v1\"}",
    "{\"apiVersion\":\"policy/v1\"}", "{\"apiVersion\":\"policy/v1beta1\"}",
    "{\"apiVersion\":\"networking.istio.io/v1alpha3\"}", "{\"apiVersion\":\"networking.istio.io/v1beta1\"}",
};

}  // namespace

std::optional<uint32_t> common_string_index(std::string_view text) {
  static const std::unordered_map<std::string_view, uint32_t> kIndex = [] {
    std::unordered_map<std::string_view, uint32_t> index;
    for (uint32_t i = 0; i < std::size(kCommonStrings); ++i) index.emplace(kCommonStrings[i], i);
    return index;
  }();
  // Nothing in the table is longer than this: skip the hash for long text.
  if (text.size() > 64) return std::nullopt;
  auto it = kIndex.find(text);
  if (it == kIndex.end()) return std::nullopt;
  return it->second;
}

std::string_view common_string(uint32_t index) { return kCommonStrings[index]; }

}  // namespace upcheck
