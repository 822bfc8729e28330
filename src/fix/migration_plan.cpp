#include "fix/migration_plan.hpp"

#include <algorithm>
#include <optional>

#include "engine/object_copy.hpp"
#include "model/version.hpp"

namespace upcheck::fix {
namespace {

ObjectRef ref_of(const nlohmann::json& object) {
  auto text = [&](const nlohmann::json::json_pointer& p) {
    return object.contains(p) && object[p].is_string() ? object[p].get<std::string>() : std::string();
  };
  return {text("/apiVersion"_json_pointer), text("/kind"_json_pointer), text("/metadata/namespace"_json_pointer),
          text("/metadata/name"_json_pointer)};
}

std::string_view group_of(std::string_view api_version) {
  size_t slash = api_version.find('/');
  return slash == std::string_view::npos ? std::string_view{} : api_version.substr(0, slash);
}

// The resourceVersion of `object` as the input shows it, when a step writes it again; empty for a
// new object (or an input without resourceVersions, such as manifests).
std::string input_resource_version(const Snapshot* input, const ObjectRef& object) {
  if (input == nullptr) return {};
  const Resource* existing = input->find(object.kind, object.ns, object.name);
  if (existing == nullptr || existing->group() != group_of(object.api_version)) return {};
  return std::string(existing->metadata()["resourceVersion"].text());
}

// "now" first, then releases in order.
bool stage_before(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return a.empty() && !b.empty();
  std::optional<Version> va = Version::parse(a), vb = Version::parse(b);
  if (va && vb && *va != *vb) return *va < *vb;
  return a < b;
}

Stage& stage_for(std::vector<Stage>& stages, const std::string& release) {
  for (Stage& s : stages)
    if (s.release == release) return s;
  stages.push_back(Stage{release, {}, {}, {}, {}});
  return stages.back();
}

template <typename Step, typename Same>
Step* find_step(std::vector<Step>& steps, Same same) {
  auto it = std::find_if(steps.begin(), steps.end(), same);
  return it == steps.end() ? nullptr : &*it;
}

class Planner {
 public:
  explicit Planner(const MigrationOptions& options) : options_(options) {}

  void add(const Finding& f) {
    const Fix& fix = *f.fix;
    if (fix.applicability == Applicability::DisplayOnly) {
      plan_.by_hand.push_back({&f, fix.manual_note.empty() ? "shown for guidance only" : fix.manual_note});
      return;
    }
    if (fix.applicability == Applicability::Unsafe && !options_.unsafe_fixes) {
      plan_.skipped.push_back({&f, unsafe_because(fix)});
      return;
    }
    if (fix.apply.empty() && fix.patches.empty() && fix.remove.empty() && fix.commands.empty()) {
      plan_.by_hand.push_back({&f, fix.manual_note.empty() ? "nothing to apply" : fix.manual_note});
      return;
    }
    Stage& stage = stage_for(plan_.stages, fix.stage);
    const Resolution plain{&f, {}};
    const Resolution noted{&f, fix.applicability == Applicability::Unsafe ? unsafe_because(fix) : std::string()};
    // A fix counts as applied when a step carries it out, not when all it wrote was a conflict.
    bool planned = !fix.patches.empty() || !fix.commands.empty();
    for (const nlohmann::json& raw : fix.apply)
      planned = add_create(stage, copy_for_apply(raw), plain, noted) || planned;
    for (const FixPatch& p : fix.patches) add_patch(stage, p, noted);
    for (const std::string& c : fix.commands) stage.commands.push_back({c, {plain}});
    for (const ObjectRef& r : fix.remove) planned = add_delete(stage, r, plain) || planned;
    if (planned) ++plan_.applied;
  }

  MigrationPlan finish() {
    for (Stage& stage : plan_.stages) stage.patches_first = creates_follow_patches(stage);
    std::stable_sort(plan_.stages.begin(), plan_.stages.end(),
                     [](const Stage& a, const Stage& b) { return stage_before(a.release, b.release); });
    return std::move(plan_);
  }

 private:
  static std::string unsafe_because(const Fix& fix) {
    return fix.manual_note.empty() ? "it changes live behaviour" : fix.manual_note;
  }

  // Whether a create resolves a finding on an object the stage patches (the budget of a
  // Deployment it scales), while nothing the stage creates is itself patched: a patch before the
  // create of its own object would be overwritten by it.
  static bool creates_follow_patches(const Stage& stage) {
    auto same_object = [](const ObjectRef& a, const ObjectRef& b) {
      return a.kind == b.kind && a.ns == b.ns && a.name == b.name;  // any apiVersion
    };
    bool needed = false;
    for (const PatchStep& p : stage.patches)
      for (const CreateStep& c : stage.creates) {
        if (same_object(c.object, p.target)) return false;
        for (const Resolution& r : c.resolves)
          if (r.finding->object && same_object(*r.finding->object, p.target)) needed = true;
      }
    return needed;
  }

  // False when the object is left out as a conflict.
  bool add_create(Stage& stage, nlohmann::json manifest, const Resolution& plain, const Resolution& noted) {
    ObjectRef object = ref_of(manifest);
    if (std::string version = input_resource_version(options_.input, object); !version.empty())
      manifest["metadata"]["resourceVersion"] = std::move(version);
    if (CreateStep* same = find_step(stage.creates, [&](const CreateStep& c) { return c.object == object; })) {
      if (same->manifest != manifest) {
        plan_.conflicts.push_back({ConflictKind::DifferentObject, plain.finding, object});
        return false;
      }
      same->resolves.push_back(plain);
      return true;
    }
    stage.creates.push_back({std::move(object), std::move(manifest), {noted}});
    return true;
  }

  // Two findings that need the same change (a replica count) make one patch.
  static void add_patch(Stage& stage, const FixPatch& p, const Resolution& noted) {
    auto same_change = [&](const PatchStep& s) { return s.target == p.target && s.merge_patch == p.merge_patch; };
    if (PatchStep* same = find_step(stage.patches, same_change))
      same->resolves.push_back(noted);
    else
      stage.patches.push_back({p.target, p.merge_patch, {noted}});
  }

  // False when the deletion is left out as a conflict.
  bool add_delete(Stage& stage, const ObjectRef& object, const Resolution& plain) {
    // Deleting what this stage creates would undo the fix that created it.
    if (find_step(stage.creates, [&](const CreateStep& c) { return c.object == object; })) {
      plan_.conflicts.push_back({ConflictKind::DeletesCreated, plain.finding, object});
      return false;
    }
    if (DeleteStep* same = find_step(stage.deletes, [&](const DeleteStep& d) { return d.object == object; }))
      same->resolves.push_back(plain);
    else
      stage.deletes.push_back({object, {plain}});
    return true;
  }

  const MigrationOptions& options_;
  MigrationPlan plan_;
};

}  // namespace

MigrationPlan plan_migration(std::span<const Finding> findings, const MigrationOptions& options) {
  Planner planner(options);
  for (const Finding& f : findings)
    if (f.fix) planner.add(f);
  return planner.finish();
}

}  // namespace upcheck::fix
