// The pieces of `upcheck collect` on their own: the process runner, kubectl's error messages,
// the YAML writer (read back by libyaml through upcheck's own loader, and by yaml-cpp), the
// snapshot file, and Helm release decoding. tests/collect/ drives the whole command.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "codec/base64.hpp"
#include "codec/gzip.hpp"
#include "collect/child_process.hpp"
#include "collect/helm_release_stub.hpp"
#include "collect/kubectl.hpp"
#include "collect/snapshot_file.hpp"
#include "collect/yaml_list_writer.hpp"
#include "istio/helm_release.hpp"
#include "load/loader.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace upcheck;
using namespace upcheck::collect;

namespace {

// What `kubectl get secret -o json` shows of a release Helm 3 stored: base64 (Kubernetes) of
// base64 (Helm) of gzip of the release JSON.
json helm_secret(const json& release, bool compressed = true) {
  std::string payload = release.dump();
  std::string helm = codec::encode_base64(compressed ? codec::gzip_best(payload) : payload);
  return {{"apiVersion", "v1"},
          {"kind", "Secret"},
          {"type", "helm.sh/release.v1"},
          {"metadata",
           {{"name", "sh.helm.release.v1.istiod.v3"},
            {"namespace", "istio-system"},
            {"labels", {{"name", "istiod"}, {"owner", "helm"}, {"status", "deployed"}, {"version", "3"}}},
            {"annotations", {{"kubectl.kubernetes.io/last-applied-configuration", "{\"data\":\"leak\"}"}}}}},
          {"data", {{"release", codec::encode_base64(helm)}}}};
}

json istiod_release() {
  return {{"name", "istiod"},
          {"namespace", "istio-system"},
          {"version", 3},
          {"info", {{"status", "deployed"}, {"notes", "s3cret-note"}}},
          {"chart",
           {{"metadata", {{"name", "istiod"}, {"version", "1.20.3"}, {"appVersion", "1.20.3"}}},
            {"values",
             {{"revision", ""},
              {"revisionTags", json::array()},
              {"global", {{"hub", "gcr.io/istio-release"}, {"tag", "1.20.3"}, {"proxy", {{"image", "proxyv2"}}}}},
              {"pilot", {{"replicaCount", 1}}}}}}},
          {"config",
           {{"revision", "canary"},
            {"global", {{"tag", 1.2}, {"password", "s3cret-value"}}},
            {"defaultRevision", {{"not", "a scalar"}}}}},
          {"manifest", "kind: Secret\ndata:\n  token: s3cret-manifest\n"}};
}

const json kTrickyStrings = {"true",
                             "yes",
                             "Off",
                             "null",
                             "~",
                             "",
                             "1.20",
                             "0777",
                             "0x1F",
                             "1e3",
                             "2024-01-10",
                             ".inf",
                             " leading",
                             "trailing ",
                             "a: b",
                             "key:",
                             "a #comment",
                             "- item",
                             "it's \"quoted\"",
                             "C:\\path",
                             "a\tb",
                             "h\u00e9llo \u2713",
                             "a\u2028b",
                             "a\u0085b",
                             "bell\u0007",
                             "del\u007f",
                             "line one\nline two\n",
                             "line one\nline two",
                             "line one\n\n\n",
                             "  indented\nsecond\n",
                             "a  \nb\n",
                             "a\n\n   \nb\n",
                             "a\r\nb\r\n",
                             "*alias",
                             "&anchor",
                             "!tag",
                             "%d",
                             "@at",
                             "`tick",
                             "{a: 1}",
                             "[1, 2]",
                             "a,b",
                             "? q",
                             "| p",
                             "> g",
                             "\n",
                             "\nleading newline\n",
                             "=",
                             "<<",
                             "y",
                             "N",
                             "docker.io/istio/pilot:1.20.3",
                             "Upgrade complete",
                             "two  spaces",
                             "ends with newline and tab\t\n",
                             "mesh: |\n  nested: true\n"};

json tricky_object() {
  json data = json::object();
  for (size_t i = 0; i < kTrickyStrings.size(); ++i) data[fmt::format("k{}", i)] = kTrickyStrings[i];
  data["key with: colon"] = "v";
  data["1.5"] = "numeric key";
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", "istio-tricky"}, {"namespace", "istio-system"}}},
          {"data", data},
          {"list",
           {kTrickyStrings, json::array({json::array({1, 2}), json::object(), json::array(), nullptr, true, 7, -2.5,
                                         json{{"a", json::array({"x"})}}})}}};
}

