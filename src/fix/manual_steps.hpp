// MANUAL.md: what `upcheck migrate` leaves to a person (display-only fixes, unsafe fixes it
// skipped, conflicts between fixes), each with its finding, its place and the fix to make.
#pragma once

#include <string>

#include "fix/migration_plan.hpp"
#include "model/snapshot.hpp"

namespace upcheck::fix {

// The Markdown, or empty when nothing is left to a person. The snapshot names the files the
// findings' locations point into.
std::string render_manual(const MigrationPlan& plan, const Snapshot& snapshot);

}  // namespace upcheck::fix
