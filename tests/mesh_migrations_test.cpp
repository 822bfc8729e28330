// The migrations MESH002 (per-service-mtls-annotation) and MESH003 (mtls-excluded-services) put in
// their fixes, checked object by object against the 1.2 Upgrade Steps guide and the later APIs,
// through the real command line's JSON report. Until `upcheck migrate` writes goldens, this is
// where the objects, ports, selectors, stages and applicability are pinned down.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "cli/app.hpp"
#include "testing/golden.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

fs::path rule_case(const std::string& rule, const std::string& name) {
  return fs::path(upcheck::testing::env_dir("UPCHECK_TESTDATA")) / "rules" / rule / name;
}

// `upcheck check -o json` over the inputs, with only `code` selected.
json check(const std::string& code, const std::vector<std::string>& plan, const std::vector<fs::path>& inputs) {
  std::vector<std::string> args = {"check", "--no-config", "--jobs", "1", "--select", code, "-o", "json"};
  args.insert(args.end(), plan.begin(), plan.end());
  for (const fs::path& input : inputs) args.push_back(input.string());
  std::ostringstream out, err;
  upcheck::cli::run(args, out, err);
  INFO("stderr: ", err.str());
  REQUIRE(!out.str().empty());
  return json::parse(out.str());
}

// The finding on one object (and stage), which must exist exactly once.
json finding(const json& report, const std::string& ns, const std::string& name, const std::string& stage = "") {
  json found;
  int count = 0;
  for (const json& f : report["findings"]) {
    if (f["object"]["namespace"] != ns || f["object"]["name"] != name) continue;
    if (!stage.empty() && f["fix"]["stage"] != stage) continue;
    found = f;
    ++count;
  }
  INFO("no single finding on ", ns, "/", name, " stage ", stage, " in ", report["findings"].dump(1));
  REQUIRE(count == 1);
  return found;
}

json write_and_check(const std::string& code, const std::vector<std::string>& plan, const std::string& yaml) {
  fs::path dir = fs::temp_directory_path() / ("upcheck-mesh-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  upcheck::testing::write_file((dir / "input.yaml").string(), yaml);
  json report = check(code, plan, {dir / "input.yaml"});
  fs::remove_all(dir);
  return report;
}

}  // namespace

TEST_CASE("MESH002: the guide's Policy and DestinationRule, per port, simplified, and client side only") {
  json report = check("MESH002", {"--to", "1.2"},
                      {rule_case("per-service-mtls-annotation", "fires-on-istio-1.1-list-dump") / "input.yaml"});
  REQUIRE(report["findings"].size() == 3);

  SUBCASE("one of two ports annotated: Policy on port 8000, DestinationRule ISTIO_MUTUAL with 8000 DISABLEd") {
    json f = finding(report, "bar", "foo");
    CHECK(f["fix"]["stage"] == "1.2");
    CHECK(f["fix"]["applicability"] == "unsafe");   // 1.1.7 already ignores the annotation
    CHECK(f["fix"]["apply"] == json::parse(R"([
      {"apiVersion": "authentication.istio.io/v1alpha1", "kind": "Policy",
       "metadata": {"name": "disable-mtls-foo", "namespace": "bar"},
       "spec": {"targets": [{"name": "foo", "ports": [{"number": 8000}]}], "peers": []}},
      {"apiVersion": "networking.istio.io/v1alpha3", "kind": "DestinationRule",
       "metadata": {"name": "disable-mtls-foo", "namespace": "bar"},
       "spec": {"host": "foo", "trafficPolicy": {"tls": {"mode": "ISTIO_MUTUAL"},
                "portLevelSettings": [{"port": {"number": 8000}, "tls": {"mode": "DISABLE"}}]}}}
    ])"));
  }

  SUBCASE("its only port annotated, with a DestinationRule already: the simplified Policy and that rule edited") {
    json f = finding(report, "bar", "httpbin");
    CHECK(f["fix"]["apply"] == json::parse(R"([
      {"apiVersion": "authentication.istio.io/v1alpha1", "kind": "Policy",
       "metadata": {"name": "disable-mtls-httpbin", "namespace": "bar"},
       "spec": {"targets": [{"name": "httpbin"}], "peers": []}},
      {"apiVersion": "networking.istio.io/v1alpha3", "kind": "DestinationRule",
       "metadata": {"name": "httpbin", "namespace": "bar"},
       "spec": {"host": "httpbin.bar.svc.cluster.local",
                "subsets": [{"labels": {"version": "v1"}, "name": "v1"}],
                "trafficPolicy": {
                  "connectionPool": {"http": {"http1MaxPendingRequests": 100, "maxRequestsPerConnection": 10},
                                     "tcp": {"maxConnections": 100}},
                  "loadBalancer": {"simple": "LEAST_CONN"},
                  "outlierDetection": {"baseEjectionTime": "30s", "consecutiveErrors": 5, "interval": "10s",
                                       "maxEjectionPercent": 50},
                  "tls": {"mode": "DISABLE"}}}}
    ])"));
  }

  SUBCASE("no sidecar behind the Service: the DestinationRule alone") {
    json f = finding(report, "istio-system", "cm-acme-http-solver-qqw7l");
    CHECK(f["fix"]["apply"] == json::parse(R"([
      {"apiVersion": "networking.istio.io/v1alpha3", "kind": "DestinationRule",
       "metadata": {"name": "disable-mtls-cm-acme-http-solver-qqw7l", "namespace": "istio-system"},
       "spec": {"host": "cm-acme-http-solver-qqw7l", "trafficPolicy": {"tls": {"mode": "DISABLE"}}}}
    ])"));
    CHECK(f["message"].get<std::string>().find("no sidecar") != std::string::npos);
  }
}

