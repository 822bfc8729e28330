// Fixture cases of a rule (testdata/rules/<name>/<case>/) and running one through the command
// line, shared by the fixture tests and the registry's meta-tests.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "engine/rule.hpp"

namespace upcheck::testing {

struct Expectation {
  std::string file;
  uint32_t line = 0;
  std::string code;
  friend auto operator<=>(const Expectation&, const Expectation&) = default;
};

struct RuleCase {
  std::string name;
  std::filesystem::path dir;
  std::vector<std::string> inputs;        // input*.yaml / input*.json / input*.gz, sorted
  std::vector<std::string> args;          // from the `args` file
  std::vector<std::string> migrate_args;  // from `migrate-args`: extra flags for migrate (--unsafe-fixes)
  std::set<Expectation> expected;         // from `# expect:` markers and expect.txt
  bool load_errors_expected = false;      // the case has an `expect-load-errors` file
  bool fires() const { return !expected.empty(); }
};

std::vector<RuleCase> rule_cases(const std::filesystem::path& rule_dir);
// `# expect: CODE[, CODE]` markers in one file.
std::set<Expectation> markers_in(const std::filesystem::path& file, const std::string& display_name);

struct CaseRun {
  std::set<Expectation> findings;
  bool has_load_errors = false;
  bool load_errors_expected = false;
  std::string text;       // the text report, no colour
  std::string migration;  // `upcheck migrate --dry-run` output, for rules with fixes
  std::string stderr_text;
};

// Runs only `rule` over the case, from inside its directory: `check` for the findings and the text
// report and, for a rule with fixes, `migrate --dry-run` for the migration.
CaseRun run_case(const RuleCase& c, const RuleInfo& rule);

// Runs only `rule` over one YAML text (a rule's documented example), with `args` as the plan.
std::set<Expectation> run_text(const std::string& yaml, const RuleInfo& rule, const std::string& args);

}  // namespace upcheck::testing
