"""A Kubernetes API server that is just enough for kubectl: discovery, SelfSubjectAccessReviews and
list requests (chunked with limit/continue, label and field selectors) over recorded objects.

It listens on 127.0.0.1 only, on a free port, logs every request so tests can assert what kubectl
asked for, and stops itself after `lifetime` seconds whatever happens.
"""

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import cluster_fixture

SERVER_VERSION = {"major": "1", "minor": "27", "gitVersion": "v1.27.3", "gitCommit": "25b4e43193bcda6c7328a6d147b1fb73a33f1598",
                  "gitTreeState": "clean", "buildDate": "2023-06-14T09:47:40Z", "goVersion": "go1.20.5",
                  "compiler": "gc", "platform": "linux/amd64"}


class Resource:
    def __init__(self, group, version, plural, kind, namespaced, verbs=("get", "list", "watch")):
        self.group, self.version, self.plural, self.kind, self.namespaced = group, version, plural, kind, namespaced
        self.verbs = list(verbs)

    @property
    def group_version(self):
        return f"{self.group}/{self.version}" if self.group else self.version


class FakeApiServer:
    """Options:
    deny: resources ("plural" or "plural.group") the SelfSubjectAccessReview says no to, and whose
          lists answer 403.
    forbid_only_list: resources the review allows but whose lists still answer 403.
    unauthorized: every request answers 401.
    expire_continue: resources whose second page answers 410 Expired, as when a list's
          continue token outlives etcd's compaction.
    """

    def __init__(self, deny=(), forbid_only_list=(), unauthorized=False, expire_continue=(), lifetime=60.0):
        self.objects = cluster_fixture.build_cluster()
        self.resources = self._resources()
        self.deny = set(deny)
        self.forbid_only_list = set(forbid_only_list)
        self.unauthorized = unauthorized
        self.expire_continue = set(expire_continue)
        self.requests = []
        self.lock = threading.Lock()
        handler = self._handler_class()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.timer = threading.Timer(lifetime, self.stop)
        self.timer.daemon = True

    def __enter__(self):
        self.thread.start()
        self.timer.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        self.timer.cancel()
        if self.thread.is_alive():
            self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def lists(self):
        """The list requests made: (path, query dict)."""
        with self.lock:
            return [(p, q) for m, p, q in self.requests if m == "GET" and not q.get("__discovery")]

    # ----- the API -----

    def _resources(self):
        out = [Resource(*r) for r in cluster_fixture.BUILTIN_RESOURCES]
        out.append(Resource("authorization.k8s.io", "v1", "selfsubjectaccessreviews", "SelfSubjectAccessReview",
                            False, verbs=("create",)))
        for group, plural, kind, versions in (cluster_fixture.ISTIO_CRDS + cluster_fixture.GATEWAY_API_CRDS
                                              + cluster_fixture.OTHER_CRDS):
            for v in versions:
                out.append(Resource(group, v, plural, kind, True,
                                    verbs=("delete", "deletecollection", "get", "list", "patch", "create", "update",
                                           "watch")))
        return out

    def _groups(self):
        groups = {}
        for r in self.resources:
            if r.group:
                groups.setdefault(r.group, [])
                if r.version not in groups[r.group]:
                    groups[r.group].append(r.version)
        return groups

    def _denied(self, resource, group):
        return resource in self.deny or f"{resource}.{group}" in self.deny

    def _list_forbidden(self, resource, group):
        return self._denied(resource, group) or resource in self.forbid_only_list or \
            f"{resource}.{group}" in self.forbid_only_list

    def discovery(self, path):
        if path == "/version":
            return SERVER_VERSION
        if path == "/api":
            return {"kind": "APIVersions", "versions": ["v1"],
                    "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:6443"}]}
        if path == "/apis":
            return {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
                {"name": g, "versions": [{"groupVersion": f"{g}/{v}", "version": v} for v in vs],
                 "preferredVersion": {"groupVersion": f"{g}/{vs[0]}", "version": vs[0]}}
                for g, vs in self._groups().items()]}
        parts = path.strip("/").split("/")
        if parts[0] == "api" and len(parts) == 2:
            group, version = "", parts[1]
        elif parts[0] == "apis" and len(parts) == 3:
            group, version = parts[1], parts[2]
        else:
            return None
        found = [r for r in self.resources if r.group == group and r.version == version]
        if not found:
            return None
        return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": f"{group}/{version}" if group else version,
                "resources": [{"name": r.plural, "singularName": r.kind.lower(), "namespaced": r.namespaced,
                               "kind": r.kind, "verbs": r.verbs} for r in found]
                + [{"name": f"{r.plural}/status", "singularName": "", "namespaced": r.namespaced, "kind": r.kind,
                    "verbs": ["get", "patch", "update"]} for r in found if r.verbs != ["create"]]}

    def list_objects(self, path, query):
        """Answers GET <prefix>/<plural> and <prefix>/namespaces/<ns>/<plural>; None when not a list."""
        parts = path.strip("/").split("/")
        if parts[0] == "api" and len(parts) >= 3:
            group, version, rest = "", parts[1], parts[2:]
        elif parts[0] == "apis" and len(parts) >= 4:
            group, version, rest = parts[1], parts[2], parts[3:]
        else:
            return None
        namespace = None
        if len(rest) == 3 and rest[0] == "namespaces":
            namespace, rest = rest[1], rest[2:]
        if len(rest) != 1:
            return None
        plural = rest[0]
        resource = next((r for r in self.resources if r.group == group and r.version == version and r.plural == plural),
                        None)
        if resource is None:
            return 404, status(404, "NotFound", f"the server could not find the requested resource")
        if self._list_forbidden(plural, group):
            who = f"{plural}.{group}" if group else plural
            scope = f' in the namespace "{namespace}"' if namespace else " at the cluster scope"
            return 403, status(403, "Forbidden",
                               f'{who} is forbidden: User "upcheck-test" cannot list resource "{plural}" in API group '
                               f'"{group}"{scope}')
        items = [o for o in self.objects if o["kind"] == resource.kind and group_of(o["apiVersion"]) == group]
        if namespace is not None:
            items = [o for o in items if o["metadata"].get("namespace") == namespace]
        items = [o for o in items if matches_labels(o, query.get("labelSelector", ""))
                 and matches_fields(o, query.get("fieldSelector", ""))]
        items = [as_version(o, resource) for o in items]
        start = int(query.get("continue") or 0)
        if start and plural in self.expire_continue:
            return 410, status(410, "Expired", "The provided continue parameter is too old to display a consistent "
                                               "list result. You can start a new list without the continue parameter.")
        limit = int(query.get("limit") or 0)
        page = items[start:start + limit] if limit else items[start:]
        meta = {"resourceVersion": "4242"}
        if limit and start + limit < len(items):
            meta["continue"] = str(start + limit)
            meta["remainingItemCount"] = len(items) - start - limit
        custom = group.endswith("istio.io") or group.endswith(".k8s.io") and group.startswith("gateway")
        if not custom:
            # Built-in lists carry no apiVersion/kind per item, as the real server sends them.
            page = [{k: v for k, v in o.items() if k not in ("apiVersion", "kind")} for o in page]
        return 200, {"kind": resource.kind + "List", "apiVersion": resource.group_version, "metadata": meta,
                     "items": page}

    def review(self, body):
        attrs = body.get("spec", {}).get("resourceAttributes", {})
        resource, group = attrs.get("resource", ""), attrs.get("group", "")
        allowed = not self._denied(resource, group)
        body["status"] = {"allowed": allowed}
        if not allowed:
            body["status"]["reason"] = "no RBAC policy matched"
        body.setdefault("metadata", {})["creationTimestamp"] = None
        return body

    def _handler_class(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _send(self, code, body):
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _record(self):
                url = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
                with server.lock:
                    server.requests.append((self.command, url.path, query))
                return url.path, query

            def do_GET(self):
                path, query = self._record()
                if server.unauthorized:
                    return self._send(401, status(401, "Unauthorized", "Unauthorized"))
                found = server.discovery(path)
                if found is not None:
                    with server.lock:
                        query["__discovery"] = "1"   # the logged dict itself: other requests run meanwhile
                    return self._send(200, found)
                listed = server.list_objects(path, query)
                if listed is None:
                    return self._send(404, status(404, "NotFound", "the server could not find the requested resource"))
                self._send(*listed)

            def do_POST(self):
                path, _ = self._record()
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if server.unauthorized:
                    return self._send(401, status(401, "Unauthorized", "Unauthorized"))
                if path == "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews":
                    return self._send(201, server.review(body))
                self._send(405, status(405, "MethodNotAllowed", "the server does not allow this method"))

        return Handler


def status(code, reason, message):
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message,
            "reason": reason, "code": code}


def group_of(api_version):
    return api_version.split("/")[0] if "/" in api_version else ""


def as_version(obj, resource):
    """The object as served at the requested version (the fixture writes each at one version)."""
    out = json.loads(json.dumps(obj))
    out["apiVersion"] = resource.group_version
    return out


def _field(obj, path):
    value = obj
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return "" if value is None else str(value)


def matches_labels(obj, selector):
    labels = obj["metadata"].get("labels") or {}
    for term in filter(None, selector.split(",")):
        if "!=" in term:
            k, v = term.split("!=", 1)
            if labels.get(k) == v:
                return False
        elif "=" in term:
            k, v = term.split("=", 1)
            if labels.get(k.rstrip("=")) != v.lstrip("="):
                return False
        elif labels.get(term) is None:
            return False
    return True


def matches_fields(obj, selector):
    for term in filter(None, selector.split(",")):
        negate = "!=" in term
        k, v = term.split("!=" if negate else "=", 1)
        equal = _field(obj, k.rstrip("=")) == v.lstrip("=")
        if equal == negate:
            return False
    return True
