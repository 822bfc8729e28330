#include "cli/migrate_command.hpp"

#include <fmt/format.h>
#include <cxxopts.hpp>

#include <filesystem>

#include "cli/analysis.hpp"
#include "cli/migration_dir.hpp"
#include "cli/output_guard.hpp"
#include "cli/usage_error.hpp"
#include "fix/migration_files.hpp"
#include "fix/migration_plan.hpp"
#include "version.hpp"

namespace fs = std::filesystem;

namespace upcheck::cli {
namespace {

cxxopts::Options migrate_options() {
  cxxopts::Options o("upcheck migrate",
                     "Write the fixes of the findings as ordered YAML step files and an apply script.");
  o.custom_help("--out DIR [options]");
  // clang-format off: one option a line reads as the help it prints
  o.add_options("Migration")(
      "out", "write the step files, apply.sh and MANUAL.md into DIR: new, empty, or written by migrate before",
      cxxopts::value<std::string>())("dry-run", "print what --out would write instead of writing it")(
      "unsafe-fixes", "also apply fixes that change live behaviour (otherwise listed in MANUAL.md)");
  // clang-format on
  add_analysis_options(o);
  return o;
}

}  // namespace

int migrate_command(const std::vector<std::string>& raw_args, std::ostream& out, std::ostream& err) {
  cxxopts::Options options = migrate_options();
  std::vector<const char*> argv{"upcheck migrate"};
  for (const std::string& a : raw_args) argv.push_back(a.c_str());
  cxxopts::ParseResult args = options.parse(static_cast<int>(argv.size()), argv.data());
  if (args.count("help") != 0) {
    out << options.help({"Migration", "Upgrade plan", "Rules", "Input", ""});
    return 0;
  }
  const bool dry_run = args.count("dry-run") != 0;
  if (!dry_run && args.count("out") == 0) throw UsageError("migrate needs --out DIR (or --dry-run)");

  std::optional<ConfigFile> config = load_config(args);
  Settings settings(args, config ? &*config : nullptr);
  std::unique_ptr<Analysis> analysis = analyze(settings, config, err);
  const Report& report = analysis->report;
  // A migration planned from a partial input would miss objects: refuse rather than guess.
  if (refuse_partial_input(report, err, "migration")) return 2;

  fix::MigrationOptions migration_options;
  migration_options.unsafe_fixes = args.count("unsafe-fixes") != 0;
  migration_options.input = &analysis->snapshot;
  const fix::MigrationPlan plan = fix::plan_migration(report.findings, migration_options);
  const fix::MigrationFiles migration = fix::render_migration(plan, analysis->snapshot, kVersion);

  if (dry_run) {
    out << fix::render_dry_run(plan, migration);
    return 0;
  }

  std::vector<OutputFile> files;
  for (const fix::StepFile& f : migration.steps) files.push_back({f.name, f.content});
  if (!migration.apply_script.empty()) files.push_back({"apply.sh", migration.apply_script, true});
  if (!migration.manual.empty()) files.push_back({"MANUAL.md", migration.manual});
  const fs::path dir = args["out"].as<std::string>();
  refuse_directory_holding_input(dir, analysis->snapshot);
  try {
    write_migration_dir(dir, files);
  } catch (const std::exception& e) {
    err << "upcheck: error: " << e.what() << '\n';
    return 2;
  }
  for (const OutputFile& f : files) out << "wrote " << (dir / f.name).string() << '\n';
  out << fmt::format("{} fix{} for apply.sh, {} to make by hand, {} unsafe skipped{}\n", plan.applied,
                     plan.applied == 1 ? "" : "es", plan.by_hand.size(), plan.skipped.size(),
                     plan.skipped.empty() ? "" : " (--unsafe-fixes applies them)");
  return 0;
}

}  // namespace upcheck::cli
