// The shared benchmark generator (shared/bench/gen_cluster.py) plants known problems in a
// synthetic cluster dump and lists each with the rule that must report it. upcheck must report
// exactly those: nothing missed, nothing invented. Every test here needs shared/, so each starts
// with requires_shared (skipped without it, failed without it in CI).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "rules/all_rules.hpp"
#include "support/cli_run.hpp"
#include "support/requires_shared.hpp"
#include "testing/golden.hpp"
#include "testing/temp_dir.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using upcheck::testing::run_cli_in;

namespace {

// One generated cluster: `dump` (YAML or JSON, as asked) and the `planted` problems.
struct Cluster {
  upcheck::testing::TempDir dir;
  fs::path dump;
  json planted;
};

// gen_cluster.py with ARGS (`--namespaces 3 --format json`, say).
std::unique_ptr<Cluster> generate(const std::string& args, const std::string& format = "yaml") {
  const fs::path script = upcheck::testing::requires_shared("bench/gen_cluster.py");
  auto cluster = std::make_unique<Cluster>();
  cluster->dump = cluster->dir.path / ("dump." + format);
  const fs::path planted = cluster->dir.path / "planted.json";
  const std::string command = upcheck::testing::env_dir("UPCHECK_PYTHON") + " '" + script.string() + "' " + args +
                              " --format " + format + " --expected '" + planted.string() + "' > '" +
                              cluster->dump.string() + "'";
  REQUIRE(std::system(command.c_str()) == 0);
  cluster->planted = json::parse(*upcheck::testing::read_file(planted.string()));
  return cluster;
}

// `upcheck check --no-config -o json ARGS DUMP`, in-process.
json check(const Cluster& cluster, std::vector<std::string> args, int want_status = 1) {
  args.insert(args.begin(), {"check", "--no-config", "-o", "json"});
  args.push_back(cluster.dump.string());
  upcheck::testing::CliRun run = run_cli_in(cluster.dir.path, args);
  INFO("stderr: ", run.err);
  CHECK(run.status == want_status);
  REQUIRE(!run.out.empty());
  return json::parse(run.out);
}

std::string text_or_empty(const json& value) { return value.is_string() ? value.get<std::string>() : ""; }

using Planted = std::tuple<std::string, std::string, std::string, std::string>;  // rule, kind, namespace, name

// A planted problem on an object, as the generator's answer file names it.
Planted planted_on_object(const json& p) {
  return {p["rule"].get<std::string>(), p["kind"].get<std::string>(), text_or_empty(p["namespace"]),
          p["name"].get<std::string>()};
}

// A finding, as the answer file would name it; a finding on the plan has no object.
Planted key_of(const json& finding) {
  const json& o = finding["object"];
  if (o.is_null()) return {finding["rule"].get<std::string>(), "", "", ""};
  return {finding["rule"].get<std::string>(), o["kind"].get<std::string>(), text_or_empty(o["namespace"]),
          o["name"].get<std::string>()};
}

std::string show(const std::set<Planted>& s) {
  std::string out;
  for (const auto& [rule, kind, ns, name] : s) out += rule + " " + kind + " " + ns + "/" + name + "\n";
  return out;
}

}  // namespace

TEST_CASE("every rule finds exactly the problems planted for it, in a YAML and a JSON dump") {
  std::set<std::string> rules;
  for (const upcheck::Rule* r : upcheck::all_rules()) rules.insert(std::string(r->info.name));
  for (const char* format : {"yaml", "json"}) {
    INFO("format ", format);
    std::unique_ptr<Cluster> cluster = generate("--namespaces 40 --deployments 6 --pods 2", format);
    json report = check(*cluster, {"--to", "1.2"});
    CHECK(report["errors"].empty());
    // skip-level-upgrade depends on the target: "the skip-level jump" below scores it per target.
    std::set<std::string> scored;
    std::set<Planted> planted, found;
    for (const json& p : cluster->planted) {
      const std::string rule = p["rule"].get<std::string>();
      if (!rules.count(rule) || rule == "skip-level-upgrade") continue;
      scored.insert(rule);
      planted.insert(p.contains("kind") ? planted_on_object(p) : Planted{rule, "", "", ""});
    }
    REQUIRE(!scored.empty());
    for (const json& f : report["findings"]) {
      if (!scored.count(f["rule"].get<std::string>())) continue;
      Planted k = key_of(f);
      // A planted problem without an object is about the plan: any finding of that rule answers it.
      if (planted.count({std::get<0>(k), "", "", ""})) k = {std::get<0>(k), "", "", ""};
      found.insert(k);
    }
    CHECK_MESSAGE(found == planted, "found:\n" << show(found) << "planted:\n" << show(planted));
  }
}

