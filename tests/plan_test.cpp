// `upcheck plan` end to end. testdata/plan/<scenario>/ holds `args` (the command line after
// `upcheck`), `input.yaml`, `exit-status`, and the runbook goldens expected.md and expected.json
// (UPCHECK_UPDATE_GOLDENS=1 rewrites them: read them against the guides before committing).
#include <doctest/doctest.h>

#include <unistd.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "support/cli_run.hpp"
#include "testing/golden.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace upcheck;
using testing::CliRun;
using testing::run_cli_in;
using testing::split_words;

namespace {

// A scratch directory of this process: builds may run their tests at the same time.
fs::path scratch_dir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("upcheck-plan-test-" + std::to_string(::getpid()) + "-" + name);
  fs::create_directories(dir);
  return dir;
}

fs::path plan_root() { return fs::path(testing::env_dir("UPCHECK_TESTDATA")) / "plan"; }

std::vector<fs::path> scenarios() {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(plan_root()))
    if (entry.is_directory()) out.push_back(entry.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> scenario_args(const fs::path& dir) {
  std::optional<std::string> text = testing::read_file((dir / "args").string());
  REQUIRE_MESSAGE(text, dir << "/args is missing");
  std::vector<std::string> args = split_words(*text);
  args.insert(args.begin() + 1, "--no-config");
  return args;
}

std::vector<std::string> with_json(std::vector<std::string> args) {
  args.insert(args.begin() + 1, {"-o", "json"});
  return args;
}

const json* step_with_id(const json& runbook, const std::string& id) {
  for (const json& step : runbook["steps"])
    if (step["id"] == id) return &step;
  return nullptr;
}

std::vector<std::string> blocking_rules(const json& step) {
  std::vector<std::string> rules;
  for (const json& f : step["blockingFindings"]) rules.push_back(f["rule"].get<std::string>());
  return rules;
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// Every command a runbook may print, as Istio's guides give it (the citations are in
// src/plan/istio_guides.cpp). A command outside this list is one no guide gives.
const std::vector<std::regex>& guide_commands() {
  static const std::vector<std::regex> patterns = [] {
    const char* sources[] = {
        R"re(istioctl x precheck)re",
        R"re(kubectl config view)re",
        R"re(istioctl manifest versions)re",
        R"re(istioctl install --set revision=[a-z0-9-]+)re",
        R"re(istioctl (experimental )?upgrade -f <your-custom-configuration-file>)re",
        R"re(kubectl get pods -n [a-z0-9-]+ -l app=istiod)re",
        R"re(kubectl get mutatingwebhookconfigurations)re",
        R"re(istioctl proxy-status \| grep "\$\(kubectl -n [a-z0-9-]+ get pod -l app=[a-z0-9-]+ -o jsonpath='\{\.items\[0\]\.metadata\.name\}'\)")re",
        R"re(istioctl proxy-config endpoints \$\(kubectl -n [a-z0-9-]+ get pod -l app=[a-z0-9-]+ -o jsonpath='\{\.items\[0\]\.metadata\.name\}'\)\.[a-z0-9-]+ --cluster xds-grpc -ojson \| grep hostname)re",
        R"re(kubectl label namespace [a-z0-9-]+( istio-injection-)? istio\.io/rev=[a-z0-9-]+( --overwrite)?)re",
        R"re(kubectl label namespace [a-z0-9-]+ istio\.io/rev- istio-injection=enabled)re",
        R"re(kubectl rollout restart (deployment|statefulset|daemonset)/[a-z0-9-]+ -n [a-z0-9-]+)re",
        R"re(istioctl proxy-status \| grep "\\\.[a-z0-9-]+ ")re",
        R"re(kubectl get pods -n [a-z0-9-]+ -l istio\.io/rev=[a-z0-9-]+)re",
        R"re(istioctl (tag set|x revision tag set) [a-z0-9-]+ --revision [a-z0-9-]+( --overwrite)?)re",
        R"re(istioctl x uninstall --revision [a-z0-9-]+)re",
        R"re(istioctl uninstall --revision [a-z0-9-]+ -y)re",
        R"re(istioctl x uninstall -f <your-custom-configuration-file>)re",
        R"re(istioctl uninstall -f <your-custom-configuration-file> -y)re",
        R"re(kubectl apply -f manifests/charts/base/crds)re",
        R"re(kubectl label crds -l chart=istio "app\.kubernetes\.io/managed-by=Helm")re",
        R"re(kubectl annotate crds -l chart=istio "meta\.helm\.sh/release-(name|namespace)=[a-z0-9-]+")re",
        R"re(helm upgrade [a-z0-9-]+ manifests/charts/base -n [a-z0-9-]+ --skip-crds)re",
        R"re(helm upgrade [a-z0-9-]+ istio/base -n [a-z0-9-]+)re",
        R"re(helm upgrade [a-z0-9-]+ istio/base --set defaultRevision=[a-z0-9-]+ -n [a-z0-9-]+( --skip-crds)?)re",
        R"re(helm install [a-z0-9-]+ istio/istiod --set revision=[a-z0-9-]+ -n [a-z0-9-]+)re",
        R"re(helm upgrade [a-z0-9-]+ istio/istiod -n [a-z0-9-]+( --set revision=[a-z0-9-]+)?)re",
        R"re(kubectl get pods -l app=istiod -L istio\.io/rev -n [a-z0-9-]+)re",
        R"re(helm install [a-z0-9-]+ istio/gateway --set revision=[a-z0-9-]+ -n [a-z0-9-]+)re",
        R"re(helm upgrade [a-z0-9-]+ istio/gateway -n [a-z0-9-]+)re",
        R"re(kubectl get pods -L istio\.io/rev -n [a-z0-9-]+)re",
        R"re(helm delete [a-z0-9-]+ -n [a-z0-9-]+)re",
    };
    std::vector<std::regex> out;
    for (const char* s : sources) out.emplace_back(s);
    return out;
  }();
  return patterns;
}

bool is_guide_command(const std::string& command) {
  for (const std::regex& r : guide_commands())
    if (std::regex_match(command, r)) return true;
  return false;
}

// A copy of a scenario's input with a line removed, in a scratch directory.
fs::path edited_input(const std::string& scenario, const std::string& drop_line, const std::string& name) {
  std::optional<std::string> text = testing::read_file((plan_root() / scenario / "input.yaml").string());
  REQUIRE(text);
  const size_t at = text->find(drop_line);
  REQUIRE_MESSAGE(at != std::string::npos, drop_line << " not in " << scenario);
  text->erase(at, drop_line.size());
  fs::path dir = scratch_dir(name);
  fs::create_directories(dir);
  testing::write_file((dir / "input.yaml").string(), *text);
  return dir;
}

}  // namespace

TEST_CASE("plan scenarios: goldens, exit status, and the same runbook in both formats") {
  const std::vector<fs::path> dirs = scenarios();
  REQUIRE(dirs.size() >= 6);
  for (const fs::path& dir : dirs) {
    SUBCASE(dir.filename().string().c_str()) {
      const std::vector<std::string> args = scenario_args(dir);
      const int expected_status = std::stoi(testing::read_file((dir / "exit-status").string()).value_or("0"));

      CliRun markdown = run_cli_in(dir, args);
      INFO(dir.filename().string(), "\nstderr: ", markdown.err);
      CHECK(markdown.status == expected_status);
      std::string diff = testing::compare_golden((dir / "expected.md").string(), markdown.out);
      CHECK_MESSAGE(diff.empty(), diff);

      CliRun as_json = run_cli_in(dir, with_json(args));
      CHECK(as_json.status == expected_status);
      diff = testing::compare_golden((dir / "expected.json").string(), as_json.out);
      CHECK_MESSAGE(diff.empty(), diff);
      const json runbook = json::parse(as_json.out);
      CHECK(runbook["summary"]["exitCode"] == expected_status);
      CHECK((runbook["summary"]["blockingFindings"].get<int>() > 0) == (expected_status == 1));

      // Both formats carry every step title and every command.
      for (const char* section : {"steps", "rollback"})
        for (const json& step : runbook[section]) {
          CHECK_MESSAGE(markdown.out.find(step["title"].get<std::string>()) != std::string::npos, step["title"]);
          for (const json& command : step["commands"])
            CHECK_MESSAGE(markdown.out.find(command.get<std::string>() + "\n") != std::string::npos, command);
        }

      // The answer does not depend on the number of parser threads.
      std::vector<std::string> one_job = with_json(args), four_jobs = with_json(args);
      one_job.insert(one_job.begin() + 1, {"--jobs", "1"});
      four_jobs.insert(four_jobs.begin() + 1, {"--jobs", "4"});
      CHECK(run_cli_in(dir, one_job).out == run_cli_in(dir, four_jobs).out);
    }
  }
}

TEST_CASE("every command in every runbook is one Istio's guides give") {
  for (const fs::path& dir : scenarios()) {
    const json runbook = json::parse(run_cli_in(dir, with_json(scenario_args(dir))).out);
    for (const char* section : {"steps", "rollback"})
      for (const json& step : runbook[section])
        for (const json& command : step["commands"])
          CHECK_MESSAGE(is_guide_command(command.get<std::string>()), dir.filename().string()
                                                                          << ": " << command.get<std::string>());
  }
  CHECK_FALSE(is_guide_command("istioctl install --set revision=1-21-2 --set profile=demo"));
  CHECK_FALSE(is_guide_command("kubectl rollout restart deployment -n shop && rm -rf /"));
}

TEST_CASE("a blocking finding shows at the step it blocks, and makes the exit status 1") {
  const fs::path helm = plan_root() / "helm-canary";
  CliRun r = run_cli_in(helm, with_json(scenario_args(helm)));
  REQUIRE(r.status == 1);
  const json runbook = json::parse(r.out);
  const json* move = step_with_id(runbook, "move-namespace/orders");
  REQUIRE(move != nullptr);
  CHECK(contains(blocking_rules(*move), "injection-label-conflict"));
  CHECK(contains(blocking_rules(*move), "unknown-revision"));
  for (const json& f : (*move)["blockingFindings"]) {
    CHECK(f["location"]["file"] == "input.yaml");
    CHECK(f["location"]["line"].get<int>() > 0);
    CHECK(f["object"]["name"] == "orders");
  }
  // Not at any other step.
  for (const json& step : runbook["steps"])
    if (step["id"] != "move-namespace/orders") CHECK_FALSE(contains(blocking_rules(step), "injection-label-conflict"));
  // The Markdown shows it under that step's heading, before the step's commands.
  CliRun markdown = run_cli_in(helm, scenario_args(helm));
  const size_t heading = markdown.out.find("Move namespace orders to revision 1-21-2");
  const size_t finding = markdown.out.find("`injection-label-conflict`", heading);
  const size_t command = markdown.out.find("kubectl label namespace orders", heading);
  REQUIRE(heading != std::string::npos);
  CHECK(heading < finding);
  CHECK(finding < command);

  // Without the stray label nothing blocks: the namespace moves, and the exit status is 0.
  const fs::path fixed = edited_input("helm-canary", "      istio.io/rev: canary\n", "fixed");
  CliRun clean =
      run_cli_in(fixed, with_json({"plan", "--no-config", "--to", "1.21.2", "--method", "canary", "input.yaml"}));
  CHECK(clean.status == 0);
  const json clean_runbook = json::parse(clean.out);
  REQUIRE(step_with_id(clean_runbook, "move-namespace/orders") != nullptr);
  CHECK((*step_with_id(clean_runbook, "move-namespace/orders"))["blockingFindings"].empty());
  CHECK(clean_runbook["summary"]["blockingFindings"] == 0);
  fs::remove_all(fixed);
}

TEST_CASE("a disruption budget that blocks drains blocks the control-plane step") {
  const fs::path example = plan_root() / "istioctl-canary";
  const json runbook = json::parse(run_cli_in(example, with_json(scenario_args(example))).out);
  const json* install = step_with_id(runbook, "install-control-plane");
  REQUIRE(install != nullptr);
  CHECK(contains(blocking_rules(*install), "blocking-pod-disruption-budget"));
  CHECK(contains(blocking_rules(*install), "gateway-revision"));
  // A warning that blocks nothing goes to the closing section.
  std::vector<std::string> others;
  for (const json& f : runbook["otherFindings"]) others.push_back(f["rule"].get<std::string>());
  CHECK(contains(others, "single-replica-control-plane"));
}

TEST_CASE("revision tags move with istioctl tag set; findings on a tag land at its step") {
  const fs::path tags = plan_root() / "istioctl-revision-tags";
  const json runbook = json::parse(run_cli_in(tags, with_json(scenario_args(tags))).out);
  const json* tag = step_with_id(runbook, "move-tag/prod-stable");
  REQUIRE(tag != nullptr);
  CHECK((*tag)["commands"][0] == "istioctl tag set prod-stable --revision 1-23-4 --overwrite");
  CHECK((*tag)["namespaces"] == json::array({"checkout", "search"}));
  bool on_webhook = false;
  for (const json& f : (*tag)["blockingFindings"])
    if (f["object"]["name"] == "istio-revision-tag-prod-stable") on_webhook = true;
  CHECK(on_webhook);
  const json* make_default = step_with_id(runbook, "set-default-revision");
  REQUIRE(make_default != nullptr);
  CHECK(contains(blocking_rules(*make_default), "injection-continuity"));
}

TEST_CASE("the Helm runbook names the releases the input shows, and never prints Secret data") {
  const fs::path helm = plan_root() / "helm-canary";
  std::optional<std::string> input = testing::read_file((helm / "input.yaml").string());
  REQUIRE(input);
  // Every base64 value of a `release:` key in the fixture's release Secrets.
  std::vector<std::string> secret_values;
  const std::regex release_data(R"(\n\s+release: ([A-Za-z0-9+/=]{20,})\n)");
  for (auto it = std::sregex_iterator(input->begin(), input->end(), release_data); it != std::sregex_iterator(); ++it)
    secret_values.push_back((*it)[1].str());
  REQUIRE(secret_values.size() == 3);
  for (const std::vector<std::string>& args : {scenario_args(helm), with_json(scenario_args(helm))}) {
    CliRun r = run_cli_in(helm, args);
    for (const std::string& value : secret_values) CHECK(r.out.find(value) == std::string::npos);
    CHECK(r.out.find("SECRET-PAYLOAD") == std::string::npos);
  }
  const json runbook = json::parse(run_cli_in(helm, with_json(scenario_args(helm))).out);
  CHECK((*step_with_id(runbook, "uninstall-old-control-plane"))["commands"][0] == "helm delete istiod -n istio-system");
  CHECK((*step_with_id(runbook, "install-gateway/istio-ingress/istio-ingress"))["commands"][0] ==
        "helm install istio-ingress-1-21-2 istio/gateway --set revision=1-21-2 -n istio-ingress");
}

TEST_CASE("plan: usage and input errors exit 2 with no runbook") {
  const fs::path example = plan_root() / "istioctl-canary";
  auto expect_usage_error = [&](std::vector<std::string> args, const std::string& message) {
    CliRun r = run_cli_in(example, args);
    INFO(r.err);
    CHECK(r.status == 2);
    CHECK(r.out.empty());
    CHECK(r.err.find(message) != std::string::npos);
  };
  expect_usage_error({"plan", "--no-config", "--method", "canary", "input.yaml"}, "plan needs --to");
  expect_usage_error({"plan", "--no-config", "--to", "1.21.2", "input.yaml"}, "plan needs --method");
  expect_usage_error({"plan", "--no-config", "--to", "1.21.2", "--method", "canary", "-o", "text", "input.yaml"},
                     "use markdown or json");
  expect_usage_error(
      {"plan", "--no-config", "--to", "1.21.2", "--method", "canary", "--revision", "default", "input.yaml"},
      "the only control plane in the input is revision default");
  expect_usage_error({"plan", "--no-config", "--to", "1.5", "--method", "canary", "input.yaml"}, "Istio 1.6");
  expect_usage_error(
      {"plan", "--no-config", "--to", "1.21.2", "--method", "canary", "--remove-revision", "1-19-0", "input.yaml"},
      "no control plane of that revision");
  // An input with errors is refused, as migrate refuses it.
  const fs::path broken = scratch_dir("broken");
  fs::create_directories(broken);
  testing::write_file((broken / "broken.yaml").string(), "apiVersion: v1\nkind: [\n");
  CliRun r = run_cli_in(broken, {"plan", "--no-config", "--to", "1.21.2", "--method", "canary", "broken.yaml"});
  CHECK(r.status == 2);
  CHECK(r.err.find("no runbook written") != std::string::npos);
  fs::remove_all(broken);
}

TEST_CASE("--output writes the runbook to a file") {
  const fs::path example = plan_root() / "istioctl-canary";
  const fs::path file = scratch_dir("output") / "runbook.md";
  std::vector<std::string> args = scenario_args(example);
  args.insert(args.begin() + 1, {"--output", file.string()});
  CliRun r = run_cli_in(example, args);
  CHECK(r.status == 1);
  CHECK(r.out.empty());
  std::optional<std::string> written = testing::read_file(file.string());
  REQUIRE(written);
  CHECK(*written == testing::read_file((example / "expected.md").string()).value_or(""));
  fs::remove_all(file.parent_path());
}

namespace {
// A scratch directory holding one input file.
fs::path scratch_input(const std::string& name, const std::string& yaml) {
  fs::path dir = scratch_dir(name);
  fs::create_directories(dir);
  testing::write_file((dir / "input.yaml").string(), yaml);
  return dir;
}

std::string istiod(const std::string& revision, const std::string& version) {
  const std::string name = revision == "default" ? "istiod" : "istiod-" + revision;
  return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name +
         "\n  namespace: istio-system\n  labels: {app: istiod, istio.io/rev: " + revision +
         ", operator.istio.io/component: Pilot}\nspec:\n  replicas: 2\n  template:\n    metadata:\n      labels: {app: "
         "istiod, "
         "istio.io/rev: " +
         revision +
         "}\n    spec:\n      containers:\n      - name: discovery\n        image: docker.io/istio/pilot:" + version +
         "\n---\n";
}

}  // namespace

TEST_CASE("without Pods in the input, the workloads injection covers are restarted") {
  const fs::path dir = scratch_input("no-pods", istiod("default", "1.21.2") + R"(apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {istio-injection: enabled}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cart, namespace: shop}
spec:
  template:
    metadata:
      labels: {app: cart}
    spec:
      containers: [{name: cart, image: registry.example.com/cart:1}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: batch, namespace: shop}
spec:
  template:
    metadata:
      labels: {app: batch, sidecar.istio.io/inject: "false"}
    spec:
      containers: [{name: batch, image: registry.example.com/batch:1}]
)");
  CliRun r =
      run_cli_in(dir, with_json({"plan", "--no-config", "--to", "1.22.0", "--method", "in-place", "input.yaml"}));
  INFO(r.err);
  const json runbook = json::parse(r.out);
  const json* restart = step_with_id(runbook, "restart-namespace/shop");
  REQUIRE(restart != nullptr);
  CHECK(restart->at("commands") == json::array({"kubectl rollout restart deployment/cart -n shop"}));
  CHECK(restart->at("details").dump().find("the input has no Pods") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("several control planes need --remove-revision to say which one goes") {
  const fs::path dir = scratch_input("two-planes", istiod("1-20-3", "1.20.3") + istiod("1-21-2", "1.21.2"));
  CliRun ambiguous = run_cli_in(dir, {"plan", "--no-config", "--to", "1.22.0", "--method", "canary", "input.yaml"});
  CHECK(ambiguous.status == 2);
  CHECK(ambiguous.err.find("--remove-revision") != std::string::npos);
  CliRun chosen = run_cli_in(dir, with_json({"plan", "--no-config", "--to", "1.22.0", "--method", "canary",
                                             "--remove-revision", "1-20-3", "input.yaml"}));
  INFO(chosen.err);
  const json runbook = json::parse(chosen.out);
  CHECK(runbook["upgrade"]["oldRevision"] == "1-20-3");
  CHECK(runbook["upgrade"]["newRevision"] == "1-22-0");
  CHECK(step_with_id(runbook, "uninstall-old-control-plane")->at("commands")[0] ==
        "istioctl uninstall --revision 1-20-3 -y");
  fs::remove_all(dir);
}

TEST_CASE("an old control plane without a revision label is uninstalled with its configuration file") {
  const fs::path dir = scratch_input("unlabelled", R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: istiod, namespace: istio-system, labels: {app: istiod, operator.istio.io/component: Pilot}}
spec:
  template:
    metadata:
      labels: {app: istiod}
    spec:
      containers: [{name: discovery, image: docker.io/istio/pilot:1.8.6}]
)");
  CliRun r = run_cli_in(dir, with_json({"plan", "--no-config", "--to", "1.9.9", "--method", "canary", "input.yaml"}));
  INFO(r.err);
  const json runbook = json::parse(r.out);
  CHECK(step_with_id(runbook, "uninstall-old-control-plane")->at("commands")[0] ==
        "istioctl x uninstall -f <your-custom-configuration-file>");
  // 1.9 verifies moved pods by their label, and has no default tag to move.
  CHECK(step_with_id(runbook, "set-default-revision") == nullptr);
  fs::remove_all(dir);
}

TEST_CASE("Helm is recognised by its release annotations and chart labels alone, and its release named") {
  const fs::path dir = scratch_input("helm-annotations", R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: istiod
  namespace: mesh-system
  labels: {app: istiod, istio.io/rev: default, helm.sh/chart: istiod-1.20.3}
  annotations: {meta.helm.sh/release-name: mesh-control, meta.helm.sh/release-namespace: mesh-system}
spec:
  template:
    metadata:
      labels: {app: istiod, istio.io/rev: default}
    spec:
      containers: [{name: discovery, image: docker.io/istio/pilot:1.20.3}]
---
apiVersion: v1
kind: Secret
type: helm.sh/release.v1
metadata:
  name: sh.helm.release.v1.mesh-base.v3
  namespace: mesh-system
  labels: {name: mesh-base, owner: helm, status: deployed, version: "3"}
)");
  CliRun r = run_cli_in(dir, with_json({"plan", "--no-config", "--to", "1.21.0", "--method", "canary", "input.yaml"}));
  INFO(r.err);
  const json runbook = json::parse(r.out);
  CHECK(runbook["upgrade"]["installer"] == "helm");
  CHECK(step_with_id(runbook, "install-control-plane")->at("commands")[0] ==
        "helm install istiod-1-21-0 istio/istiod --set revision=1-21-0 -n mesh-system");
  CHECK(step_with_id(runbook, "uninstall-old-control-plane")->at("commands")[0] ==
        "helm delete mesh-control -n mesh-system");
  // No object shows the base chart's release: its release Secret, by its name, stands in, and the
  // runbook says so.
  CHECK(step_with_id(runbook, "set-default-revision")->at("commands")[0] ==
        "helm upgrade mesh-base istio/base --set defaultRevision=1-21-0 -n mesh-system --skip-crds");
  CHECK(runbook["notes"].dump().find("release mesh-base in mesh-system, by its name") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("workloads that ask for injection themselves move after the default revision does") {
  const fs::path dir = scratch_input("self-selecting", istiod("default", "1.20.3") + R"(apiVersion: v1
kind: Namespace
metadata: {name: jobs}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: worker, namespace: jobs}
spec:
  selector: {matchLabels: {app: worker}}
  template:
    metadata:
      labels: {app: worker, sidecar.istio.io/inject: "true"}
    spec:
      containers: [{name: worker, image: registry.example.com/worker:3}]
---
apiVersion: v1
kind: Pod
metadata:
  name: worker-6d4cf56db6-x2x9q
  namespace: jobs
  labels: {app: worker, sidecar.istio.io/inject: "true"}
  annotations: {sidecar.istio.io/status: '{"containers":["istio-proxy"],"revision":"default"}'}
spec:
  containers:
  - {name: worker, image: registry.example.com/worker:3}
  - {name: istio-proxy, image: docker.io/istio/proxyv2:1.20.3}
status: {phase: Running}
)");
  CliRun r = run_cli_in(dir, with_json({"plan", "--no-config", "--to", "1.21.0", "--method", "canary", "input.yaml"}));
  INFO(r.err);
  const json runbook = json::parse(r.out);
  std::vector<std::string> ids;
  for (const json& step : runbook["steps"]) ids.push_back(step["id"].get<std::string>());
  const auto at = [&](const std::string& id) { return std::find(ids.begin(), ids.end(), id) - ids.begin(); };
  REQUIRE(contains(ids, "move-workloads/jobs"));
  REQUIRE(contains(ids, "set-default-revision"));
  CHECK(at("set-default-revision") < at("move-workloads/jobs"));
  CHECK(at("move-workloads/jobs") < at("uninstall-old-control-plane"));
  const json* step = step_with_id(runbook, "move-workloads/jobs");
  CHECK(step->at("commands") == json::array({"kubectl rollout restart deployment/worker -n jobs"}));
  CHECK(step->at("details")[0].get<std::string>().find("the previous step moved: restart them now") !=
        std::string::npos);
  fs::remove_all(dir);
}
