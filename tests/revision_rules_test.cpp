// End-to-end checks of the revision rules (REV) beyond their fixtures' markers: the problems that
// the shared cluster generator plants must be found exactly, and the fixes carry the patches and
// commands the guides give (the text report, which the fixture goldens hold, shows only titles).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

#include "cli/app.hpp"
#include "testing/golden.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json check_json(std::vector<std::string> args) {
  std::vector<std::string> argv = {"check", "--no-config", "--jobs", "1", "-o", "json"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::ostringstream out, err;
  upcheck::cli::run(argv, out, err);
  INFO("stderr: ", err.str());
  REQUIRE_FALSE(out.str().empty());
  return json::parse(out.str());
}

fs::path fixture(const std::string& rule, const std::string& name) {
  return fs::path(upcheck::testing::env_dir("UPCHECK_TESTDATA")) / "rules" / rule / name;
}

// The findings of one rule, as its fixture's args file plans them.
std::vector<json> fixture_findings(const std::string& rule, const std::string& name) {
  fs::path dir = fixture(rule, name);
  std::vector<std::string> args = {"--select", rule};
  if (std::optional<std::string> text = upcheck::testing::read_file((dir / "args").string())) {
    std::istringstream in(*text);
    for (std::string word; in >> word;) args.push_back(word);
  }
  args.push_back((dir / "input.yaml").string());
  json report = check_json(args);
  return report["findings"].get<std::vector<json>>();
}

const json& finding_on(const std::vector<json>& findings, const std::string& kind, const std::string& name) {
  for (const json& f : findings)
    if (f["object"]["kind"] == kind && f["object"]["name"] == name) return f;
  FAIL("no finding on " << kind << " " << name);
  static const json none;
  return none;
}

}  // namespace

TEST_CASE("injection-label-conflict's fix is the canary guide's relabel, as a merge patch and a command") {
  std::vector<json> findings = fixture_findings("injection-label-conflict", "fires-on-both-labels");
  const json& fix = finding_on(findings, "Namespace", "test-ns")["fix"];
  CHECK(fix["patches"][0]["mergePatch"] == json::parse(R"({"metadata":{"labels":{"istio-injection":null,"istio.io/rev":"canary"}}})"));
  CHECK(fix["commands"] == json::array({"kubectl label namespace test-ns istio-injection- istio.io/rev=canary",
                                        "kubectl rollout restart deployment -n test-ns"}));
  CHECK(fix["applicability"] == "unsafe");

  // A revision nothing serves: moving there would stop injection, so the dead label goes instead.
  const json& drop = finding_on(findings, "Namespace", "orders")["fix"];
  CHECK(drop["patches"][0]["mergePatch"] == json::parse(R"({"metadata":{"labels":{"istio.io/rev":null}}})"));
  CHECK(drop["applicability"] == "safe");

  // Without the webhook configurations a tag cannot be told from a typo: the guide's relabel stands.
  findings = fixture_findings("injection-label-conflict", "fires-without-webhooks");
  const json& relabel = finding_on(findings, "Namespace", "orders")["fix"];
  CHECK(relabel["commands"][0] == "kubectl label namespace orders istio-injection- istio.io/rev=prod");
  CHECK(relabel["applicability"] == "unsafe");
}

TEST_CASE("revision-still-in-use moves namespaces, tags and workloads to the plan's new revision") {
  std::vector<json> findings = fixture_findings("revision-still-in-use", "fires-on-namespaces-pods-and-tags");
  const json& shop = finding_on(findings, "Namespace", "shop")["fix"];
  CHECK(shop["patches"][0]["mergePatch"] == json::parse(R"({"metadata":{"labels":{"istio.io/rev":"1-21-0"}}})"));
  CHECK(shop["commands"][0] == "kubectl label namespace shop istio.io/rev=1-21-0 --overwrite");
  const json& web = finding_on(findings, "Namespace", "web")["fix"];
  CHECK(web["commands"][0] == "istioctl tag set prod-stable --revision 1-21-0 --overwrite");
  CHECK(web["patches"].empty());
  const json& ledger = finding_on(findings, "Deployment", "ledger");
  CHECK(ledger["message"].get<std::string>().find("2 pods") != std::string::npos);
  CHECK(ledger["fix"]["commands"] == json::array({"kubectl rollout restart deployment/ledger -n payments"}));
  const json& report = finding_on(findings, "Deployment", "report")["fix"];
  CHECK(report["patches"][0]["mergePatch"] ==
        json::parse(R"({"spec":{"template":{"metadata":{"labels":{"istio.io/rev":"1-21-0"}}}}})"));
}

TEST_CASE("stale-sidecar reports once per workload with the command that re-injects it") {
  std::vector<json> findings = fixture_findings("stale-sidecar", "fires-on-stale-and-out-of-skew-proxies");
  CHECK(findings.size() == 6);
  CHECK(finding_on(findings, "Deployment", "cart")["fix"]["commands"] ==
        json::array({"kubectl rollout restart deployment/cart -n shop"}));
  CHECK(finding_on(findings, "Pod", "ledger-0")["fix"]["commands"] ==
        json::array({"kubectl rollout restart statefulset/ledger -n shop"}));
  const json& manual = finding_on(findings, "Deployment", "legacy")["fix"];
  CHECK(manual["applicability"] == "display-only");
  CHECK(manual["commands"][0].get<std::string>().find("istioctl kube-inject") != std::string::npos);
}

TEST_CASE("injection-continuity deletes an injector left behind by an uninstalled revision") {
  std::vector<json> findings = fixture_findings("injection-continuity", "fires-on-webhook-calling-a-missing-service");
  REQUIRE(findings.size() == 1);
  CHECK(findings[0]["fix"]["remove"][0]["name"] == "istio-sidecar-injector-1-19-5");
  findings = fixture_findings("injection-continuity", "fires-when-removing-the-default-revision");
  REQUIRE(findings.size() == 1);
  CHECK(findings[0]["fix"]["commands"] == json::array({"istioctl tag set default --revision 1-21-0 --overwrite"}));
  // Installed with Helm: the Helm guide's way to move the default.
  findings = fixture_findings("injection-continuity", "fires-on-helm-default-revision-removal");
  REQUIRE(findings.size() == 1);
  CHECK(findings[0]["fix"]["commands"] ==
        json::array({"helm upgrade istio-base istio/base -n istio-system --set defaultRevision=canary --skip-crds"}));
}
