// `upcheck migrate` end to end: the files it writes, and what the apply script it writes does,
// run against a stand-in for kubectl that records its arguments.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "engine/object_copy.hpp"
#include "support/cli_run.hpp"
#include "testing/golden.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// A pilot that runs one replica (AVL002 patches it, now) and an RbacConfig (MESH001 replaces it
// with a ClusterRbacConfig and deletes it, before 1.2): creates, patches and deletes in two stages.
constexpr std::string_view kCluster = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: istio-pilot
  namespace: istio-system
spec:
  replicas: 1
  template:
    metadata:
      labels: {istio: pilot}
    spec:
      containers:
      - name: discovery
        image: docker.io/istio/pilot:1.1.7
---
apiVersion: rbac.istio.io/v1alpha1
kind: RbacConfig
metadata:
  name: default
  namespace: istio-system
  resourceVersion: "4242"
  uid: 5b9f2f0e-5b6a-11e9-8a3e-42010a800002
spec:
  mode: ON_WITH_INCLUSION
  inclusion:
    namespaces: ["default", "1.2"]
)";

// A kubectl that appends its arguments to $KUBECTL_LOG, answers `diff` with 1 (differences
// found, as in a real migration) and fails whatever matches $KUBECTL_FAIL.
constexpr std::string_view kRecordingKubectl = R"(#!/bin/sh
echo "$*" >> "$KUBECTL_LOG"
if [ -n "${KUBECTL_FAIL:-}" ]; then
  case "$*" in *"$KUBECTL_FAIL"*) exit 1 ;; esac
fi
[ "$1" = diff ] && exit 1
exit 0
)";

class Workspace {
 public:
  Workspace() : dir_(fs::temp_directory_path() / ("upcheck-migrate-" + std::to_string(::getpid()))) {
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "bin");
    upcheck::testing::write_file((dir_ / "cluster.yaml").string(), std::string(kCluster));
    upcheck::testing::write_file((dir_ / "bin" / "kubectl").string(), std::string(kRecordingKubectl));
    fs::permissions(dir_ / "bin" / "kubectl", fs::perms::owner_all);
  }
  ~Workspace() { fs::remove_all(dir_); }
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;
  const fs::path& dir() const { return dir_; }

  int migrate(std::vector<std::string> extra, std::string* out_text = nullptr) const {
    std::vector<std::string> args = {"migrate", "--no-config", "--jobs", "1", "--from", "1.1", "--to", "1.2"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back((dir_ / "cluster.yaml").string());
    upcheck::testing::CliRun run = upcheck::testing::run_cli_in(dir_, args);
    if (out_text != nullptr) *out_text = run.out;
    INFO(run.err);
    return run.status;
  }

  // Runs apply.sh with the recording kubectl first on PATH; returns its exit status and the log.
  std::pair<int, std::vector<std::string>> apply(const std::string& stage, const std::string& fail = "") const {
    fs::path log = dir_ / "kubectl.log";
    fs::remove(log);
    std::string command = "env PATH=" + (dir_ / "bin").string() + ":\"$PATH\" KUBECTL_LOG=" + log.string() +
                          " KUBECTL_FAIL='" + fail + "' UPCHECK_SETTLE_SECONDS=0 " +
                          upcheck::testing::env_dir("UPCHECK_BASH") + " " + (dir_ / "out" / "apply.sh").string() +
                          " " + stage + " >/dev/null 2>&1";
    int status = std::system(command.c_str());
    std::vector<std::string> lines;
    std::ifstream in(log);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, lines};
  }

 private:
  fs::path dir_;
};

std::string read(const fs::path& path) { return upcheck::testing::read_file(path.string()).value_or("<missing>"); }

// The names in a directory, sorted.
std::vector<std::string> files_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

bool is_check(const std::string& call) {
  return call.find("--dry-run=server") != std::string::npos || call.rfind("diff ", 0) == 0;
}

size_t index_of(const std::vector<std::string>& calls, const std::string& prefix) {
  for (size_t i = 0; i < calls.size(); ++i)
    if (calls[i].rfind(prefix, 0) == 0) return i;
  FAIL("no call starting with " << prefix);
  return calls.size();
}

}  // namespace

