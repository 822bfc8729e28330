// What the renderers write for a plan: step files, apply.sh and MANUAL.md. The planning decisions
// themselves are tested on the plan's data in migration_plan_test.cpp.
#include <doctest/doctest.h>

#include "fix/kubectl_command.hpp"
#include "fix/migration_files.hpp"
#include "fix/migration_plan.hpp"
#include "fix/test_findings.hpp"

using namespace upcheck;
using namespace upcheck::fix::testing;

namespace {

fix::MigrationFiles render(const std::vector<Finding>& findings, fix::MigrationOptions options = {}) {
  return fix::render_migration(fix::plan_migration(findings, options), Snapshot{}, "test");
}

size_t position(const std::string& text, const std::string& needle) {
  size_t at = text.find(needle);
  REQUIRE_MESSAGE(at != std::string::npos, needle << " not in\n" << text);
  return at;
}

}  // namespace

TEST_CASE("step files are numbered in apply order, and apply.sh checks each stage before it changes anything") {
  Fix later;
  later.title = "later";
  later.stage = "1.6";
  later.remove.push_back(kClusterRbacConfig);
  Fix replace;
  replace.title = "replace";
  replace.stage = "1.2";
  replace.apply.push_back(cluster_rbac_config());
  replace.remove.push_back({"rbac.istio.io/v1alpha1", "RbacConfig", "istio-system", "default"});
  Fix now;
  now.title = "scale";
  now.patches.push_back({{"apps/v1", "Deployment", "istio-system", "istio-pilot"}, {{"spec", {{"replicas", 2}}}}});
  now.commands.push_back("kubectl rollout status deployment/istio-pilot -n istio-system");
  std::vector<Finding> findings = {finding("a", later), finding("b", replace), finding("c", now)};
  fix::MigrationFiles m = render(findings);
  REQUIRE(m.steps.size() == 4);
  CHECK(m.steps[0].name == "01-now-patch.yaml");
  CHECK(m.steps[1].name == "02-before-1.2-create.yaml");
  CHECK(m.steps[2].name == "03-before-1.2-delete.yaml");
  CHECK(m.steps[3].name == "04-before-1.6-delete.yaml");
  // The copy never carries what the API server set.
  CHECK(m.steps[1].content.find("resourceVersion") == std::string::npos);
  CHECK(m.steps[1].content.find("status") == std::string::npos);
  CHECK(m.steps[1].content.find("# resolves test-rule (TST001) on RbacConfig istio-system/b: replace\n") !=
        std::string::npos);

  const std::string& script = m.apply_script;
  size_t stage = position(script, "stage_before_1_2() {");
  size_t dry = position(script.substr(stage), "dry_run apply -f 02-before-1.2-create.yaml");
  size_t del_dry = position(script.substr(stage), "check_delete 03-before-1.2-delete.yaml");
  size_t apply = position(script.substr(stage), "apply_file 02-before-1.2-create.yaml");
  size_t get = position(script.substr(stage), "kubectl get -f 02-before-1.2-create.yaml");
  size_t del = position(script.substr(stage), "kubectl delete --ignore-not-found -f 03-before-1.2-delete.yaml");
  CHECK(dry < del_dry);
  CHECK(del_dry < apply);
  CHECK(apply < get);
  CHECK(get < del);
  size_t now_stage = position(script, "stage_now() {");
  CHECK(position(script.substr(now_stage),
                 "check_patch '{\"spec\":{\"replicas\":2}}' deployment.v1.apps istio-pilot -n istio-system\n") <
        position(script.substr(now_stage),
                 "kubectl patch deployment.v1.apps istio-pilot -n istio-system --type merge -p "
                 "'{\"spec\":{\"replicas\":2}}'\n"));
  CHECK(position(script.substr(now_stage), "kubectl patch deployment.v1.apps") <
        position(script.substr(now_stage), "kubectl rollout status"));
  // Several stages: the script refuses to guess which one to run.
  CHECK(script.find("case \"${stage:-}\" in") != std::string::npos);
}

