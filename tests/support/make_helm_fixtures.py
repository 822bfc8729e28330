#!/usr/bin/env python3
"""Writes the fixtures that hold Helm release records (their data must be encoded as Helm does).

    python3 tests/support/make_helm_fixtures.py   # from the repository root

Each fixture is a `kubectl get ... -A -o yaml|json` dump of a cluster where Istio was installed
with Helm: release Secrets (or ConfigMaps) built by helm_fixtures.py, Helm's labels on the
control plane, Istio's CRDs with the labels of their release. `# expect:` markers sit on the lines
findings must point at; JSON fixtures get an expect.txt.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import helm_fixtures as hf  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
UID = 0


def uid():
    global UID
    UID += 1
    return f"5f0c{UID:04x}-8d2e-4b7a-9c61-2e4f6a8b{UID:04x}"


def write(path, text):
    full = os.path.join(ROOT, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        f.write(text)


def indent(text, n):
    pad = " " * n
    return "".join(pad + line if line.strip() else line for line in text.splitlines(True))


# --- What Istio's charts render (trimmed to a few documents per chart).

def base_manifest(version, with_crds=False):
    docs = [f"""# Source: base/templates/reader-serviceaccount.yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: istio-reader-service-account
  namespace: istio-system
  labels:
    app: istio-reader
    release: istio-base
""", f"""# Source: base/templates/default.yaml
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: istiod-default-validator
  labels:
    app: istiod
    istio: istiod
    istio.io/rev: default
    release: istio-base
webhooks:
  - name: validation.istio.io
    clientConfig:
      service:
        name: istiod
        namespace: istio-system
        path: "/validate"
    rules:
      - operations: [CREATE, UPDATE]
        apiGroups: ["security.istio.io", "networking.istio.io", "telemetry.istio.io", "extensions.istio.io"]
        apiVersions: ["*"]
        resources: ["*"]
    failurePolicy: Ignore
    sideEffects: None
    admissionReviewVersions: ["v1"]
"""]
    if with_crds:
        for plural, group, kind in [("virtualservices", "networking.istio.io", "VirtualService"),
                                    ("destinationrules", "networking.istio.io", "DestinationRule"),
                                    ("peerauthentications", "security.istio.io", "PeerAuthentication")]:
            docs.append(f"""# Source: base/templates/crds.yaml
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  annotations:
    helm.sh/resource-policy: keep
  labels:
    app.kubernetes.io/instance: istio-base
    app.kubernetes.io/managed-by: Helm
    app.kubernetes.io/name: istio-base
    app.kubernetes.io/part-of: istio
    app.kubernetes.io/version: {version}
    helm.sh/chart: base-{version}
  name: {plural}.{group}
spec:
  group: {group}
  names:
    kind: {kind}
    plural: {plural}
  scope: Namespaced
""")
    return "---\n" + "---\n".join(docs)


def istiod_manifest(version, pdb_api="policy/v1", hpa_api="autoscaling/v2", extra=""):
    return f"""---
# Source: istiod/templates/poddisruptionbudget.yaml
apiVersion: {pdb_api}
kind: PodDisruptionBudget
metadata:
  name: istiod
  namespace: istio-system
  labels:
    app: istiod
    istio.io/rev: default
    install.operator.istio.io/owning-resource: unknown
    operator.istio.io/component: "Pilot"
    release: istiod
    istio: pilot
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app: istiod
      istio: pilot
---
# Source: istiod/templates/serviceaccount.yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: istiod
  namespace: istio-system
---
# Source: istiod/templates/configmap.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: istio
  namespace: istio-system
data:
  mesh: |-
    defaultConfig:
      discoveryAddress: istiod.istio-system.svc:15012
    rootNamespace: istio-system
---
# Source: istiod/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: istiod
  namespace: istio-system
spec:
  template:
    spec:
      containers:
        - name: discovery
          image: "docker.io/istio/pilot:{version}"
---
# Source: istiod/templates/autoscale.yaml
apiVersion: {hpa_api}
kind: HorizontalPodAutoscaler
metadata:
  name: istiod
  namespace: istio-system
spec:
  maxReplicas: 5
  minReplicas: 1
---
# Source: istiod/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: istiod
  namespace: istio-system
