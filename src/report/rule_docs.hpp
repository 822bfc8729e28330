// Renders rule metadata as documentation: docs/rules/<name>.md, docs/rules.md, `upcheck rules`
// and `upcheck explain`. The checked-in docs are goldens of these functions.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "engine/rule.hpp"

namespace upcheck {

std::string render_rule_markdown(const RuleInfo& rule);
std::string render_rules_index_markdown(std::span<const Rule* const> rules);
std::string render_rules_table_text(std::span<const Rule* const> rules);
std::string render_explain_text(const RuleInfo& rule);
std::string_view fix_availability_name(FixAvailability fix);
// Every severity a rule's findings may carry, most severe first (SARIF, `rules -o json`, `explain -o json`).
std::vector<std::string> severity_names(const RuleInfo& rule);

}  // namespace upcheck
