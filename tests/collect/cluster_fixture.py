"""A small Istio 1.20 cluster, as a Kubernetes API server would hold it.

The objects carry what real ones carry (uids, resourceVersions, managedFields, statuses), and
the Helm release Secrets are built exactly as Helm 3 and Kubernetes store them: the release as
JSON, gzipped, base64-encoded by Helm (pkg/storage/driver/util.go, encodeRelease), then
base64-encoded again by Kubernetes as the Secret's `data.release`.
"""

import base64
import gzip
import json
import threading

ISTIO_VERSION = "1.20.3"
HUB = "docker.io/istio"

# A value that appears only inside a Helm release payload: the tests grep the snapshot for it.
HELM_SECRET_VALUE = "pl4nted-helm-s3cret-value"
# A Secret that is not a Helm release: its data must never be fetched.
PLAIN_SECRET_VALUE = "cGxhbnRlZC1jYWNlcnRzLWtleQ=="

_uid_counter = [0]
_build_lock = threading.Lock()   # the uid counter restarts with each build: uids are the same every time


def _uid():
    _uid_counter[0] += 1
    return f"5b1e0c2a-0000-4000-8000-{_uid_counter[0]:012d}"


def _managed_fields(manager, api_version):
    return [{
        "manager": manager,
        "operation": "Update",
        "apiVersion": api_version,
        "time": "2024-01-10T09:00:00Z",
        "fieldsType": "FieldsV1",
        "fieldsV1": {"f:metadata": {"f:labels": {".": {}, "f:app": {}}}},
    }]


def _meta(name, namespace=None, labels=None, annotations=None, manager="kubectl-client-side-apply",
          api_version="v1", owner=None):
    meta = {
        "name": name,
        "uid": _uid(),
        "resourceVersion": str(1000 + _uid_counter[0]),
        "creationTimestamp": "2024-01-10T09:00:00Z",
        "managedFields": _managed_fields(manager, api_version),
    }
    if namespace is not None:
        meta["namespace"] = namespace
    if labels:
        meta["labels"] = labels
    if annotations:
        meta["annotations"] = annotations
    if owner:
        meta["ownerReferences"] = [owner]
    return meta


def _container(name, image, ports=()):
    c = {"name": name, "image": image, "imagePullPolicy": "IfNotPresent",
         "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}}
    if ports:
        c["ports"] = [{"name": n, "containerPort": p, "protocol": "TCP"} for n, p in ports]
    return c


def _deployment(ns, name, labels, containers, replicas=1, annotations=None):
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": _meta(name, ns, labels, api_version="apps/v1", manager="helm"),
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": labels["app"]}},
            "template": {
                "metadata": {"labels": dict(labels), "annotations": annotations or {}},
                "spec": {"containers": containers},
            },
            "strategy": {"type": "RollingUpdate",
                         "rollingUpdate": {"maxSurge": "100%", "maxUnavailable": "25%"}},
        },
        "status": {"replicas": replicas, "readyReplicas": replicas, "availableReplicas": replicas},
    }


def _owner(kind, name, api_version):
    return {"apiVersion": api_version, "kind": kind, "name": name, "uid": _uid(), "controller": True,
            "blockOwnerDeletion": True}


def _replicaset(deploy, suffix):
    meta = deploy["metadata"]
    labels = dict(deploy["spec"]["template"]["metadata"]["labels"], **{"pod-template-hash": suffix})
    return {
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": _meta(f"{meta['name']}-{suffix}", meta["namespace"], labels,
                          api_version="apps/v1", manager="kube-controller-manager",
                          owner=_owner("Deployment", meta["name"], "apps/v1")),
        "spec": {"replicas": deploy["spec"]["replicas"], "selector": {"matchLabels": labels},
                 "template": {"metadata": {"labels": labels}, "spec": deploy["spec"]["template"]["spec"]}},
        "status": {"replicas": deploy["spec"]["replicas"]},
    }


def _pod(rs, suffix, extra_containers=()):
    meta = rs["metadata"]
    spec = json.loads(json.dumps(rs["spec"]["template"]["spec"]))
    spec["containers"].extend(extra_containers)
    spec["nodeName"] = "node-1"
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": _meta(f"{meta['name']}-{suffix}", meta["namespace"], rs["spec"]["template"]["metadata"]["labels"],
                          manager="kubelet", owner=_owner("ReplicaSet", meta["name"], "apps/v1")),
        "spec": spec,
        "status": {"phase": "Running", "podIP": "10.0.0.1", "hostIP": "192.0.2.10"},
    }


