#include "cli/check_command.hpp"

#include <fmt/format.h>
#include <unistd.h>
#include <cxxopts.hpp>

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "cli/analysis.hpp"
#include "cli/output_guard.hpp"
#include "cli/source_lines.hpp"
#include "cli/usage_error.hpp"
#include "report/report.hpp"
#include "version.hpp"

namespace upcheck::cli {
namespace {

cxxopts::Options check_options() {
  cxxopts::Options o("upcheck check", "Analyze manifests or cluster dumps for what breaks in an Istio upgrade.");
  o.custom_help("[options]");
  // clang-format off: one option a line reads as the help it prints
  o.add_options("Report")("o,format", "text, json or sarif (default text)", cxxopts::value<std::string>())(
      "output", "write the report to FILE instead of standard output", cxxopts::value<std::string>())(
      "fail-on", "exit 1 on findings of this severity or above: error, warning or info (default warning)",
      cxxopts::value<std::string>())("color", "auto, always or never (default auto: on a terminal)",
                                     cxxopts::value<std::string>())(
      "sarif-root", "SARIF artifact paths are relative to this directory (default: working directory)",
      cxxopts::value<std::string>());
  // clang-format on
  add_analysis_options(o);
  return o;
}

Severity parse_severity(const std::string& text) {
  if (text == "error") return Severity::Error;
  if (text == "warning") return Severity::Warning;
  if (text == "info") return Severity::Info;
  throw UsageError(fmt::format("--fail-on {}: use error, warning or info", text));
}

Format parse_format(const std::string& name) {
  if (name == "json") return Format::Json;
  if (name == "sarif") return Format::Sarif;
  if (name != "text") throw UsageError(fmt::format("-o {}: use text, json or sarif", name));
  return Format::Text;
}

}  // namespace

int check_command(const std::vector<std::string>& raw_args, std::ostream& out, std::ostream& err) {
  cxxopts::Options options = check_options();
  std::vector<const char*> argv{"upcheck check"};
  for (const std::string& a : raw_args) argv.push_back(a.c_str());
  cxxopts::ParseResult args = options.parse(static_cast<int>(argv.size()), argv.data());
  if (args.count("help") != 0) {
    out << options.help({"Upgrade plan", "Report", "Rules", "Input", ""});
    return 0;
  }

  std::optional<ConfigFile> config = load_config(args);
  Settings settings(args, config ? &*config : nullptr);
  Severity fail_on = parse_severity(settings.get("fail-on").value_or("warning"));
  Format format = parse_format(settings.get("format").value_or("text"));
  std::string color = settings.get("color").value_or("auto");
  if (color != "auto" && color != "always" && color != "never")
    throw UsageError(fmt::format("--color {}: use auto, always or never", color));

  std::unique_ptr<Analysis> analysis = analyze(settings, config, err);
  Report& report = analysis->report;
  report.fail_on = fail_on;

  std::ofstream file;
  std::ostream* sink = &out;
  if (args.count("output") != 0) {
    std::string path = args["output"].as<std::string>();
    refuse_output_over_input(path, analysis->snapshot, "--output");
    file.open(path, std::ios::binary | std::ios::trunc);
    if (!file) {
      err << "upcheck: error: cannot write " << path << '\n';
      return 2;
    }
    sink = &file;
  }
  switch (format) {
    case Format::Text: {
      TextOptions text;
      text.color = color == "always" || (color == "auto" && sink == &out && &out == &std::cout &&
                                         ::isatty(STDOUT_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr);
      SourceLines lines(analysis->snapshot);
      text.source_line = [&lines](uint32_t f, uint32_t l) { return lines.line(f, l); };
      write_text(report, text, *sink);
      break;
    }
    case Format::Json:
      write_json(report, *sink);
      break;
    case Format::Sarif: {
      SarifOptions sarif;
      sarif.root = settings.get("sarif-root").value_or("");
      sarif.docs_base_url = std::string(kDocsBaseUrl);
      sarif.information_uri = std::string(kHomepage);
      write_sarif(report, sarif, *sink);
      break;
    }
  }
  sink->flush();
  if (!*sink) {
    err << "upcheck: error: writing the report failed\n";
    return 2;
  }
  return static_cast<int>(report.exit_status());
}

}  // namespace upcheck::cli
