#include <doctest/doctest.h>
#include <zlib.h>

#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "codec/base64.hpp"
#include "istio/helm_release.hpp"
#include "load/keep_policy.hpp"
#include "load/loader.hpp"
#include "model/tree_json.hpp"
#include "testing/helm_records.hpp"
#include "testing/temp_dir.hpp"

namespace fs = std::filesystem;
using namespace upcheck;
using namespace upcheck::load;

namespace {

using testing::TempDir;

LoadResult load_paths(const std::vector<std::string>& paths, unsigned jobs = 1, size_t chunk_bytes = 4u << 20) {
  LoadOptions options;
  options.jobs = jobs;
  options.chunk_bytes = chunk_bytes;
  return load_inputs(paths, options);
}

const Resource* find(const LoadResult& r, std::string_view kind, std::string_view name) {
  for (const Resource& res : r.resources)
    if (res.kind() == kind && res.name() == name) return &res;
  return nullptr;
}

// What `kubectl get deploy,svc -A -o yaml` prints (kubectl 1.21+: no managedFields).
constexpr const char* kKubectlList = R"(apiVersion: v1
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    annotations:
      deployment.kubernetes.io/revision: "1"
    labels:
      app: istio-pilot
    name: istio-pilot
    namespace: istio-system
  spec:
    replicas: 1
    template:
      spec:
        containers:
        - image: docker.io/istio/pilot:1.1.7
          name: discovery
  status:
    availableReplicas: 1
- apiVersion: v1
  kind: Service
  metadata:
    annotations:
      auth.istio.io/8000: NONE
    name: foo
    namespace: bar
  spec:
    ports:
    - name: http
      port: 8000
kind: List
metadata:
  resourceVersion: ""
)";

}  // namespace

TEST_CASE("a kubectl List dump: items become objects with exact positions") {
  TempDir dir;
  std::string path = dir.write("dump.yaml", kKubectlList);
  LoadResult r = load_paths({path});
  REQUIRE(r.errors.empty());
  REQUIRE(r.resources.size() == 2);
  const Resource* pilot = find(r, "Deployment", "istio-pilot");
  REQUIRE(pilot != nullptr);
  // The object's position is its mapping's first key, not the `- `.
  CHECK(pilot->position() == Mark{3, 3});
  CHECK(pilot->locate("spec.replicas") == Mark{13, 5});
  CHECK(pilot->locate("spec.nothing.here") == Mark{3, 3});
  CHECK(pilot->ns() == "istio-system");
  // Status is never kept.
  CHECK_FALSE(pilot->root()["status"].valid());
  const Resource* foo = find(r, "Service", "foo");
  REQUIRE(foo != nullptr);
  CHECK(foo->locate("metadata.annotations[\"auth.istio.io/8000\"]") == Mark{25, 7});
  CHECK(r.files.size() == 1);
  CHECK(r.files[0].path == path);
}

TEST_CASE("the result does not depend on the number of jobs or the chunk size") {
  TempDir dir;
  std::string text = "apiVersion: v1\nitems:\n";
  for (int i = 0; i < 300; ++i)
    text +=
        "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: cm-" + std::to_string(i) + "\n    namespace: ns\n";
  text += "kind: List\nmetadata:\n  resourceVersion: \"\"\n";
  std::string path = dir.write("many.yaml", text);
  LoadResult one = load_paths({path}, 1);
  LoadResult many = load_paths({path}, 3, 256);  // tiny chunks: dozens of them, parsed in parallel
  REQUIRE(one.resources.size() == 300);
  REQUIRE(many.resources.size() == 300);
  for (size_t i = 0; i < 300; ++i) {
    CHECK(one.resources[i].name() == many.resources[i].name());
    CHECK(one.resources[i].position() == many.resources[i].position());
  }
  CHECK(many.resources[299].position() == Mark{2 + 299 * 5 + 1, 3});
}

TEST_CASE("helm template output keeps each document's Source comment") {
  TempDir dir;
  std::string path = dir.write("rendered.yaml",
                               "---\n# Source: istio/charts/pilot/templates/deployment.yaml\napiVersion: apps/v1\n"
                               "kind: Deployment\nmetadata:\n  name: istio-pilot\n---\n"
                               "# Source: istio/templates/configmap.yaml\napiVersion: v1\nkind: ConfigMap\n"
                               "metadata:\n  name: istio\n");
  LoadResult r = load_paths({path});
  REQUIRE(r.resources.size() == 2);
  CHECK(r.resources[0].provenance() == "istio/charts/pilot/templates/deployment.yaml");
  CHECK(r.resources[1].provenance() == "istio/templates/configmap.yaml");
  CHECK(r.resources[1].position() == Mark{9, 1});
}

TEST_CASE("nested Lists flatten; empty documents, comments and null items are skipped silently") {
  TempDir dir;
  std::string path = dir.write("nested.yaml",
                               "# only a comment\n---\n---\napiVersion: v1\nkind: List\nitems:\n- null\n"
                               "- apiVersion: v1\n  kind: List\n  items:\n  - apiVersion: v1\n    kind: Namespace\n"
                               "    metadata:\n      name: inner\n");
  LoadResult r = load_paths({path});
  CHECK(r.errors.empty());
  CHECK(r.notices.empty());
  REQUIRE(r.resources.size() == 1);
  CHECK(r.resources[0].name() == "inner");
  CHECK(r.resources[0].position() == Mark{11, 5});
}

TEST_CASE("objects without apiVersion or kind are a notice with a position") {
  TempDir dir;
  std::string path = dir.write("values.yaml", "replicaCount: 2\n");
  LoadResult r = load_paths({path});
  CHECK(r.resources.empty());
  REQUIRE(r.notices.size() == 1);
  CHECK(r.notices[0].code == &kMissingKind);
  CHECK(r.notices[0].mark == Mark{1, 1});
}

TEST_CASE("a syntax error is reported with its position and the other documents still load") {
  TempDir dir;
  std::string path = dir.write("broken.yaml",
                               "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: before\n---\n"
                               "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: [unclosed\n---\n"
                               "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: after\n");
  std::string other = dir.write("other.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: other\n");
  LoadResult r = load_paths({path, other});
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].code == &kYamlSyntax);
  CHECK(r.errors[0].mark.line >= 9);
  CHECK(r.errors[0].mark.line <= 10);
  std::vector<std::string_view> names;
  for (const Resource& res : r.resources) names.push_back(res.name());
  CHECK(names == std::vector<std::string_view>{"before", "after", "other"});
}

TEST_CASE("a broken List item loses only that item") {
  TempDir dir;
  std::string path = dir.write("list.yaml",
                               "apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: a\n"
                               "- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: b: c\n"
                               "- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: d\nkind: List\n");
  LoadResult r = load_paths({path});
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].mark.line == 10);
  std::vector<std::string_view> names;
  for (const Resource& res : r.resources) names.push_back(res.name());
  CHECK(names == std::vector<std::string_view>{"a", "d"});
}