def _service(ns, name, selector, ports, labels=None, annotations=None):
    return {
        "apiVersion": "v1", "kind": "Service",
        "metadata": _meta(name, ns, labels or {"app": selector.get("app", name)}, annotations),
        "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.10", "selector": selector,
                 "ports": [{"name": n, "port": p, "targetPort": t, "protocol": "TCP"} for n, p, t in ports]},
        "status": {"loadBalancer": {}},
    }


def _crd(group, plural, kind, versions, scope="Namespaced"):
    return {
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": _meta(f"{plural}.{group}", labels={"app": "istio-pilot", "release": "istio-base"},
                          api_version="apiextensions.k8s.io/v1", manager="helm"),
        "spec": {
            "group": group,
            "names": {"kind": kind, "listKind": kind + "List", "plural": plural, "singular": kind.lower()},
            "scope": scope,
            "versions": [{"name": v, "served": True, "storage": i == 0,
                          "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": True,
                                                         "description": "A large schema, cut short here."}}}
                         for i, v in enumerate(versions)],
        },
        "status": {"storedVersions": [versions[0]], "acceptedNames": {"kind": kind, "plural": plural}},
    }


def helm_release_payload(name, namespace, chart, version, revision, status, config, chart_values):
    """The Helm 3 release object (pkg/release), as JSON."""
    return {
        "name": name,
        "namespace": namespace,
        "version": revision,
        "info": {"first_deployed": "2024-01-10T09:00:00Z", "last_deployed": "2024-01-10T09:00:00Z",
                 "deleted": "", "description": "Upgrade complete", "status": status,
                 "notes": "istiod is installed. Planted note: " + HELM_SECRET_VALUE},
        "chart": {
            "metadata": {"name": chart, "version": version, "appVersion": version, "apiVersion": "v2",
                         "description": "Helm chart for " + chart, "type": "application"},
            "lock": None,
            "templates": [{"name": "templates/deployment.yaml",
                           "data": base64.b64encode(b"kind: Deployment\n").decode()}],
            "values": chart_values,
            "schema": None,
            "files": [],
        },
        "config": config,
        "manifest": "---\n# Source: istiod/templates/secret.yaml\napiVersion: v1\nkind: Secret\n"
                    f"data:\n  token: {HELM_SECRET_VALUE}\n",
        "hooks": [],
    }


def helm_release_secret(payload, labels_status=None):
    """The Secret Helm 3 creates (pkg/storage/driver/secrets.go, newSecretsObject)."""
    raw = json.dumps(payload, separators=(",", ":")).encode()
    helm_encoded = base64.b64encode(gzip.compress(raw, compresslevel=9, mtime=0))
    name = payload["name"]
    revision = payload["version"]
    return {
        "apiVersion": "v1", "kind": "Secret",
        "metadata": _meta(f"sh.helm.release.v1.{name}.v{revision}", payload["namespace"],
                          {"name": name, "owner": "helm", "status": labels_status or payload["info"]["status"],
                           "version": str(revision), "modifiedAt": "1704877200"}, manager="helm"),
        "type": "helm.sh/release.v1",
        # What the API server returns: base64 of the stored bytes, which are Helm's base64 text.
        "data": {"release": base64.b64encode(helm_encoded).decode()},
    }


ISTIOD_CHART_VALUES = {
    "revision": "",
    "revisionTags": [],
    "defaultRevision": "",
    "global": {"hub": "gcr.io/istio-release", "tag": ISTIO_VERSION, "proxy": {"image": "proxyv2"},
               "caAddress": "", "meshID": ""},
    "pilot": {"autoscaleEnabled": True, "replicaCount": 1, "env": {}},
    "meshConfig": {"enablePrometheusMerge": True},
}

