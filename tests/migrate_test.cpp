// `upcheck migrate` end to end: the files it writes, and what the apply script it writes does,
// run against a stand-in for kubectl that records its arguments.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

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
// found, as in a real migration) and fails whatever matches $KUBECTL_FAIL. `version -o json`
// prints $KUBECTL_VERSION_JSON; with $KUBECTL_REFUSE set, every server-side dry run (and so every
// diff) fails with that message, as an API server does behind Istio 1.1's validation webhook.
// The current context is $KUBECTL_CONTEXT (kind-upgrade when unset).
constexpr std::string_view kRecordingKubectl = R"(#!/bin/sh
echo "$*" >> "$KUBECTL_LOG"
if [ -n "${KUBECTL_FAIL:-}" ]; then
  case "$*" in *"$KUBECTL_FAIL"*) exit 1 ;; esac
fi
if [ -n "${KUBECTL_REFUSE:-}" ]; then
  case "$*" in *--dry-run=server*|diff*) echo "$KUBECTL_REFUSE" >&2; exit 1 ;; esac
fi
[ "$*" = "version -o json" ] && printf '%s\n' "${KUBECTL_VERSION_JSON:-}"
[ "$*" = "config current-context" ] && printf '%s\n' "${KUBECTL_CONTEXT:-kind-upgrade}"
[ "$1" = diff ] && exit 1
exit 0
)";

// `kubectl version -o json` of a kubectl and an API server, as kubectl prints it.
std::string version_json(int client_minor, const std::string& server_minor) {
  return "{\n  \"clientVersion\": {\n    \"major\": \"1\",\n    \"minor\": \"" + std::to_string(client_minor) +
         "\",\n    \"gitVersion\": \"v1." + std::to_string(client_minor) + ".0\"\n  },\n  \"serverVersion\": {\n" +
         "    \"major\": \"1\",\n    \"minor\": \"" + server_minor + "\"\n  }\n}";
}

// What one run of apply.sh did: its exit status, the kubectl calls that check or change the
// cluster (not the version and context probes), and what it printed on stderr.
struct ScriptRun {
  int status = -1;
  std::vector<std::string> calls;
  std::string errors;
};

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

  // Runs apply.sh with the recording kubectl first on PATH, in the environment `env` (NAME=value
  // words) besides.
  ScriptRun run_script(const std::string& stage, const std::vector<std::string>& env = {}) const {
    fs::path log = dir_ / "kubectl.log", errors = dir_ / "stderr.txt";
    fs::remove(log);
    std::string command =
        "env PATH=" + (dir_ / "bin").string() + ":\"$PATH\" KUBECTL_LOG=" + log.string() + " UPCHECK_SETTLE_SECONDS=0";
    for (const std::string& e : env) command += " " + shell_word(e);
    command += " " + upcheck::testing::env_dir("UPCHECK_BASH") + " " + (dir_ / "out" / "apply.sh").string() + " " +
               stage + " >/dev/null 2>" + errors.string();
    int status = std::system(command.c_str());
    ScriptRun run;
    run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream in(log);
    for (std::string line; std::getline(in, line);)
      if (line.rfind("version ", 0) != 0 && line.rfind("config ", 0) != 0) run.calls.push_back(line);
    run.errors = upcheck::testing::read_file(errors.string()).value_or("");
    return run;
  }

  // apply.sh's exit status and kubectl calls, with $KUBECTL_FAIL set to `fail`.
  std::pair<int, std::vector<std::string>> apply(const std::string& stage, const std::string& fail = "") const {
    ScriptRun run = run_script(stage, {"KUBECTL_FAIL=" + fail});
    return {run.status, run.calls};
  }

 private:
  static std::string shell_word(const std::string& word) {
    std::string out = "'";
    for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
  }

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
  return call.find("--dry-run=server") != std::string::npos || call.rfind("diff ", 0) == 0 ||
         (call.rfind("get ", 0) == 0 && call.ends_with(" -o yaml"));
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
  // A patch is checked by what it does: the live object against the patched one (never `kubectl
  // diff` of the patch file, which would show an apply of a partial object).
  REQUIRE(now.size() == 3);
  CHECK(now[0] == "get deployment.v1.apps istio-pilot -n istio-system -o yaml");
  CHECK(now[1] ==
        "patch --dry-run=server deployment.v1.apps istio-pilot -n istio-system --type merge -p "
        "{\"spec\":{\"replicas\":2}} -o yaml");
  CHECK(now[2] == "patch deployment.v1.apps istio-pilot -n istio-system --type merge -p {\"spec\":{\"replicas\":2}}");

  const auto stage_12 = w.apply("1.2");
  const std::vector<std::string>& calls = stage_12.second;
  CHECK(stage_12.first == 0);
  INFO("calls:\n"
       << [&] {
            std::string s;
            for (auto& c : calls) s += c + "\n";
            return s;
          }());
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
  CHECK(index_of(calls, "delete --dry-run=server --ignore-not-found -f 03-before-1.2-delete.yaml") < first_change);
  // The replacement exists, and is seen to, before the original goes; the delete is last.
  CHECK(index_of(calls, "apply -f 02-before-1.2-create.yaml") == first_change);
  CHECK(index_of(calls, "get -f 02-before-1.2-create.yaml") > first_change);
  CHECK(calls.back() == "delete --ignore-not-found -f 03-before-1.2-delete.yaml");
}

