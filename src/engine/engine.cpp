#include "engine/engine.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <set>
#include <tuple>

namespace upcheck {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) == std::toupper(static_cast<unsigned char>(y));
         });
}

// An entry names a rule by code or name, or a category by a code prefix ("AVL", "MESH").
bool entry_matches(std::string_view entry, const RuleInfo& rule) {
  if (entry == rule.name || iequals(entry, rule.code)) return true;
  return !entry.empty() && entry.size() < rule.code.size() && iequals(entry, rule.code.substr(0, entry.size())) &&
         std::isalpha(static_cast<unsigned char>(entry.front()));
}

bool suppressed(const Finding& f) {
  if (f.subject == nullptr) return false;
  std::optional<std::string_view> value = f.subject->annotation(kIgnoreAnnotation);
  if (!value) return false;
  std::string_view list = *value;
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view entry = list.substr(0, comma);
    while (!entry.empty() && std::isspace(static_cast<unsigned char>(entry.front()))) entry.remove_prefix(1);
    while (!entry.empty() && std::isspace(static_cast<unsigned char>(entry.back()))) entry.remove_suffix(1);
    if (entry == "all" || entry_matches(entry, *f.rule)) return true;
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
  }
  return false;
}

KindQueryObserver& kind_query_observer() {
  static KindQueryObserver observer;
  return observer;
}

// Hands the kinds one rule asks for to the test's observer.
class RuleKindQueries final : public KindQueryLog {
 public:
  explicit RuleKindQueries(const RuleInfo& rule) : rule_(rule) {}
  void queried(std::string_view kind) override { kind_query_observer()(rule_, kind); }

 private:
  const RuleInfo& rule_;
};

}  // namespace

void observe_kind_queries(KindQueryObserver observer) { kind_query_observer() = std::move(observer); }

bool RuleSelection::selects(const RuleInfo& rule) const {
  auto matches = [&](const std::vector<std::string>& entries) {
    return std::any_of(entries.begin(), entries.end(), [&](const std::string& e) { return entry_matches(e, rule); });
  };
  if (!select.empty() && !matches(select)) return false;
  return !matches(ignore);
}

std::vector<std::string> RuleSelection::unknown(std::span<const Rule* const> rules) const {
  std::vector<std::string> out;
  for (const auto* list : {&select, &ignore})
    for (const std::string& e : *list)
      if (std::none_of(rules.begin(), rules.end(), [&](const Rule* r) { return entry_matches(e, r->info); }))
        out.push_back(e);
  return out;
}

EngineResult run_rules(const Snapshot& snapshot, const UpgradePlan& plan, const IstioInstallation& istio,
                       std::span<const Rule* const> rules) {
  EngineResult result;
  std::vector<Finding> findings;
  std::vector<std::string_view> skipped_for_target;
  for (const Rule* rule : rules) {
    if (rule->info.needs_target && !plan.to) {
      skipped_for_target.push_back(rule->info.name);
      continue;
    }
    result.rules_run.push_back(&rule->info);
    CheckContext context(snapshot, plan, istio, rule->info);
    FindingSink sink(rule->info, findings, result.notices);
    RuleKindQueries kind_queries(rule->info);
    ScopedKindQueryLog kind_query_scope(kind_query_observer() ? &kind_queries : nullptr);
    const size_t findings_before = findings.size(), notices_before = result.notices.size();
    try {
      rule->check(context, sink);
    } catch (const std::exception& e) {
      // A rule that throws stopped part way: what it reported may be a fraction of what it would
      // have, and a partial answer read as a whole one is worse than none. Its findings and notices
      // go; the error says so and makes the exit status 2. The other rules still run (as Ruff turns
      // a panicking rule into a diagnostic).
      findings.resize(findings_before);
      result.notices.resize(notices_before);
      result.errors.push_back({Diagnostic::kNoFile,
                               {},
                               &kInternalError,
                               fmt::format("rule {} ({}) failed, so its findings are left out: {}; this is a bug in "
                                           "upcheck, please report it",
                                           rule->info.name, rule->info.code, e.what())});
    }
  }
  if (!skipped_for_target.empty())
    result.notices.push_back(
        {Diagnostic::kNoFile,
         {},
         &kRulesSkipped,
         fmt::format("no target version (--to): skipped {}", fmt::join(skipped_for_target, ", "))});

  std::erase_if(findings, suppressed);

  auto path_of = [&](const Finding& f) -> std::string_view {
    return f.location ? std::string_view(snapshot.file_path(f.location->file)) : std::string_view{};
  };
  auto sort_key = [&](const Finding& f) {
    Mark m = f.location ? f.location->mark : Mark{};
    return std::tuple(!f.location.has_value(), path_of(f), m.line, m.column, f.rule->code, f.discriminator,
                      std::string_view(f.message));
  };
  std::stable_sort(findings.begin(), findings.end(),
                   [&](const Finding& a, const Finding& b) { return sort_key(a) < sort_key(b); });

  // One finding per rule, object, place and discriminator: a rule may reach the same object twice
  // (through two control planes, say).
  std::set<std::tuple<std::string_view, std::string, std::string, std::string, std::string_view, uint32_t, uint32_t,
                      std::string>>
      seen;
  for (Finding& f : findings) {
    ObjectRef o = f.object.value_or(ObjectRef{});
    Mark m = f.location ? f.location->mark : Mark{};
    if (!seen.emplace(f.rule->code, o.kind, o.ns, o.name, path_of(f), m.line, m.column, f.discriminator).second)
      continue;
    result.findings.push_back(std::move(f));
  }

  // A notice with a subject once per code and subject: each missing kind once, however many rules
  // needed it (their messages differ: each names its rule).
  std::set<std::pair<std::string_view, std::string_view>> seen_notices;
  std::erase_if(result.notices, [&](const Diagnostic& d) {
    return !d.subject.empty() && !seen_notices.emplace(d.code->name, d.subject).second;
  });
  return result;
}

}  // namespace upcheck
