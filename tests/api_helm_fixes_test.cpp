// The fixes API001 (deprecated-api-version) and HELM001 (helm-crds-not-upgraded) put in their
// findings, through the real command line's JSON report over the rules' fixtures: which objects
// are rewritten and how safely, the Helm commands, the adoption patches and their stages. Until
// `upcheck migrate` writes goldens, this is where they are pinned down.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <sstream>

#include "cli/app.hpp"
#include "testing/golden.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// `upcheck check -o json --select CODE` over a fixture case, with the case's own args.
json check_case(const std::string& code, const std::string& rule, const std::string& name) {
  fs::path dir = fs::path(upcheck::testing::env_dir("UPCHECK_TESTDATA")) / "rules" / rule / name;
  std::vector<std::string> args = {"check", "--no-config", "--jobs", "1", "--select", code, "-o", "json"};
  std::istringstream plan(upcheck::testing::read_file((dir / "args").string()).value_or(""));
  for (std::string word; plan >> word;) args.push_back(word);
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().filename().string().rfind("input", 0) == 0) args.push_back(entry.path().string());
  std::ostringstream out, err;
  upcheck::cli::run(args, out, err);
  INFO("stderr: ", err.str());
  REQUIRE(!out.str().empty());
  return json::parse(out.str());
}

// The one finding on the object named `name` (and, when given, the apiVersion in its message).
json finding_on(const json& report, const std::string& name, const std::string& mentions = "") {
  json found;
  int count = 0;
  for (const json& f : report["findings"])
    if (f["object"]["name"] == name && f["message"].get<std::string>().find(mentions) != std::string::npos) {
      found = f;
      ++count;
    }
  INFO("no single finding on ", name, " mentioning '", mentions, "' in ", report["findings"].dump(1));
  REQUIRE(count == 1);
  return found;
}

}  // namespace

TEST_CASE("API001 rewrites a manifest's apiVersion only where the schema is the same and upcheck holds the object") {
  json report = check_case("API001", "deprecated-api-version", "fires-on-manifests-with-old-api-versions");
  // A PodDisruptionBudget with a selector: the same object at policy/v1, safe.
  json pdb = finding_on(report, "istio-ingressgateway", "policy/v1beta1")["fix"];
  CHECK(pdb["applicability"] == "safe");
  REQUIRE(pdb["apply"].size() == 1);
  CHECK(pdb["apply"][0]["apiVersion"] == "policy/v1");
  CHECK(pdb["apply"][0]["spec"]["selector"]["matchLabels"]["app"] == "istio-ingressgateway");
  // An empty selector selects every pod in policy/v1: the rewrite changes behaviour.
  json empty = finding_on(report, "all-or-nothing")["fix"];
  CHECK(empty["applicability"] == "unsafe");
  CHECK(empty["apply"][0]["spec"]["selector"] == json::object());
  // Same schema, but the loader keeps only part of a CronJob: shown, not written.
  json cronjob = finding_on(report, "rotate-certs")["fix"];
  CHECK(cronjob["applicability"] == "display-only");
  CHECK(cronjob["apply"].empty());
  // A changed schema is never a rewrite of apiVersion.
  json ingress = finding_on(report, "bookinfo")["fix"];
  CHECK(ingress["applicability"] == "display-only");
  CHECK(ingress["manualNote"].get<std::string>().find("pathType") != std::string::npos);
  // Deprecated only at the target: a warning; removed: an error.
  CHECK(finding_on(report, "reviews", "autoscaling/v2beta2")["severity"] == "warning");
  CHECK(finding_on(report, "istio-ingressgateway", "autoscaling/v2beta1")["severity"] == "error");
}

TEST_CASE("API001 on a Helm release: the newest revision only, with helm mapkubeapis for what the target removes") {
  json report = check_case("API001", "deprecated-api-version", "fires-on-helm-release-manifest");
  REQUIRE(report["findings"].size() == 2);   // not the superseded revision's Ingress, not the live PDB
  json removed = finding_on(report, "sh.helm.release.v1.istiod.v2", "policy/v1beta1");
  CHECK(removed["severity"] == "error");
  CHECK(removed["fix"]["applicability"] == "display-only");
  CHECK(removed["fix"]["commands"] == json::array({"helm mapkubeapis istiod --namespace istio-system"}));
  json deprecated = finding_on(report, "sh.helm.release.v1.istiod.v2", "autoscaling/v2beta2");
  CHECK(deprecated["severity"] == "warning");
  CHECK(deprecated["fix"]["commands"].empty());
}

