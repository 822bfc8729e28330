#include "cli/plan_command.hpp"

#include <fmt/format.h>
#include <cxxopts.hpp>

#include <fstream>

#include "cli/analysis.hpp"
#include "cli/output_guard.hpp"
#include "cli/usage_error.hpp"
#include "plan/planner.hpp"
#include "plan/render.hpp"
#include "version.hpp"

namespace upcheck::cli {
namespace {

cxxopts::Options plan_options() {
  cxxopts::Options o("upcheck plan",
                     "Write the step-by-step Istio upgrade of the cluster the inputs show (--to and --method are "
                     "required; --revision defaults to the target, 1-21-2 for 1.21.2).");
  o.custom_help("--to VERSION --method canary|in-place [options]");
  // clang-format off: one option a line reads as the help it prints
  o.add_options("Runbook")("o,format", "markdown or json (default markdown)", cxxopts::value<std::string>())(
      "output", "write the runbook to FILE instead of standard output", cxxopts::value<std::string>());
  // clang-format on
  add_analysis_options(o);
  return o;
}

// Notices that say the runbook may be incomplete: the input lacked objects a rule needed, or its
// sources disagreed on the installed release.
bool concerns_the_runbook(const Diagnostic& d) {
  return d.code == &kInputLacksKind || d.code == &kVersionDisagreement || d.code == &kInstalledVersionUnknown;
}

}  // namespace

int plan_command(const std::vector<std::string>& raw_args, std::ostream& out, std::ostream& err) {
  cxxopts::Options options = plan_options();
  std::vector<const char*> argv{"upcheck plan"};
  for (const std::string& a : raw_args) argv.push_back(a.c_str());
  cxxopts::ParseResult args = options.parse(static_cast<int>(argv.size()), argv.data());
  if (args.count("help") != 0) {
    out << options.help({"Upgrade plan", "Runbook", "Rules", "Input", ""});
    return 0;
  }

  std::optional<ConfigFile> config = load_config(args);
  Settings settings(args, config ? &*config : nullptr);
  // Only from the command line: .upcheck.yaml's `format` is check's report format (text, sarif).
  const std::string format = args.count("format") != 0 ? args["format"].as<std::string>() : "markdown";
  if (format != "markdown" && format != "json") throw UsageError(fmt::format("-o {}: use markdown or json", format));
  if (!settings.get("to")) throw UsageError("plan needs --to: the Istio release to upgrade to");
  // The guides differ so much by method that a runbook never guesses it.
  if (!settings.get("method")) throw UsageError("plan needs --method canary or --method in-place");

  std::unique_ptr<Analysis> analysis = analyze(settings, config, err, [](UpgradePlan& plan) {
    // The canary guide's advice: "a better revision name would correspond to the Istio version",
    // with '.' replaced (1-6-8 for 1.6.8). Set before the rules run, so that they judge this name.
    if (plan.method == UpgradeMethod::Canary && plan.revision.empty()) plan.revision = plan.to->revision_name();
  });
  const Report& report = analysis->report;
  // A runbook planned from a partial input would miss namespaces and workloads: refuse.
  if (refuse_partial_input(report, err, "runbook")) return 2;

  plan::Runbook runbook;
  try {
    runbook = plan::plan_runbook({analysis->snapshot, analysis->istio, report.plan, report.findings});
  } catch (const plan::PlanError& e) {
    throw UsageError(e.what());
  }
  for (const Diagnostic& d : report.notices)
    if (concerns_the_runbook(d)) runbook.notes.push_back(fmt::format("{} [{}]", d.message, d.code->name));

  std::ofstream file;
  std::ostream* sink = &out;
  if (args.count("output") != 0) {
    const std::string path = args["output"].as<std::string>();
    refuse_output_over_input(path, analysis->snapshot, "--output");
    file.open(path, std::ios::binary | std::ios::trunc);
    if (!file) {
      err << "upcheck: error: cannot write " << path << '\n';
      return 2;
    }
    sink = &file;
  }
  if (format == "json")
    plan::write_json(runbook, analysis->snapshot, kVersion, *sink);
  else
    plan::write_markdown(runbook, analysis->snapshot, kVersion, *sink);
  sink->flush();
  if (!*sink) {
    err << "upcheck: error: writing the runbook failed\n";
    return 2;
  }
  return runbook.exit_status();
}

}  // namespace upcheck::cli
