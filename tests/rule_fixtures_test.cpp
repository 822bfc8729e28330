// Runs every fixture case of one rule (UPCHECK_RULE) through the real command line:
// testdata/rules/<rule-name>/<case-name>/ holds the inputs, an optional `args` file (the upgrade
// plan: `--to 1.2 --method canary`), and goldens.
//
// The findings must equal the inline markers exactly: a missing finding and an unexpected one
// both fail (clang-tidy's CHECK lines with -implicit-check-not). A marker is a comment on the
// line the finding points at:
//     replicas: 1            # expect: AVL002
// JSON inputs cannot hold comments; their case lists `FILE:LINE CODE` lines in `expect.txt`.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "engine/engine.hpp"
#include "rules/all_rules.hpp"
#include "support/rule_cases.hpp"
#include "testing/golden.hpp"

namespace fs = std::filesystem;
using upcheck::testing::compare_golden;

TEST_CASE("fixtures of one rule") {
  const std::string rule_name = upcheck::testing::env_dir("UPCHECK_RULE");
  const upcheck::Rule* rule = upcheck::find_rule(rule_name);
  REQUIRE_MESSAGE(rule != nullptr, "no rule named " << rule_name);
  const fs::path rule_dir = fs::path(upcheck::testing::env_dir("UPCHECK_TESTDATA")) / "rules" / rule_name;
  std::vector<upcheck::testing::RuleCase> cases = upcheck::testing::rule_cases(rule_dir);
  REQUIRE_MESSAGE(!cases.empty(), "no fixture cases in " << rule_dir);

  for (const upcheck::testing::RuleCase& c : cases) {
    SUBCASE(c.name.c_str()) {
      upcheck::testing::CaseRun run = upcheck::testing::run_case(c, rule->info);
      INFO("case ", c.name, "\nstderr: ", run.stderr_text);
      CHECK_MESSAGE(run.load_errors_expected == run.has_load_errors,
                    "load errors: " << (run.has_load_errors ? "present" : "none"));
      std::set<upcheck::testing::Expectation> unexpected, missing;
      for (const auto& f : run.findings)
        if (!c.expected.count(f)) unexpected.insert(f);
      for (const auto& e : c.expected)
        if (!run.findings.count(e)) missing.insert(e);
      for (const auto& f : unexpected) FAIL_CHECK("unexpected finding " << f.code << " at " << f.file << ":" << f.line);
      for (const auto& e : missing) FAIL_CHECK("missing finding " << e.code << " at " << e.file << ":" << e.line);
      std::string text_diff = compare_golden((c.dir / "expected.txt").string(), run.text);
      CHECK_MESSAGE(text_diff.empty(), text_diff);
      if (!run.migration.empty()) {
        std::string migration_diff = compare_golden((c.dir / "expected.migration.yaml").string(), run.migration);
        CHECK_MESSAGE(migration_diff.empty(), migration_diff);
      }
    }
  }
}

// Istio's CheckMetadataInputs: the kinds the rule asks of the snapshot while its fixtures run (and
// its documented examples) are exactly the kinds it declares, so `explain` and the docs' "Reads:"
// line say what the code reads. A kind read only on a path no fixture reaches is a missing fixture.
TEST_CASE("the kinds a rule declares are the kinds it reads") {
  const std::string rule_name = upcheck::testing::env_dir("UPCHECK_RULE");
  const upcheck::Rule* rule = upcheck::find_rule(rule_name);
  REQUIRE(rule != nullptr);
  const fs::path rule_dir = fs::path(upcheck::testing::env_dir("UPCHECK_TESTDATA")) / "rules" / rule_name;

  std::set<std::string, std::less<>> read;
  upcheck::observe_kind_queries([&](const upcheck::RuleInfo& info, std::string_view kind) {
    if (&info == &rule->info) read.emplace(kind);
  });
  for (const upcheck::testing::RuleCase& c : upcheck::testing::rule_cases(rule_dir))
    upcheck::testing::run_case(c, rule->info);
  upcheck::observe_kind_queries({});

  const std::set<std::string, std::less<>> declared(rule->info.kinds.begin(), rule->info.kinds.end());
  const bool reads_every_kind = declared.count(upcheck::kEveryKind) != 0;  // a walk over all objects
  for (const std::string& kind : read)
    CHECK_MESSAGE((reads_every_kind || declared.count(kind) != 0),
                  rule_name << " reads " << kind << " but does not declare it in `kinds`");
  for (const std::string& kind : declared)
    CHECK_MESSAGE(read.count(kind) != 0, rule_name << " declares " << kind << " but no fixture makes it read one");
}
