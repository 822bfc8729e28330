#include "report/rule_docs.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace upcheck {

std::string_view fix_availability_name(FixAvailability fix) {
  switch (fix) {
    case FixAvailability::None:
      return "none";
    case FixAvailability::Sometimes:
      return "sometimes";
    case FixAvailability::Always:
      return "always";
  }
  return "none";
}

namespace {

// The severities other than the default, most severe first ("error, info"); empty for most rules.
std::string other_severities(const RuleInfo& rule) {
  std::vector<std::string_view> names;
  for (Severity s : rule.other_severities.list())
    if (s != rule.severity) names.push_back(severity_name(s));
  return fmt::format("{}", fmt::join(names, ", "));
}

// "warning", or "warning (or error)" for a rule that gives some findings another severity.
std::string severity_column(const RuleInfo& rule) {
  std::string others = other_severities(rule);
  return others.empty() ? std::string(severity_name(rule.severity))
                        : fmt::format("{} (or {})", severity_name(rule.severity), others);
}

}  // namespace

std::vector<std::string> severity_names(const RuleInfo& rule) {
  std::vector<std::string> names;
  for (Severity s : rule.severities().list()) names.emplace_back(severity_name(s));
  return names;
}

std::string render_rule_markdown(const RuleInfo& rule) {
  std::string out = fmt::format("# {} ({})\n\n{}\n\n", rule.name, rule.code, rule.title);
  out += fmt::format("- Default severity: {}\n", severity_name(rule.severity));
  if (std::string others = other_severities(rule); !others.empty())
    out += fmt::format("- Other severities: {}\n", others);
  out += fmt::format("- Category: {}\n- Fix: {}\n", rule.category(), fix_availability_name(rule.fix));
  if (!rule.kinds.empty()) out += fmt::format("- Reads: {}\n", fmt::join(rule.kinds, ", "));
  if (rule.needs_target) out += "- Needs a target version (`--to`)\n";
  out += fmt::format("\n## Why it matters\n\n{}\n\n## What to do\n\n{}\n", rule.rationale, rule.remediation);
  if (!rule.options.empty()) {
    out += "\n## Options\n\n| option | default | meaning |\n| --- | --- | --- |\n";
    for (const RuleOption& o : rule.options)
      out += fmt::format("| `{}` | `{}` | {} |\n", o.name, o.default_value, o.description);
  }
  if (!rule.example_bad.empty()) {
    out += "\n## Example\n\n";
    if (!rule.example_args.empty())
      out += fmt::format("With `upcheck check {}`, this fires:\n\n", rule.example_args);
    else
      out += "This fires:\n\n";
    out += fmt::format("```yaml\n{}```\n", rule.example_bad);
    if (!rule.example_good.empty()) out += fmt::format("\nThis does not:\n\n```yaml\n{}```\n", rule.example_good);
  }
  out += fmt::format("\nSilence it on one object with the annotation `upcheck.io/ignore: \"{}\"`.\n", rule.name);
  return out;
}

std::string render_rules_index_markdown(std::span<const Rule* const> rules) {
  std::string out = "| code | name | severity | fix | title |\n| --- | --- | --- | --- | --- |\n";
  for (const Rule* r : rules)
    out += fmt::format("| {} | [{}](rules/{}.md) | {} | {} | {} |\n", r->info.code, r->info.name, r->info.name,
                       severity_column(r->info), fix_availability_name(r->info.fix), r->info.title);
  return out;
}

std::string render_rules_table_text(std::span<const Rule* const> rules) {
  size_t name_width = 4;
  for (const Rule* r : rules) name_width = std::max(name_width, r->info.name.size());
  std::string out =
      fmt::format("{:<8}{:<{}}  {:<8} {:<10}{}\n", "CODE", "NAME", name_width, "SEVERITY", "FIX", "TITLE");
  for (const Rule* r : rules)
    out += fmt::format("{:<8}{:<{}}  {:<8} {:<10}{}\n", r->info.code, r->info.name, name_width,
                       severity_name(r->info.severity), fix_availability_name(r->info.fix), r->info.title);
  return out;
}

std::string render_explain_text(const RuleInfo& rule) { return render_rule_markdown(rule); }

}  // namespace upcheck
