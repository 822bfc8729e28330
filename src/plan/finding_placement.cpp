// Where a finding blocks the runbook: at the namespace's move for a namespace's or workload's
// problem, at the control-plane install for what makes that install unsafe, at the uninstall for
// what still needs the old revision. Rules are matched by name (their stable interface) and, for
// rules added later, by category.
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

#include "engine/rule.hpp"
#include "plan/steps.hpp"

namespace upcheck::plan {
namespace {

// Rules whose findings concern one namespace's injection or sidecars: resolved when that namespace
// moves (canary) or restarts (in place).
constexpr std::string_view kNamespaceRules[] = {"injection-label-conflict", "unknown-revision", "invalid-revision-name",
                                                "stale-sidecar", "revision-still-in-use"};

bool any_of(std::span<const std::string_view> names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// The namespace a finding is about: the Namespace itself, or the namespace of its object.
std::string_view namespace_of(const Finding& f) {
  if (!f.object) return {};
  return f.object->kind == "Namespace" ? std::string_view(f.object->name) : std::string_view(f.object->ns);
}

Step* step_for_namespace(Runbook& runbook, std::string_view ns) {
  for (Step& step : runbook.steps)
    if (step.role == StepRole::Namespace &&
        std::find(step.namespaces.begin(), step.namespaces.end(), ns) != step.namespaces.end())
      return &step;
  return nullptr;
}

Step* step_with_id(Runbook& runbook, const std::string& id) {
  for (Step& step : runbook.steps)
    if (step.id == id) return &step;
  return nullptr;
}

Step* first_of(Runbook& runbook, std::initializer_list<StepRole> roles) {
  for (StepRole role : roles)
    if (Step* step = runbook.find_role(role)) return step;
  return nullptr;
}

Step& step_for(const Finding& f, Runbook& runbook) {
  const std::string_view name = f.rule->name;
  const std::string_view category = f.rule->category();
  Step* step = nullptr;
  if (any_of(kNamespaceRules, name)) step = step_for_namespace(runbook, namespace_of(f));
  // A revision tag's webhook configuration: the step that moves the tag.
  if (step == nullptr && f.subject != nullptr)
    if (std::optional<std::string_view> tag = f.subject->label("istio.io/tag"); tag && *tag != "default")
      step = step_with_id(runbook, "move-tag/" + std::string(*tag));
  if (step == nullptr && name == "revision-still-in-use") step = first_of(runbook, {StepRole::UninstallOld});
  // injection-continuity reports two problems: removing the default revision (message names it;
  // only with --remove-revision), which the default change or the uninstall settles, and injector
  // webhooks that call a missing Service, which block pod creation before anything is upgraded.
  if (step == nullptr && name == "injection-continuity")
    step = f.message.find("is the default revision") != std::string::npos
               ? first_of(runbook, {StepRole::DefaultRevision, StepRole::UninstallOld})
               : first_of(runbook, {StepRole::Prepare});
  // Helm's CRDs and the API versions they serve change at the CRD step when there is one.
  if (step == nullptr && (category == "HELM" || category == "API")) step = first_of(runbook, {StepRole::Crds});
  if (step == nullptr) step = first_of(runbook, {StepRole::ControlPlane, StepRole::Prepare});
  return step != nullptr ? *step : runbook.steps.front();
}

}  // namespace

void place_findings(std::span<const Finding> findings, Runbook& runbook) {
  for (const Finding& f : findings) {
    if (is_blocking(f) && !runbook.steps.empty())
      step_for(f, runbook).blockers.push_back(&f);
    else
      runbook.other_findings.push_back(&f);
  }
}

}  // namespace upcheck::plan
