#!/usr/bin/env python3
"""`upcheck collect` end to end: a real kubectl against a recorded API server on loopback.

Usage: collect_test.py UPCHECK [KUBECTL...]

Each case starts its own fake API server (tests/collect/fake_apiserver.py) on 127.0.0.1 and a
free port, runs `upcheck collect` with a kubeconfig pointing at it, and checks the exit status,
the messages, the snapshot, and what kubectl asked the server. The kubectls tried are the ones
named, else Debian's kubernetes-client (1.20, installed by scripts/install-deps.sh) and the
kubectl on PATH when it is another one. With no kubectl at all the cases that need one are
skipped, unless UPCHECK_REQUIRE_KUBECTL is set (CI sets it).
"""

import base64
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
import traceback

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cluster_fixture  # noqa: E402
from fake_apiserver import FakeApiServer  # noqa: E402

UPCHECK = os.path.abspath(sys.argv[1])
DEBIAN_KUBECTL = "/opt/upcheck/kubernetes-client/usr/bin/kubectl"   # see scripts/install-deps.sh
RUN_LIMIT = 60   # seconds: no upcheck run in these tests may take longer

EXPECTED_KINDS = {
    "Namespace", "Deployment", "DaemonSet", "StatefulSet", "ReplicaSet", "Pod", "Service", "PodDisruptionBudget",
    "HorizontalPodAutoscaler", "ConfigMap", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
    "CustomResourceDefinition", "Secret",
    # Every listable resource of the *.istio.io groups the server serves, found by discovery.
    "VirtualService", "DestinationRule", "Gateway", "ServiceEntry", "Sidecar", "EnvoyFilter", "PeerAuthentication",
    "AuthorizationPolicy", "Telemetry", "WasmPlugin",
}


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


# ----- running things -----

class Workspace:
    """A directory with a kubeconfig, a HOME of its own (kubectl's discovery cache), and the output."""

    def __init__(self, server_url):
        self.dir = tempfile.mkdtemp(prefix="upcheck-collect-")
        self.home = os.path.join(self.dir, "home")
        os.mkdir(self.home)
        self.kubeconfig = os.path.join(self.dir, "kube config")   # a space: arguments are never split
        self.output = os.path.join(self.dir, "snapshot.yaml")
        with open(self.kubeconfig, "w") as f:
            f.write(f"""apiVersion: v1
kind: Config
clusters:
- name: recorded
  cluster:
    server: {server_url}
contexts:
- name: "-odd context; $(name)"
  context:
    cluster: recorded
    user: tester
current-context: other
users:
- name: tester
  user: {{}}
""")

    def collect(self, kubectl, *extra, env=None):
        args = [UPCHECK, "collect", "--kubeconfig", self.kubeconfig, "--context", "-odd context; $(name)",
                "--output", self.output]
        if kubectl:
            args += ["--kubectl", kubectl]
        return run(args + list(extra), self.home, env)

    def snapshot(self):
        with open(self.output, encoding="utf-8") as f:
            text = f.read()
        return text, yaml.load(text, Loader=yaml.CSafeLoader)

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


class Result:
    def __init__(self, code, stdout, stderr, seconds):
        self.code, self.stdout, self.stderr, self.seconds = code, stdout, stderr, seconds

    def __str__(self):
        return f"exit {self.code} after {self.seconds:.1f}s\n--- stderr:\n{self.stderr}"


def run(args, home, env=None):
    environment = dict(os.environ, HOME=home)
    environment.pop("KUBECONFIG", None)
    if env:
        environment.update(env)
    start = time.monotonic()
    p = subprocess.run(args, capture_output=True, text=True, env=environment, timeout=RUN_LIMIT)
    return Result(p.returncode, p.stdout, p.stderr, time.monotonic() - start)


def annotations(snapshot):
    return snapshot["metadata"]["annotations"]


