#include "fix/step_files.hpp"

#include <fmt/format.h>

#include "fix/kubectl_command.hpp"
#include "fix/migration_text.hpp"
#include "fix/yaml_emit.hpp"

namespace upcheck::fix {
namespace {

std::string comments(const std::vector<Resolution>& resolves) {
  std::string out;
  for (const std::string& line : resolution_lines(resolves)) out += "# " + line + "\n";
  return out;
}

// What a patch or a deletion is applied to, as the head of a manifest.
nlohmann::json identity(const ObjectRef& o) {
  nlohmann::json metadata = {{"name", o.name}};
  if (!o.ns.empty()) metadata["namespace"] = o.ns;
  return {{"apiVersion", o.api_version}, {"kind", o.kind}, {"metadata", metadata}};
}

std::string create_file(const Stage& stage) {
  std::vector<std::string> docs;
  for (const CreateStep& c : stage.creates) docs.push_back(comments(c.resolves) + to_yaml(c.manifest));
  return fmt::format("# Objects to create or replace ({}): apply.sh applies them with `kubectl apply -f`.\n",
                     stage_time(stage)) +
         join_documents(docs);
}

std::string patch_file(const Stage& stage) {
  std::vector<std::string> docs;
  for (const PatchStep& p : stage.patches) {
    nlohmann::json doc = identity(p.target);
    doc.update(p.merge_patch, true);  // keeps nulls: they show the fields the patch removes
    docs.push_back(comments(p.resolves) + "# " + patch_command(p.target, p.merge_patch) + "\n" + to_yaml(doc));
  }
  return fmt::format(
             "# Changes to objects that stay ({}): apply.sh runs the `kubectl patch --type merge` above "
             "each; a null removes the field.\n",
             stage_time(stage)) +
         join_documents(docs);
}

std::string delete_file(const Stage& stage) {
  std::vector<std::string> docs;
  for (const DeleteStep& d : stage.deletes) docs.push_back(comments(d.resolves) + to_yaml(identity(d.object)));
  return fmt::format(
             "# Objects to delete ({}), last of the stage, after anything that replaces them: apply.sh "
             "deletes exactly these with `kubectl delete -f`.\n",
             stage_time(stage)) +
         join_documents(docs);
}

}  // namespace

std::vector<StepFile> render_step_files(const MigrationPlan& plan) {
  std::vector<StepFile> files;
  size_t number = 0;
  for (const Stage& stage : plan.stages) {
    auto file_name = [&](std::string_view kind) {
      return fmt::format("{:02}-{}-{}.yaml", ++number, stage_label(stage), kind);
    };
    if (stage.patches_first && !stage.patches.empty())
      files.push_back({file_name("patch"), stage.release, StepKind::Patch, patch_file(stage)});
    if (!stage.creates.empty())
      files.push_back({file_name("create"), stage.release, StepKind::Create, create_file(stage)});
    if (!stage.patches_first && !stage.patches.empty())
      files.push_back({file_name("patch"), stage.release, StepKind::Patch, patch_file(stage)});
    if (!stage.deletes.empty())
      files.push_back({file_name("delete"), stage.release, StepKind::Delete, delete_file(stage)});
  }
  return files;
}

}  // namespace upcheck::fix