TEST_CASE("MANUAL.md lists display-only and skipped unsafe fixes; --unsafe-fixes notes why above the step") {
  Fix manual;
  manual.title = "change it in the chart";
  manual.applicability = Applicability::DisplayOnly;
  manual.manual_note = "managed by Helm";
  manual.apply.push_back(cluster_rbac_config());
  Fix unsafe;
  unsafe.title = "turn it on";
  unsafe.applicability = Applicability::Unsafe;
  unsafe.manual_note = "enforcement starts";
  unsafe.apply.push_back(cluster_rbac_config());
  std::vector<Finding> findings = {finding("a", manual), finding("b", unsafe)};
  fix::MigrationFiles m = render(findings);
  CHECK(m.steps.empty());
  CHECK(m.apply_script.empty());
  CHECK(m.manual.find("managed by Helm") != std::string::npos);
  CHECK(m.manual.find("## Unsafe fixes, skipped") != std::string::npos);
  CHECK(m.manual.find("enforcement starts") != std::string::npos);

  fix::MigrationFiles forced = render(findings, {.unsafe_fixes = true});
  REQUIRE(forced.steps.size() == 1);
  CHECK(forced.steps[0].content.find("unsafe, applied because of --unsafe-fixes: enforcement starts") !=
        std::string::npos);
  // A single stage runs without an argument.
  CHECK(forced.apply_script.find("case \"${stage:-now}\" in") != std::string::npos);
}

TEST_CASE("an object two fixes write is written once, with both findings above it; conflicts go to MANUAL.md") {
  Fix a;
  a.title = "a";
  a.apply.push_back(cluster_rbac_config());
  Fix b = a;
  b.title = "b";
  Fix c = a;
  c.title = "c";
  c.apply[0]["spec"]["mode"] = "OFF";
  c.remove.push_back(kClusterRbacConfig);
  std::vector<Finding> findings = {finding("a", a), finding("b", b), finding("c", c)};
  fix::MigrationFiles m = render(findings);
  REQUIRE(m.steps.size() == 1);
  CHECK(m.steps[0].content.find("mode: \"ON\"") != std::string::npos);  // YAML 1.1 reads a plain ON as true
  CHECK(m.steps[0].content.find("OFF") == std::string::npos);
  const std::string both =
      "# resolves test-rule (TST001) on RbacConfig istio-system/a: a\n"
      "# resolves test-rule (TST001) on RbacConfig istio-system/b: b\n";
  CHECK(m.steps[0].content.find(both) != std::string::npos);
  CHECK(m.manual.find("## Conflicts") != std::string::npos);
  CHECK(m.manual.find("- test-rule (TST001) on RbacConfig istio-system/c would write ClusterRbacConfig default "
                      "differently from an earlier fix") != std::string::npos);
  CHECK(m.manual.find("which this stage also creates: not deleted") != std::string::npos);
}

TEST_CASE("kubectl names kinds with their group and version, and the shell sees one word") {
  CHECK(fix::kubectl_type({"apps/v1", "Deployment", "a", "b"}) == "deployment.v1.apps");
  CHECK(fix::kubectl_type({"v1", "Service", "a", "b"}) == "service");
  CHECK(fix::shell_quote("istio-system") == "istio-system");
  CHECK(fix::shell_quote("{\"a\":\"it's\"}") == "'{\"a\":\"it'\\''s\"}'");
}

TEST_CASE("a budget for a Deployment the stage scales is created after the scaling: files and apply.sh") {
  const ObjectRef pilot{"apps/v1", "Deployment", "istio-system", "istio-pilot"};
  Fix scale;
  scale.title = "scale";
  scale.patches.push_back({pilot, {{"spec", {{"replicas", 2}}}}});
  Fix budget;
  budget.title = "add a budget";
  budget.apply.push_back({{"apiVersion", "policy/v1"},
                          {"kind", "PodDisruptionBudget"},
                          {"metadata", {{"name", "istio-pilot"}, {"namespace", "istio-system"}}},
                          {"spec", {{"minAvailable", 1}}}});
  std::vector<Finding> findings = {finding("a", budget), finding("b", scale)};
  for (Finding& f : findings) f.object = pilot;
  fix::MigrationFiles m = render(findings);
  REQUIRE(m.steps.size() == 2);
  CHECK(m.steps[0].name == "01-now-patch.yaml");
  CHECK(m.steps[1].name == "02-now-create.yaml");
  CHECK(position(m.apply_script, "echo '== patching'") < position(m.apply_script, "echo '== applying'"));
}
