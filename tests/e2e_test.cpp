// End-to-end scenarios: testdata/e2e/<scenario>/ holds `args` (the command line after
// `upcheck`, e.g. `check --to 1.2 dump.yaml`), its inputs, `exit-status`, and goldens of all three
// formats: expected.txt, expected.json, expected.sarif. The command runs in-process from inside
// the scenario's directory, so paths in the reports are the ones a user would see.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <sstream>

#include "model/diagnostic_codes.hpp"
#include "support/cli_run.hpp"
#include "testing/golden.hpp"

namespace fs = std::filesystem;
using namespace upcheck;
using testing::CliRun;
using testing::run_cli_in;
using testing::split_words;

TEST_CASE("end-to-end scenarios") {
  const fs::path root = fs::path(testing::env_dir("UPCHECK_TESTDATA")) / "e2e";
  std::vector<fs::path> scenarios;
  for (const auto& entry : fs::directory_iterator(root))
    if (entry.is_directory()) scenarios.push_back(entry.path());
  std::sort(scenarios.begin(), scenarios.end());
  REQUIRE(!scenarios.empty());
  for (const fs::path& dir : scenarios) {
    SUBCASE(dir.filename().string().c_str()) {
      std::optional<std::string> args_text = testing::read_file((dir / "args").string());
      REQUIRE_MESSAGE(args_text, dir << "/args is missing");
      std::vector<std::string> args = split_words(*args_text);
      int expected_status = std::stoi(testing::read_file((dir / "exit-status").string()).value_or("0"));
      const std::pair<const char*, const char*> formats[] = {
          {"text", "expected.txt"}, {"json", "expected.json"}, {"sarif", "expected.sarif"}};
      for (const auto& format_and_golden : formats) {
        const std::string format = format_and_golden.first;  // no bindings: clang 14 cannot capture them
        const std::string golden = format_and_golden.second;
        std::vector<std::string> with_format = args;
        with_format.insert(with_format.begin() + 1, {"-o", format, "--color", "never", "--no-config"});
        CliRun r = run_cli_in(dir, with_format);
        INFO(dir.filename().string(), " -o ", format, "\nstderr: ", r.err);
        CHECK(r.status == expected_status);
        std::string diff = testing::compare_golden((dir / golden).string(), r.out);
        CHECK_MESSAGE(diff.empty(), diff);
        if (format == "json") {
          auto report = nlohmann::json::parse(r.out);
          CHECK(report["summary"]["exitCode"] == expected_status);
          for (const char* list : {"errors", "notices"})
            for (const auto& d : report[list]) {
              const DiagnosticCode* code = find_diagnostic_code(d["code"].get<std::string>());
              CHECK_MESSAGE(code != nullptr, d["code"] << " is not in src/model/diagnostic_codes.hpp");
              if (code != nullptr) CHECK(code->is_error == (std::string(list) == "errors"));
            }
        }
      }
      // The same answer whatever the number of parser threads.
      std::vector<std::string> one_job = args;
      one_job.insert(one_job.begin() + 1, {"-o", "json", "--no-config", "--jobs", "1"});
      std::vector<std::string> four_jobs = args;
      four_jobs.insert(four_jobs.begin() + 1, {"-o", "json", "--no-config", "--jobs", "4"});
      CHECK(run_cli_in(dir, one_job).out == run_cli_in(dir, four_jobs).out);
    }
  }
}

// Secrets: no report, in any format, shows anything of a Secret's data. The scenario's dump holds a
// Helm release whose values and manifest carry sentinels, an Opaque Secret (also quoted in its
// last-applied annotation), and a corrupt release record; every rule runs over it.
TEST_CASE("no report shows a Secret's data") {
  const fs::path dir = fs::path(testing::env_dir("UPCHECK_TESTDATA")) / "e2e" / "helm-installed-istio-dump";
  std::optional<std::string> dump = testing::read_file((dir / "dump.yaml").string());
  REQUIRE(dump);
  // Every value under a Secret's `data:` (the base64 the API server shows).
  std::vector<std::string> data_values;
  std::istringstream lines(*dump);
  for (std::string line; std::getline(lines, line);)
    for (const char* key : {"    release: ", "    password: "})
      if (line.rfind(key, 0) == 0) data_values.push_back(line.substr(std::string(key).size()));
  REQUIRE(data_values.size() == 4);
  const std::string sentinels[] = {"config-sentinel-4d2a", "manifest-sentinel-8c1f",
                                   "opaque-sentinel-7e93", "corrupt-sentinel-51b0",
                                   "DB_PASSWORD",          "H4sI"};
  for (const char* format : {"text", "json", "sarif"}) {
    CliRun r =
        run_cli_in(dir, {"check", "-o", format, "--no-config", "--to", "1.24", "--to-kubernetes", "1.25", "dump.yaml"});
    INFO(format);
    REQUIRE(!r.out.empty());
    for (const std::string& s : sentinels) CHECK_MESSAGE(r.out.find(s) == std::string::npos, s);
    for (const std::string& value : data_values)
      for (size_t at = 0; at + 16 <= value.size(); at += 8)
        CHECK_MESSAGE(r.out.find(value.substr(at, 16)) == std::string::npos, "data of a Secret at offset " << at);
  }
}