TEST_CASE("MESH002: MUTUAL_TLS on Istio 0.8, migrated before 1.0 without changing traffic") {
  json report = check("MESH002", {"--from", "0.8.0", "--to", "1.0"},
                      {rule_case("per-service-mtls-annotation", "fires-on-mutual-tls-annotation-before-1.0") / "input.yaml"});
  json f = finding(report, "default", "ratings");
  CHECK(f["fix"]["stage"] == "1.0");
  CHECK(f["fix"]["applicability"] == "safe");   // 0.8 still reads the annotation
  CHECK(f["fix"]["apply"] == json::parse(R"([
    {"apiVersion": "authentication.istio.io/v1alpha1", "kind": "Policy",
     "metadata": {"name": "enable-mtls-ratings", "namespace": "default"},
     "spec": {"targets": [{"name": "ratings"}], "peers": [{"mtls": {}}]}},
    {"apiVersion": "networking.istio.io/v1alpha3", "kind": "DestinationRule",
     "metadata": {"name": "enable-mtls-ratings", "namespace": "default"},
     "spec": {"host": "ratings", "trafficPolicy": {"tls": {"mode": "ISTIO_MUTUAL"}}}}
  ])"));
}

TEST_CASE("MESH002: 1.1.7 to 1.6 is staged: the v1alpha1 Policy before 1.2, PeerAuthentication before 1.6") {
  json report = check("MESH002", {"--from", "1.1.7", "--to", "1.6"},
                      {rule_case("per-service-mtls-annotation", "stages-policy-then-peer-authentication-to-1.6") /
                       "input.yaml"});
  REQUIRE(report["findings"].size() == 2);
  json first = finding(report, "shop", "reviews", "1.2");
  CHECK(first["fix"]["apply"] == json::parse(R"([
    {"apiVersion": "authentication.istio.io/v1alpha1", "kind": "Policy",
     "metadata": {"name": "disable-mtls-reviews", "namespace": "shop"},
     "spec": {"targets": [{"name": "reviews", "ports": [{"number": 9080}]}], "peers": []}},
    {"apiVersion": "networking.istio.io/v1alpha3", "kind": "DestinationRule",
     "metadata": {"name": "disable-mtls-reviews", "namespace": "shop"},
     "spec": {"host": "reviews", "trafficPolicy": {"tls": {"mode": "ISTIO_MUTUAL"},
              "portLevelSettings": [{"port": {"number": 9080}, "tls": {"mode": "DISABLE"}}]}}}
  ])"));
  json later = finding(report, "shop", "reviews", "1.6");
  CHECK(later["fix"]["applicability"] == "safe");
  // Keyed by the container port the named targetPort `http-web` resolves to, not Service port 9080.
  CHECK(later["fix"]["apply"] == json::parse(R"([
    {"apiVersion": "security.istio.io/v1beta1", "kind": "PeerAuthentication",
     "metadata": {"name": "disable-mtls-reviews", "namespace": "shop"},
     "spec": {"selector": {"matchLabels": {"app": "reviews"}}, "mtls": {"mode": "UNSET"},
              "portLevelMtls": {"8080": {"mode": "DISABLE"}}}}
  ])"));
  CHECK(later["fix"]["remove"] == json::parse(R"([
    {"apiVersion": "authentication.istio.io/v1alpha1", "kind": "Policy", "namespace": "shop",
     "name": "disable-mtls-reviews"}
  ])"));
}