spec:
  ports:
    - port: 15012
      name: grpc-xds
{extra}"""


def base_values(nested):
    values = {"global": {"istioNamespace": "istio-system", "externalIstiod": False},
              "base": {"enableCRDTemplates": False, "validationURL": "", "enableIstioConfigCRDs": True},
              "defaultRevision": "default"}
    return {"_internal_defaults_do_not_set": values} if nested else values


def istiod_values(version, nested):
    values = {"revision": "", "revisionTags": [],
              "pilot": {"autoscaleEnabled": True, "autoscaleMin": 1, "autoscaleMax": 5, "replicaCount": 1,
                        "env": {}},
              "global": {"hub": "docker.io/istio", "tag": version, "istioNamespace": "istio-system",
                         "proxy": {"image": "proxyv2"}},
              "meshConfig": {"enablePrometheusMerge": True}}
    return {"_internal_defaults_do_not_set": values} if nested else values


TEMPLATES_ISTIOD = [("templates/deployment.yaml",
                     "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: istiod{{- if not (eq .Values.revision \"\") }}"
                     "-{{ .Values.revision }}{{- end }}\n"),
                    ("templates/NOTES.txt", "\"istiod\" successfully installed!\n")]
TEMPLATES_BASE = [("templates/default.yaml", "{{- if not (eq .Values.defaultRevision \"\") }}\n"),
                  ("crds/crd-all.gen.yaml", "# DO NOT EDIT - Generated by Cue OpenAPI generator\n")]


def release_secret(name, revision, status, chart, version, config, values, manifest, templates, expect=None):
    release = hf.release_json(name, "istio-system", chart, version, revision, status, config, values, manifest,
                              templates)
    marker = f"  # expect: {expect}" if expect else ""
    return f"""- apiVersion: v1
  data:
    release: {hf.secret_data_release(release)}
  kind: Secret
  metadata:
    creationTimestamp: "2024-03-0{revision}T10:00:00Z"
    labels:
      modifiedAt: "170928{revision}200"
      name: {name}
      owner: helm
      status: {status}
      version: "{revision}"
    name: sh.helm.release.v1.{name}.v{revision}{marker}
    namespace: istio-system
    resourceVersion: "4{revision}213"
    uid: {uid()}
  type: helm.sh/release.v1
"""


def istiod_deployment(version, chart_label=True):
    labels = (f"""      app.kubernetes.io/managed-by: Helm
      helm.sh/chart: istiod-{version}
""" if chart_label else "")
    return f"""- apiVersion: apps/v1
  kind: Deployment
  metadata:
    annotations:
      deployment.kubernetes.io/revision: "1"
      meta.helm.sh/release-name: istiod
      meta.helm.sh/release-namespace: istio-system
    generation: 1
    labels:
      app: istiod
{labels}      install.operator.istio.io/owning-resource: unknown
      istio: pilot
      istio.io/rev: default
      operator.istio.io/component: Pilot
      release: istiod
    name: istiod
    namespace: istio-system
    resourceVersion: "40012"
    uid: {uid()}
  spec:
    replicas: 2
    selector:
      matchLabels:
        istio: pilot
    template:
      metadata:
        labels:
          app: istiod
          istio: pilot
          istio.io/rev: default
      spec:
        containers:
        - image: docker.io/istio/pilot:{version}
          name: discovery
          ports:
          - containerPort: 15012
            name: grpc-xds
            protocol: TCP
"""


def crd(plural, group, kind, labels, annotations="", expect=None):
    marker = f"  # expect: {expect}" if expect else ""
    ann = f"    annotations:\n{annotations}" if annotations else ""
    return f"""- apiVersion: apiextensions.k8s.io/v1
  kind: CustomResourceDefinition
  metadata:
{ann}    creationTimestamp: "2023-06-01T08:00:00Z"
    generation: 1
    labels:
{labels}    name: {plural}.{group}{marker}
    resourceVersion: "1201"
    uid: {uid()}
  spec:
    group: {group}
    names:
      kind: {kind}
      listKind: {kind}List
      plural: {plural}
      singular: {kind.lower()}
    scope: Namespaced
    versions:
    - name: v1beta1
      served: true
      storage: true
  status:
    storedVersions:
    - v1beta1
