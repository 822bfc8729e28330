// What a rule is. Everything else in upcheck (reports, docs, SARIF, `explain`) reads RuleInfo, so
// a rule's metadata is declared once, beside its check.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/finding.hpp"
#include "engine/upgrade_plan.hpp"
#include "model/diagnostic.hpp"
#include "istio/istio_install.hpp"
#include "model/snapshot.hpp"

namespace upcheck {

std::string_view severity_name(Severity severity);   // "error", "warning", "info"

enum class FixAvailability : uint8_t { None, Sometimes, Always };

struct RuleOption {
  std::string_view name;
  std::string_view default_value;
  std::string_view description;
};

struct RuleInfo {
  std::string_view code;          // "AVL001": stable; suppressions, SARIF ruleId, --select
  std::string_view name;          // "missing-pod-disruption-budget": names the flagged pattern
  Severity severity = Severity::Warning;
  std::string_view title;         // one line: SARIF shortDescription, docs index
  std::string_view rationale;     // why it matters for the upgrade, with sources: SARIF fullDescription
  std::string_view remediation;   // what to do: text "help:", SARIF help
  FixAvailability fix = FixAvailability::None;
  std::span<const std::string_view> kinds = {};      // kinds it reads (docs; `explain`)
  std::span<const RuleOption> options = {};
  std::string_view example_bad = {};    // YAML that fires (a test proves it)
  std::string_view example_good = {};   // YAML that stays silent (a test proves it)
  std::string_view example_args = {};   // plan for the examples: "--to 1.2"
  bool needs_target = false;            // skipped, with a notice, without --to
  // "AVL" of "AVL001": the category users select with --select AVL.
  std::string_view category() const { return code.substr(0, code.find_first_of("0123456789")); }
};

class FindingSink;

// A read-only view of everything a check may use.
class CheckContext {
 public:
  CheckContext(const Snapshot& snapshot, const UpgradePlan& plan, const IstioInstallation& istio,
               const RuleInfo& rule)
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

// Collects a rule's findings. It stamps the rule and its severity on each, so a rule cannot
// mislabel what it reports.
class FindingSink {
 public:
  FindingSink(const RuleInfo& rule, std::vector<Finding>& findings, std::vector<Diagnostic>& notices)
      : rule_(rule), findings_(findings), notices_(notices) {}

  // A finding on an object, at the key of `field_path` (the object itself when that is absent).
  Finding& report(const Resource& object, std::string_view field_path, std::string message);
  // A finding on an object at an exact position (inside an embedded document, say).
  Finding& report_at(const Resource& object, Mark mark, std::string message);
  // A finding on the upgrade plan that belongs to no object. `revealed_by` is the object that
  // showed the installed version, so code scanning has somewhere to put it.
  Finding& report_plan(std::string message, const Resource* revealed_by = nullptr,
                       std::string_view field_path = {});
  // The input holds no objects of a kind this rule needed: says so once, so a partial dump is
  // never mistaken for a clean one. `how_to_get` is the kubectl command that dumps them.
  void missing_kind(std::string_view kind, std::string_view how_to_get);
  void notice(const Resource* object, std::string code, std::string message);

 private:
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
