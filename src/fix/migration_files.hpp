// A migration's files, rendered from its plan: what `upcheck migrate --out DIR` writes and
// `--dry-run` prints.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "fix/migration_plan.hpp"
#include "fix/step_files.hpp"
#include "model/snapshot.hpp"

namespace upcheck::fix {

struct MigrationFiles {
  std::vector<StepFile> steps;  // in apply order
  std::string apply_script;     // apply.sh; empty when nothing is applied
  std::string manual;           // MANUAL.md; empty when nothing is left to a person
};

// The step files, apply.sh and MANUAL.md of `plan`. The snapshot names the files findings'
// locations point into; apply.sh names the upcheck release that wrote it.
MigrationFiles render_migration(const MigrationPlan& plan, const Snapshot& snapshot, std::string_view tool_version);

// Every file, in apply order, each after a `# ==> name <==` line, under a line that counts them.
std::string render_dry_run(const MigrationPlan& plan, const MigrationFiles& files);

}  // namespace upcheck::fix