"""


# CRDs as `kubectl apply -f manifests/charts/base/crds` (before 1.24) labels them.
LEGACY_CRD_LABELS = "      app: istio-pilot\n      chart: istio\n      heritage: Tiller\n      release: istio\n"


def adopted_labels(version):
    return (f"      app.kubernetes.io/instance: istio-base\n      app.kubernetes.io/managed-by: Helm\n"
            f"      app.kubernetes.io/name: istio-base\n      app.kubernetes.io/part-of: istio\n"
            f"      app.kubernetes.io/version: {version}\n      helm.sh/chart: base-{version}\n")


def adopted_annotations(release="istio-base"):
    return (f"      helm.sh/resource-policy: keep\n      meta.helm.sh/release-name: {release}\n"
            f"      meta.helm.sh/release-namespace: istio-system\n")


def kubectl_list(items):
    return "apiVersion: v1\nitems:\n" + "".join(items) + "kind: List\nmetadata:\n  resourceVersion: \"\"\n"


def helm001_fixtures():
    d = "testdata/rules/helm-crds-not-upgraded"
    # 1.20 installed with Helm 3, upgrading to 1.21: the CRDs must be applied by hand.
    v = "1.20.3"
    items = [
        release_secret("istio-base", 1, "deployed", "base", v, {"defaultRevision": "default"}, base_values(False),
                       base_manifest(v), TEMPLATES_BASE, expect="HELM001"),
        release_secret("istiod", 1, "superseded", "istiod", "1.20.2", {}, istiod_values("1.20.2", False),
                       istiod_manifest("1.20.2"), TEMPLATES_ISTIOD),
        release_secret("istiod", 2, "deployed", "istiod", v, {"pilot": {"autoscaleMin": 2}},
                       istiod_values(v, False), istiod_manifest(v), TEMPLATES_ISTIOD),
        istiod_deployment(v),
        crd("virtualservices", "networking.istio.io", "VirtualService", LEGACY_CRD_LABELS),
        crd("peerauthentications", "security.istio.io", "PeerAuthentication", LEGACY_CRD_LABELS),
    ]
    write(f"{d}/fires-before-1.24-on-helm-releases/input.yaml",
          "# kubectl get secret,deploy,crd -A -o yaml: Istio 1.20 installed with `helm install` (base, istiod).\n"
          + kubectl_list(items))
    write(f"{d}/fires-before-1.24-on-helm-releases/args", "--to 1.21\n")

    # 1.23 with Helm 3, upgrading to 1.24: the CRDs need Helm's ownership metadata once.
    v = "1.23.2"
    items = [
        release_secret("istio-base", 1, "deployed", "base", v, {}, base_values(True), base_manifest(v),
                       TEMPLATES_BASE),
        release_secret("istiod", 1, "deployed", "istiod", v, {}, istiod_values(v, True), istiod_manifest(v),
                       TEMPLATES_ISTIOD),
        istiod_deployment(v),
        crd("virtualservices", "networking.istio.io", "VirtualService", LEGACY_CRD_LABELS, expect="HELM001"),
        crd("destinationrules", "networking.istio.io", "DestinationRule", adopted_labels(v), adopted_annotations()),
        crd("telemetries", "telemetry.istio.io", "Telemetry", adopted_labels(v), expect="HELM001"),
        crd("wasmplugins", "extensions.istio.io", "WasmPlugin", adopted_labels(v),
            adopted_annotations("istio-base-old"), expect="HELM001"),
        # Left behind by 1.6 and no longer in the base chart: Helm never touches it.
        crd("serviceroles", "rbac.istio.io", "ServiceRole", LEGACY_CRD_LABELS),
    ]
    write(f"{d}/fires-on-unadopted-crds-crossing-1.24/input.yaml",
          "# kubectl get secret,deploy,crd -A -o yaml: Istio 1.23 installed with Helm; CRDs applied with kubectl.\n"
          + kubectl_list(items))
    write(f"{d}/fires-on-unadopted-crds-crossing-1.24/args", "--to 1.24 --to-kubernetes 1.25\n")

    # 1.24 with Helm 3 and templated CRDs, upgrading to 1.25: nothing to do.
    v = "1.24.1"
    items = [
        release_secret("istio-base", 1, "deployed", "base", v, {}, base_values(True), base_manifest(v, True),
                       TEMPLATES_BASE),
        release_secret("istiod", 1, "deployed", "istiod", v, {}, istiod_values(v, True), istiod_manifest(v),
                       TEMPLATES_ISTIOD),
        istiod_deployment(v),
        crd("virtualservices", "networking.istio.io", "VirtualService", adopted_labels(v), adopted_annotations()),
        crd("peerauthentications", "security.istio.io", "PeerAuthentication", adopted_labels(v),
            adopted_annotations()),
    ]
    write(f"{d}/ignores-crds-helm-owns-from-1.24/input.yaml",
          "# kubectl get secret,deploy,crd -A -o yaml: Istio 1.24 installed with Helm; the base chart owns the CRDs.\n"
          + kubectl_list(items))
    write(f"{d}/ignores-crds-helm-owns-from-1.24/args", "--to 1.25\n")

    # 1.24 with Helm 3 but base.enableCRDTemplates=false: the CRDs stay outside Helm, as before 1.24.
    items = [
        release_secret("istio-base", 1, "deployed", "base", v, {"base": {"enableCRDTemplates": False}},
                       base_values(True), base_manifest(v, False), TEMPLATES_BASE, expect="HELM001"),
        release_secret("istiod", 1, "deployed", "istiod", v, {}, istiod_values(v, True), istiod_manifest(v),
                       TEMPLATES_ISTIOD),
        istiod_deployment(v),
        crd("virtualservices", "networking.istio.io", "VirtualService", LEGACY_CRD_LABELS),
    ]
    write(f"{d}/fires-when-the-base-release-does-not-template-crds/input.yaml",
          "# kubectl get secret,deploy,crd -A -o yaml: Istio 1.24 installed with Helm, CRD templates turned off.\n"
          + kubectl_list(items))
    write(f"{d}/fires-when-the-base-release-does-not-template-crds/args", "--to 1.25\n")

    # Istio 1.1 installed with Helm 2 (Tiller): records in kube-system.
    tiller_items = []
    for name, chart, revision, status, manifest, expect in [
            ("istio-init", "istio-init", 1, "DEPLOYED",
             "---\n# Source: istio-init/templates/job-crd-10.yaml\napiVersion: batch/v1\nkind: Job\nmetadata:\n"
             "  name: istio-init-crd-10\n", "HELM001"),
            ("istio", "istio", 1, "SUPERSEDED", "", None),
            ("istio", "istio", 2, "DEPLOYED",
             "---\n# Source: istio/charts/pilot/templates/deployment.yaml\napiVersion: extensions/v1beta1\n"
             "kind: Deployment\nmetadata:\n  name: istio-pilot\n  namespace: istio-system\n", None)]:
        proto = hf.tiller_release_proto(name, "istio-system", chart, "1.1.7", revision, status,
                                        "global:\n  proxy:\n    accessLogFile: /dev/stdout\n", manifest,
                                        [("templates/configmap.yaml", "apiVersion: v1\nkind: ConfigMap\n")])
        marker = f"  # expect: {expect}" if expect else ""
        tiller_items.append(f"""- apiVersion: v1
  data:
    release: {hf.tiller_data_release(proto)}
  kind: ConfigMap
  metadata:
    creationTimestamp: "2019-03-01T10:00:00Z"
    labels:
      MODIFIED_AT: "155143440{revision}"
      NAME: {name}
      OWNER: TILLER
      STATUS: {status}
      VERSION: "{revision}"
    name: {name}.v{revision}{marker}
    namespace: kube-system
    resourceVersion: "2{revision}31"
    selfLink: /api/v1/namespaces/kube-system/configmaps/{name}.v{revision}
    uid: {uid()}
