// apply.sh: the bash script that carries out a migration one stage at a time, checking every step
// with the API server before it changes anything (docs/migrate.md).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "fix/migration_plan.hpp"
#include "fix/step_files.hpp"

namespace upcheck::fix {

// The script for `plan`, applying `files` (its rendered step files); empty when nothing is applied.
std::string render_apply_script(const MigrationPlan& plan, std::span<const StepFile> files,
                                std::string_view tool_version);

}  // namespace upcheck::fix
