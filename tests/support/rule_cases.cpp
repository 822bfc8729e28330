#include "support/rule_cases.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "support/cli_run.hpp"
#include "testing/golden.hpp"
#include "testing/temp_dir.hpp"

namespace fs = std::filesystem;

namespace upcheck::testing {
namespace {

std::set<Expectation> findings_of(const std::string& json_text) {
  std::set<Expectation> out;
  auto report = nlohmann::json::parse(json_text);
  for (const auto& f : report["findings"]) {
    Expectation e;
    e.code = f["code"].get<std::string>();
    if (!f["location"].is_null()) {
      e.file = f["location"]["file"].get<std::string>();
      e.line = f["location"]["line"].get<uint32_t>();
    }
    out.insert(e);
  }
  return out;
}

}  // namespace

std::set<Expectation> markers_in(const fs::path& file, const std::string& display_name) {
  static const std::regex kMarker(R"(#\s*expect:\s*([A-Za-z0-9, ]+))");
  std::set<Expectation> out;
  std::ifstream in(file);
  std::string line;
  for (uint32_t n = 1; std::getline(in, line); ++n) {
    std::smatch m;
    if (!std::regex_search(line, m, kMarker)) continue;
    std::string codes = m[1].str();
    std::replace(codes.begin(), codes.end(), ',', ' ');
    for (const std::string& code : split_words(codes)) out.insert({display_name, n, code});
  }
  return out;
}

std::vector<RuleCase> rule_cases(const fs::path& rule_dir) {
  std::vector<RuleCase> cases;
  if (!fs::is_directory(rule_dir)) return cases;
  for (const auto& entry : fs::directory_iterator(rule_dir)) {
    if (!entry.is_directory()) continue;
    RuleCase c;
    c.name = entry.path().filename().string();
    c.dir = entry.path();
    for (const auto& f : fs::directory_iterator(c.dir)) {
      std::string name = f.path().filename().string();
      if (name.rfind("input", 0) == 0) c.inputs.push_back(name);
    }
    std::sort(c.inputs.begin(), c.inputs.end());
    if (auto args = read_file((c.dir / "args").string())) c.args = split_words(*args);
    if (auto args = read_file((c.dir / "migrate-args").string())) c.migrate_args = split_words(*args);
    for (const std::string& input : c.inputs)
      if (input.find(".json") == std::string::npos && input.find(".gz") == std::string::npos)
        for (const Expectation& e : markers_in(c.dir / input, input)) c.expected.insert(e);
    if (auto expect = read_file((c.dir / "expect.txt").string())) {
      std::istringstream in(*expect);
      for (std::string place, code; in >> place >> code;) {
        auto colon = place.rfind(':');
        c.expected.insert({place.substr(0, colon), static_cast<uint32_t>(std::stoul(place.substr(colon + 1))), code});
      }
    }
    c.load_errors_expected = fs::exists(c.dir / "expect-load-errors");
    cases.push_back(std::move(c));
  }
  std::sort(cases.begin(), cases.end(), [](const RuleCase& a, const RuleCase& b) { return a.name < b.name; });
  return cases;
}

CaseRun run_case(const RuleCase& c, const RuleInfo& rule) {
  CaseRun run;
  run.load_errors_expected = c.load_errors_expected;
  auto invoke = [&](std::vector<std::string> command) {
    std::vector<std::string> args = {command.front(), "--no-config", "--jobs", "1", "--select", std::string(rule.code)};
    args.insert(args.end(), command.begin() + 1, command.end());
    args.insert(args.end(), c.args.begin(), c.args.end());
    args.insert(args.end(), c.inputs.begin(), c.inputs.end());
    CliRun r = run_cli_in(c.dir, args);
    run.stderr_text += r.err;
    return std::pair{r.status, r.out};
  };
  auto [status, json] = invoke({"check", "-o", "json"});
  if (json.empty())
    throw std::runtime_error("no JSON report (exit " + std::to_string(status) + "): " + run.stderr_text);
  run.findings = findings_of(json);
  run.has_load_errors = !nlohmann::json::parse(json)["errors"].empty();
  run.text = invoke({"check", "-o", "text", "--color", "never"}).second;
  if (rule.fix != FixAvailability::None) {
    std::vector<std::string> migrate = {"migrate", "--dry-run"};
    migrate.insert(migrate.end(), c.migrate_args.begin(), c.migrate_args.end());
    auto [migrate_status, migration] = invoke(migrate);
    if (migrate_status != 0 && !c.load_errors_expected)
      throw std::runtime_error("migrate --dry-run failed (exit " + std::to_string(migrate_status) +
                               "): " + run.stderr_text);
    run.migration = migration;
  }
  return run;
}

std::set<Expectation> run_text(const std::string& yaml, const RuleInfo& rule, const std::string& args) {
  TempDir dir;
  dir.write("example.yaml", yaml);
  std::vector<std::string> argv = {"check",    "--no-config",          "--jobs", "1",
                                   "--select", std::string(rule.code), "-o",     "json"};
  for (const std::string& a : split_words(args)) argv.push_back(a);
  argv.push_back("example.yaml");
  CliRun r = run_cli_in(dir.path, argv);
  if (r.out.empty()) throw std::runtime_error("no JSON report: " + r.err);
  return findings_of(r.out);
}

}  // namespace upcheck::testing
