// The engine's invariants: a finding is final when reported, with a severity its rule declares;
// a rule that throws costs only its own findings; a notice is said once per subject.
#include <doctest/doctest.h>

#include <stdexcept>

#include "engine/engine.hpp"

namespace upcheck {
namespace {

constexpr RuleInfo kWarns{.code = "TST001", .name = "warns", .title = "t", .rationale = "r", .remediation = "m"};
constexpr RuleInfo kWarnsOrErrs{.code = "TST002",
                                .name = "warns-or-errs",
                                .severity = Severity::Warning,
                                .other_severities = {Severity::Error},
                                .title = "t",
                                .rationale = "r",
                                .remediation = "m"};

EngineResult run(std::initializer_list<const Rule*> rules) {
  static const Snapshot snapshot;
  static const IstioInstallation istio;
  std::vector<const Rule*> list(rules);
  return run_rules(snapshot, UpgradePlan{}, istio, list);
}

TEST_CASE("the sink gives a finding the severity asked for, if the rule declares it") {
  std::vector<Finding> findings;
  std::vector<Diagnostic> notices;
  FindingSink sink(kWarnsOrErrs, findings, notices);
  sink.report_plan("default");
  sink.report_plan("declared", {}, {.severity = Severity::Error, .discriminator = "d"});
  REQUIRE(findings.size() == 2);
  CHECK(findings[0].severity == Severity::Warning);
  CHECK(findings[1].severity == Severity::Error);
  CHECK(findings[1].discriminator == "d");
  CHECK(findings[1].rule == &kWarnsOrErrs);
  CHECK_THROWS_AS(sink.report_plan("undeclared", {}, {.severity = Severity::Info}), std::logic_error);
  CHECK(findings.size() == 2);
}

TEST_CASE("a rule may not report a severity it does not declare") {
  std::vector<Finding> findings;
  std::vector<Diagnostic> notices;
  FindingSink sink(kWarns, findings, notices);
  CHECK_THROWS_AS(sink.report_plan("error", {}, {.severity = Severity::Error}), std::logic_error);
  CHECK(findings.empty());
}

TEST_CASE("an integer option accepts integers only, so a bad value is refused when the config is read") {
  const RuleOption replicas{"min-replicas", "2", "d", RuleOptionType::Integer};
  CHECK(replicas.accepts("3"));
  CHECK(replicas.accepts("-1"));
  CHECK_FALSE(replicas.accepts("two"));
  CHECK_FALSE(replicas.accepts("3x"));
  CHECK_FALSE(replicas.accepts(""));
  CHECK(replicas.wants() == "an integer");
  CHECK(RuleOption{"mode", "strict", "d"}.accepts("anything"));
}

const Rule kReportsOne{.info = kWarns, .check = [](const CheckContext&, FindingSink& out) { out.report_plan("one"); }};
const Rule kThrows{.info = {.code = "TST003", .name = "throws", .title = "t", .rationale = "r", .remediation = "m"},
                   .check = [](const CheckContext&, FindingSink& out) {
                     out.report_plan("made before the failure");
                     out.missing_kind("Pod", "kubectl get pods -A -o yaml");
                     throw std::runtime_error("boom");
                   }};

TEST_CASE("a rule that throws becomes an internal error; the other rules still report") {
  EngineResult result = run({&kThrows, &kReportsOne});
  REQUIRE(result.findings.size() == 1);
  CHECK(result.findings[0].rule == &kReportsOne.info);  // the broken rule's own finding is dropped
  CHECK(result.notices.empty());                        // and so is its notice
  REQUIRE(result.errors.size() == 1);
  const Diagnostic& error = result.errors[0];
  CHECK(error.code == &kInternalError);
  CHECK(error.message.find("rule throws (TST003)") != std::string::npos);
  CHECK(error.message.find("boom") != std::string::npos);
}

const Rule kMislabels{
    .info = {.code = "TST008", .name = "mislabels", .title = "t", .rationale = "r", .remediation = "m"},
    .check = [](const CheckContext&, FindingSink& out) {
      out.report_plan("an error it does not declare", {}, {.severity = Severity::Error});
    }};

TEST_CASE("an undeclared severity fails the rule, as an internal error the fixture tests would show") {
  EngineResult result = run({&kMislabels});
  CHECK(result.findings.empty());
  REQUIRE(result.errors.size() == 1);
  CHECK(result.errors[0].code == &kInternalError);
  CHECK(result.errors[0].code->is_error);  // so the exit status is 2
  CHECK(result.errors[0].message.find("mislabels reported a finding of severity error") != std::string::npos);
}

TEST_CASE("a rule's notice must carry a notice code") {
  std::vector<Finding> findings;
  std::vector<Diagnostic> notices;
  FindingSink sink(kWarns, findings, notices);
  CHECK_THROWS_AS(sink.notice(nullptr, &kYamlSyntax, "not the rule's to say"), std::logic_error);
  CHECK(notices.empty());
}

const Rule kNeedsPods{
    .info = {.code = "TST004", .name = "needs-pods", .title = "t", .rationale = "r", .remediation = "m"},
    .check = [](const CheckContext&, FindingSink& out) { out.missing_kind("Pod", "kubectl get pods -A -o yaml"); }};
const Rule kAlsoNeedsPods{
    .info = {.code = "TST005", .name = "also-needs-pods", .title = "t", .rationale = "r", .remediation = "m"},
    .check = [](const CheckContext&, FindingSink& out) {
      out.missing_kind("Pod", "kubectl get pods -A -o yaml");
      out.missing_kind("Service", "kubectl get services -A -o yaml");
    }};

TEST_CASE("a missing kind is said once, however many rules needed it") {
  EngineResult result = run({&kNeedsPods, &kAlsoNeedsPods});
  REQUIRE(result.notices.size() == 2);
  CHECK(result.notices[0].message.find("no Pod objects, which needs-pods needs") != std::string::npos);
  CHECK(result.notices[1].message.find("no Service objects") != std::string::npos);
}

const Rule kSaysPodsOneWay{
    .info = {.code = "TST006", .name = "one-way", .title = "t", .rationale = "r", .remediation = "m"},
    .check = [](const CheckContext&, FindingSink& out) {
      out.notice(nullptr, &kInputLacksKind, "no Pods here, so one-way cannot judge", "Pod");
      out.notice(nullptr, &kApiTargetAssumed, "without a subject: never merged");
    }};
const Rule kSaysPodsAnother{
    .info = {.code = "TST007", .name = "another", .title = "t", .rationale = "r", .remediation = "m"},
    .check = [](const CheckContext&, FindingSink& out) {
      out.notice(nullptr, &kInputLacksKind, "another wording, with a comma elsewhere: Pods missing", "Pod");
      out.notice(nullptr, &kApiTargetAssumed, "without a subject: never merged");
    }};

TEST_CASE("notices are de-duplicated on code and subject, not on their wording") {
  EngineResult result = run({&kSaysPodsOneWay, &kSaysPodsAnother});
  REQUIRE(result.notices.size() == 3);
  CHECK(result.notices[0].message == "no Pods here, so one-way cannot judge");
  CHECK(result.notices[1].code == &kApiTargetAssumed);
  CHECK(result.notices[2].code == &kApiTargetAssumed);
}

}  // namespace
}  // namespace upcheck
