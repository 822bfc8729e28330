#include "fix/apply_script.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "fix/kubectl_command.hpp"
#include "fix/migration_text.hpp"

namespace upcheck::fix {
namespace {

// "now" or "1.2": what `./apply.sh` takes to run the stage.
std::string argument(const Stage& stage) { return stage.release.empty() ? "now" : stage.release; }

// "stage_before_1_2": the stage's bash function.
std::string function_name(const Stage& stage) {
  std::string out = "stage_" + stage_label(stage);
  std::replace(out.begin(), out.end(), '-', '_');
  std::replace(out.begin(), out.end(), '.', '_');
  return out;
}

std::string stage_function(const Stage& stage, std::span<const StepFile> files) {
  auto files_of = [&](StepKind kind) {
    std::vector<std::string> names;
    for (const StepFile& f : files)
      if (f.release == stage.release && f.kind == kind) names.push_back(f.name);
    return names;
  };
  std::vector<std::string> creates = files_of(StepKind::Create), patches = files_of(StepKind::Patch),
                           deletes = files_of(StepKind::Delete);
  std::string s = fmt::format("\n# {}\n{}() {{\n", stage_time(stage), function_name(stage));
  s += "  echo '== checking every step with the API server; nothing changes yet'\n";
  for (const std::string& f : creates) s += fmt::format("  kubectl apply --dry-run=server -f {}\n  diff_step {}\n", f, f);
  for (const PatchStep& p : stage.patches) s += "  " + patch_command(p.target, p.merge_patch, true) + "\n";
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
    for (const PatchStep& p : stage.patches) s += "  " + patch_command(p.target, p.merge_patch) + "\n";
  }
  if (!stage.commands.empty()) {
    s += "  echo '== running commands'\n";
    for (const CommandStep& c : stage.commands) {
      for (const std::string& l : resolution_lines(c.resolves)) s += "  # " + l + "\n";
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

}  // namespace

std::string render_apply_script(const MigrationPlan& plan, std::span<const StepFile> files,
                                std::string_view tool_version) {
  const std::vector<Stage>& stages = plan.stages;
  if (stages.empty()) return {};
  std::string s;
  s += "#!/usr/bin/env bash\n";
  s += fmt::format("# Written by `upcheck migrate` (upcheck {}). Read the step files before running it.\n",
                   tool_version);
  s += "#\n# Run one stage at a time, each at its time:\n";
  for (const Stage& stage : stages) s += fmt::format("#   ./apply.sh {:<6} {}\n", argument(stage), stage_time(stage));
  s += "#\n# Each stage first checks every step with the API server (server-side dry run, diff) and changes\n"
       "# nothing if one fails; then applies, verifies, patches, runs commands, and deletes what was\n"
       "# replaced last of all.\n";
  s += "set -euo pipefail\ncd \"$(dirname \"$0\")\"\n\n";
  s += "# kubectl diff exits 1 when it finds differences, which is what a migration has; above 1 it failed.\n";
  s += "diff_step() { kubectl diff -f \"$1\" || [ $? -eq 1 ]; }\n";
  for (const Stage& stage : stages) s += stage_function(stage, files);
  s += "\nusage() {\n  echo \"usage: $0 STAGE, STAGE one of (in this order):";
  for (const Stage& stage : stages) {
    s += ' ';
    s += argument(stage);
  }
  s += "\" >&2\n  exit 2\n}\n\n";
  // With a single stage there is nothing to choose; with several the script refuses to guess.
  std::string fallback = stages.size() == 1 ? argument(stages.front()) : "";
  s += fmt::format("case \"${{1:-{}}}\" in\n", fallback);
  for (const Stage& stage : stages) s += fmt::format("  {}) {} ;;\n", argument(stage), function_name(stage));
  s += "  *) usage ;;\nesac\n";
  return s;
}

}  // namespace upcheck::fix
