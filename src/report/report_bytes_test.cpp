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
  report.errors.push_back({0, {1, 1}, "json-syntax", "'\xf6' is not a JSON value"});
  std::ostringstream json;
  CHECK_NOTHROW(write_json(report, json));
  const nlohmann::json parsed = nlohmann::json::parse(json.str());
  CHECK(parsed["errors"][0]["file"] == "caf\xef\xbf\xbd/bad\xef\xbf\xbd.yaml");
  CHECK(parsed["errors"][0]["message"] == "'\xef\xbf\xbd' is not a JSON value");

  std::ostringstream sarif;
  CHECK_NOTHROW(write_sarif(report, SarifOptions{}, sarif));
  CHECK(sarif.str().find("'\xef\xbf\xbd' is not a JSON value") != std::string::npos);
  CHECK(nlohmann::json::parse(sarif.str()).is_object());   // parses, and is the SARIF log object
}