""")
    tiller_items.append(f"""- apiVersion: extensions/v1beta1
  kind: Deployment
  metadata:
    labels:
      app: pilot
      chart: pilot
      heritage: Tiller
      istio: pilot
      release: istio
    name: istio-pilot
    namespace: istio-system
    resourceVersion: "3301"
    uid: {uid()}
  spec:
    replicas: 2
    template:
      metadata:
        labels:
          app: pilot
          istio: pilot
      spec:
        containers:
        - image: docker.io/istio/pilot:1.1.7
          name: discovery
""")
    write(f"{d}/fires-on-tiller-install/input.yaml",
          "# kubectl get cm -n kube-system -l OWNER=TILLER -o yaml, and the control plane: Istio 1.1 with Helm 2.\n"
          + kubectl_list(tiller_items))
    write(f"{d}/fires-on-tiller-install/args", "--to 1.2\n")

    # Helm 3's configmap driver, as `kubectl get cm -A -o json` prints it: 4-space JSON.
    v = "1.22.4"
    def cm(name, chart, config, values, manifest):
        release = hf.release_json(name, "istio-system", chart, v, 1, "deployed", config, values, manifest, [])
        return {"apiVersion": "v1", "data": {"release": hf.helm3_encoded(release)}, "kind": "ConfigMap",
                "metadata": {"creationTimestamp": "2024-06-01T10:00:00Z",
                             "labels": {"createdAt": "1717236000", "name": name, "owner": "helm",
                                        "status": "deployed", "version": "1"},
                             "name": f"sh.helm.release.v1.{name}.v1", "namespace": "istio-system",
                             "resourceVersion": "51020", "uid": uid()}}
    dump = {"apiVersion": "v1",
            "items": [cm("istio-base", "base", {}, base_values(True), base_manifest(v)),
                      cm("istiod", "istiod", {"revision": "1-22-4"}, istiod_values(v, True), istiod_manifest(v))],
            "kind": "List", "metadata": {"resourceVersion": ""}}
    text = json.dumps(dump, indent=4) + "\n"
    line = next(i + 1 for i, l in enumerate(text.splitlines())
                if '"name": "sh.helm.release.v1.istio-base.v1"' in l)
    write(f"{d}/fires-on-json-dump-with-configmap-driver/input.json", text)
    write(f"{d}/fires-on-json-dump-with-configmap-driver/expect.txt", f"input.json:{line} HELM001\n")
    write(f"{d}/fires-on-json-dump-with-configmap-driver/args", "--to 1.23\n")


def api001_fixtures():
    d = "testdata/rules/deprecated-api-version"
    v = "1.12.9"
    old_manifest = istiod_manifest("1.12.2", pdb_api="policy/v1beta1", hpa_api="autoscaling/v2beta1",
                                   extra="---\n# Source: istiod/templates/ingress.yaml\napiVersion: extensions/v1beta1\n"
                                         "kind: Ingress\nmetadata:\n  name: istiod\n")
    items = [
        # An older revision: what was, not what is (never judged).
        release_secret("istiod", 1, "superseded", "istiod", "1.12.2", {}, istiod_values("1.12.2", False),
                       old_manifest, TEMPLATES_ISTIOD),
        release_secret("istiod", 2, "deployed", "istiod", v, {}, istiod_values(v, False),
                       istiod_manifest(v, pdb_api="policy/v1beta1", hpa_api="autoscaling/v2beta2"),
                       TEMPLATES_ISTIOD, expect="API001"),
        # The PDB Helm installed, as the API server serves it: covered by the release's finding.
        f"""- apiVersion: policy/v1
  kind: PodDisruptionBudget
  metadata:
    annotations:
      meta.helm.sh/release-name: istiod
      meta.helm.sh/release-namespace: istio-system
    labels:
      app: istiod
      app.kubernetes.io/managed-by: Helm
      istio: pilot
      release: istiod
    managedFields:
    - apiVersion: policy/v1beta1
      fieldsType: FieldsV1
      fieldsV1:
        f:spec:
          f:minAvailable: {{}}
      manager: helm
      operation: Update
      time: "2023-02-01T10:00:00Z"
    - apiVersion: policy/v1
      fieldsType: FieldsV1
      fieldsV1:
        f:status:
          f:currentHealthy: {{}}
      manager: kube-controller-manager
      operation: Update
      subresource: status
      time: "2024-03-01T10:00:00Z"
    name: istiod
    namespace: istio-system
    resourceVersion: "40021"
    uid: {uid()}
  spec:
    minAvailable: 1
    selector:
      matchLabels:
        app: istiod
        istio: pilot
  status:
    currentHealthy: 2
    desiredHealthy: 1