TEST_CASE("duplicate keys: a notice with both positions, and the last value wins") {
  TempDir dir;
  std::string path = dir.write("dup.yaml",
                               "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  replicas: 1\n"
                               "  replicas: 3\n");
  LoadResult r = load_paths({path});
  REQUIRE(r.resources.size() == 1);
  CHECK(r.resources[0].spec()["replicas"].as_int() == 3);
  REQUIRE(r.notices.size() == 1);
  CHECK(r.notices[0].code == &kDuplicateKey);
  CHECK(r.notices[0].mark == Mark{7, 3});
  CHECK(r.notices[0].message.find("line 6, column 3") != std::string::npos);
}

TEST_CASE("anchors, aliases and merge keys resolve as Kubernetes reads them") {
  TempDir dir;
  std::string path =
      dir.write("anchors.yaml",
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  labels: &l {app: x}\n"
                "spec:\n  selector: *l\n  ports:\n  - &p {port: 80, name: http}\n  - <<: *p\n    port: 81\n");
  LoadResult r = load_paths({path});
  REQUIRE(r.resources.size() == 1);
  NodeRef spec = r.resources[0].spec();
  CHECK(spec["selector"]["app"].text() == "x");
  CHECK(spec["ports"].at(1)["port"].as_int() == 81);
  CHECK(spec["ports"].at(1)["name"].text() == "http");
}

TEST_CASE("a billion-laughs document is refused quickly, with the limit named") {
  TempDir dir;
  std::string text =
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\ndata:\n  a: &a "
      "[\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'j'; ++c, ++prev) {
    text += std::string("  ") + c + ": &" + c + " [";
    for (int i = 0; i < 9; ++i) text += std::string(i ? "," : "") + "*" + prev;
    text += "]\n";
  }
  std::string path = dir.write("lol.yaml", text);
  LoadResult r = load_paths({path});
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].code == &kLimitAlias);
  CHECK(r.errors[0].message.find("--max-alias-nodes") != std::string::npos);
}

TEST_CASE("deep nesting is refused at the depth limit") {
  TempDir dir;
  std::string path = dir.write("deep.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n  x: " +
                                                std::string(10000, '[') + std::string(10000, ']') + "\n");
  LoadResult r = load_paths({path});
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].code == &kLimitDepth);
  CHECK(r.errors[0].mark.line == 5);
}

TEST_CASE("binary input, missing files and empty directories are errors that name the input") {
  TempDir dir;
  std::string binary = dir.write("image.yaml", std::string("\x89PNG\r\n\x1a\n\0\0\0", 11));
  fs::create_directories(dir.path / "empty");
  LoadResult r = load_paths({binary, (dir.path / "missing.yaml").string(), (dir.path / "empty").string()});
  REQUIRE(r.errors.size() == 3);
  std::set<std::string> codes;
  for (const Diagnostic& d : r.errors) codes.emplace(d.code->name);
  CHECK(codes == std::set<std::string>{"binary-input", "unreadable-input", "no-manifests"});
}

TEST_CASE("invalid UTF-8 is an encoding error at its line") {
  TempDir dir;
  std::string path = dir.write("latin1.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caf\xe9\n");
  LoadResult r = load_paths({path});
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].code == &kYamlEncoding);
  CHECK(r.errors[0].mark.line == 4);
}

TEST_CASE("directories: sorted, recursive, hidden entries and chart sources skipped") {
  TempDir dir;
  dir.write("b.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n");
  dir.write("a/x.yml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: ax}\n");
  dir.write(".git/config.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: hidden}\n");
  dir.write("chart/Chart.yaml", "apiVersion: v2\nname: chart\n");
  dir.write("chart/templates/d.yaml", "{{ if .Values.x }}\n");
  dir.write("values.yaml", "replicaCount: 1\n");
  dir.write("notes.txt", "not a manifest\n");
  LoadResult r = load_paths({dir.path.string()});
  std::vector<std::string_view> names;
  for (const Resource& res : r.resources) names.push_back(res.name());
  CHECK(names == std::vector<std::string_view>{"ax", "b"});
  CHECK(r.errors.empty());
  std::set<std::string> codes;
  for (const Diagnostic& d : r.notices) codes.emplace(d.code->name);
  CHECK(codes == std::set<std::string>{"skipped-chart-source", "skipped-non-manifest"});
  // Paths are the argument joined with the walk's relative path, never made absolute otherwise.
  CHECK(r.files[r.resources[0].file()].path == (dir.path / "a" / "x.yml").string());
}

TEST_CASE("a directory loop through symlinks is an error, not a hang") {
  TempDir dir;
  dir.write("m/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: m}\n");
  fs::create_directory_symlink(dir.path / "m", dir.path / "m" / "loop");
  LoadResult r = load_paths({dir.path.string()});
  CHECK(r.resources.size() == 1);
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].code == &kDirectoryLoop);
}