TEST_CASE("a failed dry run stops apply.sh before anything changes") {
  Workspace w;
  REQUIRE(w.migrate({"--out", (w.dir() / "out").string()}) == 0);
  auto [status, calls] = w.apply("1.2", "delete --dry-run=server");
  CHECK(std::find(calls.begin(), calls.end(),
                  "delete --dry-run=server --ignore-not-found -f 03-before-1.2-delete.yaml") != calls.end());
  CHECK(status != 0);
  for (const std::string& c : calls) CHECK_MESSAGE(is_check(c), c);
  // With two stages the script will not guess which one is meant.
  CHECK(w.apply("").first == 2);
}

TEST_CASE("apply.sh parses, and checks by kubectl alone where the cluster cannot dry-run on the server") {
  Workspace w;
  REQUIRE(w.migrate({"--out", (w.dir() / "out").string()}) == 0);
  const std::string bash = upcheck::testing::env_dir("UPCHECK_BASH");
  CHECK(std::system((bash + " -n " + (w.dir() / "out" / "apply.sh").string()).c_str()) == 0);
  auto has = [](const std::vector<std::string>& calls, const std::string& call) {
    return std::find(calls.begin(), calls.end(), call) != calls.end();
  };

  SUBCASE("Istio 1.1's validation webhook refuses server-side dry runs: the checks fall back, saying why") {
    ScriptRun run = w.run_script(
        "1.2", {"KUBECTL_REFUSE=Error from server (BadRequest): admission webhook \"pilot.validation.istio.io\" "
                "does not support dry run"});
    INFO(run.errors);
    CHECK(run.status == 0);
    CHECK(run.calls.front() == "apply --dry-run=server -f 02-before-1.2-create.yaml");
    CHECK(has(run.calls, "apply --dry-run=client -f 02-before-1.2-create.yaml"));
    CHECK(has(run.calls, "delete --dry-run=client --ignore-not-found -f 03-before-1.2-delete.yaml"));
    CHECK_FALSE(has(run.calls, "diff -f 02-before-1.2-create.yaml"));
    CHECK(run.errors.find("note: an admission webhook refuses server-side dry runs") != std::string::npos);
    CHECK(run.calls.back() == "delete --ignore-not-found -f 03-before-1.2-delete.yaml");
  }
  SUBCASE("Kubernetes 1.12 has no dry run by default: client-side checks from the start") {
    ScriptRun run = w.run_script("1.2", {"KUBECTL_VERSION_JSON=" + version_json(18, "12+")});
    CHECK(run.status == 0);
    CHECK(run.calls.front() == "apply --dry-run=client -f 02-before-1.2-create.yaml");
    CHECK(run.errors.find("Kubernetes 1.12 serves no dry run by default") != std::string::npos);
  }
  SUBCASE("kubectl before 1.18 has no --dry-run=server: its plain --dry-run, and get for deletes") {
    ScriptRun run = w.run_script("1.2", {"KUBECTL_VERSION_JSON=" + version_json(13, "13")});
    CHECK(run.status == 0);
    CHECK(run.calls.front() == "apply --dry-run -f 02-before-1.2-create.yaml");
    CHECK(has(run.calls, "get --ignore-not-found -f 03-before-1.2-delete.yaml"));
    CHECK(run.errors.find("kubectl 1.13 has no server-side dry run") != std::string::npos);
  }
  SUBCASE("a current kubectl and Kubernetes check on the server") {
    ScriptRun run = w.run_script("1.2", {"KUBECTL_VERSION_JSON=" + version_json(29, "29")});
    CHECK(run.status == 0);
    CHECK(run.calls.front() == "apply --dry-run=server -f 02-before-1.2-create.yaml");
    CHECK(run.errors.find("note:") == std::string::npos);
  }
  SUBCASE("a conflict (an object changed since the dump) stops the checks and says what to do") {
    ScriptRun run = w.run_script(
        "1.2", {"KUBECTL_REFUSE=Error from server (Conflict): Operation cannot be fulfilled on clusterrbacconfigs "
                "\"default\": the object has been modified; please apply your changes to the latest version"});
    CHECK(run.status != 0);
    CHECK(run.calls == std::vector<std::string>{"apply --dry-run=server -f 02-before-1.2-create.yaml"});
    CHECK(run.errors.find("dump the cluster again and run upcheck migrate again") != std::string::npos);
  }
  SUBCASE("any other refusal of a dry run is a failed check: nothing changes") {
    ScriptRun run = w.run_script("1.2", {"KUBECTL_REFUSE=Error from server (Forbidden): forbidden"});
    CHECK(run.status != 0);
    CHECK(run.calls == std::vector<std::string>{"apply --dry-run=server -f 02-before-1.2-create.yaml"});
  }
}