TEST_CASE("API001 weighs its evidence: last-applied is information, Argo CD's objects change at the source") {
  json report = check_case("API001", "deprecated-api-version", "fires-on-live-objects-by-field-manager-and-last-applied");
  CHECK(finding_on(report, "bookinfo")["severity"] == "info");
  json argo = finding_on(report, "rotate-certs");
  CHECK(argo["severity"] == "error");
  CHECK(argo["fix"]["applicability"] == "display-only");
  CHECK(argo["fix"]["manualNote"].get<std::string>().find("Argo CD") != std::string::npos);
  CHECK(report["notices"].empty());   // --to-kubernetes given: nothing assumed
}

TEST_CASE("API001 says which target it assumed without --to-kubernetes") {
  json report = check_case("API001", "deprecated-api-version", "fires-on-manifests-with-old-api-versions");
  CHECK(report["notices"].empty());
  fs::path input = fs::path(upcheck::testing::env_dir("UPCHECK_TESTDATA")) / "rules" / "deprecated-api-version" /
                   "fires-on-manifests-with-old-api-versions" / "input.yaml";
  std::ostringstream out, err;
  upcheck::cli::run({"check", "--no-config", "--select", "API001", "-o", "json", input.string()}, out, err);
  json assumed = json::parse(out.str());
  REQUIRE(assumed["notices"].size() == 1);
  CHECK(assumed["notices"][0]["code"] == "api-target-assumed");
  CHECK(assumed["notices"][0]["message"].get<std::string>().find("Kubernetes 1.26") != std::string::npos);
  // At 1.26 autoscaling/v2beta2 is removed too.
  CHECK(finding_on(assumed, "reviews", "autoscaling/v2beta2")["severity"] == "error");
}

TEST_CASE("HELM001 adopts each CRD into the base release it found, before 1.24") {
  json report = check_case("HELM001", "helm-crds-not-upgraded", "fires-on-unadopted-crds-crossing-1.24");
  REQUIRE(report["findings"].size() == 3);
  json fix = finding_on(report, "wasmplugins.extensions.istio.io")["fix"];
  CHECK(fix["applicability"] == "safe");
  CHECK(fix["stage"] == "1.24");
  REQUIRE(fix["patches"].size() == 1);
  CHECK(fix["patches"][0]["target"]["kind"] == "CustomResourceDefinition");
  CHECK(fix["patches"][0]["mergePatch"] ==
        json::parse(R"({"metadata":{"labels":{"app.kubernetes.io/managed-by":"Helm"},
                        "annotations":{"meta.helm.sh/release-name":"istio-base",
                                       "meta.helm.sh/release-namespace":"istio-system"}}})"));
}

TEST_CASE("HELM001 before 1.24: the command that applies the target's CRDs, per era") {
  json helm3 = check_case("HELM001", "helm-crds-not-upgraded", "fires-before-1.24-on-helm-releases");
  json fix = finding_on(helm3, "sh.helm.release.v1.istio-base.v1")["fix"];
  CHECK(fix["commands"] == json::array({"kubectl apply -f manifests/charts/base/crds"}));
  CHECK(fix["stage"] == "1.21");
  CHECK(finding_on(helm3, "sh.helm.release.v1.istio-base.v1")["severity"] == "warning");
  json tiller = check_case("HELM001", "helm-crds-not-upgraded", "fires-on-tiller-install");
  json t = finding_on(tiller, "istio-init.v1");
  CHECK(t["fix"]["commands"] == json::array({"kubectl apply -f install/kubernetes/helm/istio-init/files/"}));
  CHECK(t["message"].get<std::string>().find("Helm 2 (Tiller)") != std::string::npos);
}

TEST_CASE("API001 on a Helm 2 release: helm 2to3 first, no helm mapkubeapis (it dropped Helm 2)") {
  json report = check_case("API001", "deprecated-api-version", "fires-on-tiller-release-manifest");
  REQUIRE(report["findings"].size() == 1);   // the PodDisruptionBudget's policy/v1beta1 is served by 1.16
  json f = finding_on(report, "istio.v2", "extensions/v1beta1");
  CHECK(f["message"].get<std::string>().find("2 Deployment objects") != std::string::npos);
  CHECK(f["fix"]["commands"].empty());
  CHECK(f["fix"]["manualNote"].get<std::string>().find("helm 2to3") != std::string::npos);
}

TEST_CASE("HELM001 from 1.24 with CRD templates off: the CRDs are applied by hand, from files/") {
  json report = check_case("HELM001", "helm-crds-not-upgraded", "fires-when-the-base-release-does-not-template-crds");
  json f = finding_on(report, "sh.helm.release.v1.istio-base.v1");
  CHECK(f["fix"]["commands"] == json::array({"kubectl apply -f manifests/charts/base/files/crd-all.gen.yaml"}));
  CHECK(f["message"].get<std::string>().find("base.enableCRDTemplates=false") != std::string::npos);
}
