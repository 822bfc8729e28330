// What `upcheck migrate` decided, as data: the fixes of a run staged per upgrade hop, in apply
// order, with their conflicts and what is left to a person. The planner knows no output format;
// the step files, apply.sh and MANUAL.md renderers only format what it decided.
#pragma once

#include <nlohmann/json.hpp>

#include <span>
#include <string>
#include <vector>

#include "engine/finding.hpp"
#include "model/snapshot.hpp"

namespace upcheck::fix {

struct MigrationOptions {
  bool unsafe_fixes = false;  // apply fixes that change live behaviour (`--unsafe-fixes`)
  // The objects the findings were found in. A step that writes one of them again (an edited
  // DestinationRule) carries its resourceVersion from there, so that applying it over a version
  // changed since the dump fails on the conflict instead of reverting the change; new objects
  // never carry one.
  const Snapshot* input = nullptr;
};

// Why a step is in the migration: a finding whose fix it carries out. Steps that two findings
// need (the same object, the same patch) are planned once and resolve both.
struct Resolution {
  const Finding* finding = nullptr;
  // Why the fix is unsafe, when only `--unsafe-fixes` made it applied; empty otherwise. The
  // planner records it on the first step that writes an object and on every patch, as the step
  // files have always said it; a command or a deletion does not repeat it.
  std::string unsafe_note;
};

struct CreateStep {
  ObjectRef object;
  // As it will be applied: what the API server set is dropped, but for the resourceVersion of an
  // object the input holds (see MigrationOptions::input).
  nlohmann::json manifest;
  std::vector<Resolution> resolves;
};

struct PatchStep {
  ObjectRef target;
  nlohmann::json merge_patch;  // a null removes the field
  std::vector<Resolution> resolves;
};

struct CommandStep {
  std::string command;  // a shell command, run as written
  std::vector<Resolution> resolves;
};

struct DeleteStep {
  ObjectRef object;
  std::vector<Resolution> resolves;
};

// The steps to carry out before one upgrade hop. Within a stage objects are created first, then
// patched, then commands run, and only then is anything deleted, so a replaced object never goes
// before its replacement exists. A stage whose creates are made for an object it also patches
// (a PodDisruptionBudget for a Deployment the stage scales to 2 replicas) patches first, so that
// the new object meets the object as the stage leaves it.
struct Stage {
  std::string release;  // the release to apply them before ("1.2"); empty for "now"
  std::vector<CreateStep> creates;
  std::vector<PatchStep> patches;
  std::vector<CommandStep> commands;
  std::vector<DeleteStep> deletes;
  bool patches_first = false;
};

// Two fixes of one stage that cannot both be carried out; the earlier one wins.
enum class ConflictKind : uint8_t {
  DifferentObject,  // the fix writes an object an earlier fix writes differently: not written again
  DeletesCreated,   // the fix deletes an object the stage creates: not deleted
};

struct Conflict {
  ConflictKind kind = ConflictKind::DifferentObject;
  const Finding* finding = nullptr;  // the later fix, the one left out
  ObjectRef object;
};

// A fix that a person must carry out, and why upcheck does not.
struct ManualItem {
  const Finding* finding = nullptr;
  std::string why;  // "managed by Helm", "it changes live behaviour"
};

struct MigrationPlan {
  std::vector<Stage> stages;  // "now" first, then releases in order; none without applied fixes
  std::vector<Conflict> conflicts;
  std::vector<ManualItem> by_hand;  // display-only fixes and fixes with nothing to apply
  std::vector<ManualItem> skipped;  // unsafe fixes left out without --unsafe-fixes
  size_t applied = 0;               // fixes with a step in the stages (not those left out as conflicts)
};

// Plans the fixes of `findings` (in their report order). Display-only fixes and, without
// `unsafe_fixes`, unsafe ones are left to a person with their notes; the rest become steps. The
// plan points into `findings`, which must outlive it.
MigrationPlan plan_migration(std::span<const Finding> findings, const MigrationOptions& options);

}  // namespace upcheck::fix
