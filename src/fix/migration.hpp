// Turns the fixes of a run into a migration: numbered YAML step files in apply order, an apply
// script, and a list of what a person must do by hand. `upcheck migrate` writes it; the fixture
// tests compare its dry-run rendering with goldens.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "engine/finding.hpp"
#include "model/snapshot.hpp"

namespace upcheck::fix {

struct MigrationOptions {
  bool unsafe_fixes = false;   // apply fixes that change live behaviour (`--unsafe-fixes`)
  std::string tool_version;
};

enum class StepKind : uint8_t { Create, Patch, Delete };

// One file of the migration. A stage is the release its steps must be applied before ("1.2"),
// or empty for fixes that belong to no hop ("now").
struct StepFile {
  std::string name;      // "01-now-create.yaml"
  std::string stage;
  StepKind kind = StepKind::Create;
  std::string content;   // YAML documents, each preceded by the finding it resolves
};

struct Migration {
  std::vector<StepFile> files;   // in apply order: stage by stage, creates, patches, deletes
  std::string apply_script;      // apply.sh; empty when nothing is applied
  std::string manual;            // MANUAL.md; empty when nothing is left to a person
  size_t applied = 0;            // fixes apply.sh carries out
  size_t manual_fixes = 0;       // display-only fixes, listed in MANUAL.md
  size_t skipped = 0;            // unsafe fixes left out without --unsafe-fixes (also listed)
};

// Plans the fixes of `findings` (in their report order). Display-only fixes and, without
// `unsafe_fixes`, unsafe ones go to MANUAL.md with their notes; the rest become step files.
// Within a stage objects are created first, then patched, then commands run, and only then is
// anything deleted, so a replaced object never goes before its replacement exists.
Migration plan_migration(std::span<const Finding> findings, const Snapshot& snapshot,
                         const MigrationOptions& options);

// Every file of the migration, in apply order, for `--dry-run`: what `--out DIR` would write.
std::string render_dry_run(const Migration& migration);

// "deployment.v1.apps", "service": the fully qualified resource name kubectl takes for a kind,
// so that kinds of the same name in two API groups cannot be confused.
std::string kubectl_type(const ObjectRef& object);

// A word for the shell, single-quoted when it needs quoting.
std::string shell_quote(std::string_view word);

}  // namespace upcheck::fix