TEST_CASE("apply.sh checks every step first, applies, verifies, patches, and deletes last") {
  Workspace w;
  REQUIRE(w.migrate({"--out", (w.dir() / "out").string()}) == 0);
  REQUIRE(fs::exists(w.dir() / "out" / "apply.sh"));

  auto [now_status, now] = w.apply("now");
  CHECK(now_status == 0);
  REQUIRE(now.size() == 3);
  CHECK(now[0] == "patch deployment.v1.apps istio-pilot -n istio-system --type merge -p {\"spec\":{\"replicas\":2}} --dry-run=server");
  CHECK(now[1] == "diff -f 01-now-patch.yaml");
  CHECK(now[2] == "patch deployment.v1.apps istio-pilot -n istio-system --type merge -p {\"spec\":{\"replicas\":2}}");

  const auto stage_12 = w.apply("1.2");
  const std::vector<std::string>& calls = stage_12.second;
  CHECK(stage_12.first == 0);
  INFO("calls:\n" << [&] { std::string s; for (auto& c : calls) s += c + "\n"; return s; }());
  // Every dry run and diff comes before the first change.
  size_t first_change = calls.size();
  for (size_t i = 0; i < calls.size(); ++i)
    if (!is_check(calls[i])) {
      first_change = i;
      break;
    }
  for (size_t i = first_change; i < calls.size(); ++i) CHECK_MESSAGE(!is_check(calls[i]), calls[i]);
  CHECK(index_of(calls, "apply --dry-run=server -f 02-before-1.2-create.yaml") < first_change);
  CHECK(index_of(calls, "diff -f 02-before-1.2-create.yaml") < first_change);
  CHECK(index_of(calls, "delete --dry-run=server -f 03-before-1.2-delete.yaml") < first_change);
  // The replacement exists, and is seen to, before the original goes; the delete is last.
  CHECK(index_of(calls, "apply -f 02-before-1.2-create.yaml") == first_change);
  CHECK(index_of(calls, "get -f 02-before-1.2-create.yaml") > first_change);
  CHECK(calls.back() == "delete -f 03-before-1.2-delete.yaml");
}

TEST_CASE("a failed dry run stops apply.sh before anything changes") {
  Workspace w;
  REQUIRE(w.migrate({"--out", (w.dir() / "out").string()}) == 0);
  auto [status, calls] = w.apply("1.2", "delete --dry-run=server");
  CHECK(status != 0);
  for (const std::string& c : calls) CHECK_MESSAGE(is_check(c), c);
  // With two stages the script will not guess which one is meant.
  CHECK(w.apply("").first == 2);
}

TEST_CASE("the step files hold exactly the fixes the JSON report shows, and read back as written") {
  Workspace w;
  REQUIRE(w.migrate({"--out", (w.dir() / "out").string()}) == 0);
  upcheck::testing::CliRun run = upcheck::testing::run_cli_in(
      w.dir(), {"check", "--no-config", "--jobs", "1", "--from", "1.1", "--to", "1.2", "--select", "MESH001", "-o", "json",
                (w.dir() / "cluster.yaml").string()});
  REQUIRE(run.status == 1);
  json report = json::parse(run.out);
  REQUIRE(report["findings"].size() == 1);
  json expected = upcheck::copy_for_apply(report["findings"][0]["fix"]["apply"][0]);
  CHECK(expected["spec"]["inclusion"]["namespaces"][1] == "1.2");   // a string that looks like a number

  std::vector<YAML::Node> documents = YAML::LoadAllFromFile((w.dir() / "out" / "02-before-1.2-create.yaml").string());
  REQUIRE(documents.size() == 1);
  const YAML::Node& doc = documents[0];
  CHECK(doc["kind"].as<std::string>() == "ClusterRbacConfig");
  CHECK_FALSE(doc["metadata"]["namespace"]);
  CHECK_FALSE(doc["metadata"]["resourceVersion"]);
  CHECK_FALSE(doc["metadata"]["uid"]);
  CHECK(doc["spec"]["inclusion"]["namespaces"][1].Tag() == "!");   // quoted: stays a string
  CHECK(doc["spec"]["mode"].as<std::string>() == expected["spec"]["mode"].get<std::string>());
  CHECK(doc["metadata"]["name"].as<std::string>() == expected["metadata"]["name"].get<std::string>());
}