TEST_CASE("MESH002: from 1.5 straight to 1.6 there is one stage, and it never emits a kind 1.6 ignores") {
  const std::string yaml = R"(apiVersion: v1
kind: Service
metadata:
  name: foo
  namespace: bar
  annotations:
    auth.istio.io/8000: NONE
spec:
  selector: {app: foo, tier: web}
  ports:
  - {name: http, port: 8000}
)";
  json report = write_and_check("MESH002", {"--from", "1.5.10", "--to", "1.6"}, yaml);
  REQUIRE(report["findings"].size() == 1);
  json f = report["findings"][0];
  CHECK(f["fix"]["stage"] == "1.6");
  for (const json& object : f["fix"]["apply"]) CHECK(object["apiVersion"] != "authentication.istio.io/v1alpha1");
  // No targetPort: the workload port is the Service port. One port, so the simplified form.
  CHECK(f["fix"]["apply"][0] == json::parse(R"(
    {"apiVersion": "security.istio.io/v1beta1", "kind": "PeerAuthentication",
     "metadata": {"name": "disable-mtls-foo", "namespace": "bar"},
     "spec": {"selector": {"matchLabels": {"app": "foo", "tier": "web"}}, "mtls": {"mode": "DISABLE"}}}
  )"));
}

TEST_CASE("MESH002: a DestinationRule named by short name, name.ns or FQDN, in another namespace too, is edited") {
  const std::string yaml = R"(apiVersion: v1
kind: Service
metadata: {name: foo, namespace: bar, annotations: {"auth.istio.io/8000": NONE}}
spec:
  ports: [{name: http, port: 8000}, {name: grpc, port: 9000}]
---
apiVersion: networking.istio.io/v1alpha3
kind: DestinationRule
metadata: {name: foo, namespace: bar, labels: {team: web}}
spec:
  host: foo.bar
  trafficPolicy:
    loadBalancer: {simple: ROUND_ROBIN}
    portLevelSettings:
    - port: {number: 8000}
      loadBalancer: {simple: LEAST_CONN}
---
apiVersion: networking.istio.io/v1alpha3
kind: DestinationRule
metadata: {name: foo-from-clients, namespace: clients}
spec:
  host: foo.bar.svc.cluster.local
  exportTo: ["."]
  trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}
---
apiVersion: networking.istio.io/v1alpha3
kind: DestinationRule
metadata: {name: other-foo, namespace: clients}
spec:
  host: foo
)";
  json report = write_and_check("MESH002", {"--from", "1.1.7", "--to", "1.2"}, yaml);
  REQUIRE(report["findings"].size() == 1);
  // A Service without a selector has no sidecar: no Policy. `foo` in namespace clients is another service.
  CHECK(report["findings"][0]["fix"]["apply"] == json::parse(R"([
    {"apiVersion": "networking.istio.io/v1alpha3", "kind": "DestinationRule",
     "metadata": {"name": "foo", "namespace": "bar", "labels": {"team": "web"}},
     "spec": {"host": "foo.bar", "trafficPolicy": {"loadBalancer": {"simple": "ROUND_ROBIN"}, "tls": {"mode": "ISTIO_MUTUAL"},
              "portLevelSettings": [{"port": {"number": 8000}, "loadBalancer": {"simple": "LEAST_CONN"},
                                     "tls": {"mode": "DISABLE"}}]}}},
    {"apiVersion": "networking.istio.io/v1alpha3", "kind": "DestinationRule",
     "metadata": {"name": "foo-from-clients", "namespace": "clients"},
     "spec": {"host": "foo.bar.svc.cluster.local", "exportTo": ["."],
              "trafficPolicy": {"tls": {"mode": "ISTIO_MUTUAL"},
                                "portLevelSettings": [{"port": {"number": 8000}, "tls": {"mode": "DISABLE"}}]}}}
  ])"));
}