""",
    ]
    write(f"{d}/fires-on-helm-release-manifest/input.yaml",
          "# kubectl get secret,pdb -A -o yaml --show-managed-fields: istiod 1.12 installed with Helm; the\n"
          "# chart renders policy/v1beta1 and autoscaling/v2beta2.\n" + kubectl_list(items))
    write(f"{d}/fires-on-helm-release-manifest/args", "--to 1.13 --to-kubernetes 1.25\n")

    # Istio 1.1 installed with Helm 2, before Kubernetes 1.16: its charts render extensions/v1beta1.
    manifest = ("---\n# Source: istio/charts/pilot/templates/deployment.yaml\napiVersion: extensions/v1beta1\n"
                "kind: Deployment\nmetadata:\n  name: istio-pilot\n  namespace: istio-system\n"
                "---\n# Source: istio/charts/gateways/templates/deployment.yaml\napiVersion: extensions/v1beta1\n"
                "kind: Deployment\nmetadata:\n  name: istio-ingressgateway\n  namespace: istio-system\n"
                "---\n# Source: istio/charts/pilot/templates/poddisruptionbudget.yaml\napiVersion: policy/v1beta1\n"
                "kind: PodDisruptionBudget\nmetadata:\n  name: istio-pilot\n  namespace: istio-system\n")
    proto = hf.tiller_release_proto("istio", "istio-system", "istio", "1.1.7", 2, "DEPLOYED",
                                    "gateways:\n  istio-ingressgateway:\n    type: NodePort\n", manifest,
                                    [("templates/configmap.yaml", "apiVersion: v1\nkind: ConfigMap\n")])
    write(f"{d}/fires-on-tiller-release-manifest/input.yaml", f"""# kubectl get cm -n kube-system -l OWNER=TILLER -o yaml: Istio 1.1 installed with Helm 2.