def kinds_of(value):
    return set(filter(None, (k.strip() for k in value.split(","))))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check_json(snapshot_path, home):
    r = run([UPCHECK, "check", "--no-config", "--to", "1.21", "-o", "json", snapshot_path], home)
    check(r.code in (0, 1), f"upcheck check could not load the snapshot: {r}")
    return json.loads(r.stdout)


# ----- what the snapshot must hold -----

def expected_objects():
    """The fixture objects collect must write, keyed by (kind, namespace, name), as written."""
    out = {}
    for o in cluster_fixture.build_cluster():
        kind, meta = o["kind"], o["metadata"]
        ns = meta.get("namespace")
        if kind == "ConfigMap":
            tiller = ns == "kube-system" and meta.get("labels", {}).get("OWNER") == "TILLER"
            if ns != "istio-system" and not tiller:
                continue
        if kind == "Secret":
            continue   # stubs: checked on their own
        if kind == "CustomResourceDefinition":
            group = o["spec"]["group"]
            if not (group.endswith("istio.io") or group.startswith("gateway.networking")):
                continue
            o = json.loads(json.dumps(o))
            for v in o["spec"]["versions"]:
                v.pop("schema", None)
        o = json.loads(json.dumps(o))
        o["metadata"].pop("managedFields", None)
        out[(kind, ns, meta["name"])] = o
    return out


def helm_payloads():
    """Every Secret's data value, Helm's inner base64 of it, and the values planted in releases."""
    out = [cluster_fixture.HELM_SECRET_VALUE, cluster_fixture.PLAIN_SECRET_VALUE]
    for o in cluster_fixture.build_cluster():
        if o["kind"] == "Secret":
            for value in o["data"].values():
                out.append(value)
                try:
                    out.append(base64.b64decode(value).decode())
                except (ValueError, UnicodeDecodeError):
                    pass
    return out


# ----- the cases -----