TEST_CASE("gzip input streams through zlib; a truncated one is an error") {
  TempDir dir;
  std::string yaml = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: zipped\n";
  std::string gz_path = (dir.path / "dump.yaml.gz").string();
  gzFile gz = gzopen(gz_path.c_str(), "wb");
  gzwrite(gz, yaml.data(), static_cast<unsigned>(yaml.size()));
  gzclose(gz);
  LoadResult r = load_paths({gz_path});
  REQUIRE(r.resources.size() == 1);
  CHECK(r.resources[0].name() == "zipped");
  CHECK(r.resources[0].position() == Mark{1, 1});

  std::string bytes;
  {
    std::ifstream in(gz_path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::string truncated = dir.write("cut.yaml.gz", bytes.substr(0, bytes.size() / 2));
  LoadResult t = load_paths({truncated});
  REQUIRE(t.errors.size() == 1);
  CHECK(t.errors[0].message.find("truncated") != std::string::npos);
}

TEST_CASE("Secret data and last-applied bodies are never kept") {
  TempDir dir;
  std::string path =
      dir.write("secret.yaml",
                "apiVersion: v1\ndata:\n  password: aHVudGVyMg==\nkind: Secret\nmetadata:\n"
                "  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: |\n"
                "      {\"apiVersion\":\"v1\",\"data\":{\"password\":\"aHVudGVyMg==\"},\"kind\":\"Secret\"}\n"
                "  name: db\n  namespace: shop\ntype: Opaque\n");
  LoadResult r = load_paths({path});
  REQUIRE(r.resources.size() == 1);
  const Resource& secret = r.resources[0];
  CHECK_FALSE(secret.root()["data"].valid());
  // Only the apiVersion is read, never the body with the data; the key stays, for its position.
  CHECK(secret.annotation("kubectl.kubernetes.io/last-applied-configuration") == "");
  CHECK(secret.locate(R"(metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"])") == Mark{7, 5});
  CHECK(secret.last_applied_api_version() == "v1");
  CHECK_FALSE(secret.kept_whole());
  CHECK(secret.root()["type"].text() == "Opaque");
}

TEST_CASE("webhook configurations keep every field of their webhooks but the CA bundle") {
  TempDir dir;
  std::string path = dir.write("mwc.yaml",
                               "apiVersion: admissionregistration.k8s.io/v1\nkind: MutatingWebhookConfiguration\n"
                               "metadata:\n  name: istio-sidecar-injector\nwebhooks:\n"
                               "- clientConfig:\n    caBundle: LS0tLS1CRUdJTg==\n    service:\n      name: istiod\n"
                               "      namespace: istio-system\n  failurePolicy: Fail\n"
                               "  name: rev.namespace.sidecar-injector.istio.io\n  namespaceSelector:\n"
                               "    matchLabels:\n      istio.io/rev: default\n");
  LoadResult r = load_paths({path});
  REQUIRE(r.resources.size() == 1);
  NodeRef webhook = r.resources[0].root()["webhooks"].at(0);
  CHECK(webhook["name"].text() == "rev.namespace.sidecar-injector.istio.io");
  CHECK(webhook["failurePolicy"].text() == "Fail");
  CHECK(webhook["clientConfig"]["service"]["name"].text() == "istiod");
  CHECK(webhook["namespaceSelector"]["matchLabels"]["istio.io/rev"].text() == "default");
  CHECK_FALSE(webhook["clientConfig"]["caBundle"].valid());
}

TEST_CASE("a long sidecar.istio.io/status gives only the revision that injected the pod") {
  TempDir dir;
  // What istiod 1.27 writes with native sidecars and the CNI node agent: longer than
  // kMaxKeptAnnotationValue (1.20's plain sidecar status is about 250 characters).
  const std::string status =
      R"({"initContainers":["istio-validation","istio-proxy"],"containers":null,"volumes":["workload-socket",)"
      R"("credential-socket","workload-certs","istio-envoy","istio-data","istio-podinfo","istio-token",)"
      R"("istiod-ca-cert"],"imagePullSecrets":null,"revision":"canary-1-27-1"})";
  REQUIRE(status.size() > kMaxKeptAnnotationValue);
  const std::string old_status = R"({"version":")" + std::string(300, 'a') + R"(","containers":["istio-proxy"]})";
  std::string path = dir.write("pods.yaml",
                               "apiVersion: v1\nkind: Pod\nmetadata:\n  name: cart-1\n  annotations:\n"
                               "    sidecar.istio.io/status: '" +
                                   status +
                                   "'\n---\n"
                                   "apiVersion: v1\nkind: Pod\nmetadata:\n  name: cart-2\n  annotations:\n"
                                   "    sidecar.istio.io/status: '" +
                                   old_status + "'\n");
  LoadResult r = load_paths({path});
  REQUIRE(r.resources.size() == 2);
  CHECK(find(r, "Pod", "cart-1")->injected_revision() == "canary-1-27-1");
  CHECK(find(r, "Pod", "cart-1")->annotation("sidecar.istio.io/status") == "");
  // Before 1.11 the status names no revision: the key stays, so presence still shows.
  CHECK(find(r, "Pod", "cart-2")->injected_revision() == "");
  CHECK(find(r, "Pod", "cart-2")->annotation("sidecar.istio.io/status") == "");
}

TEST_CASE("the digested annotations are typed fields, read alike from YAML, a List and JSON") {
  TempDir dir;
  const std::string yaml =
      "apiVersion: v1\nkind: Pod\nmetadata:\n  name: cart-1\n  annotations:\n"
      "    sidecar.istio.io/status: '{\"containers\":[\"istio-proxy\"],\"revision\":\"1-24-2\"}'\n"
      "    kubectl.kubernetes.io/last-applied-configuration: |\n"
      "      {\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"cart-1\"}}\n"
      "---\napiVersion: networking.istio.io/v1beta1\nkind: Gateway\nmetadata:\n  name: ingress\n  annotations:\n"
      "    kubectl.kubernetes.io/last-applied-configuration: '{\"apiVersion\":\"networking.istio.io/v1alpha3\"}'\n";
  const std::string list =
      "apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    annotations:\n"
      "      kubectl.kubernetes.io/last-applied-configuration: |\n"
      "        {\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"cart-2\"}}\n"
      "      sidecar.istio.io/status: '{\"revision\":\"1-24-2\"}'\n"
      "    name: cart-2\nkind: List\nmetadata:\n  resourceVersion: \"\"\n";
  const std::string json = R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"cart-3","annotations":{)"
                           R"("sidecar.istio.io/status":"{\"revision\":\"1-24-2\"}",)"
                           R"("kubectl.kubernetes.io/last-applied-configuration":"{\"apiVersion\":\"v1\"}"}}})";
  LoadResult r = load_paths({dir.write("pods.yaml", yaml), dir.write("list.yaml", list), dir.write("pod.json", json)});
  REQUIRE(r.resources.size() == 4);
  for (std::string_view name : {"cart-1", "cart-2", "cart-3"}) {
    INFO(name);
    const Resource* pod = find(r, "Pod", name);
    REQUIRE(pod != nullptr);
    CHECK(pod->injected_revision() == "1-24-2");
    CHECK(pod->last_applied_api_version() == "v1");
    CHECK_FALSE(pod->kept_whole());
    CHECK(pod->helm_release() == nullptr);
  }
  const Resource* gateway = find(r, "Gateway", "ingress");
  CHECK(gateway->last_applied_api_version() == "networking.istio.io/v1alpha3");
  CHECK(gateway->injected_revision() == "");
  CHECK(gateway->kept_whole());  // every Istio kind is
  CHECK(gateway->annotation("kubectl.kubernetes.io/last-applied-configuration") == "");
}

TEST_CASE("upcheck collect's List records which kinds it gathered") {
  TempDir dir;
  std::string path = dir.write("snapshot.yaml",
                               "apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  annotations:\n"
                               "    upcheck.io/collected-kinds: PodDisruptionBudget, HorizontalPodAutoscaler\n");
  LoadResult r = load_paths({path});
  CHECK(r.resources.empty());
  CHECK(r.collected_kinds == std::set<std::string, std::less<>>{"HorizontalPodAutoscaler", "PodDisruptionBudget"});
}

