#include "fix/manual_steps.hpp"

#include <fmt/format.h>

#include "engine/object_copy.hpp"
#include "engine/rule.hpp"
#include "fix/kubectl_command.hpp"
#include "fix/migration_text.hpp"
#include "fix/yaml_emit.hpp"

namespace upcheck::fix {
namespace {

std::string place(const Finding& f, const Snapshot& snapshot) {
  if (!f.location) return "upgrade plan";
  return fmt::format("{}:{}", snapshot.file_path(f.location->file), f.location->mark.line);
}

std::string entry(const ManualItem& item, const Snapshot& snapshot) {
  const Finding& f = *item.finding;
  const Fix& fix = *f.fix;
  std::string s = fmt::format("### {}\n\n", describe(f));
  s += fmt::format("At {}: {}\n\n", place(f, snapshot), f.message);
  // A title that already names its stage needs no second mention.
  const bool says_stage = fix.stage.empty() || fix.title.find("before upgrading to " + fix.stage) != std::string::npos;
  s += fmt::format("- Fix: {}{}.\n- Not applied: {}.\n", fix.title,
                   says_stage ? std::string() : fmt::format(", before upgrading to {}", fix.stage), item.why);
  if (!fix.apply.empty()) {
    s += "\nObjects:\n\n```yaml\n";
    std::vector<std::string> docs;
    for (const nlohmann::json& o : fix.apply) docs.push_back(to_yaml(copy_for_apply(o)));
    s += join_documents(docs) + "```\n";
  }
  for (const FixPatch& p : fix.patches) s += fmt::format("\nPatch: `{}`\n", patch_command(p.target, p.merge_patch));
  for (const ObjectRef& r : fix.remove) s += fmt::format("\nThen delete {}.\n", describe(r));
  for (const std::string& c : fix.commands) s += fmt::format("\nThen run: `{}`\n", c);
  return s + "\n";
}

std::string conflict(const Conflict& c) {
  switch (c.kind) {
    case ConflictKind::DifferentObject:
      return fmt::format(
          "{} would write {} differently from an earlier fix; upcheck kept the earlier one: reconcile "
          "them by hand",
          describe(*c.finding), describe(c.object));
    case ConflictKind::DeletesCreated:
      return fmt::format("{} would delete {}, which this stage also creates: not deleted", describe(*c.finding),
                         describe(c.object));
  }
  return {};
}

}  // namespace

std::string render_manual(const MigrationPlan& plan, const Snapshot& snapshot) {
  if (plan.by_hand.empty() && plan.skipped.empty() && plan.conflicts.empty()) return {};
  std::string s = "# Manual steps\n\n";
  s += "`upcheck migrate` left these to you; apply.sh does not carry them out.\n\n";
  if (!plan.by_hand.empty()) {
    s += "## Changes to make by hand\n\n";
    for (const ManualItem& item : plan.by_hand) s += entry(item, snapshot);
  }
  if (!plan.skipped.empty()) {
    s += "## Unsafe fixes, skipped\n\nThese change live behaviour; `upcheck migrate --unsafe-fixes` adds them to "
         "the step files.\n\n";
    for (const ManualItem& item : plan.skipped) s += entry(item, snapshot);
  }
  if (!plan.conflicts.empty()) {
    s += "## Conflicts\n\n";
    for (const Conflict& c : plan.conflicts) s += "- " + conflict(c) + "\n";
    s += "\n";
  }
  return s;
}

}  // namespace upcheck::fix