TEST_CASE("MESH003: one DestinationRule per listed host, in the host's namespace, or the listed host's rule edited") {
  SUBCASE("quoted mesh text (JSON dump), snake_case key, 0.8 to 1.0") {
    json report = check("MESH003", {"--to", "1.0"},
                        {rule_case("mtls-excluded-services", "fires-on-json-dump-with-snake-case-key") / "input.json"});
    REQUIRE(report["findings"].size() == 2);
    json api = report["findings"][0];
    CHECK(api["fix"]["stage"] == "1.0");
    CHECK(api["fix"]["applicability"] == "unsafe");
    CHECK(api["fix"]["apply"] == json::parse(R"([
      {"apiVersion": "networking.istio.io/v1alpha3", "kind": "DestinationRule",
       "metadata": {"name": "kubernetes-master", "namespace": "default"},
       "spec": {"host": "kubernetes.default.svc.cluster.local", "trafficPolicy": {"tls": {"mode": "DISABLE"}}}}
    ])"));
    CHECK(report["findings"][1]["fix"]["apply"][0]["metadata"] == json::parse(R"({"name": "disable-mtls-redis-master", "namespace": "cache"})"));
  }
  SUBCASE("an existing rule for the host keeps its connection pool; a host a mesh-wide rule covers stays silent") {
    json report = check("MESH003", {"--to", "1.2"},
                        {rule_case("mtls-excluded-services", "fires-on-istio-1.1-list-dump") / "input.yaml"});
    REQUIRE(report["findings"].size() == 3);
    CHECK(report["findings"][0]["fix"]["apply"] == json::parse(R"([
      {"apiVersion": "networking.istio.io/v1alpha3", "kind": "DestinationRule",
       "metadata": {"name": "legacy-db", "namespace": "data"},
       "spec": {"host": "legacy-db.data.svc.cluster.local",
                "trafficPolicy": {"connectionPool": {"tcp": {"connectTimeout": "3s", "maxConnections": 50}},
                                  "tls": {"mode": "DISABLE"}}}}
    ])"));
    CHECK(report["findings"][1]["fix"]["apply"][0]["metadata"]["namespace"] == "istio-system");
    CHECK(report["findings"][2]["fix"].is_null());   // `vault` names no namespace
  }
}

TEST_CASE("an upgrade that keeps a Pilot which still reads the old settings needs no migration") {
  const std::string annotated = R"(apiVersion: v1
kind: Service
metadata: {name: foo, namespace: bar, annotations: {"auth.istio.io/8000": NONE}}
spec: {selector: {app: foo}, ports: [{name: http, port: 8000}]}
)";
  CHECK(write_and_check("MESH002", {"--from", "0.7.1", "--to", "0.8"}, annotated)["findings"].empty());
  CHECK(write_and_check("MESH002", {"--from", "0.8.0", "--to", "1.0"}, annotated)["findings"].size() == 1);
  const std::string excluded = R"(apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  mesh: |
    mtlsExcludedServices: ["kubernetes.default.svc.cluster.local"]
)";
  CHECK(write_and_check("MESH003", {"--from", "0.6.0", "--to", "0.7"}, excluded)["findings"].empty());
  CHECK(write_and_check("MESH003", {"--from", "0.7.1", "--to", "0.8"}, excluded)["findings"].size() == 1);
}