namespace {

// Every kept node with its position, in document order.
void flatten(NodeRef node, std::string& out) {
  out += std::to_string(node.mark().line) + ":" + std::to_string(node.mark().column) + " " +
         std::to_string(static_cast<int>(node.type())) + " " + std::string(node.text()) + "\n";
  if (node.is_map())
    for (auto [k, v] : node.entries()) {
      flatten(k, out);
      flatten(v, out);
    }
  for (NodeRef e : node.elements()) flatten(e, out);
}

std::string everything(const LoadResult& r) {
  std::string out;
  for (const Resource& res : r.resources) {
    out += "--- " + res.display_name() + " " + std::string(res.last_applied_api_version()) + " " +
           std::string(res.injected_revision()) + (res.from_cluster() ? " live" : "") + "\n";
    flatten(res.root(), out);
  }
  for (const Diagnostic& d : r.errors)
    out += "error " + std::string(d.code->name) + " " + std::to_string(d.mark.line) + "\n";
  for (const Diagnostic& d : r.notices)
    out += "notice " + std::string(d.code->name) + " " + std::to_string(d.mark.line) + "\n";
  return out;
}

}  // namespace

TEST_CASE("the List-item prefilter changes nothing the rules can see") {
  const char* testdata = std::getenv("UPCHECK_TESTDATA");
  REQUIRE(testdata != nullptr);
  for (const char* dump : {"e2e/kubectl-yaml-dump/dump.yaml", "e2e/kubectl-dump-without-managed-fields/dump.yaml",
                           "e2e/helm-installed-istio-dump/dump.yaml"}) {
    std::string path = std::string(testdata) + "/" + dump;
    ::setenv("UPCHECK_NO_PREFILTER", "1", 1);
    LoadResult plain = load_paths({path});
    ::unsetenv("UPCHECK_NO_PREFILTER");
    LoadResult filtered = load_paths({path});
    INFO(dump);
    CHECK(plain.resources.size() > 5);
    std::string a = everything(plain), b = everything(filtered);
    if (a != b) {
      std::ofstream("/tmp/prefilter-plain.txt") << a;
      std::ofstream("/tmp/prefilter-filtered.txt") << b;
    }
    CHECK(a == b);
  }
}

namespace {

testing::HelmReleaseSpec istiod_release() {
  testing::HelmReleaseSpec spec;
  spec.config = {{"revision", "1-20-3"}, {"pilot", {{"env", {{"DB_PASSWORD", "s3cr3t-value-never-kept"}}}}}};
  spec.chart_values = {{"global", {{"hub", "docker.io/istio"}, {"tag", "1.20.3"}}}};
  spec.manifest =
      "---\n# Source: istiod/templates/poddisruptionbudget.yaml\napiVersion: policy/v1\n"
      "kind: PodDisruptionBudget\nmetadata:\n  name: istiod\n";
  return spec;
}

// Every scalar of a tree, for "is any of the data still there" checks.
std::string all_text(NodeRef node) {
  std::string out(node.text());
  out += '\n';
  if (node.is_map())
    for (auto [k, v] : node.entries()) out += all_text(k) + all_text(v);
  for (NodeRef e : node.elements()) out += all_text(e);
  return out;
}

std::string indent_item(const std::string& object) {
  std::string out = "- ";
  for (size_t i = 0; i < object.size(); ++i) {
    out += object[i];
    if (object[i] == '\n' && i + 1 < object.size()) out += "  ";
  }
  return out;
}

}  // namespace

TEST_CASE("a Helm release Secret is decoded at load into a summary; its data is never kept") {
  TempDir dir;
  testing::HelmReleaseSpec spec = istiod_release();
  std::string data = codec::encode_base64(testing::helm3_encoded_release(spec));
  std::string secret = testing::helm3_secret_yaml(spec);
  // As kubectl prints it (data before kind), as a manifest orders it (kind first), in a List
  // (through the prefilter, with several parse threads), and as JSON.
  std::string manifest_order =
      "apiVersion: v1\nkind: Secret\ntype: helm.sh/release.v1\nmetadata:\n"
      "  name: sh.helm.release.v1.istiod.v1\n  namespace: istio-system\n  labels:\n"
      "    owner: helm\n    name: istiod\n    status: deployed\n    version: \"1\"\n"
      "data:\n  release: " +
      data + "\n";
  std::string list = "apiVersion: v1\nitems:\n" + indent_item(secret) + indent_item(manifest_order) +
                     "kind: List\nmetadata:\n  resourceVersion: \"\"\n";
  std::string json = R"({"apiVersion":"v1","kind":"Secret","type":"helm.sh/release.v1","data":{"release":")" + data +
                     R"("},"metadata":{"name":"sh.helm.release.v1.istiod.v1","namespace":"istio-system","uid":"1",)"
                     R"("labels":{"owner":"helm","name":"istiod","status":"deployed","version":"1"}}})";
  std::vector<std::string> paths = {dir.write("kubectl.yaml", secret), dir.write("manifest.yaml", manifest_order),
                                    dir.write("list.yaml", list), dir.write("secret.json", json)};
  LoadResult r = load_paths(paths, 2, 4096);
  CHECK(r.errors.empty());
  CHECK(r.notices.empty());
  REQUIRE(r.resources.size() == 5);
  for (const Resource& record : r.resources) {
    INFO(r.files[record.file()].path);
    CHECK_FALSE(record.root()["data"].valid());
    std::string text = all_text(record.root());
    CHECK(text.find(data.substr(0, 24)) == std::string::npos);
    CHECK(text.find("s3cr3t") == std::string::npos);
    CHECK(record.memory_bytes() < 4096);
    std::optional<HelmRelease> release = helm_release_of(record);
    REQUIRE(release);
    CHECK(release->summary.decoded);
    CHECK(release->summary.chart == "istiod");
    CHECK(release->summary.chart_version == "1.20.3");
    CHECK(release->summary.revision == 1);
    CHECK(release->summary.values.revision == std::optional<std::string>("1-20-3"));
    CHECK(release->summary.values.global_tag == std::optional<std::string>("1.20.3"));
    REQUIRE(release->summary.manifest_kinds.size() == 1);
    CHECK(release->summary.manifest_kinds[0].kind == "PodDisruptionBudget");
    // The summary points at the record's name, never at its data.
    REQUIRE(record.helm_release() != nullptr);
    CHECK(record.helm_release()->chart == "istiod");
    CHECK(record.helm_release_position() == record.locate("metadata.name"));
    CHECK(record.helm_release_position().known());
  }
}