def case_full_collect(kubectl):
    with FakeApiServer() as server:
        ws = Workspace(server.url)
        try:
            r = ws.collect(kubectl, "--chunk-size", "3")
            check(r.code == 0, f"a full collect must exit 0: {r}")
            check("error[" not in r.stderr, f"a full collect reports no error: {r}")
            text, snapshot = ws.snapshot()
            check(stat.S_IMODE(os.stat(ws.output).st_mode) == 0o600, "the snapshot is readable by its owner only")
            check(not os.path.exists(ws.output + ".partial"), "no .partial file is left behind")

            # kubectl's layout, which the loader splits into items.
            check(text.startswith("apiVersion: v1\nitems:\n- apiVersion: "), "kubectl's List layout")
            check("\nkind: List\nmetadata:\n  annotations:\n" in text, "kind: List, then metadata, at the end")
            check(snapshot["kind"] == "List" and snapshot["apiVersion"] == "v1", "a v1 List")
            collected = kinds_of(annotations(snapshot)["upcheck.io/collected-kinds"])
            check(collected == EXPECTED_KINDS, f"collected-kinds: extra {collected - EXPECTED_KINDS}, "
                                               f"missing {EXPECTED_KINDS - collected}")
            check("upcheck.io/skipped-kinds" not in annotations(snapshot), "nothing skipped")
            check(annotations(snapshot)["upcheck.io/kubernetes-version"] == "v1.27.3", "the server's version")

            # Every object the rules need, exactly as the server holds it (minus managedFields),
            # and nothing else: this also proves every string survived the YAML writer.
            expected = expected_objects()
            items = [o for o in snapshot["items"] if o["kind"] != "Secret"]
            got = {(o["kind"], o["metadata"].get("namespace"), o["metadata"]["name"]): o for o in items}
            check(len(got) == len(items), "no object is written twice")
            check(set(got) == set(expected), f"objects: extra {sorted(set(got) - set(expected))}, "
                                             f"missing {sorted(set(expected) - set(got))}")
            for key, want in expected.items():
                if got[key] != want:
                    diff = [k for k in set(want) | set(got[key]) if want.get(k) != got[key].get(k)]
                    raise Failure(f"{key} differs from the server's object in {diff}:\n{got[key]}\n{want}")
            check("managedFields" not in text, "managedFields are stripped")
            check("openAPIV3Schema" not in text, "CRD schemas are stripped")
            check(sum(1 for o in items if o["kind"] == "Pod") == 8, "all 8 pods, over 3 chunks")

            # What kubectl was asked: chunked lists, only the namespaces and Secrets needed.
            lists = server.lists()
            for path, query in lists:
                check(query.get("limit") == "3", f"every list is chunked: {path} {query}")
            pod_pages = [q for p, q in lists if p == "/api/v1/pods"]
            check([q.get("continue") for q in pod_pages] == [None, "3", "6"], f"pods in 3 pages: {pod_pages}")
            secret_lists = [(p, q) for p, q in lists if p.endswith("/secrets")]
            check(secret_lists and all(p == "/api/v1/secrets" and q.get("labelSelector") == "owner=helm"
                                       and q.get("fieldSelector") == "type=helm.sh/release.v1"
                                       for p, q in secret_lists),
                  f"only Helm release Secrets are asked for: {secret_lists}")
            configmap_lists = sorted({p for p, q in lists if p.endswith("/configmaps")})
            check(configmap_lists == ["/api/v1/namespaces/istio-system/configmaps",
                                      "/api/v1/namespaces/kube-system/configmaps"], f"configmaps: {configmap_lists}")
            tiller = [q for p, q in lists if p == "/api/v1/namespaces/kube-system/configmaps"]
            check(tiller[0].get("labelSelector") == "OWNER=TILLER", "kube-system: Helm 2 records only")
            check(not any(p.endswith("/nodes") or "cert-manager" in p for p, _ in lists),
                  "nothing the rules do not read is listed")

            # check loads it, sees every kind as collected, and reads every object.
            report = check_json(ws.output, ws.home)
            check(report["errors"] == [], f"the snapshot loads without errors: {report['errors']}")
            lacks = [n for n in report["notices"] if n["code"] == "input-lacks-kind"]
            check(lacks == [], f"no kind is reported missing: {lacks}")
            check(report["summary"]["objects"] == len(snapshot["items"]), "check reads every object")
            check([p["namespace"] for p in report["target"]["controlPlanes"]] == ["istio-system"],
                  f"check finds the control plane: {report['target']['controlPlanes']}")
            check_helm_stubs(r, text, snapshot)
        finally:
            ws.cleanup()


def check_helm_stubs(r, text, snapshot):
    """Helm releases are decoded at collect time: stubs with the summary, never the payload."""
    for secret in helm_payloads():
        check(secret not in text, f"a Secret payload or planted value reached the snapshot: {secret[:24]}...")
        check(secret not in r.stderr and secret not in r.stdout, "a Secret payload reached the messages")
    check("manifest" not in text and "Planted note" not in text, "no part of a release is written")
    secrets = [o for o in snapshot["items"] if o["kind"] == "Secret"]
    names = sorted(f"{o['metadata']['namespace']}/{o['metadata']['name']}" for o in secrets)
    check(names == ["istio-ingress/sh.helm.release.v1.istio-ingress.v1",
                    "istio-system/sh.helm.release.v1.istio-base.v1",
                    "istio-system/sh.helm.release.v1.istiod.v1",
                    "istio-system/sh.helm.release.v1.istiod.v2"], f"the Helm 3 releases only: {names}")
    for s in secrets:
        check(set(s) == {"apiVersion", "kind", "metadata", "type"}, f"a stub has no data: {sorted(s)}")
        check(s["type"] == "helm.sh/release.v1", "the stub keeps Helm's type")
    istiod = next(s for s in secrets if s["metadata"]["name"] == "sh.helm.release.v1.istiod.v2")
    a = istiod["metadata"]["annotations"]
    check(a["upcheck.io/helm-release-stub"] == "v1", "the stub format")
    check(a["upcheck.io/helm-release"] == "istiod", "release name")
    check(a["upcheck.io/helm-chart"] == "istiod", "chart")
    check(a["upcheck.io/helm-chart-version"] == "1.20.3", "chart version")
    check(a["upcheck.io/helm-app-version"] == "1.20.3", "app version")
    check(a["upcheck.io/helm-revision"] == "2", "Helm revision")
    check(a["upcheck.io/helm-status"] == "deployed", "status")
    values = json.loads(a["upcheck.io/helm-values"])
    check(values == {"defaultRevision": "", "revision": "", "revisionTags": ["stable"],
                     "global": {"hub": "docker.io/istio", "tag": "1.20.3"}},
          f"the user's values over the chart's defaults, only the paths the rules read: {values}")
    check(istiod["metadata"]["labels"] == {"name": "istiod", "owner": "helm", "status": "deployed",
                                           "version": "2", "modifiedAt": "1704877200"}, "Helm's labels")
    base = next(s for s in secrets if s["metadata"]["name"] == "sh.helm.release.v1.istio-base.v1")
    check(json.loads(base["metadata"]["annotations"]["upcheck.io/helm-values"]) == {"defaultRevision": "default"},
          "defaultRevision from the base chart")


