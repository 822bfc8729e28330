// The shared benchmark generator (shared/bench/gen_cluster.py) plants known problems in a
// synthetic cluster dump and lists each with the rule that must report it. For the rules of this
// test, upcheck must report exactly those: nothing missed, nothing extra.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>
#include <tuple>

#include "cli/app.hpp"
#include "testing/golden.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The rules this test scores, by the names the generator uses.
const std::set<std::string> kScored = {"skip-level-upgrade", "deprecated-rbac-config"};

using Planted = std::tuple<std::string, std::string, std::string, std::string>;   // rule, kind, namespace, name

struct Run {
  std::set<Planted> expected, found;
  std::string installed;
};

Run run(const std::string& istio_version, const std::string& target, const std::string& format) {
  const char* generator = std::getenv("UPCHECK_GEN_CLUSTER");
  const char* python = std::getenv("UPCHECK_PYTHON");
  REQUIRE(generator != nullptr);
  REQUIRE(python != nullptr);
  fs::path dir = fs::temp_directory_path() / ("upcheck-planted-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::path dump = dir / ("dump." + format), planted = dir / "planted.json";
  std::string command = std::string(python) + " " + generator + " --namespaces 6 --deployments 3 --pods 1 --seed 7" +
                        " --istio-version " + istio_version + " --format " + format + " --expected " +
                        planted.string() + " > " + dump.string();
  REQUIRE(std::system(command.c_str()) == 0);

  Run r;
  for (const json& p : json::parse(*upcheck::testing::read_file(planted.string()))) {
    std::string rule = p["rule"].get<std::string>();
    if (!kScored.count(rule)) continue;
    if (rule == "skip-level-upgrade") {
      r.installed = p["installed"].get<std::string>();
      r.expected.insert({rule, "", "", ""});   // a finding on the plan, not on an object
    } else {
      r.expected.insert({rule, p["kind"].get<std::string>(), p["namespace"].is_null() ? "" : p["namespace"].get<std::string>(),
                         p["name"].get<std::string>()});
    }
  }

  std::ostringstream out, err;
  int status = upcheck::cli::run(
      {"check", "--no-config", "--select", "UPG001,MESH001", "--to", target, "-o", "json", dump.string()}, out, err);
  CHECK_MESSAGE(status == 1, err.str());
  const json report = json::parse(out.str());
  for (const json& f : report["findings"]) {
    const json& o = f["object"];
    if (o.is_null()) {
      r.found.insert({f["rule"].get<std::string>(), "", "", ""});
      CHECK_MESSAGE(f["message"].get<std::string>().find("Istio " + r.installed) == 0, f["message"]);
    } else {
      r.found.insert({f["rule"].get<std::string>(), o["kind"].get<std::string>(),
                      o["namespace"].is_null() ? "" : o["namespace"].get<std::string>(), o["name"].get<std::string>()});
    }
  }
  fs::remove_all(dir);
  return r;
}

std::string show(const std::set<Planted>& s) {
  std::string out;
  for (const auto& [rule, kind, ns, name] : s) out += rule + " " + kind + " " + ns + "/" + name + "\n";
  return out;
}

}  // namespace

TEST_CASE("a 1.1 cluster upgraded to 1.3: the skip-level jump and the RbacConfig, nothing else") {
  for (const char* format : {"yaml", "json"}) {
    Run r = run("1.1.7", "1.3", format);
    CHECK(r.expected.size() == 2);
    CHECK_MESSAGE(r.found == r.expected, "found:\n" << show(r.found) << "planted:\n" << show(r.expected));
  }
}

TEST_CASE("a 1.5 cluster (no RbacConfig planted) upgraded to 1.7 in place") {
  Run r = run("1.5.10", "1.7", "yaml");
  CHECK(r.expected.size() == 1);
  CHECK_MESSAGE(r.found == r.expected, "found:\n" << show(r.found) << "planted:\n" << show(r.expected));
}