TEST_CASE("apply.sh keeps to the kube-context of its first run, and a finished stage runs again harmlessly") {
  Workspace w;
  const fs::path out = w.dir() / "out";
  REQUIRE(w.migrate({"--out", out.string()}) == 0);
  CHECK(w.run_script("now", {"KUBECTL_CONTEXT=prod-eu"}).status == 0);
  CHECK(read(out / ".upcheck-context") == "prod-eu\n");

  ScriptRun elsewhere = w.run_script("1.2", {"KUBECTL_CONTEXT=staging"});
  CHECK(elsewhere.status == 2);
  CHECK(elsewhere.calls.empty());  // stopped before any check
  CHECK(elsewhere.errors.find("ran on kube-context 'prod-eu' and the current one is 'staging'") != std::string::npos);
  CHECK(elsewhere.errors.find("--accept-context") != std::string::npos);

  ScriptRun renamed = w.run_script("1.2 --accept-context", {"KUBECTL_CONTEXT=prod-eu-admin"});
  CHECK(renamed.status == 0);
  CHECK(read(out / ".upcheck-context") == "prod-eu-admin\n");
  CHECK(std::find(renamed.calls.begin(), renamed.calls.end(),
                  "delete --dry-run=server --ignore-not-found -f 03-before-1.2-delete.yaml") != renamed.calls.end());
  CHECK(renamed.calls.back() == "delete --ignore-not-found -f 03-before-1.2-delete.yaml");
  CHECK(w.run_script("1.2", {"KUBECTL_CONTEXT=prod-eu-admin"}).status == 0);
}

TEST_CASE("the step files hold exactly the fixes the JSON report shows, and read back as written") {
  Workspace w;
  REQUIRE(w.migrate({"--out", (w.dir() / "out").string()}) == 0);
  upcheck::testing::CliRun run =
      upcheck::testing::run_cli_in(w.dir(), {"check", "--no-config", "--jobs", "1", "--from", "1.1", "--to", "1.2",
                                             "--select", "MESH001", "-o", "json", (w.dir() / "cluster.yaml").string()});
  REQUIRE(run.status == 1);
  json report = json::parse(run.out);
  REQUIRE(report["findings"].size() == 1);
  json expected = upcheck::copy_for_apply(report["findings"][0]["fix"]["apply"][0]);
  CHECK(expected["spec"]["inclusion"]["namespaces"][1] == "1.2");  // a string that looks like a number

  std::vector<YAML::Node> documents = YAML::LoadAllFromFile((w.dir() / "out" / "02-before-1.2-create.yaml").string());
  REQUIRE(documents.size() == 1);
  const YAML::Node& doc = documents[0];
  CHECK(doc["kind"].as<std::string>() == "ClusterRbacConfig");
  CHECK_FALSE(doc["metadata"]["namespace"]);
  CHECK_FALSE(doc["metadata"]["resourceVersion"]);
  CHECK_FALSE(doc["metadata"]["uid"]);
  CHECK(doc["spec"]["inclusion"]["namespaces"][1].Tag() == "!");  // quoted: stays a string
  CHECK(doc["spec"]["mode"].as<std::string>() == expected["spec"]["mode"].get<std::string>());
  CHECK(doc["metadata"]["name"].as<std::string>() == expected["metadata"]["name"].get<std::string>());
}