TEST_CASE("the skip-level jump and the RbacConfig, per installed release and target") {
  // The rules the generator's installed version decides, by the names the generator uses.
  const std::set<std::string> scored = {"skip-level-upgrade", "deprecated-rbac-config"};
  struct Case {
    std::string installed, target, format;
    size_t planted;
  };
  // A 1.1 cluster upgraded to 1.3: the skip-level jump and the RbacConfig. A 1.5 cluster (no
  // RbacConfig planted) upgraded to 1.7 in place: the jump alone.
  const Case cases[] = {{"1.1.7", "1.3", "yaml", 2}, {"1.1.7", "1.3", "json", 2}, {"1.5.10", "1.7", "yaml", 1}};
  for (const Case& c : cases) {
    INFO(c.installed, " to ", c.target, " (", c.format, ")");
    std::unique_ptr<Cluster> cluster =
        generate("--namespaces 6 --deployments 3 --pods 1 --seed 7 --istio-version " + c.installed, c.format);
    std::set<Planted> planted, found;
    std::string installed;
    for (const json& p : cluster->planted) {
      const std::string rule = p["rule"].get<std::string>();
      if (!scored.count(rule)) continue;
      if (rule == "skip-level-upgrade") {
        installed = p["installed"].get<std::string>();
        planted.insert({rule, "", "", ""});  // a finding on the plan, not on an object
      } else {
        planted.insert(planted_on_object(p));
      }
    }
    CHECK(planted.size() == c.planted);
    json report = check(*cluster, {"--select", "UPG001,MESH001", "--to", c.target});
    for (const json& f : report["findings"]) {
      found.insert(key_of(f));
      if (f["object"].is_null())
        CHECK_MESSAGE(f["message"].get<std::string>().find("Istio " + installed) == 0, f["message"]);
    }
    CHECK_MESSAGE(found == planted, "found:\n" << show(found) << "planted:\n" << show(planted));
  }
}

TEST_CASE("the planted annotations and excluded services, at the annotation's and the entry's own line") {
  std::unique_ptr<Cluster> cluster = generate("--namespaces 3");
  std::set<std::string> want_services, want_hosts;
  for (const json& p : cluster->planted) {
    if (p["rule"] == "per-service-mtls-annotation")
      want_services.insert(p["namespace"].get<std::string>() + "/" + p["name"].get<std::string>() + ":" +
                           std::to_string(p["port"].get<int>()));
    if (p["rule"] == "mtls-excluded-services") want_hosts.insert(p["host"].get<std::string>());
  }
  REQUIRE(!want_services.empty());
  REQUIRE(!want_hosts.empty());

  json report = check(*cluster, {"--jobs", "1", "--select", "MESH002,MESH003", "--to", "1.2"});
  std::vector<std::string> lines;
  {
    std::ifstream in(cluster->dump);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
  }
  std::set<std::string> got_services, got_hosts;
  static const std::regex kAnnotation(R"(auth\.istio\.io/([0-9]+): NONE)");
  static const std::regex kHost(R"(lists (\S+) in the mesh config)");
  for (const json& f : report["findings"]) {
    const std::string message = f["message"];
    const uint32_t line = f["location"]["line"];
    REQUIRE(line >= 1);
    REQUIRE(line <= lines.size());
    std::smatch m;
    if (f["code"] == "MESH002") {
      REQUIRE(std::regex_search(message, m, kAnnotation));
      got_services.insert(f["object"]["namespace"].get<std::string>() + "/" + f["object"]["name"].get<std::string>() +
                          ":" + m[1].str());
      CHECK(lines[line - 1].find("auth.istio.io/" + m[1].str()) != std::string::npos);
      CHECK(f["fix"]["stage"] == "1.2");
    } else {
      REQUIRE(std::regex_search(message, m, kHost));
      got_hosts.insert(m[1].str());
      // The dump's mesh config is a `mesh: |` block: the finding sits on the entry's own line.
      CHECK(lines[line - 1].find("- " + m[1].str()) != std::string::npos);
    }
  }
  CHECK(got_services == want_services);
  CHECK(got_hosts == want_hosts);
}

TEST_CASE("the planted injection-label-conflict and unknown-revision problems, with every revision rule on") {
  std::unique_ptr<Cluster> cluster = generate("--namespaces 20");
  std::set<Planted> planted, found;
  for (const json& p : cluster->planted) {
    const std::string rule = p["rule"].get<std::string>();
    if (rule == "injection-label-conflict" || rule == "unknown-revision")
      planted.insert({rule, p["kind"].get<std::string>(), "", p["name"].get<std::string>()});
  }
  REQUIRE(!planted.empty());
  // The plan the benchmark runs: every revision rule, with a target; the others must stay silent.
  json report = check(*cluster, {"--jobs", "1", "--select", "REV", "--to", "1.2"});
  for (const json& f : report["findings"])
    found.insert({f["rule"].get<std::string>(), f["object"]["kind"].get<std::string>(), "",
                  f["object"]["name"].get<std::string>()});
  CHECK_MESSAGE(found == planted, "found:\n" << show(found) << "planted:\n" << show(planted));
}
