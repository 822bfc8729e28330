#include "cli/migrate_command.hpp"

#include <cxxopts.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "cli/analysis.hpp"
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
  o.add_options("Migration")
      ("out", "write the step files, apply.sh and MANUAL.md into DIR (created if missing)",
       cxxopts::value<std::string>())
      ("dry-run", "print what --out would write instead of writing it")
      ("unsafe-fixes", "also apply fixes that change live behaviour (otherwise listed in MANUAL.md)");
  add_analysis_options(o);
  return o;
}

// Files an earlier run of migrate wrote: replaced, so that no stale step is applied.
bool written_by_migrate(const fs::path& p) {
  static const std::regex kStep(R"([0-9]{2}-.*\.yaml)");
  std::string name = p.filename().string();
  return name == "apply.sh" || name == "MANUAL.md" || std::regex_match(name, kStep);
}

void write(const fs::path& path, const std::string& content) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << content;
  file.close();
  if (!file) throw std::runtime_error("cannot write " + path.string());
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
  const fix::MigrationPlan plan = fix::plan_migration(report.findings, migration_options);
  const fix::MigrationFiles migration = fix::render_migration(plan, analysis->snapshot, kVersion);

  if (dry_run) {
    out << fix::render_dry_run(plan, migration);
    return 0;
  }

  fs::path dir = args["out"].as<std::string>();
  try {
    fs::create_directories(dir);
    for (const auto& entry : fs::directory_iterator(dir))
      if (entry.is_regular_file() && written_by_migrate(entry.path())) fs::remove(entry.path());
    for (const fix::StepFile& f : migration.steps) write(dir / f.name, f.content);
    if (!migration.apply_script.empty()) {
      write(dir / "apply.sh", migration.apply_script);
      fs::permissions(dir / "apply.sh", fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                      fs::perm_options::add);
    }
    if (!migration.manual.empty()) write(dir / "MANUAL.md", migration.manual);
  } catch (const std::exception& e) {
    err << "upcheck: error: " << e.what() << '\n';
    return 2;
  }
  for (const fix::StepFile& f : migration.steps) out << "wrote " << (dir / f.name).string() << '\n';
  if (!migration.apply_script.empty()) out << "wrote " << (dir / "apply.sh").string() << '\n';
  if (!migration.manual.empty()) out << "wrote " << (dir / "MANUAL.md").string() << '\n';
  out << fmt::format("{} fix{} for apply.sh, {} to make by hand, {} unsafe skipped{}\n", plan.applied,
                     plan.applied == 1 ? "" : "es", plan.by_hand.size(), plan.skipped.size(),
                     plan.skipped.empty() ? "" : " (--unsafe-fixes applies them)");
  return 0;
}

}  // namespace upcheck::cli
