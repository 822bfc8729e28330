#include "fix/migration_files.hpp"

#include <fmt/format.h>

#include "fix/apply_script.hpp"
#include "fix/manual_steps.hpp"

namespace upcheck::fix {

MigrationFiles render_migration(const MigrationPlan& plan, const Snapshot& snapshot, std::string_view tool_version) {
  MigrationFiles files;
  files.steps = render_step_files(plan);
  files.apply_script = render_apply_script(plan, files.steps, tool_version);
  files.manual = render_manual(plan, snapshot);
  return files;
}

std::string render_dry_run(const MigrationPlan& plan, const MigrationFiles& files) {
  if (files.steps.empty() && files.manual.empty()) return "# upcheck migrate --dry-run: no fixes to apply or to list\n";
  const size_t applied = plan.applied, steps = files.steps.size();
  std::string out = fmt::format(
      "# upcheck migrate --dry-run: {} fix{} in {} step file{}, {} manual, {} skipped; `--out DIR` writes these "
      "files.\n",
      applied, applied == 1 ? "" : "es", steps, steps == 1 ? "" : "s", plan.by_hand.size(), plan.skipped.size());
  for (const StepFile& f : files.steps) out += fmt::format("\n# ==> {} <==\n{}", f.name, f.content);
  if (!files.apply_script.empty()) out += "\n# ==> apply.sh <==\n" + files.apply_script;
  if (!files.manual.empty()) out += "\n# ==> MANUAL.md <==\n" + files.manual;
  return out;
}

}  // namespace upcheck::fix