// yaml-cpp's view of a node, as JSON: scalars as strings (yaml-cpp does not resolve types).
json as_json(const YAML::Node& node) {
  if (node.IsMap()) {
    json out = json::object();
    for (const auto& entry : node) out[entry.first.as<std::string>()] = as_json(entry.second);
    return out;
  }
  if (node.IsSequence()) {
    json out = json::array();
    for (const auto& element : node) out.push_back(as_json(element));
    return out;
  }
  if (node.IsNull()) return nullptr;
  return node.as<std::string>();
}

// The same with every scalar as the string YAML's core schema shows it: what yaml-cpp returns.
json stringified(const json& value) {
  if (value.is_object()) {
    json out = json::object();
    for (auto it = value.begin(); it != value.end(); ++it) out[it.key()] = stringified(it.value());
    return out;
  }
  if (value.is_array()) {
    json out = json::array();
    for (const json& e : value) out.push_back(stringified(e));
    return out;
  }
  if (value.is_null()) return nullptr;
  return value.is_string() ? value : json(value.dump());
}

fs::path temp_dir() {
  fs::path dir = fs::temp_directory_path() / fmt::format("upcheck-collect-test-{}", ::getpid());
  fs::create_directories(dir);
  return dir;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("strings are plain only when no YAML reader can take them for anything else") {
  CHECK(yaml_scalar("istiod", 0) == "istiod");
  CHECK(yaml_scalar("docker.io/istio/pilot:1.20.3", 0) == "docker.io/istio/pilot:1.20.3");
  CHECK(yaml_scalar("Upgrade complete", 0) == "Upgrade complete");
  for (const char* s : {"true", "yes", "Off", "null", "y", "1.20", "0777", "", " x", "x ", "a: b", "key:", "- a", "=",
                        ".inf", "~", "a #b"})
    CHECK_MESSAGE(yaml_scalar(s, 0).front() == '"', s);
  CHECK(yaml_scalar("bell\x07", 0) == "\"bell\\u0007\"");
  CHECK(yaml_scalar("a\xE2\x80\xA8"
                    "b",
                    0) == "\"a\\u2028b\"");
  CHECK(yaml_scalar("line one\nline two\n", 4) == "|\n      line one\n      line two");
  CHECK(yaml_scalar("a\nb", 0) == "|-\n  a\n  b");
  CHECK(yaml_scalar("a\n\n", 0) == "|+\n  a\n");
  CHECK(yaml_scalar("a  \nb\n", 0) == "\"a  \\nb\\n\"");  // trailing blanks: quoted, so they stay visible
}

TEST_CASE("a List item in kubectl's layout reads back the same with yaml-cpp") {
  json object = tricky_object();
  std::string text;
  append_yaml_list_item(text, object);
  CHECK(text.substr(0, 2) == "- ");
  YAML::Node parsed = YAML::Load(text);
  REQUIRE(parsed.IsSequence());
  CHECK(as_json(parsed[0]) == stringified(object));
}

TEST_CASE("a snapshot reads back the same through upcheck's own loader (libyaml)") {
  fs::path dir = temp_dir();
  fs::path path = dir / "snapshot.yaml";
  {
    SnapshotFile file(path.string());
    REQUIRE(file.ok());
    file.add(tricky_object());
    CHECK(file.commit({{"annotations", {{"upcheck.io/collected-kinds", "ConfigMap,Pod"}}}, {"resourceVersion", ""}}));
  }
  load::LoadOptions options;
  load::LoadResult loaded = load::load_inputs({path.string()}, options);
  CHECK(loaded.errors.empty());
  REQUIRE(loaded.resources.size() == 1);
  CHECK(loaded.collected_kinds == std::set<std::string, std::less<>>{"ConfigMap", "Pod"});
  NodeRef data = loaded.resources.front().root()["data"];
  for (size_t i = 0; i < kTrickyStrings.size(); ++i) {
    std::string key = fmt::format("k{}", i);
    CHECK_MESSAGE(data[key].text() == kTrickyStrings[i].get<std::string>(), key << ": " << kTrickyStrings[i].dump());
  }
  fs::remove_all(dir);
}

TEST_CASE("the snapshot file: checkpoints roll back, only commit leaves a file") {
  fs::path dir = temp_dir();
  fs::path path = dir / "snap.yaml";
  json metadata = {{"resourceVersion", ""}};
  {
    SnapshotFile file(path.string());
    file.add({{"kind", "Pod"}, {"metadata", {{"name", "a"}}}});
    SnapshotFile::Checkpoint before = file.checkpoint();
    file.add({{"kind", "Pod"}, {"metadata", {{"name", "b"}}}});
    file.rollback(before);
    CHECK(file.items() == 1);
    CHECK(fs::exists(dir / "snap.yaml.partial"));
    CHECK(!fs::exists(path));
    CHECK(file.commit(metadata));
  }
  CHECK(read_text(path) ==
        "apiVersion: v1\nitems:\n- kind: Pod\n  metadata:\n    name: a\nkind: List\nmetadata:\n  resourceVersion: "
        "\"\"\n");
  CHECK(!fs::exists(dir / "snap.yaml.partial"));
  {
    SnapshotFile file(path.string());
    SnapshotFile::Checkpoint empty = file.checkpoint();
    file.add({{"kind", "Pod"}});
    file.rollback(empty);
    CHECK(file.commit(metadata));
  }
  CHECK(read_text(path) == "apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: \"\"\n");
  {
    SnapshotFile abandoned((dir / "other.yaml").string());
    abandoned.add({{"kind", "Pod"}});
  }
  CHECK(!fs::exists(dir / "other.yaml"));
  CHECK(!fs::exists(dir / "other.yaml.partial"));
  fs::remove_all(dir);
}

TEST_CASE("a Helm release Secret becomes a stub with the summary and no data") {
  std::string error;
  json stub = helm_release_stub(helm_secret(istiod_release()), error);
  CHECK(error.empty());
  CHECK(!stub.contains("data"));
  CHECK(stub["type"] == "helm.sh/release.v1");
  CHECK(stub["metadata"]["name"] == "sh.helm.release.v1.istiod.v3");
  CHECK(stub["metadata"]["labels"]["owner"] == "helm");
  const json& a = stub["metadata"]["annotations"];
  CHECK(!a.contains("kubectl.kubernetes.io/last-applied-configuration"));  // it can hold the data too
  CHECK(a["upcheck.io/helm-release-stub"] == "v1");
  CHECK(a["upcheck.io/helm-release"] == "istiod");
  CHECK(a["upcheck.io/helm-chart"] == "istiod");
  CHECK(a["upcheck.io/helm-chart-version"] == "1.20.3");
  CHECK(a["upcheck.io/helm-app-version"] == "1.20.3");
  CHECK(a["upcheck.io/helm-revision"] == "3");
  CHECK(a["upcheck.io/helm-status"] == "deployed");
  // The user's values win over the chart's; a path that holds a tree is not copied. Values are
  // the text the loader reads (`tag: 1.2` unquoted, a real mistake worth seeing, is "1.2").
  CHECK(json::parse(a["upcheck.io/helm-values"].get<std::string>()) ==
        json{{"revision", "canary"}, {"global", {{"hub", "gcr.io/istio-release"}, {"tag", "1.2"}}}});
  CHECK(stub.dump().find("s3cret") == std::string::npos);

  // Releases stored before Helm compressed them are plain JSON under the base64.
  json legacy = helm_release_stub(helm_secret(istiod_release(), false), error);
  CHECK(error.empty());
  CHECK(legacy["metadata"]["annotations"]["upcheck.io/helm-chart"] == "istiod");
}

TEST_CASE("the loader reads a stub back as the summary it decodes from the record itself") {
  fs::path dir = temp_dir();
  const json secret = helm_secret(istiod_release());
  std::string error;
  const json stub = helm_release_stub(secret, error);
  REQUIRE(error.empty());
  {
    std::ofstream(dir / "record.json") << secret.dump();
    std::ofstream(dir / "stub.json") << stub.dump();
  }
  load::LoadOptions options;
  load::LoadResult loaded = load::load_inputs({(dir / "record.json").string(), (dir / "stub.json").string()}, options);
  CHECK(loaded.notices.empty());
  REQUIRE(loaded.resources.size() == 2);
  const HelmReleaseSummary* from_record = loaded.resources[0].helm_release();
  const HelmReleaseSummary* from_stub = loaded.resources[1].helm_release();
  REQUIRE(from_record != nullptr);
  REQUIRE(from_stub != nullptr);
  HelmReleaseSummary expected = *from_record;
  expected.manifest_kinds.clear();  // a stub carries none
  CHECK(*from_stub == expected);
  CHECK(from_stub->values.revision == std::optional<std::string>("canary"));
  CHECK(from_stub->values.global_tag == std::optional<std::string>("1.2"));
  CHECK(loaded.resources[1].helm_release_position() == loaded.resources[1].locate("metadata.name"));
  fs::remove_all(dir);
}

TEST_CASE("an undecodable Helm release gives a stub that says why, never the payload") {
  json secret = helm_secret(istiod_release());
  secret["data"]["release"] = codec::encode_base64(codec::encode_base64("\x1f\x8b\x08 s3cret but not gzip"));
  std::string error;
  json stub = helm_release_stub(secret, error);
  CHECK(!error.empty());
  CHECK(stub["metadata"]["annotations"]["upcheck.io/helm-decode-error"] == error);
  CHECK(stub.dump().find("s3cret") == std::string::npos);
  CHECK(error.find("s3cret") == std::string::npos);
  secret["data"]["release"] = "!!!";
  stub = helm_release_stub(secret, error);
  CHECK(error == "data.release is not base64");
  CHECK(is_helm_release_secret(secret));
  secret["metadata"]["labels"]["owner"] = "someone";
  CHECK(!is_helm_release_secret(secret));
}

TEST_CASE("kubectl's errors are told apart, in its own words") {
  CHECK(
      classify_kubectl_error("The connection to the server 127.0.0.1:1 was refused - did you specify the right host or "
                             "port?\n") == KubectlFailure::Unreachable);
  CHECK(classify_kubectl_error("Unable to connect to the server: net/http: request canceled (Client.Timeout exceeded "
                               "while awaiting headers)") == KubectlFailure::Unreachable);
  CHECK(classify_kubectl_error("error: You must be logged in to the server (Unauthorized)") ==
        KubectlFailure::Unauthorized);
  CHECK(classify_kubectl_error("Error from server (Forbidden): pods is forbidden: User \"x\" cannot list resource") ==
        KubectlFailure::Forbidden);
  CHECK(classify_kubectl_error("error: the server doesn't have a resource type \"x\"") == KubectlFailure::Other);
  CHECK(kubectl_error_line("E1123 22:48:53.397241   15161 memcache.go:265] couldn't get\n"
                           "Warning: the server doesn't have a resource type 'pods'\n"
                           "The connection to the server was refused\n\n") ==
        "The connection to the server was refused");
}

TEST_CASE("a child process: output, exit status, standard error, no shell") {
  auto deadline = ChildProcess::Clock::now() + std::chrono::seconds(20);
  ChildProcess child({"/bin/sh", "-c", "printf 'out'; echo err >&2; exit 3", "ignored; rm -rf /"}, deadline);
  REQUIRE(child.started());
  std::string out;
  while (child.read_stdout(out)) {}
  ChildOutcome o = child.finish();
  CHECK(out == "out");
  CHECK(o.status == ChildOutcome::Status::Exited);
  CHECK(o.exit_code == 3);
  CHECK(o.stderr_text == "err\n");

  ChildProcess echo({"echo", "$(id)", "a b"}, deadline);  // found on PATH, arguments as they are
  std::string echoed;
  while (echo.read_stdout(echoed)) {}
  CHECK(echo.finish().ok());
  CHECK(echoed == "$(id) a b\n");
}

TEST_CASE("a child that cannot start says why") {
  auto deadline = ChildProcess::Clock::now() + std::chrono::seconds(5);
  ChildProcess missing({"/nonexistent/kubectl"}, deadline);
  CHECK(!missing.started());
  ChildOutcome o = missing.finish();
  CHECK(o.status == ChildOutcome::Status::NotStarted);
  CHECK(o.start_errno == ENOENT);
  ChildProcess not_on_path({"upcheck-no-such-program"}, deadline);
  CHECK(not_on_path.finish().start_errno == ENOENT);
}

TEST_CASE("a child past its deadline is killed with its whole process group") {
  auto start = ChildProcess::Clock::now();
  ChildProcess child({"/bin/sh", "-c", "sleep 30 & sleep 30"}, start + std::chrono::milliseconds(300));
  std::string out;
  while (child.read_stdout(out)) {}
  ChildOutcome o = child.finish();
  CHECK(o.status == ChildOutcome::Status::TimedOut);
  CHECK(ChildProcess::Clock::now() - start < std::chrono::seconds(5));  // the background sleep held the pipes too
}