def case_forbidden_kind(kubectl):
    with FakeApiServer(deny={"poddisruptionbudgets"}) as server:
        ws = Workspace(server.url)
        try:
            r = ws.collect(kubectl)
            check(r.code == 2, f"a forbidden kind makes the exit status 2: {r}")
            check("error[kind-forbidden]" in r.stderr and "PodDisruptionBudget" in r.stderr,
                  f"the forbidden kind is named: {r}")
            check(os.path.exists(ws.output), "the partial snapshot is written")
            _, snapshot = ws.snapshot()
            collected = kinds_of(annotations(snapshot)["upcheck.io/collected-kinds"])
            check(collected == EXPECTED_KINDS - {"PodDisruptionBudget"}, f"collected-kinds: {collected}")
            check(annotations(snapshot)["upcheck.io/skipped-kinds"] == "PodDisruptionBudget", "skipped-kinds")
            check(not any(p.endswith("/poddisruptionbudgets") for p, _ in server.lists()),
                  "a kind the review forbids is not even listed")
            report = check_json(ws.output, ws.home)
            lacks = [n["message"] for n in report["notices"] if n["code"] == "input-lacks-kind"]
            check(any("PodDisruptionBudget" in m for m in lacks), f"check reports the kind missing: {lacks}")
        finally:
            ws.cleanup()


def case_list_forbidden_after_review_allowed(kubectl):
    # The review says yes, the list still answers 403 (an admission webhook, a stale RBAC cache).
    with FakeApiServer(forbid_only_list={"envoyfilters.networking.istio.io"}) as server:
        ws = Workspace(server.url)
        try:
            r = ws.collect(kubectl)
            check(r.code == 2, f"exit 2: {r}")
            check("error[kind-forbidden]" in r.stderr and "EnvoyFilter" in r.stderr, f"EnvoyFilter is named: {r}")
            _, snapshot = ws.snapshot()
            collected = kinds_of(annotations(snapshot)["upcheck.io/collected-kinds"])
            check(collected == EXPECTED_KINDS - {"EnvoyFilter"}, f"only EnvoyFilter is left out: {collected}")
            check(not any(o["kind"] == "EnvoyFilter" for o in snapshot["items"]), "no EnvoyFilter object")
            check(any(o["kind"] == "VirtualService" for o in snapshot["items"]), "the other Istio kinds are kept")
        finally:
            ws.cleanup()


def case_list_fails_half_way(kubectl):
    # The second page of pods fails: the pods of the first page must not stay in the snapshot, or
    # check would take a partial list for a whole one.
    with FakeApiServer(expire_continue={"pods"}) as server:
        ws = Workspace(server.url)
        try:
            r = ws.collect(kubectl, "--chunk-size", "3")
            check(r.code == 2, f"exit 2: {r}")
            check("Pod" in r.stderr and "error[" in r.stderr, f"the failed kind is named: {r}")
            _, snapshot = ws.snapshot()
            collected = kinds_of(annotations(snapshot)["upcheck.io/collected-kinds"])
            check("Pod" not in collected and "Deployment" in collected, f"collected-kinds: {collected}")
            check(not any(o["kind"] == "Pod" for o in snapshot["items"]), "no pod of the failed list is kept")
            check(any(o["kind"] == "Service" for o in snapshot["items"]), "kinds after it are collected")
        finally:
            ws.cleanup()


