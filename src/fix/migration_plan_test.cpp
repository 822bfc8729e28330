// The planner's decisions, on the plan's data: no rendering involved.
#include <doctest/doctest.h>

#include "fix/migration_plan.hpp"
#include "fix/test_findings.hpp"

using namespace upcheck;
using namespace upcheck::fix::testing;

namespace {

const ObjectRef kPilot{"apps/v1", "Deployment", "istio-system", "istio-pilot"};

Fix scale_pilot(std::string title) {
  Fix fix;
  fix.title = std::move(title);
  fix.patches.push_back({kPilot, {{"spec", {{"replicas", 2}}}}});
  return fix;
}

}  // namespace

TEST_CASE("stages: now first, then releases in version order, whatever the findings' order") {
  Fix late;
  late.title = "late";
  late.stage = "1.10";
  late.remove.push_back(kClusterRbacConfig);
  Fix early;
  early.title = "early";
  early.stage = "1.2";
  early.apply.push_back(cluster_rbac_config());
  std::vector<Finding> findings = {finding("a", late), finding("b", early), finding("c", scale_pilot("scale"))};
  fix::MigrationPlan plan = fix::plan_migration(findings, {});
  REQUIRE(plan.stages.size() == 3);
  CHECK(plan.stages[0].release.empty());
  CHECK(plan.stages[1].release == "1.2");
  CHECK(plan.stages[2].release == "1.10");  // 1.10 after 1.2: versions, not text
  CHECK(plan.stages[0].patches.size() == 1);
  CHECK(plan.stages[1].creates.size() == 1);
  CHECK(plan.stages[2].deletes.size() == 1);
  CHECK(plan.applied == 3);
}

TEST_CASE("the object a fix creates is copied without what the API server set") {
  Fix fix;
  fix.title = "replace";
  fix.apply.push_back(cluster_rbac_config());
  std::vector<Finding> findings = {finding("a", fix)};
  fix::MigrationPlan plan = fix::plan_migration(findings, {});
  REQUIRE(plan.stages.size() == 1);
  REQUIRE(plan.stages[0].creates.size() == 1);
  const fix::CreateStep& create = plan.stages[0].creates[0];
  CHECK(create.object == kClusterRbacConfig);
  CHECK_FALSE(create.manifest.contains("status"));
  CHECK_FALSE(create.manifest["metadata"].contains("resourceVersion"));
}

TEST_CASE("an identical object or patch two fixes need is planned once and resolves both") {
  Fix a;
  a.title = "a";
  a.apply.push_back(cluster_rbac_config());
  Fix b = a;
  b.title = "b";
  std::vector<Finding> findings = {finding("a", a), finding("b", b), finding("c", scale_pilot("c")),
                                   finding("d", scale_pilot("d"))};
  fix::MigrationPlan plan = fix::plan_migration(findings, {});
  REQUIRE(plan.stages.size() == 1);
  const fix::Stage& stage = plan.stages[0];
  REQUIRE(stage.creates.size() == 1);
  REQUIRE(stage.creates[0].resolves.size() == 2);
  CHECK(stage.creates[0].resolves[0].finding == &findings[0]);
  CHECK(stage.creates[0].resolves[1].finding == &findings[1]);
  REQUIRE(stage.patches.size() == 1);
  CHECK(stage.patches[0].resolves.size() == 2);
  CHECK(plan.conflicts.empty());
  CHECK(plan.applied == 4);
}

