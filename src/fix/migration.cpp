#include "fix/migration.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "engine/object_copy.hpp"
#include "engine/rule.hpp"
#include "fix/yaml_emit.hpp"
#include "model/version.hpp"

namespace upcheck::fix {
namespace {

std::string describe(const ObjectRef& o) {
  return o.ns.empty() ? fmt::format("{} {}", o.kind, o.name) : fmt::format("{} {}/{}", o.kind, o.ns, o.name);
}

// What a step resolves, as the comment above it says: "rule (CODE) on Kind ns/name".
std::string resolves(const Finding& f) {
  return fmt::format("{} ({}) on {}", f.rule->name, f.rule->code, f.object ? describe(*f.object) : "the upgrade plan");
}

ObjectRef ref_of(const nlohmann::json& object) {
  auto text = [&](const nlohmann::json::json_pointer& p) {
    return object.contains(p) && object[p].is_string() ? object[p].get<std::string>() : std::string();
  };
  return {text("/apiVersion"_json_pointer), text("/kind"_json_pointer), text("/metadata/namespace"_json_pointer),
          text("/metadata/name"_json_pointer)};
}

nlohmann::json identity(const ObjectRef& o) {
  nlohmann::json metadata = {{"name", o.name}};
  if (!o.ns.empty()) metadata["namespace"] = o.ns;
  return {{"apiVersion", o.api_version}, {"kind", o.kind}, {"metadata", metadata}};
}

struct Comments {
  std::vector<std::string> lines;
  void add(const std::string& line) {
    if (std::find(lines.begin(), lines.end(), line) == lines.end()) lines.push_back(line);
  }
  std::string render() const {
    std::string out;
    for (const std::string& l : lines) out += "# " + l + "\n";
    return out;
  }
};

struct CreateStep {
  ObjectRef ref;
  nlohmann::json object;
  Comments comments;
};
struct PatchStep {
  ObjectRef target;
  nlohmann::json patch;
  Comments comments;
};
struct CommandStep {
  std::string command;
  Comments comments;
};
struct DeleteStep {
  ObjectRef ref;
  Comments comments;
};

struct Stage {
  std::string stage;   // "" for now
  std::vector<CreateStep> creates;
  std::vector<PatchStep> patches;
  std::vector<CommandStep> commands;
  std::vector<DeleteStep> deletes;
  std::string label() const { return stage.empty() ? "now" : "before-" + stage; }
  std::string shell_name() const {
    std::string out = "stage_" + label();
    std::replace(out.begin(), out.end(), '-', '_');
    std::replace(out.begin(), out.end(), '.', '_');
    return out;
  }
  std::string argument() const { return stage.empty() ? "now" : stage; }
};

// "now" first, then releases in order.
bool stage_before(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return a.empty() && !b.empty();
  std::optional<Version> va = Version::parse(a), vb = Version::parse(b);
  if (va && vb && *va != *vb) return *va < *vb;
  return a < b;
}

// A manual item: a display-only fix, a skipped unsafe one, or a step that could not be planned.
struct ManualItem {
  const Finding* finding = nullptr;
  std::string why;
};

class Planner {
 public:
  Planner(const Snapshot& snapshot, const MigrationOptions& options) : snapshot_(snapshot), options_(options) {}

