#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <sstream>

#include "report/report.hpp"

using namespace upcheck;

namespace {

constexpr RuleInfo kRule{.code = "TST001",
                         .name = "test-rule",
                         .severity = Severity::Warning,
                         .title = "A test rule",
                         .rationale = "Because tests need one.",
                         .remediation = "Nothing."};

// Text that gzip cannot shrink, so sizes in the tests are predictable.
std::string noise(size_t n, uint32_t seed) {
  std::string out(n, ' ');
  for (char& c : out) {
    seed = seed * 1664525u + 1013904223u;
    c = static_cast<char>('!' + (seed >> 24) % 90);
  }
  return out;
}

Report report_with(const Snapshot& snapshot, size_t findings) {
  Report report;
  report.tool_version = "0.0.0";
  report.snapshot = &snapshot;
  report.rules = {&kRule};
  for (size_t i = 0; i < findings; ++i) {
    Finding f;
    f.rule = &kRule;
    f.message = "finding " + std::to_string(i) + " " + noise(60, static_cast<uint32_t>(i + 7777));
    f.object = ObjectRef{"v1", "ConfigMap", "ns", "cm-" + std::to_string(i)};
    f.location = Location{0, {static_cast<uint32_t>(i + 1), 1}};
    Fix fix;
    fix.title = "fix";
    fix.apply.push_back({{"data", noise(2000, static_cast<uint32_t>(i))}});
    f.fix = fix;
    report.findings.push_back(std::move(f));
  }
  return report;
}

nlohmann::json sarif_of(const Report& report, SarifOptions options) {
  std::ostringstream out;
  write_sarif(report, options, out);
  return nlohmann::json::parse(out.str());
}

bool capped_notice(const nlohmann::json& sarif) {
  for (const auto& n : sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"])
    if (n["descriptor"]["id"] == "results-capped") return true;
  return false;
}

}  // namespace

TEST_CASE("SARIF keeps every result and fix while it fits GitHub's limits") {
  Snapshot snapshot({SourceFile{"dump.yaml", false}}, {});
  nlohmann::json sarif = sarif_of(report_with(snapshot, 50), {});
  CHECK(sarif["runs"][0]["results"].size() == 50);
  CHECK(sarif["runs"][0]["results"][0]["properties"].contains("fix"));
  CHECK_FALSE(capped_notice(sarif));
}

TEST_CASE("SARIF caps the number of results, and says so") {
  Snapshot snapshot({SourceFile{"dump.yaml", false}}, {});
  SarifOptions options;
  options.max_results = 10;
  nlohmann::json sarif = sarif_of(report_with(snapshot, 50), options);
  CHECK(sarif["runs"][0]["results"].size() == 10);
  CHECK(capped_notice(sarif));
}

TEST_CASE("SARIF over the gzipped size limit drops fixes first, then results") {
  Snapshot snapshot({SourceFile{"dump.yaml", false}}, {});
  Report report = report_with(snapshot, 400);
  SarifOptions roomy;
  std::ostringstream full;
  write_sarif(report, roomy, full);

  SarifOptions no_room_for_fixes;
  no_room_for_fixes.max_gzip_bytes = 150'000;  // results fit (~60 KB gzipped), their fixes (~800 KB) do not
  nlohmann::json without_fixes = sarif_of(report, no_room_for_fixes);
  CHECK(without_fixes["runs"][0]["results"].size() == 400);
  CHECK_FALSE(without_fixes["runs"][0]["results"][0]["properties"].contains("fix"));

  SarifOptions tight;
  tight.max_gzip_bytes = 20'000;
  std::ostringstream out;
  write_sarif(report, tight, out);
  nlohmann::json capped = nlohmann::json::parse(out.str());
  CHECK(capped["runs"][0]["results"].size() < 400);
  CHECK(capped["runs"][0]["results"].size() > 0);
  CHECK(capped_notice(capped));
}