TEST_CASE("conflicts: a different object under the same name keeps the earlier; a created object is not deleted") {
  Fix a;
  a.title = "a";
  a.apply.push_back(cluster_rbac_config());
  Fix b = a;
  b.title = "b";
  b.apply[0]["spec"]["mode"] = "OFF";
  b.remove.push_back(kClusterRbacConfig);
  Fix elsewhere;  // another stage may delete it: by then it is another hop's object
  elsewhere.title = "elsewhere";
  elsewhere.stage = "1.6";
  elsewhere.remove.push_back(kClusterRbacConfig);
  std::vector<Finding> findings = {finding("a", a), finding("b", b), finding("c", elsewhere)};
  fix::MigrationPlan plan = fix::plan_migration(findings, {});
  REQUIRE(plan.stages.size() == 2);
  REQUIRE(plan.stages[0].creates.size() == 1);
  CHECK(plan.stages[0].creates[0].manifest["spec"]["mode"] == "ON");
  CHECK(plan.stages[0].creates[0].resolves.size() == 1);
  CHECK(plan.stages[0].deletes.empty());
  CHECK(plan.stages[1].deletes.size() == 1);
  REQUIRE(plan.conflicts.size() == 2);
  CHECK(plan.conflicts[0].kind == fix::ConflictKind::DifferentObject);
  CHECK(plan.conflicts[0].finding == &findings[1]);
  CHECK(plan.conflicts[0].object == kClusterRbacConfig);
  CHECK(plan.conflicts[1].kind == fix::ConflictKind::DeletesCreated);
  CHECK(plan.conflicts[1].finding == &findings[1]);
  // b wrote nothing (both its steps are conflicts): two fixes are applied, not three.
  CHECK(plan.applied == 2);
}

TEST_CASE("left to a person: display-only fixes, fixes with nothing to apply, unsafe ones without --unsafe-fixes") {
  Fix chart;
  chart.title = "change it in the chart";
  chart.applicability = Applicability::DisplayOnly;
  chart.manual_note = "managed by Helm";
  chart.apply.push_back(cluster_rbac_config());
  Fix empty;
  empty.title = "nothing";
  Fix unsafe = scale_pilot("scale");
  unsafe.applicability = Applicability::Unsafe;
  std::vector<Finding> findings = {finding("a", chart), finding("b", empty), finding("c", unsafe)};

  fix::MigrationPlan plan = fix::plan_migration(findings, {});
  CHECK(plan.stages.empty());
  CHECK(plan.applied == 0);
  REQUIRE(plan.by_hand.size() == 2);
  CHECK(plan.by_hand[0].finding == &findings[0]);
  CHECK(plan.by_hand[0].why == "managed by Helm");
  CHECK(plan.by_hand[1].why == "nothing to apply");
  REQUIRE(plan.skipped.size() == 1);
  CHECK(plan.skipped[0].why == "it changes live behaviour");

  fix::MigrationPlan forced = fix::plan_migration(findings, {.unsafe_fixes = true});
  CHECK(forced.by_hand.size() == 2);  // display-only stays display-only
  CHECK(forced.skipped.empty());
  REQUIRE(forced.stages.size() == 1);
  REQUIRE(forced.stages[0].patches.size() == 1);
  CHECK(forced.stages[0].patches[0].resolves[0].unsafe_note == "it changes live behaviour");
  CHECK(forced.applied == 1);
}

TEST_CASE(
    "a stage patches first when it creates something for an object it patches, never before that object's own write") {
  Finding scale = finding("a", scale_pilot("scale"));
  scale.object = kPilot;
  Fix budget_fix;
  budget_fix.title = "add a budget";
  budget_fix.apply.push_back({{"apiVersion", "policy/v1"},
                              {"kind", "PodDisruptionBudget"},
                              {"metadata", {{"name", "istio-pilot"}, {"namespace", "istio-system"}}},
                              {"spec", {{"minAvailable", 1}}}});
  Finding budget = finding("b", budget_fix);
  budget.object = kPilot;  // the budget is for the Deployment the stage scales
  std::vector<Finding> findings = {budget, scale};
  fix::MigrationPlan plan = fix::plan_migration(findings, {});
  REQUIRE(plan.stages.size() == 1);
  CHECK(plan.stages[0].patches_first);

  // A create that writes the patched object itself (an apiVersion move) goes first, or it would
  // overwrite the patch.
  Fix move;
  move.title = "move";
  move.apply.push_back({{"apiVersion", "apps/v1beta2"},
                        {"kind", "Deployment"},
                        {"metadata", {{"name", "istio-pilot"}, {"namespace", "istio-system"}}}});
  Finding moved = finding("c", move);
  moved.object = kPilot;
  findings.push_back(moved);
  CHECK_FALSE(fix::plan_migration(findings, {}).stages[0].patches_first);
  // Unrelated creates and patches keep the usual order.
  Fix other;
  other.title = "other";
  other.apply.push_back(cluster_rbac_config());
  std::vector<Finding> unrelated = {finding("d", other), scale};
  CHECK_FALSE(fix::plan_migration(unrelated, {}).stages[0].patches_first);
}