apiVersion: v1
items:
- apiVersion: v1
  data:
    release: {hf.tiller_data_release(proto)}
  kind: ConfigMap
  metadata:
    creationTimestamp: "2019-05-01T10:00:00Z"
    labels:
      MODIFIED_AT: "1556704800"
      NAME: istio
      OWNER: TILLER
      STATUS: DEPLOYED
      VERSION: "2"
    name: istio.v2  # expect: API001
    namespace: kube-system
    resourceVersion: "4410"
    uid: {uid()}
kind: List
metadata:
  resourceVersion: ""
""")
    write(f"{d}/fires-on-tiller-release-manifest/args", "--to 1.2 --to-kubernetes 1.16\n")


def redaction_fixture():
    """A dump whose Secrets hold values no report may show (tests/e2e_test.cpp checks)."""
    d = "testdata/e2e/helm-installed-istio-dump"
    v = "1.23.2"
    manifest = istiod_manifest(v, pdb_api="policy/v1beta1", extra="""---
# Source: istiod/templates/remote-secret.yaml
apiVersion: v1
kind: Secret
metadata:
  name: istio-remote-secret-sentinel
  namespace: istio-system
stringData:
  token: manifest-sentinel-8c1f
""")
    items = [
        release_secret("istio-base", 1, "deployed", "base", v, {"defaultRevision": "default"}, base_values(True),
                       base_manifest(v), TEMPLATES_BASE),
        release_secret("istiod", 1, "deployed", "istiod", v,
                       {"revision": "", "pilot": {"env": {"DB_PASSWORD": "config-sentinel-4d2a"}},
                        "global": {"hub": "registry.example.com/istio", "tag": v}},
                       istiod_values(v, True), manifest, TEMPLATES_ISTIOD),
        istiod_deployment(v),
        crd("virtualservices", "networking.istio.io", "VirtualService", LEGACY_CRD_LABELS),
        crd("destinationrules", "networking.istio.io", "DestinationRule", LEGACY_CRD_LABELS),
        f"""- apiVersion: v1
  data:
    password: b3BhcXVlLXNlbnRpbmVsLTdlOTM=
  kind: Secret
  metadata:
    annotations:
      kubectl.kubernetes.io/last-applied-configuration: |
        {{"apiVersion":"v1","data":{{"password":"b3BhcXVlLXNlbnRpbmVsLTdlOTM="}},"kind":"Secret","metadata":{{"annotations":{{}},"name":"db","namespace":"shop"}},"type":"Opaque"}}
    name: db
    namespace: shop
    resourceVersion: "7781"
    uid: {uid()}
  type: Opaque
""",
        f"""- apiVersion: v1
  data:
    release: {hf.b64(b"H4sIAAAA-corrupt-sentinel-51b0")}
  kind: Secret
  metadata:
    labels:
      name: broken
      owner: helm
      status: deployed
      version: "1"
    name: sh.helm.release.v1.broken.v1
    namespace: istio-system
    uid: {uid()}
  type: helm.sh/release.v1
""",
    ]
    write(f"{d}/dump.yaml",
          "# kubectl get secret,deploy,crd -A -o yaml: Istio 1.23 installed with Helm. Its Secrets hold values no\n"
          "# report may show: the release's values and manifest, an Opaque Secret, a corrupt release.\n"
          + kubectl_list(items))
    write(f"{d}/args", "check --to 1.24 --to-kubernetes 1.25 dump.yaml\n")


if __name__ == "__main__":
    helm001_fixtures()
    api001_fixtures()
    redaction_fixture()
