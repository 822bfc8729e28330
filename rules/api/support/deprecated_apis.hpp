// Kubernetes and Istio API versions that were deprecated or removed, for deprecated-api-version.
//
// In the spirit of Pluto's versions.yaml (FairwindsOps/pluto@0c240f6f:versions.yaml: version, kind,
// deprecated-in, removed-in, replacement-api, component), with what a fix needs besides: whether
// the replacement has the same schema, so that rewriting `apiVersion` is the whole migration.
//
// Kubernetes rows come from the Deprecated API Migration Guide (kubernetes/website
// content/en/docs/reference/using-api/deprecation-guide.md, sections v1.16, v1.22, v1.25, v1.26)
// and Pluto's table for the deprecated-in releases; they cover the kinds Istio's charts and
// Istio users' manifests use. Istio rows come from /work/shared/data/istio-api-removals.tsv
// (each row cites the istio.io upgrade notes or the CRDs of the release that dropped it). The
// rbac.istio.io kinds are not here: deprecated-rbac-config (MESH001) reports all four of them,
// with the migration to AuthorizationPolicy.
#pragma once

#include <span>
#include <string_view>

namespace upcheck::rules {

enum class ApiComponent : uint8_t { Kubernetes, Istio };

struct DeprecatedApi {
  ApiComponent component;
  std::string_view group_version;     // "extensions/v1beta1"
  std::string_view kinds;             // "Deployment,DaemonSet"; "*": every kind no other row names
  std::string_view deprecated_in;     // release of `component` ("1.9"); "" when never announced
  std::string_view removed_in;        // release that stops serving (Kubernetes) or reading (Istio) it
  std::string_view replacement;       // apiVersion to move to; "" when there is none
  std::string_view replacement_kind;  // when the kind changes too ("VirtualService"); "" otherwise
  bool schema_unchanged;              // rewriting apiVersion is the whole migration
  std::string_view changes;           // what else changes, for the message; or the caveat
  std::string_view source;
  // The first Kubernetes release that serves the replacement, where it came before the old
  // version's deprecation; "" means deprecated_in (a version is deprecated only once its
  // successor is served).
  std::string_view replacement_served_in = "";
};

inline constexpr std::string_view kK8sGuide = "Kubernetes Deprecated API Migration Guide";

inline constexpr DeprecatedApi kDeprecatedApis[] = {
    // Kubernetes 1.16 (guide, v1.16): workloads and NetworkPolicy.
    {ApiComponent::Kubernetes, "extensions/v1beta1", "Deployment,DaemonSet,ReplicaSet", "1.9", "1.16", "apps/v1", "",
     false,
     "spec.selector becomes required and immutable (use the template's labels); defaults change "
     "(DaemonSet updateStrategy OnDelete -> RollingUpdate, Deployment progressDeadlineSeconds, "
     "revisionHistoryLimit, maxSurge/maxUnavailable 25%); spec.rollbackTo and templateGeneration are gone",
     "guide v1.16; Pluto versions.yaml"},
    {ApiComponent::Kubernetes, "apps/v1beta1", "Deployment,StatefulSet,ReplicaSet", "1.9", "1.16", "apps/v1", "", false,
     "spec.selector becomes required and immutable; defaults change (StatefulSet updateStrategy OnDelete -> "
     "RollingUpdate, Deployment revisionHistoryLimit 2 -> 10); spec.rollbackTo is gone",
     "guide v1.16; Pluto versions.yaml"},
    {ApiComponent::Kubernetes, "apps/v1beta2", "Deployment,StatefulSet,DaemonSet,ReplicaSet", "1.9", "1.16", "apps/v1",
     "", false, "spec.selector becomes required and immutable; defaults change", "guide v1.16; Pluto versions.yaml"},
    {ApiComponent::Kubernetes, "extensions/v1beta1", "NetworkPolicy", "1.9", "1.16", "networking.k8s.io/v1", "", true,
     "", "guide v1.16"},
    {ApiComponent::Kubernetes, "extensions/v1beta1", "PodSecurityPolicy", "1.10", "1.16", "policy/v1beta1", "", true,
     "", "Pluto versions.yaml"},
    // Kubernetes 1.22 (guide, v1.22).
    {ApiComponent::Kubernetes, "extensions/v1beta1", "Ingress", "1.14", "1.22", "networking.k8s.io/v1", "", false,
     "spec.backend becomes spec.defaultBackend; serviceName/servicePort become service.name and "
     "service.port.number or .name; pathType is required (ImplementationSpecific keeps the v1beta1 behaviour)",
     "guide v1.22"},
    {ApiComponent::Kubernetes, "networking.k8s.io/v1beta1", "Ingress", "1.19", "1.22", "networking.k8s.io/v1", "",
     false,
     "spec.backend becomes spec.defaultBackend; serviceName/servicePort become service.name and "
     "service.port.number or .name; pathType is required (ImplementationSpecific keeps the v1beta1 behaviour)",
     "guide v1.22"},
    {ApiComponent::Kubernetes, "networking.k8s.io/v1beta1", "IngressClass", "1.19", "1.22", "networking.k8s.io/v1", "",
     true, "", "guide v1.22"},
    {ApiComponent::Kubernetes, "admissionregistration.k8s.io/v1beta1",
     "MutatingWebhookConfiguration,ValidatingWebhookConfiguration", "1.16", "1.22", "admissionregistration.k8s.io/v1",
     "", false,
     "webhooks[].sideEffects (None or NoneOnDryRun) and admissionReviewVersions become required; defaults change: "
     "failurePolicy Ignore -> Fail, matchPolicy Exact -> Equivalent, timeoutSeconds 30 -> 10",
     "guide v1.22"},
    {ApiComponent::Kubernetes, "apiextensions.k8s.io/v1beta1", "CustomResourceDefinition", "1.16", "1.22",
     "apiextensions.k8s.io/v1", "", false,
     "spec.scope is required; spec.version, validation, subresources and additionalPrinterColumns move into "
     "spec.versions[]; a structural openAPIV3Schema is required; preserveUnknownFields: true is not allowed",
     "guide v1.22"},
    {ApiComponent::Kubernetes, "rbac.authorization.k8s.io/v1beta1", "ClusterRole,ClusterRoleBinding,Role,RoleBinding",
     "1.17", "1.22", "rbac.authorization.k8s.io/v1", "", true, "", "guide v1.22; Pluto versions.yaml", "1.8"},
    {ApiComponent::Kubernetes, "rbac.authorization.k8s.io/v1alpha1", "ClusterRole,ClusterRoleBinding,Role,RoleBinding",
     "1.17", "1.22", "rbac.authorization.k8s.io/v1", "", true, "", "Pluto versions.yaml", "1.8"},
    {ApiComponent::Kubernetes, "scheduling.k8s.io/v1beta1", "PriorityClass", "1.14", "1.22", "scheduling.k8s.io/v1", "",
     true, "", "guide v1.22"},
    {ApiComponent::Kubernetes, "coordination.k8s.io/v1beta1", "Lease", "1.14", "1.22", "coordination.k8s.io/v1", "",
     true, "", "guide v1.22"},
    {ApiComponent::Kubernetes, "apiregistration.k8s.io/v1beta1", "APIService", "1.10", "1.22",
     "apiregistration.k8s.io/v1", "", true, "", "guide v1.22", "1.10"},
    {ApiComponent::Kubernetes, "certificates.k8s.io/v1beta1", "CertificateSigningRequest", "1.19", "1.22",
     "certificates.k8s.io/v1", "", false, "spec.signerName and spec.usages are required", "guide v1.22"},
    // Kubernetes 1.25 and 1.26 (guide, v1.25 and v1.26).
    {ApiComponent::Kubernetes, "policy/v1beta1", "PodDisruptionBudget", "1.21", "1.25", "policy/v1", "", true,
     "an empty spec.selector ({}) selects every pod of the namespace in policy/v1 (none in policy/v1beta1)",
     "guide v1.25"},
    {ApiComponent::Kubernetes, "policy/v1beta1", "PodSecurityPolicy", "1.21", "1.25", "", "", false,
     "PodSecurityPolicy has no successor API: Pod Security Admission replaces it", "guide v1.25"},
    {ApiComponent::Kubernetes, "autoscaling/v2beta1", "HorizontalPodAutoscaler", "1.22", "1.25", "autoscaling/v2", "",
     false,
     "metrics[].resource.targetAverageUtilization becomes target.averageUtilization with target.type: Utilization",
     "guide v1.25"},
    {ApiComponent::Kubernetes, "autoscaling/v2beta2", "HorizontalPodAutoscaler", "1.23", "1.26", "autoscaling/v2", "",
     true, "", "guide v1.26; autoscaling/v2 graduated v2beta2 as it was (kubernetes/enhancements KEP-2702)"},
    {ApiComponent::Kubernetes, "batch/v1beta1", "CronJob", "1.21", "1.25", "batch/v1", "", true, "", "guide v1.25"},
    {ApiComponent::Kubernetes, "discovery.k8s.io/v1beta1", "EndpointSlice", "1.21", "1.25", "discovery.k8s.io/v1", "",
     false, "per-endpoint nodeName and zone replace topology, which becomes the read-only deprecatedTopology",
     "guide v1.25"},
    {ApiComponent::Kubernetes, "events.k8s.io/v1beta1", "Event", "1.19", "1.25", "events.k8s.io/v1", "", false,
     "involvedObject becomes regarding; type is Normal or Warning; eventTime, series and reporting* replace the "
     "deprecated timestamp, count and source fields",
     "guide v1.25"},
    {ApiComponent::Kubernetes, "node.k8s.io/v1beta1", "RuntimeClass", "1.22", "1.25", "node.k8s.io/v1", "", true, "",
     "guide v1.25"},

    // Istio (istio-api-removals.tsv). Istio "removes" a kind by dropping its CRD or no longer
    // reading it: the objects stay in the cluster, ignored.
    {ApiComponent::Istio, "config.istio.io/v1alpha2", "RouteRule", "0.8", "1.0", "networking.istio.io/v1alpha3",
     "VirtualService", false, "a VirtualService, with the versions it routes to as DestinationRule subsets",
     "istio.io Announcing 1.0 (\"Old (v1alpha1) Networking APIs Removed\"); istio.io blog 2018/v1alpha3-routing"},
    {ApiComponent::Istio, "config.istio.io/v1alpha2", "DestinationPolicy", "0.8", "1.0", "networking.istio.io/v1alpha3",
     "DestinationRule", false, "a DestinationRule", "istio.io Announcing 1.0; istio.io blog 2018/v1alpha3-routing"},
    {ApiComponent::Istio, "config.istio.io/v1alpha2", "EgressRule", "0.8", "1.0", "networking.istio.io/v1alpha3",
     "ServiceEntry", false, "a ServiceEntry", "istio.io Announcing 1.0; istio.io blog 2018/v1alpha3-routing"},
    {ApiComponent::Istio, "config.istio.io/v1alpha2",
     "apikey,authorization,bypass,checknothing,circonus,cloudwatch,denier,dogstatsd,edge,fluentd,kubernetes,"
     "kubernetesenv,listchecker,listentry,logentry,memquota,metric,noop,opa,prometheus,quota,rbac,redisquota,"
     "reportnothing,servicecontrol,servicecontrolreport,signalfx,solarwinds,stackdriver,statsd,stdio,tracespan,zipkin",
     "1.2", "1.3", "config.istio.io/v1alpha2", "handler", false,
     "a handler (compiledAdapter) or an instance (compiledTemplate) of the same adapter or template",
     "istio.io 1.2 and 1.3 upgrade notes (adapter- and template-specific Mixer CRDs)"},
    {ApiComponent::Istio, "config.istio.io/v1alpha2", "*", "1.5", "1.8", "", "", false,
     "Mixer is gone: in-proxy telemetry (Telemetry v2), Wasm extensions or ext_authz replace what it did",
     "istio.io 1.8 upgrade notes; no config.istio.io CRD in istio/istio@1.8.0:manifests/charts/base/crds/"},
    {ApiComponent::Istio, "authentication.istio.io/v1alpha1", "Policy,MeshPolicy", "1.5", "1.6",
     "security.istio.io/v1beta1", "PeerAuthentication", false,
     "a PeerAuthentication (peers) and a RequestAuthentication (origins, JWT)",
     "istio.io 1.5 and 1.6 upgrade notes; no such CRD in "
     "istio/istio@1.6.0:manifests/charts/base/crds/crd-all.gen.yaml"},
    {ApiComponent::Istio, "install.istio.io/v1alpha2", "IstioControlPlane", "", "1.5", "install.istio.io/v1alpha1",
     "IstioOperator", false, "an IstioOperator", "istio.io Announcing 1.5 change notes"},
    {ApiComponent::Istio, "gateway.networking.k8s.io/v1alpha3", "BackendTLSPolicy", "", "1.28",
     "gateway.networking.k8s.io/v1", "", false, "the Gateway API v1 BackendTLSPolicy (install its CRD first)",
     "istio.io 1.28 upgrade notes"},
    {ApiComponent::Istio, "inference.networking.x-k8s.io/v1alpha2", "InferencePool", "", "1.28",
     "inference.networking.k8s.io/v1", "", false, "the inference.networking.k8s.io/v1 InferencePool (a new API group)",
     "istio/istio@1.28.0 release notes (57219)"},
};

// The row for an apiVersion and kind: a row naming the kind, else the group/version's "*" row.
const DeprecatedApi* find_deprecated_api(std::string_view api_version, std::string_view kind);

// The newest release any row of a component names: the target assumed without --to-kubernetes
// (Kubernetes) or --to (Istio).
std::string_view newest_release_in_table(ApiComponent component);

}  // namespace upcheck::rules