def case_unauthorized(kubectl):
    with FakeApiServer(unauthorized=True) as server:
        ws = Workspace(server.url)
        try:
            r = ws.collect(kubectl)
            check(r.code == 2, f"exit 2: {r}")
            check("error[cluster-unauthorized]" in r.stderr, f"says the credentials were rejected: {r}")
            check(not os.path.exists(ws.output), "nothing collected, nothing written")
            check(r.seconds < 15, f"bounded time: {r.seconds:.1f}s")
        finally:
            ws.cleanup()


def case_unknown_context(kubectl):
    ws = Workspace("http://127.0.0.1:1")
    try:
        r = run([UPCHECK, "collect", "--kubeconfig", ws.kubeconfig, "--context", "no-such-context", "--output",
                 ws.output, "--kubectl", kubectl], ws.home)
        check(r.code == 2 and "no-such-context" in r.stderr, f"kubectl's own words: {r}")
        check(r.stderr.count("error[") == 1, f"one error, not one per kind: {r}")
        check(not os.path.exists(ws.output), "nothing written")
    finally:
        ws.cleanup()


def case_unreachable(kubectl):
    ws = Workspace(f"http://127.0.0.1:{free_port()}")
    try:
        with open(ws.output, "w") as f:
            f.write("an earlier snapshot\n")
        r = ws.collect(kubectl, "--request-timeout", "2s")
        check(r.code == 2, f"exit 2: {r}")
        check("error[cluster-unreachable]" in r.stderr and "cannot reach" in r.stderr, f"a clear message: {r}")
        check(r.seconds < 10, f"bounded time: {r.seconds:.1f}s")
        with open(ws.output) as f:
            check(f.read() == "an earlier snapshot\n", "an earlier snapshot is left alone")
    finally:
        ws.cleanup()


def case_silent_server(kubectl):
    # Accepts connections and never answers: only timeouts end this.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    ws = Workspace(f"http://127.0.0.1:{listener.getsockname()[1]}")
    try:
        r = ws.collect(kubectl, "--request-timeout", "1s", "--timeout", "20")
        check(r.code == 2, f"exit 2: {r}")
        check("error[cluster-unreachable]" in r.stderr, f"a clear message: {r}")
        check(r.seconds < 15, f"bounded time: {r.seconds:.1f}s")
    finally:
        listener.close()
        ws.cleanup()


def case_no_kubectl(_kubectl):
    ws = Workspace("http://127.0.0.1:1")
    try:
        r = ws.collect("/nonexistent/kubectl")
        check(r.code == 2 and "error[kubectl-not-found]" in r.stderr and "/nonexistent/kubectl" in r.stderr,
              f"--kubectl /nonexistent: {r}")
        check(not os.path.exists(ws.output), "nothing written")
        empty = os.path.join(ws.dir, "empty-path")
        os.mkdir(empty)
        r = ws.collect(None, env={"PATH": empty})
        check(r.code == 2 and "error[kubectl-not-found]" in r.stderr and "--kubectl" in r.stderr,
              f"no kubectl on PATH: {r}")
        check(r.seconds < 5, "at once")
    finally:
        ws.cleanup()