  void add(const Finding& f) {
    const Fix& fix = *f.fix;
    if (fix.applicability == Applicability::DisplayOnly) {
      manual_.push_back({&f, fix.manual_note.empty() ? "shown for guidance only" : fix.manual_note});
      ++migration_.manual_fixes;
      return;
    }
    if (fix.applicability == Applicability::Unsafe && !options_.unsafe_fixes) {
      skipped_.push_back({&f, fix.manual_note.empty() ? "it changes live behaviour" : fix.manual_note});
      ++migration_.skipped;
      return;
    }
    if (fix.apply.empty() && fix.patches.empty() && fix.remove.empty() && fix.commands.empty()) {
      manual_.push_back({&f, fix.manual_note.empty() ? "nothing to apply" : fix.manual_note});
      ++migration_.manual_fixes;
      return;
    }
    ++migration_.applied;
    Stage& stage = stage_for(fix.stage);
    std::string by = resolves(f);
    std::string what = fmt::format("resolves {}: {}", by, fix.title);
    std::string unsafe;
    if (fix.applicability == Applicability::Unsafe)
      unsafe = fmt::format("unsafe, applied because of --unsafe-fixes: {}",
                           fix.manual_note.empty() ? "it changes live behaviour" : fix.manual_note);
    for (const nlohmann::json& raw : fix.apply) {
      nlohmann::json object = copy_for_apply(raw);
      ObjectRef ref = ref_of(object);
      auto same = std::find_if(stage.creates.begin(), stage.creates.end(), [&](const CreateStep& c) { return c.ref == ref; });
      if (same != stage.creates.end()) {
        if (same->object == object) {
          same->comments.add(what);
        } else {
          conflicts_.push_back(fmt::format("{} would write {} differently from an earlier fix; upcheck kept the "
                                           "earlier one: reconcile them by hand",
                                           by, describe(ref)));
        }
        continue;
      }
      CreateStep step{ref, std::move(object), {}};
      step.comments.add(what);
      if (!unsafe.empty()) step.comments.add(unsafe);
      stage.creates.push_back(std::move(step));
    }
    for (const FixPatch& p : fix.patches) {
      // Two findings that need the same change (a replica count) make one patch.
      auto same = std::find_if(stage.patches.begin(), stage.patches.end(),
                               [&](const PatchStep& s) { return s.target == p.target && s.patch == p.merge_patch; });
      if (same != stage.patches.end()) {
        same->comments.add(what);
        if (!unsafe.empty()) same->comments.add(unsafe);
        continue;
      }
      PatchStep step{p.target, p.merge_patch, {}};
      step.comments.add(what);
      if (!unsafe.empty()) step.comments.add(unsafe);
      stage.patches.push_back(std::move(step));
    }
    for (const std::string& c : fix.commands) {
      CommandStep step{c, {}};
      step.comments.add(what);
      stage.commands.push_back(std::move(step));
    }
    for (const ObjectRef& r : fix.remove) {
      // Deleting what this stage creates would undo the fix that created it.
      if (std::any_of(stage.creates.begin(), stage.creates.end(), [&](const CreateStep& c) { return c.ref == r; })) {
        conflicts_.push_back(fmt::format("{} would delete {}, which this stage also creates: not deleted", by, describe(r)));
        continue;
      }
      auto same = std::find_if(stage.deletes.begin(), stage.deletes.end(), [&](const DeleteStep& d) { return d.ref == r; });
      if (same != stage.deletes.end()) {
        same->comments.add(what);
        continue;
      }
      DeleteStep step{r, {}};
      step.comments.add(what);
      stage.deletes.push_back(std::move(step));
    }
  }

  Migration finish() {
    std::stable_sort(stages_.begin(), stages_.end(), [](const Stage& a, const Stage& b) { return stage_before(a.stage, b.stage); });
    size_t number = 0;
    for (Stage& stage : stages_) {
      auto file_name = [&](std::string_view kind) { return fmt::format("{:02}-{}-{}.yaml", ++number, stage.label(), kind); };
      if (!stage.creates.empty())
        migration_.files.push_back({file_name("create"), stage.stage, StepKind::Create, create_file(stage)});
      if (!stage.patches.empty())
        migration_.files.push_back({file_name("patch"), stage.stage, StepKind::Patch, patch_file(stage)});
      if (!stage.deletes.empty())
        migration_.files.push_back({file_name("delete"), stage.stage, StepKind::Delete, delete_file(stage)});
    }
    if (!stages_.empty()) migration_.apply_script = apply_script();
    migration_.manual = manual();
    return std::move(migration_);
  }

 private:
  Stage& stage_for(const std::string& stage) {
    for (Stage& s : stages_)
      if (s.stage == stage) return s;
    stages_.push_back(Stage{stage, {}, {}, {}, {}});
    return stages_.back();
  }

  static std::string when(const Stage& stage) {
    return stage.stage.empty() ? "now, before the upgrade" : "before upgrading to " + stage.stage;
  }

  static std::string join_documents(const std::vector<std::string>& documents) {
    std::string out;
    for (size_t i = 0; i < documents.size(); ++i) out += (i == 0 ? "" : "---\n") + documents[i];
    return out;
  }

  static std::string create_file(const Stage& stage) {
    std::vector<std::string> docs;
    for (const CreateStep& c : stage.creates) docs.push_back(c.comments.render() + to_yaml(c.object));
    return fmt::format("# Objects to create or replace ({}): apply.sh applies them with `kubectl apply -f`.\n",
                       when(stage)) +
           join_documents(docs);
  }