TEST_CASE("an edited object keeps the dump's resourceVersion, so a stale dump cannot revert newer changes") {
  // Istio 1.1 dump: MESH002 edits the existing DestinationRule bar/httpbin (resourceVersion
  // 120311) and writes new Policies and DestinationRules beside it.
  const std::string input = upcheck::testing::env_dir("UPCHECK_TESTDATA") +
                            "/rules/per-service-mtls-annotation/fires-on-istio-1.1-list-dump/input.yaml";
  upcheck::testing::CliRun run =
      upcheck::testing::run_cli_in(".", {"migrate", "--no-config", "--jobs", "1", "--to", "1.2", "--unsafe-fixes",
                                         "--select", "MESH002", "--dry-run", input});
  REQUIRE(run.status == 0);
  std::string text = run.out;
  std::string create = text.substr(0, text.find("# ==> apply.sh <=="));
  std::vector<YAML::Node> documents = YAML::LoadAll(create);
  size_t edited = 0, created = 0;
  for (const YAML::Node& doc : documents) {
    if (!doc["metadata"]) continue;
    if (doc["metadata"]["name"].as<std::string>() == "httpbin" && doc["kind"].as<std::string>() == "DestinationRule") {
      CHECK(doc["metadata"]["resourceVersion"].as<std::string>() == "120311");
      CHECK_FALSE(doc["metadata"]["uid"]);
      ++edited;
    } else {
      CHECK_MESSAGE(!doc["metadata"]["resourceVersion"], doc["metadata"]["name"].as<std::string>());
      ++created;
    }
  }
  CHECK(edited == 1);
  CHECK(created >= 2);
}

TEST_CASE("an upgrade within the installed minor (1.5.10 to 1.5) stages its fixes now, not before 1.5") {
  const std::string input = upcheck::testing::env_dir("UPCHECK_TESTDATA") +
                            "/rules/per-service-mtls-annotation/fires-on-istio-1.1-list-dump/input.yaml";
  upcheck::testing::CliRun run =
      upcheck::testing::run_cli_in(".", {"migrate", "--no-config", "--jobs", "1", "--from", "1.5.10", "--to", "1.5",
                                         "--unsafe-fixes", "--select", "MESH002", "--dry-run", input});
  REQUIRE(run.status == 0);
  CHECK(run.out.find("# ==> 01-now-create.yaml <==") != std::string::npos);
  CHECK(run.out.find("before upgrading to 1.5") == std::string::npos);
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
  CHECK(files_in(w.dir()) == std::vector<std::string>{"bin", "cluster.yaml", "out"});  // no staging left behind

  // An empty directory is fine, and named with a trailing slash too.
  fs::remove(out / "01-mine.yaml");
  REQUIRE(w.migrate({"--out", out.string() + "/"}) == 0);
  CHECK(fs::exists(out / "apply.sh"));
}

TEST_CASE("a re-run replaces or deletes what migrate wrote and nothing else, never through a symlink") {
  Workspace w;
  const fs::path out = w.dir() / "out";
  REQUIRE(w.migrate({"--out", out.string()}) == 0);
  const std::vector<std::string> written = {
      ".upcheck-migration",        "01-now-patch.yaml", "02-before-1.2-create.yaml",
      "03-before-1.2-delete.yaml", "MANUAL.md",         "apply.sh"};
  CHECK(files_in(out) == written);
  CHECK(read(out / ".upcheck-migration")
            .find("\n01-now-patch.yaml\n02-before-1.2-create.yaml\n"
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