TEST_CASE("a Helm release record that cannot be decoded is a notice, not a failure") {
  TempDir dir;
  testing::HelmReleaseSpec spec = istiod_release();
  std::string corrupt = testing::helm3_secret_yaml_with_data(spec, codec::encode_base64("H4sIAAAA-not-a-release"));
  testing::HelmReleaseSpec old = spec;
  old.revision = 2;
  old.status = "superseded";
  LoadResult r =
      load_paths({dir.write("corrupt.yaml", corrupt), dir.write("old.yaml", testing::helm3_secret_yaml(old))});
  CHECK(r.errors.empty());
  REQUIRE(r.notices.size() == 1);
  CHECK(r.notices[0].code == &kHelmReleaseUndecodable);
  CHECK(r.notices[0].message ==
        "Helm release record Secret istio-system/sh.helm.release.v1.istiod.v1 could not be decoded (data.release is "
        "not base64): rules know only its labels");
  REQUIRE(r.resources.size() == 2);
  for (const Resource& record : r.resources) {
    std::optional<HelmRelease> release = helm_release_of(record);
    REQUIRE(release);
    CHECK_FALSE(release->summary.decoded);  // corrupt, or superseded (never decoded)
    CHECK(release->summary.name == "istiod");
    CHECK(release->summary.ns == "istio-system");
    CHECK_FALSE(record.root()["data"].valid());
  }
  CHECK(helm_release_of(r.resources[1])->summary.status == "superseded");
  CHECK(helm_release_of(r.resources[1])->summary.revision == 2);
}

TEST_CASE("Helm 3 ConfigMap records and Tiller's are decoded; their data is dropped") {
  TempDir dir;
  testing::HelmReleaseSpec spec = istiod_release();
  testing::HelmReleaseSpec tiller;
  tiller.name = "istio-init";  // its record, istio-init.v4, is named like Istio's own ConfigMaps
  tiller.chart = "istio-init";
  tiller.chart_version = tiller.app_version = "1.1.7";
  tiller.status = "DEPLOYED";
  tiller.revision = 4;
  tiller.manifest =
      "---\n# Source: istio/charts/galley/templates/deployment.yaml\napiVersion: extensions/v1beta1\n"
      "kind: Deployment\nmetadata:\n  name: istio-galley\n";
  // Tiller's secret driver: the same record in a Secret, base64'd once more by the API server.
  std::string tiller_secret = testing::tiller_configmap_yaml(tiller);
  size_t at = tiller_secret.find("release: ") + 9;
  size_t end = tiller_secret.find('\n', at);
  tiller_secret.replace(at, end - at, codec::encode_base64(tiller_secret.substr(at, end - at)));
  tiller_secret.replace(tiller_secret.find("kind: ConfigMap"), 15, "kind: Secret");
  LoadResult r = load_paths({dir.write("cm.yaml", testing::helm3_configmap_yaml(spec)),
                             dir.write("tiller.yaml", testing::tiller_configmap_yaml(tiller)),
                             dir.write("tiller-secret.yaml", tiller_secret)});
  CHECK(r.notices.empty());
  REQUIRE(r.resources.size() == 3);
  std::optional<HelmRelease> ts = helm_release_of(r.resources[2]);
  REQUIRE(ts);
  CHECK(ts->summary.storage == HelmStorage::TillerSecret);
  CHECK(ts->summary.chart_version == "1.1.7");
  CHECK(ts->summary.decoded);
  std::optional<HelmRelease> cm = helm_release_of(r.resources[0]);
  REQUIRE(cm);
  CHECK(cm->summary.storage == HelmStorage::ConfigMap);
  CHECK(cm->summary.chart == "istiod");
  std::optional<HelmRelease> t = helm_release_of(r.resources[1]);
  REQUIRE(t);
  CHECK(t->summary.storage == HelmStorage::TillerConfigMap);
  CHECK(t->summary.chart_version == "1.1.7");
  CHECK(t->summary.status == "deployed");
  CHECK(t->summary.revision == 4);
  CHECK(t->summary.manifest_kinds.at(0).api_version == "extensions/v1beta1");
  CHECK(r.resources[1].ns() == "kube-system");
  for (const Resource& record : r.resources) CHECK_FALSE(record.root()["data"].valid());
}

TEST_CASE("objects from a live cluster are told from manifests by metadata.uid") {
  TempDir dir;
  std::string live =
      "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: a\n  namespace: x\n"
      "  uid: 0b3b9e3c-1f0e-4a57-8a5b-6c3a9d2f1e10\nspec:\n  minAvailable: 1\n";
  std::string manifest =
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: b\nspec:\n  template:\n"
      "    metadata:\n      uid: not-the-object\n";
  std::string list =
      "apiVersion: v1\nitems:\n" + indent_item(live) + indent_item(manifest) + "kind: List\nmetadata: {}\n";
  LoadResult r =
      load_paths({dir.write("live.yaml", live), dir.write("manifest.yaml", manifest), dir.write("list.yaml", list)});
  REQUIRE(r.resources.size() == 4);
  CHECK(r.resources[0].from_cluster());
  CHECK_FALSE(r.resources[1].from_cluster());
  CHECK(r.resources[2].from_cluster());
  CHECK_FALSE(r.resources[3].from_cluster());
  // The uid itself is not kept.
  CHECK_FALSE(r.resources[0].metadata()["uid"].valid());
  CHECK_FALSE(r.resources[2].metadata()["uid"].valid());
}

TEST_CASE("a Helm release stub from upcheck collect reads like a decoded release") {
  TempDir dir;
  std::string path = dir.write("snapshot.yaml", R"(apiVersion: v1
items:
- apiVersion: v1
  kind: Secret
  metadata:
    annotations:
      upcheck.io/helm-app-version: 1.20.3
      upcheck.io/helm-chart: istiod
      upcheck.io/helm-chart-version: 1.20.3
      upcheck.io/helm-release: istiod
      upcheck.io/helm-release-stub: v1
      upcheck.io/helm-revision: "2"
      upcheck.io/helm-status: deployed
      upcheck.io/helm-values: '{"defaultRevision":"","global":{"hub":"docker.io/istio","tag":"1.20.3"},"revision":"","revisionTags":["stable"]}'
    labels:
      name: istiod
      owner: helm
      status: deployed
      version: "2"
    name: sh.helm.release.v1.istiod.v2
    namespace: istio-system
  type: helm.sh/release.v1
kind: List
metadata:
  resourceVersion: ""
)");
  LoadResult r = load_paths({path});
  REQUIRE(r.errors.empty());
  Snapshot snapshot(std::move(r.files), std::move(r.resources));
  std::vector<HelmRelease> releases = helm_releases(snapshot);
  REQUIRE(releases.size() == 1);
  const HelmReleaseSummary& s = releases[0].summary;
  CHECK(s.decoded);
  CHECK(s.name == "istiod");
  CHECK(s.ns == "istio-system");
  CHECK(s.chart == "istiod");
  CHECK(s.chart_version == "1.20.3");
  CHECK(s.revision == 2);
  CHECK(s.status == "deployed");
  CHECK(s.values.global_tag == "1.20.3");
  CHECK(s.values.revision_tags == std::vector<std::string>{"stable"});
}

