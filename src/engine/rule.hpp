// What a rule is. Everything else in upcheck (reports, docs, SARIF, `explain`) reads RuleInfo, so
// a rule's metadata is declared once, beside its check.
#pragma once

#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/finding.hpp"
#include "engine/upgrade_plan.hpp"
#include "istio/istio_install.hpp"
#include "model/diagnostic.hpp"
#include "model/snapshot.hpp"

namespace upcheck {

std::string_view severity_name(Severity severity);  // "error", "warning", "info"

// The severities a rule declares it may give its findings (a bitset, so RuleInfo stays a constant).
class SeveritySet {
 public:
  constexpr SeveritySet() = default;
  constexpr SeveritySet(std::initializer_list<Severity> severities) {
    for (Severity s : severities) bits_ |= bit(s);
  }
  constexpr bool contains(Severity s) const { return (bits_ & bit(s)) != 0; }
  constexpr SeveritySet with(Severity s) const {
    SeveritySet out = *this;
    out.bits_ |= bit(s);
    return out;
  }
  // Most severe first: error, warning, info.
  std::vector<Severity> list() const;

 private:
  static constexpr uint8_t bit(Severity s) { return static_cast<uint8_t>(1u << static_cast<unsigned>(s)); }
  uint8_t bits_ = 0;
};

enum class FixAvailability : uint8_t { None, Sometimes, Always };

// What a rule option's value must be; `.upcheck.yaml` is checked against it when it is read.
enum class RuleOptionType : uint8_t { Text, Integer };

struct RuleOption {
  std::string_view name;
  std::string_view default_value;
  std::string_view description;
  RuleOptionType type = RuleOptionType::Text;
  bool accepts(std::string_view value) const;
  std::string_view wants() const;  // "an integer": for the usage error on a value it does not accept
};

struct RuleInfo {
  std::string_view code;                  // "AVL001": stable; suppressions, SARIF ruleId, --select
  std::string_view name;                  // "missing-pod-disruption-budget": names the flagged pattern
  Severity severity = Severity::Warning;  // the default: docs and SARIF defaultConfiguration show it
  // Any other severity a finding may carry (`out.report(..., {.severity = ...})`); the sink refuses
  // the rest, so the docs list every severity `--fail-on` can meet.
  SeveritySet other_severities = {};
  std::string_view title;        // one line: SARIF shortDescription, docs index
  std::string_view rationale;    // why it matters for the upgrade, with sources: SARIF fullDescription
  std::string_view remediation;  // what to do: text "help:", SARIF help
  FixAvailability fix = FixAvailability::None;
  std::span<const std::string_view> kinds = {};  // kinds it reads (docs; `explain`)
  std::span<const RuleOption> options = {};
  std::string_view example_bad = {};   // YAML that fires (a test proves it)
  std::string_view example_good = {};  // YAML that stays silent (a test proves it)
  std::string_view example_args = {};  // plan for the examples: "--to 1.2"
  bool needs_target = false;           // skipped, with a notice, without --to
  SeveritySet severities() const { return other_severities.with(severity); }
  // "AVL" of "AVL001": the category users select with --select AVL.
  std::string_view category() const { return code.substr(0, code.find_first_of("0123456789")); }
};

class FindingSink;

// A read-only view of everything a check may use.
class CheckContext {
 public:
  CheckContext(const Snapshot& snapshot, const UpgradePlan& plan, const IstioInstallation& istio, const RuleInfo& rule)
      : snapshot_(snapshot), plan_(plan), istio_(istio), rule_(rule) {}
  const Snapshot& snapshot() const { return snapshot_; }
  const UpgradePlan& plan() const { return plan_; }
  // The detected installation: a rule that uses it reads what detection read.
  const IstioInstallation& istio() const {
    for (std::string_view kind : kInstallDetectionKinds) note_kind_query(kind);
    return istio_;
  }
  const RuleInfo& rule() const { return rule_; }
  // A rule option: the value from .upcheck.yaml, else its declared default.
  std::string option(std::string_view name) const;
  int option_int(std::string_view name) const;

 private:
  const Snapshot& snapshot_;
  const UpgradePlan& plan_;
  const IstioInstallation& istio_;
  const RuleInfo& rule_;
};

// What sets one finding apart from the rule's defaults. It is given with the report, so a finding is
// final once reported: `out.report(object, path, message, {.severity = Severity::Error, .fix = std::move(fix)})`.
struct ReportOptions {
  std::optional<Severity> severity = std::nullopt;  // empty: the rule's default; else one it declares
  // Tells apart findings of one rule on one object (a port, a host); see Finding::discriminator.
  std::string discriminator = {};
  std::optional<Fix> fix = std::nullopt;
};

// Where a finding on the upgrade plan points: the object that showed the installed version, so
// code scanning has somewhere to put it.
struct PlanEvidence {
  const Resource* revealed_by = nullptr;
  std::string_view field_path = {};
  // `upcheck.io/ignore` on that object silences the finding, as it would a finding on the object.
  bool ignorable = false;
};

// Collects a rule's findings. It stamps the rule, the severity and the object on each, and refuses
// a severity the rule does not declare, so a rule cannot mislabel what it reports; nothing changes
// a finding once reported.
class FindingSink {
 public:
  FindingSink(const RuleInfo& rule, std::vector<Finding>& findings, std::vector<Diagnostic>& notices)
      : rule_(rule), findings_(findings), notices_(notices) {}

  // A finding on an object, at the key of `field_path` (the object itself when that is absent).
  void report(const Resource& object, std::string_view field_path, std::string message, ReportOptions options = {});
  // A finding on an object at an exact position (inside an embedded document, say).
  void report_at(const Resource& object, Mark mark, std::string message, ReportOptions options = {});
  // A finding on the upgrade plan that belongs to no object.
  void report_plan(std::string message, PlanEvidence evidence = {}, ReportOptions options = {});
  // The input holds no objects of a kind this rule needed: says so once, so a partial dump is
  // never mistaken for a clean one. `how_to_get` is the kubectl command that dumps them.
  void missing_kind(std::string_view kind, std::string_view how_to_get);
  // A notice (a code of the catalog whose is_error is false). One with a `subject` is said once
  // per code and subject, however many rules give it.
  void notice(const Resource* object, const DiagnosticCode* code, std::string message, std::string subject = {});

 private:
  // Throws std::logic_error for a severity the rule does not declare: a bug in the rule, which the
  // engine reports as an internal error.
  void add(Finding finding, ReportOptions options);

  const RuleInfo& rule_;
  std::vector<Finding>& findings_;
  std::vector<Diagnostic>& notices_;
};

using CheckFn = void (*)(const CheckContext&, FindingSink&);

struct Rule {
  RuleInfo info;
  CheckFn check = nullptr;
};

}  // namespace upcheck