  static std::string patch_file(const Stage& stage) {
    std::vector<std::string> docs;
    for (const PatchStep& p : stage.patches) {
      nlohmann::json doc = identity(p.target);
      doc.update(p.patch, true);   // keeps nulls: they show the fields the patch removes
      docs.push_back(p.comments.render() + "# " + patch_command(p) + "\n" + to_yaml(doc));
    }
    return fmt::format("# Changes to objects that stay ({}): apply.sh runs the `kubectl patch --type merge` above "
                       "each; a null removes the field.\n",
                       when(stage)) +
           join_documents(docs);
  }

  static std::string delete_file(const Stage& stage) {
    std::vector<std::string> docs;
    for (const DeleteStep& d : stage.deletes) docs.push_back(d.comments.render() + to_yaml(identity(d.ref)));
    return fmt::format("# Objects to delete ({}), last of the stage, after anything that replaces them: apply.sh "
                       "deletes exactly these with `kubectl delete -f`.\n",
                       when(stage)) +
           join_documents(docs);
  }

  static std::string patch_command(const PatchStep& p, bool dry_run = false) {
    std::string out = fmt::format("kubectl patch {} {}", kubectl_type(p.target), shell_quote(p.target.name));
    if (!p.target.ns.empty()) out += " -n " + shell_quote(p.target.ns);
    out += " --type merge -p " + shell_quote(p.patch.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    if (dry_run) out += " --dry-run=server";
    return out;
  }

  std::string apply_script() const {
    std::string s;
    s += "#!/usr/bin/env bash\n";
    s += fmt::format("# Written by `upcheck migrate` (upcheck {}). Read the step files before running it.\n",
                     options_.tool_version);
    s += "#\n# Run one stage at a time, each at its time:\n";
    for (const Stage& stage : stages_) s += fmt::format("#   ./apply.sh {:<6} {}\n", stage.argument(), when(stage));
    s += "#\n# Each stage first checks every step with the API server (server-side dry run, diff) and changes\n"
         "# nothing if one fails; then applies, verifies, patches, runs commands, and deletes what was\n"
         "# replaced last of all.\n";
    s += "set -euo pipefail\ncd \"$(dirname \"$0\")\"\n\n";
    s += "# kubectl diff exits 1 when it finds differences, which is what a migration has; above 1 it failed.\n";
    s += "diff_step() { kubectl diff -f \"$1\" || [ $? -eq 1 ]; }\n";
    for (const Stage& stage : stages_) s += stage_function(stage);
    s += "\nusage() {\n  echo \"usage: $0 STAGE, STAGE one of (in this order):";
    for (const Stage& stage : stages_) {
      s += ' ';
      s += stage.argument();
    }
    s += "\" >&2\n  exit 2\n}\n\n";
    std::string fallback = stages_.size() == 1 ? stages_.front().argument() : "";
    s += fmt::format("case \"${{1:-{}}}\" in\n", fallback);
    for (const Stage& stage : stages_) s += fmt::format("  {}) {} ;;\n", stage.argument(), stage.shell_name());
    s += "  *) usage ;;\nesac\n";
    return s;
  }

  std::string stage_function(const Stage& stage) const {
    auto files_of = [&](StepKind kind) {
      std::vector<std::string> names;
      for (const StepFile& f : migration_.files)
        if (f.stage == stage.stage && f.kind == kind) names.push_back(f.name);
      return names;
    };
    std::vector<std::string> creates = files_of(StepKind::Create), patches = files_of(StepKind::Patch),
                             deletes = files_of(StepKind::Delete);
    std::string s = fmt::format("\n# {}\n{}() {{\n", when(stage), stage.shell_name());
    s += "  echo '== checking every step with the API server; nothing changes yet'\n";
    for (const std::string& f : creates) s += fmt::format("  kubectl apply --dry-run=server -f {}\n  diff_step {}\n", f, f);
    for (const PatchStep& p : stage.patches) s += "  " + patch_command(p, true) + "\n";
    for (const std::string& f : patches) s += fmt::format("  diff_step {}\n", f);
    for (const std::string& f : deletes) s += fmt::format("  kubectl delete --dry-run=server -f {}\n", f);
    if (!creates.empty()) {
      s += "  echo '== applying'\n";
      for (const std::string& f : creates) s += fmt::format("  kubectl apply -f {}\n", f);
      s += "  echo '== verifying that every object exists'\n";
      for (const std::string& f : creates) s += fmt::format("  kubectl get -f {}\n", f);
    }
    if (!stage.patches.empty()) {
      s += "  echo '== patching'\n";
      for (const PatchStep& p : stage.patches) s += "  " + patch_command(p) + "\n";
    }
    if (!stage.commands.empty()) {
      s += "  echo '== running commands'\n";
      for (const CommandStep& c : stage.commands) {
        for (const std::string& l : c.comments.lines) s += "  # " + l + "\n";
        s += "  " + c.command + "\n";
      }
    }
    if (!deletes.empty()) {
      s += "  echo '== deleting what was replaced'\n";
      if (!creates.empty())
        s += "  # Let the control plane see the replacements before the originals go (Istio's own\n"
             "  # RbacConfig conversion waits 15 s).\n"
             "  sleep \"${UPCHECK_SETTLE_SECONDS:-15}\"\n";
      for (const std::string& f : deletes) s += fmt::format("  kubectl delete -f {}\n", f);
    }
    s += "}\n";
    return s;
  }

  std::string place(const Finding& f) const {
    if (!f.location) return "upgrade plan";
    return fmt::format("{}:{}", snapshot_.file_path(f.location->file), f.location->mark.line);
  }

  std::string manual_entry(const ManualItem& item) const {
    const Finding& f = *item.finding;
    const Fix& fix = *f.fix;
    std::string s = fmt::format("### {} ({}) on {}\n\n", f.rule->name, f.rule->code,
                                f.object ? describe(*f.object) : "the upgrade plan");
    s += fmt::format("At {}: {}\n\n", place(f), f.message);
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
    for (const FixPatch& p : fix.patches)
      s += fmt::format("\nPatch: `{}`\n", patch_command(PatchStep{p.target, p.merge_patch, {}}));
    for (const ObjectRef& r : fix.remove) s += fmt::format("\nThen delete {}.\n", describe(r));
    for (const std::string& c : fix.commands) s += fmt::format("\nThen run: `{}`\n", c);
    return s + "\n";
  }

  std::string manual() const {
    if (manual_.empty() && skipped_.empty() && conflicts_.empty()) return {};
    std::string s = "# Manual steps\n\n";
    s += "`upcheck migrate` left these to you; apply.sh does not carry them out.\n\n";
    if (!manual_.empty()) {
      s += "## Changes to make by hand\n\n";
      for (const ManualItem& item : manual_) s += manual_entry(item);
    }
    if (!skipped_.empty()) {
      s += "## Unsafe fixes, skipped\n\nThese change live behaviour; `upcheck migrate --unsafe-fixes` adds them to "
           "the step files.\n\n";
      for (const ManualItem& item : skipped_) s += manual_entry(item);
    }
    if (!conflicts_.empty()) {
      s += "## Conflicts\n\n";
      for (const std::string& c : conflicts_) s += "- " + c + "\n";
      s += "\n";
    }
    return s;
  }

  const Snapshot& snapshot_;
  const MigrationOptions& options_;
  std::vector<Stage> stages_;
  std::vector<ManualItem> manual_, skipped_;
  std::vector<std::string> conflicts_;
  Migration migration_;
};

}  // namespace

std::string kubectl_type(const ObjectRef& object) {
  std::string kind = object.kind;
  std::transform(kind.begin(), kind.end(), kind.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  auto slash = object.api_version.find('/');
  if (slash == std::string::npos) return kind;   // the core group: "v1"
  return fmt::format("{}.{}.{}", kind, object.api_version.substr(slash + 1), object.api_version.substr(0, slash));
}

std::string shell_quote(std::string_view word) {
  bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '/' || c == ':' ||
           c == '=' || c == ',';
  });
  if (plain) return std::string(word);
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

Migration plan_migration(std::span<const Finding> findings, const Snapshot& snapshot, const MigrationOptions& options) {
  Planner planner(snapshot, options);
  for (const Finding& f : findings)
    if (f.fix) planner.add(f);
  return planner.finish();
}

std::string render_dry_run(const Migration& m) {
  if (m.files.empty() && m.manual.empty()) return "# upcheck migrate --dry-run: no fixes to apply or to list\n";
  std::string out = fmt::format(
      "# upcheck migrate --dry-run: {} fix{} in {} step file{}, {} manual, {} skipped; `--out DIR` writes these "
      "files.\n",
      m.applied, m.applied == 1 ? "" : "es", m.files.size(), m.files.size() == 1 ? "" : "s", m.manual_fixes, m.skipped);
  for (const StepFile& f : m.files) out += fmt::format("\n# ==> {} <==\n{}", f.name, f.content);
  if (!m.apply_script.empty()) out += "\n# ==> apply.sh <==\n" + m.apply_script;
  if (!m.manual.empty()) out += "\n# ==> MANUAL.md <==\n" + m.manual;
  return out;
}

}  // namespace upcheck::fix