def case_hanging_kubectl(_kubectl):
    # A kubectl that never ends and leaves a helper running (as a stuck credential plugin would):
    # --timeout kills the whole process group.
    ws = Workspace("http://127.0.0.1:1")
    try:
        fake = os.path.join(ws.dir, "kubectl")
        pid_file = os.path.join(ws.dir, "helper.pid")
        with open(fake, "w") as f:
            f.write(f"#!/bin/sh\nsleep 120 &\necho $! > '{pid_file}'\nsleep 120\n")
        os.chmod(fake, 0o755)
        r = ws.collect(fake, "--timeout", "2")
        check(r.code == 2 and "error[kubectl-timeout]" in r.stderr, f"a clear message: {r}")
        check(r.seconds < 10, f"bounded time: {r.seconds:.1f}s")
        with open(pid_file) as f:
            helper = int(f.read())
        time.sleep(0.2)
        try:
            os.kill(helper, 0)
            alive = open(f"/proc/{helper}/stat").read().split()[2] != "Z"
        except (ProcessLookupError, FileNotFoundError):
            alive = False
        check(not alive, "the helper kubectl started was killed with it")
    finally:
        ws.cleanup()


def case_usage(_kubectl):
    home = tempfile.mkdtemp()
    try:
        r = run([UPCHECK, "collect"], home)
        check(r.code == 2 and "--output" in r.stderr, f"--output is required: {r}")
        r = run([UPCHECK, "collect", "--help"], home)
        check(r.code == 0 and "--kubeconfig" in r.stdout and "--context" in r.stdout, f"help: {r}")
    finally:
        shutil.rmtree(home, ignore_errors=True)


EVERY_KUBECTL = [case_full_collect, case_forbidden_kind]
FIRST_KUBECTL = [case_list_forbidden_after_review_allowed, case_list_fails_half_way, case_unauthorized,
                 case_unknown_context, case_unreachable, case_silent_server]
NO_KUBECTL = [case_no_kubectl, case_hanging_kubectl, case_usage]


def kubectl_version(path):
    try:
        p = subprocess.run([path, "version", "--client", "-o", "json"], capture_output=True, text=True, timeout=20)
        return json.loads(p.stdout)["clientVersion"]["gitVersion"]
    except (OSError, ValueError, KeyError, subprocess.SubprocessError):
        return None


def find_kubectls():
    named = sys.argv[2:] or [DEBIAN_KUBECTL, shutil.which("kubectl") or ""]
    found, seen = [], set()
    for path in named:
        if not path or not os.path.exists(path) or os.path.realpath(path) in seen:
            continue
        version = kubectl_version(path)
        if version:
            seen.add(os.path.realpath(path))
            found.append((path, version))
    return found


def main():
    kubectls = find_kubectls()
    work = [(case, None, "") for case in NO_KUBECTL]
    for i, (path, version) in enumerate(kubectls):
        work += [(case, path, version) for case in EVERY_KUBECTL + (FIRST_KUBECTL if i == 0 else [])]
    skipped = 0 if kubectls else len(EVERY_KUBECTL) + len(FIRST_KUBECTL)
    if not kubectls:
        print("no kubectl found: the cases that need one are skipped (scripts/install-deps.sh installs it)")
        if os.environ.get("UPCHECK_REQUIRE_KUBECTL"):
            print("UPCHECK_REQUIRE_KUBECTL is set: failing")
            return 1

    # Two cases at a time: each waits on kubectl processes and its own server far more than on CPU.
    results = [None] * len(work)
    lock = threading.Lock()
    next_case = [0]

    def worker():
        while True:
            with lock:
                i = next_case[0]
                next_case[0] += 1
            if i >= len(work):
                return
            case, path, version = work[i]
            start = time.monotonic()
            try:
                case(path)
                results[i] = (True, "", time.monotonic() - start)
            except Exception as e:  # a failed check, or anything else: the case failed
                detail = str(e) if isinstance(e, Failure) else traceback.format_exc()
                results[i] = (False, detail, time.monotonic() - start)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    passed = failed = 0
    for (case, path, version), (ok, detail, seconds) in zip(work, results):
        name = case.__name__[len("case_"):] + (f" [kubectl {version}]" if path else "")
        print(f"{'ok  ' if ok else 'FAIL'} {name} ({seconds:.1f}s)")
        if not ok:
            print("     " + detail.replace("\n", "\n     "))
        passed += ok
        failed += not ok
    print(f"collect: {passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