# Strings that a careless YAML writer turns into other types or breaks: the snapshot must keep
# each exactly.
TRICKY_STRINGS = {
    "bool-word": "true",
    "yes-word": "yes",
    "off-word": "Off",
    "null-word": "null",
    "tilde": "~",
    "empty": "",
    "number": "1.20",
    "octal": "0777",
    "hex": "0x1F",
    "exponent": "1e3",
    "date": "2024-01-10",
    "leading-space": " leading",
    "trailing-space": "trailing ",
    "colon-space": "a: b",
    "ends-colon": "key:",
    "hash": "a #comment",
    "dash": "- item",
    "quote": "it's \"quoted\"",
    "backslash": "C:\\path\\to",
    "tab": "a\tb",
    "unicode": "h\u00e9llo \u2713 \U0001F600",
    "line-separator": "a\u2028b",
    "next-line": "a\u0085b",
    "control": "bell\u0007",
    "delete": "del\u007f",
    "multi-line": "line one\nline two\n",
    "multi-no-final-newline": "line one\nline two",
    "multi-keep": "line one\n\n\n",
    "multi-indented-first": "  indented\nsecond\n",
    "multi-trailing-spaces": "a  \nb\n",
    "multi-blank-middle": "a\n\n   \nb\n",
    "crlf": "a\r\nb\r\n",
    "star": "*alias",
    "amp": "&anchor",
    "bang": "!tag",
    "percent": "%directive",
    "at": "@at",
    "backtick": "`tick",
    "braces": "{a: 1}",
    "brackets": "[1, 2]",
    "comma": "a,b",
    "question": "? q",
    "pipe": "| p",
    "greater": "> g",
}


def build_cluster():
    """Returns a list of objects (apiVersion/kind set on each), the same on every call."""
    with _build_lock:
        _uid_counter[0] = 0
        return _build()