TEST_CASE("duplicate keys of a huge mapping are found in linear time, against their first occurrence") {
  TempDir dir;
  std::string text = "apiVersion: networking.istio.io/v1alpha3\nkind: VirtualService\nmetadata:\n  name: keys\nspec:\n";
  for (int i = 0; i < 200'000; ++i) text += "  k" + std::to_string(i) + ": 1\n";
  text += "  k7: 2\n  k7: 3\n";
  std::string path = dir.write("keys.yaml", text);
  const auto start = std::chrono::steady_clock::now();
  LoadResult r = load_paths({path});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  REQUIRE(r.resources.size() == 1);
  CHECK(r.resources[0].spec()["k7"].text() == "3");
  REQUIRE(r.notices.size() == 2);
  CHECK(r.notices[0].mark == Mark{200'006, 3});
  CHECK(r.notices[0].message.find("first at line 13, column 3") != std::string::npos);
  CHECK(r.notices[1].mark == Mark{200'007, 3});
  CHECK(r.notices[1].message.find("first at line 13, column 3") != std::string::npos);
  CHECK(seconds < 30);  // a hang guard, not a benchmark: comparing every pair of keys took over a minute
}

TEST_CASE("symlinks fanning out to millions of paths: each directory is read once") {
  TempDir dir;
  // level0 -> two links to level1 -> two links to level2 ... 2^24 paths to the last level.
  constexpr int kLevels = 24;
  for (int level = 0; level <= kLevels; ++level) fs::create_directories(dir.path / ("level" + std::to_string(level)));
  for (int level = 0; level < kLevels; ++level)
    for (const char* link : {"left", "right"})
      fs::create_directory_symlink(dir.path / ("level" + std::to_string(level + 1)),
                                   dir.path / ("level" + std::to_string(level)) / link);
  dir.write("level" + std::to_string(kLevels) + "/ns.yaml",
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: deepest}\n");
  const auto start = std::chrono::steady_clock::now();
  LoadResult r = load_paths({(dir.path / "level0").string()});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(r.resources.size() == 1);
  CHECK(r.errors.empty());
  size_t revisits = 0;
  for (const Diagnostic& d : r.notices) revisits += d.code == &kDuplicateDirectory;
  CHECK(revisits == kLevels);
  CHECK(seconds < 5);
}

TEST_CASE("a mapping or element whose every key the List-item prefilter drops stays a mapping") {
  TempDir dir;
  // Found by fuzz_yaml_loader: the prefilter blanked the keys, which left "-" or "key:" alone, and
  // those read as null.
  std::string path = dir.write("pods.yaml",
                               "apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: p\n"
                               "  spec:\n    containers:\n    - image: istio/proxyv2:1.1.7\n      name: istio-proxy\n"
                               "    - args:\n      - proxy\n- apiVersion: v1\n  kind: Pod\n  metadata:\n"
                               "    generateName: q-\nkind: List\n");
  ::setenv("UPCHECK_NO_PREFILTER", "1", 1);
  LoadResult plain = load_paths({path});
  ::unsetenv("UPCHECK_NO_PREFILTER");
  LoadResult filtered = load_paths({path});
  REQUIRE(filtered.resources.size() == 2);
  NodeRef element = filtered.resources[0].spec()["containers"].at(1);
  CHECK(element.is_map());
  CHECK(element.mark() == Mark{11, 7});
  NodeRef metadata = filtered.resources[1].root()["metadata"];
  CHECK(metadata.is_map());
  CHECK(metadata.mark() == Mark{16, 5});
  CHECK(everything(plain) == everything(filtered));
}

TEST_CASE("lines are '\\n' lines even where libyaml counts a lone CR, NEL, LS or PS as a break") {
  TempDir dir;
  // libyaml reads "kind" on a line of its own after the lone CR; upcheck, grep and editors do not.
  const std::string cr = "apiVersion: v1\rkind: ConfigMap\nmetadata:\n  name: a\r  namespace: x\n";
  const std::string crlf = "apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: b\r\n";
  const std::string ls = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\xE2\x80\xA8  namespace: y\n";
  const std::string nel = "apiVersion: v1\nkind: ConfigMap\nmetadata: # \xC3\xA9t\xC3\xA9\xC2\x85  name: d\n";
  const std::string broken = "apiVersion: v1\r\r\r\rkind: ConfigMap\nmetadata:\n  name: [e\n";
  LoadResult r = load_paths({dir.write("cr.yaml", cr), dir.write("crlf.yaml", crlf), dir.write("ls.yaml", ls),
                             dir.write("nel.yaml", nel), dir.write("broken.yaml", broken)});
  REQUIRE(r.resources.size() == 4);
  const Resource& a = r.resources[0];
  CHECK(a.name() == "a");
  CHECK(a.position() == Mark{1, 1});
  CHECK(a.locate("kind") == Mark{1, 16});  // after "apiVersion: v1\r": 15 code points
  CHECK(a.locate("metadata.name") == Mark{3, 3});
  CHECK(a.locate("metadata.namespace") == Mark{3, 13});  // "  name: a\r" is 10 code points, then 2 spaces
  CHECK(a.ns() == "x");
  CHECK(r.resources[1].locate("metadata.name") == Mark{4, 3});
  CHECK(r.resources[2].locate("metadata.namespace") == Mark{4, 13});  // "  name: c" + LS: 10, then 2 spaces
  CHECK(r.resources[2].ns() == "y");
  // NEL ends the comment: "metadata: # été" is 15 code points, NEL the 16th.
  CHECK(r.resources[3].locate("metadata.name") == Mark{3, 19});
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].code == &kYamlSyntax);
  CHECK(r.errors[0].mark.line >= 3);
  CHECK(r.errors[0].mark.line <= 4);
}

TEST_CASE("List items with lone CRs are read alike with and without the prefilter, at '\\n' lines") {
  TempDir dir;
  std::string list = "apiVersion: v1\nitems:\n";
  for (int i = 0; i < 40; ++i)
    list += "- apiVersion: v1\n  kind: ConfigMap\n  data:\n    k: v\r  metadata:\n    name: cm" + std::to_string(i) +
            "\n    namespace: x\n";
  list += "kind: List\nmetadata:\n  resourceVersion: \"\"\n";
  const std::string path = dir.write("list.yaml", list);
  LoadResult filtered = load_paths({path}, 2, 256);
  REQUIRE(filtered.resources.size() == 40);
  // "metadata" sits on the line of "k: v\r" for upcheck; libyaml reads it as the item's own key.
  CHECK(filtered.resources[0].name() == "cm0");
  CHECK(filtered.resources[0].locate("metadata") == Mark{6, 12});
  CHECK(filtered.resources[39].locate("metadata.name") == Mark{3 + 39 * 6 + 4, 5});
  ::setenv("UPCHECK_NO_PREFILTER", "1", 1);
  LoadResult plain = load_paths({path}, 1);
  ::unsetenv("UPCHECK_NO_PREFILTER");
  REQUIRE(plain.resources.size() == 40);
  for (size_t i = 0; i < 40; ++i) {
    CHECK(plain.resources[i].name() == filtered.resources[i].name());
    CHECK(plain.resources[i].locate("metadata.name") == filtered.resources[i].locate("metadata.name"));
  }
}

namespace {

// UTF-8 text as UTF-16 with its byte order mark. `unpaired` inserts a lone high surrogate where
// the text has a '~'.
std::string utf16(std::string_view utf8, bool little_endian, bool unpaired = false) {
  std::string out = little_endian ? "\xFF\xFE" : "\xFE\xFF";
  auto unit = [&](uint32_t u) {
    const char hi = static_cast<char>(u >> 8), lo = static_cast<char>(u & 0xFF);
    out += little_endian ? lo : hi;
    out += little_endian ? hi : lo;
  };
  for (size_t i = 0; i < utf8.size();) {
    const auto b = static_cast<unsigned char>(utf8[i]);
    uint32_t cp;
    size_t len;
    if (b < 0x80)
      cp = b, len = 1;
    else if (b < 0xE0)
      cp = b & 0x1F, len = 2;
    else if (b < 0xF0)
      cp = b & 0x0F, len = 3;
    else
      cp = b & 0x07, len = 4;
    for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
    i += len;
    if (unpaired && cp == '~') {
      unit(0xD800);
      continue;
    }
    if (cp >= 0x10000) {
      unit(0xD800 + ((cp - 0x10000) >> 10));
      unit(0xDC00 + ((cp - 0x10000) & 0x3FF));
    } else {
      unit(cp);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("UTF-16 with a byte order mark reads as kubectl reads it: the same objects at the same places") {
  // What Windows PowerShell 5 writes for `kubectl get -A -o yaml > dump.yaml`: UTF-16LE, CRLF.
  std::string text = "apiVersion: v1\r\nitems:\n";
  for (int i = 0; i < 300; ++i)
    text +=
        "- apiVersion: v1\r\n  kind: Service\r\n  metadata:\r\n    annotations:\r\n      note: \"caf\xC3\xA9 "
        "\xF0\x9F\x9A\x80\"\r\n"
        "      auth.istio.io/8000: NONE\r\n    name: svc" +
        std::to_string(i) + "\r\n    namespace: shop\r\n";
  text += "kind: List\r\nmetadata:\r\n  resourceVersion: \"\"\r\n";
  TempDir dir;
  const std::string utf8_path = dir.write("utf8.yaml", text);
  const std::string le_path = dir.write("le.yaml", utf16(text, true));
  const std::string be_path = dir.write("be.yaml", utf16(text, false));
  const std::string gz_path = (dir.path / "le.yaml.gz").string();
  const std::string le_bytes = utf16(text, true);
  gzFile gz = gzopen(gz_path.c_str(), "wb");
  gzwrite(gz, le_bytes.data(), static_cast<unsigned>(le_bytes.size()));
  gzclose(gz);
  LoadResult expected = load_paths({utf8_path});
  REQUIRE(expected.errors.empty());
  REQUIRE(expected.resources.size() == 300);
  // Small chunks: code points and surrogate pairs are cut by blocks and chunks alike.
  for (const std::string& path : {le_path, be_path, gz_path}) {
    INFO(path);
    LoadResult r = load_paths({path}, 2, 4096);
    CHECK(r.errors.empty());
    REQUIRE(r.resources.size() == 300);
    for (size_t i = 0; i < 300; ++i) {
      CHECK(r.resources[i].name() == expected.resources[i].name());
      CHECK(r.resources[i].position() == expected.resources[i].position());
      CHECK(r.resources[i].locate("metadata.annotations[\"auth.istio.io/8000\"]") ==
            expected.resources[i].locate("metadata.annotations[\"auth.istio.io/8000\"]"));
    }
    CHECK(r.resources[299].locate("metadata.name") == Mark{3 + 299 * 8 + 6, 5});
  }
  // A lone surrogate becomes U+FFFD, as Go's decoder (and so kubectl) makes it.
  const std::string lone = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \"a~b\"\n  namespace: x\n";
  LoadResult r = load_paths({dir.write("lone.yaml", utf16(lone, true, true))});
  CHECK(r.errors.empty());
  REQUIRE(r.resources.size() == 1);
  CHECK(r.resources[0].name() ==
        "a\xEF\xBF\xBD"
        "b");
  // So does an odd last byte: here a stray character after the last line, a syntax error there.
  r = load_paths({dir.write("odd.yaml", utf16(lone, false) + "\x41")});
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].mark.line == 6);
  CHECK(r.resources.empty());
}

TEST_CASE("whether the prefilter reads an item does not depend on the other items of its chunk") {
  // Found by fuzz_yaml_loader: one item with a lone CR turned the prefilter off for its whole chunk,
  // so a syntax error in another item's dropped subtree (here under `status`) was reported with
  // 1 MiB chunks and not with one item per chunk. The prefilter now leaves only that item alone.
  TempDir dir;
  std::string list =
      "apiVersion: v1\nitems:\n"
      "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a\r    namespace: x\n"
      "- apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: b\n    namespace: x\n"
      "  status:\n    replicas: 1\n   readyReplicas: 1\n"
      "kind: List\nmetadata:\n  resourceVersion: \"\"\n";
  const std::string path = dir.write("list.yaml", list);
  const LoadResult whole = load_paths({path}, 1);
  const LoadResult cut = load_paths({path}, 1, 48);
  REQUIRE(whole.resources.size() == 2);
  REQUIRE(cut.resources.size() == 2);
  CHECK(whole.errors.size() == cut.errors.size());
  CHECK(whole.resources[0].ns() == "x");
  CHECK(whole.resources[1].locate("metadata.name") == cut.resources[1].locate("metadata.name"));
}

TEST_CASE("a kind or apiVersion given twice is what the last one says") {
  // Found by fuzz_json_loader: `kind:` again, with a mapping, left an object without a kind.
  TempDir dir;
  const std::string path = dir.write("twice.yaml",
                                     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\nkind:\n  nested: 1\n"
                                     "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  namespace: x\n"
                                     "kind: Service\n");
  LoadResult r = load_paths({path});
  REQUIRE(r.resources.size() == 1);
  CHECK(r.resources[0].kind() == "Service");
  CHECK(r.resources[0].name() == "b");
  std::vector<std::string> codes;
  for (const Diagnostic& d : r.notices) codes.emplace_back(d.code->name);
  CHECK(std::count(codes.begin(), codes.end(), "missing-kind") == 1);
  CHECK(std::count(codes.begin(), codes.end(), "duplicate-key") == 1);
}

TEST_CASE("a quoted value that goes on to the next lines turns the prefilter off for its item") {
  // Found by fuzz_yaml_loader: libyaml lets a quoted scalar's next lines sit at the key's own
  // indentation; the prefilter took them for keys, and the filtered parse failed where the
  // unfiltered one did not.
  TempDir dir;
  std::string list =
      "apiVersion: v1\nitems:\n"
      "- apiVersion: v1\n  kind: Namespace\n  metadata:\n    creationTimestamp: '2024-03-02\n"
      "    T09:14:27Z'\n    name: a\n"
      "- apiVersion: v1\n  kind: Namespace\n  metadata:\n    labels:\n      note: \"it \\\"goes\n"
      "      on\\\" here\"\n    name: b\n"
      "kind: List\nmetadata:\n  resourceVersion: \"\"\n";
  const std::string path = dir.write("list.yaml", list);
  const LoadResult filtered = load_paths({path}, 1, 48);
  ::setenv("UPCHECK_NO_PREFILTER", "1", 1);
  const LoadResult plain = load_paths({path}, 1, 48);
  ::unsetenv("UPCHECK_NO_PREFILTER");
  CHECK(filtered.errors.empty());
  CHECK(plain.errors.empty());
  REQUIRE(filtered.resources.size() == 2);
  REQUIRE(plain.resources.size() == 2);
  CHECK(filtered.resources[0].name() == "a");
  CHECK(filtered.resources[1].locate("metadata.name") == plain.resources[1].locate("metadata.name"));
  CHECK(filtered.resources[1].labels()["note"].text() == "it \"goes on\" here");
}

namespace {

std::string read_whole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool has_code(const std::vector<Diagnostic>& ds, std::string_view code) {
  return std::any_of(ds.begin(), ds.end(), [&](const Diagnostic& d) { return d.code->name == code; });
}

}  // namespace

TEST_CASE("a kubectl List cut before its `kind: List` is an input error that says what was read and where it ends") {
  TempDir dir;
  std::string whole = kKubectlList;
  const size_t cut = whole.find("- apiVersion: v1\n  kind: Service") + 30;
  LoadResult r = load_paths({dir.write("cut.yaml", whole.substr(0, cut))});
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].code->name == "truncated-input");
  CHECK(r.errors[0].mark == Mark{22, 14});
  CHECK(r.errors[0].message.find("1 item was read; the item at line 21, maybe incomplete, was skipped") !=
        std::string::npos);
  REQUIRE(r.resources.size() == 1);  // the half Service is not read as a whole one
  CHECK(r.resources[0].kind() == "Deployment");
  CHECK(has_code(r.notices, "no-final-newline"));

  // Cut after a whole line: still an error, though the file ends with a newline.
  const size_t at_line = whole.find("  kind: Service\n") + 16;
  LoadResult lines = load_paths({dir.write("cut-lines.yaml", whole.substr(0, at_line))});
  CHECK(has_code(lines.errors, "truncated-input"));
  CHECK_FALSE(has_code(lines.notices, "no-final-newline"));

  // Cut inside the trailer's `kind: List`.
  const size_t in_kind = whole.rfind("kind: List") + 7;
  CHECK(has_code(load_paths({dir.write("cut-kind.yaml", whole.substr(0, in_kind))}).errors, "truncated-input"));

  // Whole: no error, no notice.
  LoadResult full = load_paths({dir.write("whole.yaml", whole)});
  CHECK(full.errors.empty());
  CHECK_FALSE(has_code(full.notices, "no-final-newline"));
}

TEST_CASE("inputs that do not end as kubectl Lists end have no trailer to miss") {
  TempDir dir;
  // A List that names its kind first; a multi-document manifest; a single object.
  for (const char* text :
       {"kind: List\napiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: a\n",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Namespace\n",
        "apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: a\n---\n"
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n"}) {
    LoadResult r = load_paths({dir.write("in.yaml", text)});
    INFO(text);
    CHECK(r.errors.empty());
  }
  // A file without its last newline: a notice, not an error.
  LoadResult no_newline = load_paths({dir.write("nonl.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a")});
  CHECK(no_newline.errors.empty());
  REQUIRE(has_code(no_newline.notices, "no-final-newline"));
  CHECK(no_newline.notices.back().mark == Mark{4, 10});
}

TEST_CASE("every cut of a real kubectl dump is an input error, unless it falls after the List's kind") {
  const char* testdata = std::getenv("UPCHECK_TESTDATA");
  REQUIRE(testdata != nullptr);
  // (The second dump's leading comment: a cut inside it is an empty input.)
  for (const char* dump : {"e2e/kubectl-yaml-dump/dump.yaml", "e2e/helm-installed-istio-dump/dump.yaml"}) {
    const std::string whole = read_whole(std::string(testdata) + "/" + dump);
    const size_t complete_from = whole.rfind("\nkind: List") + 11;
    TempDir dir;
    constexpr size_t kCuts = 50;
    for (size_t k = 1; k <= kCuts; ++k) {
      const size_t cut = k * whole.size() / (kCuts + 1);
      LoadResult r = load_paths({dir.write("cut.yaml", whole.substr(0, cut))}, 2, 16u << 10);
      INFO(dump << " cut at byte " << cut);
      CHECK((cut >= complete_from || !r.errors.empty()));
    }
  }
}

TEST_CASE("an input with no objects at all is an error when nothing else was read, a notice beside other inputs") {
  TempDir dir;
  const std::string ns = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n";
  for (const char* empty : {"", "# only a comment\n", "\xEF\xBB\xBF", "---\n---\n# x\n...\n", "\n  \n"}) {
    INFO("input: " << std::string(empty));
    LoadResult alone = load_paths({dir.write("empty.yaml", empty)});
    REQUIRE(alone.errors.size() == 1);
    CHECK(alone.errors[0].code->name == "no-objects");
    CHECK(alone.errors[0].file == 0);

    LoadResult beside = load_paths({dir.write("a.yaml", ns), dir.write("empty.yaml", empty)});
    CHECK(beside.errors.empty());
    REQUIRE(beside.notices.size() == 1);
    CHECK(beside.notices[0].code->name == "empty-input");
    CHECK(beside.notices[0].file == 1);
  }
  // /dev/null, and a directory of empty manifests.
  CHECK(has_code(load_paths({"/dev/null"}).errors, "no-objects"));
  dir.write("d/x.yaml", "");
  dir.write("d/y.yaml", "# nothing\n");
  LoadResult walked = load_paths({(dir.path / "d").string()});
  CHECK(walked.errors.size() == 2);
  // An empty List is what kubectl prints for a kind the cluster has none of: not an empty input.
  LoadResult list = load_paths({dir.write("list.yaml", "apiVersion: v1\nitems: []\nkind: List\nmetadata: {}\n")});
  CHECK(list.errors.empty());
  CHECK(list.notices.empty());
}
