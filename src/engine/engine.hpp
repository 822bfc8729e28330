// Runs rules over a snapshot: selection, suppression, ordering and de-duplication.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <vector>

#include "engine/rule.hpp"

namespace upcheck {

// --select / --ignore: each entry is a rule code ("AVL001"), a name
// ("missing-pod-disruption-budget") or a category prefix ("AVL").
struct RuleSelection {
  std::vector<std::string> select;  // empty: every rule
  std::vector<std::string> ignore;
  bool selects(const RuleInfo& rule) const;
  // Entries that name no rule and no category (a usage error).
  std::vector<std::string> unknown(std::span<const Rule* const> rules) const;
};

struct EngineResult {
  std::vector<Finding> findings;    // sorted by file, line, column, code; de-duplicated
  std::vector<Diagnostic> notices;  // from rules: missing kinds, skipped rules
  std::vector<Diagnostic> errors;   // rules that failed (internal-error): the exit status is 2
  std::vector<const RuleInfo*> rules_run;
};

EngineResult run_rules(const Snapshot& snapshot, const UpgradePlan& plan, const IstioInstallation& istio,
                       std::span<const Rule* const> rules);

// For the test that holds each rule's declared `kinds` to what it reads: while set, `observer` hears
// every kind a rule's check asks of the snapshot (Snapshot::all() is kEveryKind). Empty: off.
using KindQueryObserver = std::function<void(const RuleInfo& rule, std::string_view kind)>;
void observe_kind_queries(KindQueryObserver observer);

// The annotation that silences rules on one object: `upcheck.io/ignore: "name-or-code[,...]"`.
inline constexpr std::string_view kIgnoreAnnotation = "upcheck.io/ignore";

}  // namespace upcheck