def _build():
    objects = []
    add = objects.append

    for ns, labels in [("default", {}), ("kube-system", {}), ("istio-system", {"topology.istio.io/network": "net1"}),
                       ("istio-ingress", {"istio-injection": "enabled"}), ("bookinfo", {"istio-injection": "enabled"})]:
        add({"apiVersion": "v1", "kind": "Namespace",
             "metadata": _meta(ns, labels=dict(labels, **{"kubernetes.io/metadata.name": ns})),
             "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}})

    proxy = _container("istio-proxy", f"{HUB}/proxyv2:{ISTIO_VERSION}", [("http-envoy-prom", 15090)])
    istiod = _deployment("istio-system", "istiod",
                         {"app": "istiod", "istio": "pilot", "istio.io/rev": "default",
                          "operator.istio.io/component": "Pilot", "install.operator.istio.io/owning-resource": "unknown"},
                         [_container("discovery", f"{HUB}/pilot:{ISTIO_VERSION}",
                                     [("grpc-xds", 15010), ("https-dns", 15012), ("https-webhook", 15017)])],
                         replicas=2)
    gateway = _deployment("istio-ingress", "istio-ingressgateway",
                          {"app": "istio-ingressgateway", "istio": "ingressgateway"},
                          [_container("istio-proxy", "auto", [("http2", 8080), ("https", 8443)])],
                          annotations={"inject.istio.io/templates": "gateway"})
    productpage = _deployment("bookinfo", "productpage-v1", {"app": "productpage", "version": "v1"},
                              [_container("productpage", "docker.io/istio/examples-bookinfo-productpage-v1:1.18.0",
                                          [("http", 9080)])], replicas=3)
    coredns = _deployment("kube-system", "coredns", {"app": "coredns", "k8s-app": "kube-dns"},
                          [_container("coredns", "registry.k8s.io/coredns/coredns:v1.10.1", [("dns", 53)])], replicas=2)
    for d in (istiod, gateway, productpage, coredns):
        add(d)
    pods_per_rs = {"istiod": 2, "istio-ingressgateway": 1, "productpage-v1": 3, "coredns": 2}
    for d, hash_ in ((istiod, "6c8f9d7b5"), (gateway, "7d9c8b6f4"), (productpage, "5b7f6c9d8"), (coredns, "565d847f94")):
        rs = _replicaset(d, hash_)
        add(rs)
        sidecar = [proxy] if d["metadata"]["namespace"] == "bookinfo" else []
        for i in range(pods_per_rs[d["metadata"]["name"]]):
            add(_pod(rs, f"x{i}q{i}z", sidecar))

    add({"apiVersion": "apps/v1", "kind": "DaemonSet",
         "metadata": _meta("kube-proxy", "kube-system", {"k8s-app": "kube-proxy"}, api_version="apps/v1"),
         "spec": {"selector": {"matchLabels": {"k8s-app": "kube-proxy"}},
                  "template": {"metadata": {"labels": {"k8s-app": "kube-proxy"}},
                               "spec": {"containers": [_container("kube-proxy", "registry.k8s.io/kube-proxy:v1.27.3")]}}},
         "status": {"numberReady": 1}})

    add(_service("istio-system", "istiod", {"app": "istiod", "istio": "pilot"},
                 [("grpc-xds", 15010, 15010), ("https-dns", 15012, 15012), ("https-webhook", 443, 15017)],
                 labels={"app": "istiod", "istio": "pilot", "istio.io/rev": "default"}))
    add(_service("istio-ingress", "istio-ingressgateway", {"app": "istio-ingressgateway", "istio": "ingressgateway"},
                 [("http2", 80, 8080), ("https", 443, 8443)]))
    add(_service("bookinfo", "productpage", {"app": "productpage"}, [("http", 9080, "http")]))
    add(_service("kube-system", "kube-dns", {"k8s-app": "kube-dns"}, [("dns", 53, 53)]))
    add(_service("default", "kubernetes", {}, [("https", 443, 6443)], labels={"component": "apiserver"}))

    add({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
         "metadata": _meta("istiod", "istio-system", {"app": "istiod", "istio": "pilot"}, api_version="policy/v1"),
         "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "istiod", "istio": "pilot"}}},
         "status": {"currentHealthy": 2, "desiredHealthy": 1, "disruptionsAllowed": 1, "expectedPods": 2}})
    add({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
         "metadata": _meta("istio-ingressgateway", "istio-ingress", {"app": "istio-ingressgateway"},
                           api_version="policy/v1"),
         "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "istio-ingressgateway"}}},
         "status": {"disruptionsAllowed": 0}})
    add({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
         "metadata": _meta("istiod", "istio-system", {"app": "istiod"}, api_version="autoscaling/v2"),
         "spec": {"minReplicas": 2, "maxReplicas": 5,
                  "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "istiod"},
                  "metrics": [{"type": "Resource", "resource": {"name": "cpu",
                                                                "target": {"type": "Utilization", "averageUtilization": 80}}}]},
         "status": {"currentReplicas": 2, "desiredReplicas": 2}})

    mesh = ("defaultConfig:\n  discoveryAddress: istiod.istio-system.svc:15012\n  tracing:\n    zipkin:\n"
            "      address: zipkin.istio-system:9411\nenablePrometheusMerge: true\nrootNamespace: istio-system\n"
            "trustDomain: cluster.local\n")
    add({"apiVersion": "v1", "kind": "ConfigMap",
         "metadata": _meta("istio", "istio-system", {"app": "istiod", "istio.io/rev": "default", "release": "istiod"},
                           manager="helm"),
         "data": {"mesh": mesh, "meshNetworks": "networks: {}"}})
    add({"apiVersion": "v1", "kind": "ConfigMap",
         "metadata": _meta("istio-sidecar-injector", "istio-system", {"app": "sidecar-injector", "istio.io/rev": "default"}),
         "data": {"values": json.dumps({"global": {"hub": HUB, "tag": ISTIO_VERSION}, "revision": ""}),
                  "config": "defaultTemplates: [sidecar]\npolicy: enabled\n"}})
    add({"apiVersion": "v1", "kind": "ConfigMap",
         "metadata": _meta("istio-ca-root-cert", "istio-system", {"istio.io/config": "true"}),
         "data": {"root-cert.pem": "-----BEGIN CERTIFICATE-----\nMIIC...\n-----END CERTIFICATE-----\n"}})
    add({"apiVersion": "v1", "kind": "ConfigMap",
         "metadata": _meta("upcheck-tricky-strings", "istio-system", {"purpose": "yaml-roundtrip"}),
         "data": dict(TRICKY_STRINGS)})
    add({"apiVersion": "v1", "kind": "ConfigMap",
         "metadata": _meta("productpage-settings", "bookinfo", {"app": "productpage"}),
         "data": {"settings": "not needed by upcheck"}})
    add({"apiVersion": "v1", "kind": "ConfigMap",
         "metadata": _meta("coredns", "kube-system", {"k8s-app": "kube-dns"}),
         "data": {"Corefile": ".:53 {\n    errors\n}\n"}})
    # Helm 2 (Tiller) release records: base64 of a gzipped protobuf; an opaque stand-in here.
    add({"apiVersion": "v1", "kind": "ConfigMap",
         "metadata": _meta("istio.v1", "kube-system", {"NAME": "istio", "OWNER": "TILLER", "STATUS": "SUPERSEDED",
                                                       "VERSION": "1", "MODIFIED_AT": "1546300800"}),
         "data": {"release": base64.b64encode(gzip.compress(b"\x0a\x05istio", mtime=0)).decode()}})

    add({"apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingWebhookConfiguration",
         "metadata": _meta("istio-sidecar-injector", labels={"app": "sidecar-injector", "istio.io/rev": "default"},
                           api_version="admissionregistration.k8s.io/v1"),
         "webhooks": [{"name": "rev.namespace.sidecar-injector.istio.io", "admissionReviewVersions": ["v1"],
                       "clientConfig": {"service": {"name": "istiod", "namespace": "istio-system", "path": "/inject",
                                                    "port": 443}, "caBundle": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t"},
                       "namespaceSelector": {"matchExpressions": [{"key": "istio.io/rev", "operator": "In",
                                                                   "values": ["default"]}]},
                       "failurePolicy": "Fail", "sideEffects": "None", "reinvocationPolicy": "Never",
                       "rules": [{"apiGroups": [""], "apiVersions": ["v1"], "operations": ["CREATE"],
                                  "resources": ["pods"], "scope": "*"}]}]})
    add({"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingWebhookConfiguration",
         "metadata": _meta("istio-validator-istio-system", labels={"app": "istiod", "istio.io/rev": "default"},
                           api_version="admissionregistration.k8s.io/v1"),
         "webhooks": [{"name": "rev.validation.istio.io", "admissionReviewVersions": ["v1"],
                       "clientConfig": {"service": {"name": "istiod", "namespace": "istio-system", "path": "/validate",
                                                    "port": 443}},
                       "failurePolicy": "Ignore", "sideEffects": "None",
                       "rules": [{"apiGroups": ["security.istio.io", "networking.istio.io"], "apiVersions": ["*"],
                                  "operations": ["CREATE", "UPDATE"], "resources": ["*"], "scope": "*"}]}]})

    for group, plural, kind, versions in ISTIO_CRDS + GATEWAY_API_CRDS + OTHER_CRDS:
        add(_crd(group, plural, kind, versions))

    add({"apiVersion": "networking.istio.io/v1beta1", "kind": "Gateway",
         "metadata": _meta("bookinfo-gateway", "istio-ingress", api_version="networking.istio.io/v1beta1"),
         "spec": {"selector": {"istio": "ingressgateway"},
                  "servers": [{"port": {"number": 8080, "name": "http", "protocol": "HTTP"}, "hosts": ["*"]}]}})
    add({"apiVersion": "networking.istio.io/v1beta1", "kind": "VirtualService",
         "metadata": _meta("bookinfo", "bookinfo", api_version="networking.istio.io/v1beta1"),
         "spec": {"hosts": ["*"], "gateways": ["istio-ingress/bookinfo-gateway"],
                  "http": [{"route": [{"destination": {"host": "productpage", "port": {"number": 9080}}}]}]}})
    add({"apiVersion": "networking.istio.io/v1beta1", "kind": "DestinationRule",
         "metadata": _meta("productpage", "bookinfo", api_version="networking.istio.io/v1beta1"),
         "spec": {"host": "productpage", "trafficPolicy": {"tls": {"mode": "ISTIO_MUTUAL"}}}})
    add({"apiVersion": "networking.istio.io/v1alpha3", "kind": "EnvoyFilter",
         "metadata": _meta("stats-filter-1.19", "istio-system", api_version="networking.istio.io/v1alpha3"),
         "spec": {"configPatches": [{"applyTo": "HTTP_FILTER", "match": {"proxy": {"proxyVersion": "^1\\.19.*"}}}]}})
    add({"apiVersion": "security.istio.io/v1beta1", "kind": "PeerAuthentication",
         "metadata": _meta("default", "istio-system", api_version="security.istio.io/v1beta1"),
         "spec": {"mtls": {"mode": "STRICT"}}})

    add(helm_release_secret(helm_release_payload(
        "istio-base", "istio-system", "base", ISTIO_VERSION, 1, "deployed",
        {"defaultRevision": "default"}, {"defaultRevision": "default", "global": {"istioNamespace": "istio-system"}})))
    add(helm_release_secret(helm_release_payload(
        "istiod", "istio-system", "istiod", "1.19.5", 1, "superseded",
        {"global": {"tag": "1.19.5"}}, ISTIOD_CHART_VALUES)))
    add(helm_release_secret(helm_release_payload(
        "istiod", "istio-system", "istiod", ISTIO_VERSION, 2, "deployed",
        {"global": {"hub": HUB, "tag": ISTIO_VERSION, "password": HELM_SECRET_VALUE},
         "revisionTags": ["stable"], "pilot": {"replicaCount": 2}},
        ISTIOD_CHART_VALUES)))
    add(helm_release_secret(helm_release_payload(
        "istio-ingress", "istio-ingress", "gateway", ISTIO_VERSION, 1, "deployed", {}, {"service": {"type": "LoadBalancer"}})))
    add({"apiVersion": "v1", "kind": "Secret",
         "metadata": _meta("cacerts", "istio-system", {"istio.io/ca": "plugged"}),
         "type": "Opaque", "data": {"ca-key.pem": PLAIN_SECRET_VALUE}})
    add({"apiVersion": "v1", "kind": "Secret",
         "metadata": _meta("sh.helm.release.v1.imposter.v1", "bookinfo", {"owner": "helm", "name": "imposter"}),
         "type": "Opaque", "data": {"release": PLAIN_SECRET_VALUE}})
    return objects


ISTIO_CRDS = [
    ("networking.istio.io", "virtualservices", "VirtualService", ["v1beta1", "v1alpha3"]),
    ("networking.istio.io", "destinationrules", "DestinationRule", ["v1beta1", "v1alpha3"]),
    ("networking.istio.io", "gateways", "Gateway", ["v1beta1", "v1alpha3"]),
    ("networking.istio.io", "serviceentries", "ServiceEntry", ["v1beta1", "v1alpha3"]),
    ("networking.istio.io", "sidecars", "Sidecar", ["v1beta1", "v1alpha3"]),
    ("networking.istio.io", "envoyfilters", "EnvoyFilter", ["v1alpha3"]),
    ("security.istio.io", "peerauthentications", "PeerAuthentication", ["v1beta1"]),
    ("security.istio.io", "authorizationpolicies", "AuthorizationPolicy", ["v1beta1"]),
    ("telemetry.istio.io", "telemetries", "Telemetry", ["v1alpha1"]),
    ("extensions.istio.io", "wasmplugins", "WasmPlugin", ["v1alpha1"]),
]
GATEWAY_API_CRDS = [
    ("gateway.networking.k8s.io", "gateways", "Gateway", ["v1", "v1beta1"]),
    ("gateway.networking.k8s.io", "httproutes", "HTTPRoute", ["v1", "v1beta1"]),
]
OTHER_CRDS = [
    ("cert-manager.io", "certificates", "Certificate", ["v1"]),
]

# Built-in resources the fake server serves: (group, version, plural, kind, namespaced).
BUILTIN_RESOURCES = [
    ("", "v1", "namespaces", "Namespace", False),
    ("", "v1", "pods", "Pod", True),
    ("", "v1", "services", "Service", True),
    ("", "v1", "configmaps", "ConfigMap", True),
    ("", "v1", "secrets", "Secret", True),
    ("", "v1", "nodes", "Node", False),
    ("apps", "v1", "deployments", "Deployment", True),
    ("apps", "v1", "daemonsets", "DaemonSet", True),
    ("apps", "v1", "statefulsets", "StatefulSet", True),
    ("apps", "v1", "replicasets", "ReplicaSet", True),
    ("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", True),
    ("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", True),
    ("autoscaling", "v1", "horizontalpodautoscalers", "HorizontalPodAutoscaler", True),
    ("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", "MutatingWebhookConfiguration", False),
    ("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", "ValidatingWebhookConfiguration", False),
    ("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", False),
]