TEST_CASE("migrate is deterministic, needs --out or --dry-run, and keeps unsafe fixes for --unsafe-fixes") {
  Workspace w;
  std::string first, second;
  REQUIRE(w.migrate({"--dry-run"}, &first) == 0);
  REQUIRE(w.migrate({"--dry-run"}, &second) == 0);
  CHECK(first == second);
  CHECK(w.migrate({}) == 2);
}

TEST_CASE("--out refuses a non-empty directory migrate did not write, and changes nothing in it") {
  Workspace w;
  const fs::path out = w.dir() / "out";
  upcheck::testing::write_file((out / "01-mine.yaml").string(), "mine");
  CHECK(w.migrate({"--out", out.string()}) == 2);
  CHECK(read(out / "01-mine.yaml") == "mine");
  CHECK(files_in(out) == std::vector<std::string>{"01-mine.yaml"});
  CHECK(files_in(w.dir()) == std::vector<std::string>{"bin", "cluster.yaml", "out"});   // no staging left behind

  // An empty directory is fine, and named with a trailing slash too.
  fs::remove(out / "01-mine.yaml");
  REQUIRE(w.migrate({"--out", out.string() + "/"}) == 0);
  CHECK(fs::exists(out / "apply.sh"));
}

TEST_CASE("a re-run replaces or deletes what migrate wrote and nothing else, never through a symlink") {
  Workspace w;
  const fs::path out = w.dir() / "out";
  REQUIRE(w.migrate({"--out", out.string()}) == 0);
  const std::vector<std::string> written = {".upcheck-migration", "01-now-patch.yaml", "02-before-1.2-create.yaml",
                                            "03-before-1.2-delete.yaml", "MANUAL.md", "apply.sh"};
  CHECK(files_in(out) == written);
  CHECK(read(out / ".upcheck-migration").find("\n01-now-patch.yaml\n02-before-1.2-create.yaml\n"
                                              "03-before-1.2-delete.yaml\napply.sh\nMANUAL.md\n") != std::string::npos);

  // The user's own numbered manifest stays; an earlier step file that leads elsewhere goes as a
  // link, and the file it led to stays as it was.
  upcheck::testing::write_file((out / "01-mine.yaml").string(), "mine");
  upcheck::testing::write_file((w.dir() / "victim.yaml").string(), "victim");
  fs::remove(out / "03-before-1.2-delete.yaml");
  fs::create_symlink(w.dir() / "victim.yaml", out / "03-before-1.2-delete.yaml");
  fs::remove(out / "apply.sh");
  fs::create_symlink(w.dir() / "victim.yaml", out / "apply.sh");
  REQUIRE(w.migrate({"--out", out.string(), "--select", "AVL002"}) == 0);
  CHECK(files_in(out) ==
        std::vector<std::string>{".upcheck-migration", "01-mine.yaml", "01-now-patch.yaml", "apply.sh"});
  CHECK(read(out / "01-mine.yaml") == "mine");
  CHECK(read(w.dir() / "victim.yaml") == "victim");
  CHECK(fs::is_regular_file(fs::symlink_status(out / "apply.sh")));
  CHECK(read(out / ".upcheck-migration").find("02-before") == std::string::npos);
  CHECK(read(out / ".upcheck-migration").find("MANUAL.md") == std::string::npos);

  // A file of this run's name that migrate did not write is not replaced: the run refuses.
  upcheck::testing::write_file((out / "02-before-1.2-create.yaml").string(), "mine too");
  CHECK(w.migrate({"--out", out.string()}) == 2);
  CHECK(read(out / "02-before-1.2-create.yaml") == "mine too");
  CHECK(fs::exists(out / "01-now-patch.yaml"));
}
