// Reports over input that is not UTF-8 text: a file name is bytes, whatever it holds.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <sstream>

#include "report/report.hpp"

using namespace upcheck;

TEST_CASE("JSON and SARIF reports write bytes that are not UTF-8 as U+FFFD instead of throwing") {
  // Found by fuzz_check_pipeline: nlohmann::json throws type_error 316 on such a string, and
  // `upcheck check -o json` ended in std::terminate.
  Snapshot snapshot({{"caf\xe9/bad\xff.yaml", false}}, {}, {});
  Report report;
  report.tool_version = "0.0.0";
  report.snapshot = &snapshot;
  report.errors.push_back({0, {1, 1}, &kJsonSyntax, "'\xf6' is not a JSON value"});
  std::ostringstream json;
  CHECK_NOTHROW(write_json(report, json));
  const nlohmann::json parsed = nlohmann::json::parse(json.str());
  CHECK(parsed["errors"][0]["file"] == "caf\xef\xbf\xbd/bad\xef\xbf\xbd.yaml");
  CHECK(parsed["errors"][0]["message"] == "'\xef\xbf\xbd' is not a JSON value");

  std::ostringstream sarif;
  CHECK_NOTHROW(write_sarif(report, SarifOptions{}, sarif));
  CHECK(sarif.str().find("'\xef\xbf\xbd' is not a JSON value") != std::string::npos);
  CHECK(nlohmann::json::parse(sarif.str()).is_object());  // parses, and is the SARIF log object
}

namespace {

constexpr RuleInfo kTerminalRule{.code = "TST002",
                                 .name = "terminal-rule",
                                 .severity = Severity::Warning,
                                 .title = "A test rule",
                                 .rationale = "Tests need one.",
                                 .remediation = "Nothing."};

}  // namespace

TEST_CASE("the text report writes no control character of the input to the terminal") {
  // A hostile manifest's escape sequences would restyle or hide lines of a CI log; a CR would
  // overwrite the finding's line. Each becomes U+FFFD, one column, so the caret still lines up.
  Snapshot snapshot({{"evil\x1b[2J.yaml", false}}, {}, {});
  Report report;
  report.tool_version = "0.0.0";
  report.snapshot = &snapshot;
  report.rules = {&kTerminalRule};
  report.errors.push_back({0, {3, 1}, &kYamlSyntax, "found \x1b]0;pwned\x07 here"});
  Finding f;
  f.rule = &kTerminalRule;
  f.message = "Service \x1b[8mhidden\x1b[0m\r";
  f.object = ObjectRef{"v1", "Service", "ns", "svc"};
  f.location = Location{0, {7, 7}};
  report.findings.push_back(std::move(f));
  TextOptions options;
  options.source_line = [](uint32_t, uint32_t) -> std::optional<std::string> {
    return std::string("\x1b[31m\tkey: v");  // "key" is column 7: ESC [ 3 1 m TAB k
  };
  std::ostringstream out;
  write_text(report, options, out);
  const std::string text = out.str();
  CHECK(text.find('\x1b') == std::string::npos);
  CHECK(text.find('\r') == std::string::npos);
  CHECK(text.find('\x07') == std::string::npos);
  CHECK(text.find("evil\xEF\xBF\xBD[2J.yaml:3:1: error[yaml-syntax] found \xEF\xBF\xBD]0;pwned\xEF\xBF\xBD here\n") !=
        std::string::npos);
  CHECK(text.find("    7 | \xEF\xBF\xBD[31m key: v\n      |       ^\n") != std::string::npos);
}
