// The data plane's steps: moving namespaces to the canary (Canary Upgrades, "Data plane") and
// restarting workloads after an in-place upgrade.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>

#include "plan/istio_guides.hpp"
#include "plan/steps.hpp"

namespace upcheck::plan {
namespace {

std::string workload_list(const std::vector<WorkloadRef>& workloads) {
  std::vector<std::string> names;
  for (const WorkloadRef& w : workloads) names.push_back(fmt::format("{} {}", w.kind, w.name));
  return fmt::format("{}", fmt::join(names, ", "));
}

// What a restart in this namespace covers, in words, and its commands.
void add_restart_commands(const PlanContext& ctx, const MeshNamespace& m, Step& step) {
  if (m.workloads.empty()) {
    step.details.push_back(
        fmt::format("No Deployment, StatefulSet or DaemonSet in the input runs an injected sidecar in "
                    "{}: there is nothing to restart, and its new pods get the new proxy.",
                    m.name));
  } else {
    step.details.push_back(fmt::format(
        "Restart the workloads of {} that run injected sidecars{}, so that their pods "
        "are injected again: {}.",
        m.name,
        ctx.data_plane.from_templates ? " (the input has no Pods: these are the workloads injection covers)" : "",
        workload_list(m.workloads)));
    for (const WorkloadRef& w : m.workloads) {
      step.commands.push_back(guides::restart(w));
      step.workloads.push_back(w);
    }
  }
  if (!m.not_restartable.empty())
    step.details.push_back(
        fmt::format("Injected pods that no rollout restarts keep their proxy until they are re-created: {}.",
                    fmt::join(m.not_restartable, ", ")));
}

// How the namespace asks for its revision today, for the step's first paragraph.
std::string selection_text(const PlanContext& ctx, const MeshNamespace& m) {
  const std::string today = m.revision.empty() ? std::string("nothing in the input serves it")
                                               : fmt::format("revision {} injects its pods", m.revision);
  if (m.injection_label && !m.rev_label.empty())
    return fmt::format(
        "Namespace {} is labelled both istio-injection=enabled and istio.io/rev={}; istio-injection "
        "takes precedence, so {}. Remove it so that istio.io/rev decides.",
        m.name, m.rev_label, today);
  if (m.injection_label)
    return fmt::format(
        "Namespace {} is labelled istio-injection=enabled ({}). Remove that label and add istio.io/rev={}: "
        "istio-injection must go because it takes precedence over istio.io/rev.",
        m.name, today, ctx.new_revision);
  return fmt::format("Namespace {} is labelled istio.io/rev={} ({}). Point it at {}.", m.name, m.rev_label, today,
                     ctx.new_revision);
}

Step namespace_step(const PlanContext& ctx, const MeshNamespace& m) {
  Step step;
  step.id = "move-namespace/" + m.name;
  step.role = StepRole::Namespace;
  step.title = fmt::format("Move namespace {} to revision {}", m.name, ctx.new_revision);
  step.guide = guides::canary_guide(ctx.to);
  step.namespaces = {m.name};
  step.details.push_back(selection_text(ctx, m));
  step.commands.push_back(guides::move_namespace(m.name, ctx.new_revision, m.injection_label, !m.rev_label.empty()));
  add_restart_commands(ctx, m, step);
  step.commands.push_back(guides::verify_namespace(ctx.to, m.name, ctx.new_revision));
  step.details.push_back(
      guides::verifies_with_proxy_status(ctx.to)
          ? fmt::format("`istioctl proxy-status` then lists the namespace's pods with istiod-{} in its "
                        "ISTIOD column.",
                        ctx.new_revision)
          : fmt::format("The pods listed carry istio.io/rev={}: they were injected by istiod-{}.", ctx.new_revision,
                        ctx.new_revision));
  return step;
}

Step tag_step(const PlanContext& ctx, const std::string& tag, const std::vector<const MeshNamespace*>& members) {
  Step step;
  step.id = "move-tag/" + tag;
  step.role = StepRole::Namespace;
  step.title = fmt::format("Point revision tag {} at revision {}", tag, ctx.new_revision);
  step.guide = guides::revision_tags_guide(ctx.to);
  std::vector<std::string> names;
  for (const MeshNamespace* m : members) names.push_back(m->name);
  step.namespaces = names;
  step.details.push_back(
      fmt::format("Namespaces {} are labelled istio.io/rev={}, a revision tag of {}: moving the tag "
                  "moves them all, with no change to their labels.",
                  fmt::join(names, ", "), tag, ctx.old_revision()));
  step.commands.push_back(guides::set_tag(ctx.to, tag, ctx.new_revision, true));
  for (const MeshNamespace* m : members) {
    add_restart_commands(ctx, *m, step);
    step.commands.push_back(guides::verify_namespace(ctx.to, m->name, ctx.new_revision));
  }
  return step;
}

// The namespace moves from the old revision: its own, a tag of it, or (reported by
// unknown-revision) a revision nothing serves, which the move settles too.
bool moves_with_old(const PlanContext& ctx, const MeshNamespace& m) {
  if (!m.selected_by_labels) return false;
  if (m.revision == ctx.old_revision()) return true;
  return m.revision.empty() || !ctx.revisions.serves(m.revision);
}

}  // namespace

void add_namespace_moves(const PlanContext& ctx, Runbook& runbook) {
  std::vector<std::string> already, elsewhere;
  std::map<std::string, std::vector<const MeshNamespace*>> by_tag;
  for (const MeshNamespace& m : ctx.data_plane.namespaces) {
    if (!m.selected_by_labels) continue;
    if (m.revision == ctx.new_revision) {
      already.push_back(m.name);
    } else if (!moves_with_old(ctx, m)) {
      elsewhere.push_back(fmt::format("{} (revision {})", m.name, m.revision));
    } else if (!m.tag.empty() && guides::supports_revision_tags(ctx.to)) {
      by_tag[m.tag].push_back(&m);
    } else {
      runbook.steps.push_back(namespace_step(ctx, m));
    }
  }
  for (const auto& entry : by_tag) runbook.steps.push_back(tag_step(ctx, entry.first, entry.second));
  if (!already.empty())
    runbook.notes.push_back(fmt::format("Already on revision {}: namespace{} {}.", ctx.new_revision,
                                        already.size() == 1 ? "" : "s", fmt::join(already, ", ")));
  if (!elsewhere.empty())
    runbook.notes.push_back(fmt::format("Left on the revision they select, which this upgrade does not replace: {}.",
                                        fmt::join(elsewhere, ", ")));
}

void add_self_selecting_workloads(const PlanContext& ctx, Runbook& runbook, DefaultMove default_move) {
  for (const MeshNamespace& m : ctx.data_plane.namespaces) {
    if (m.selected_by_labels || (m.workloads.empty() && m.not_restartable.empty())) continue;
    Step step;
    step.id = "move-workloads/" + m.name;
    step.role = StepRole::Namespace;
    step.title = fmt::format("Move the injected workloads of namespace {}", m.name);
    step.guide = guides::canary_guide(ctx.to);
    step.namespaces = {m.name};
    step.details.push_back(fmt::format(
        "Namespace {} has no injection label: its pods ask for a sidecar themselves, with istio.io/rev or "
        "sidecar.istio.io/inject=true on their pod templates. A pod template labelled istio.io/rev={} keeps that "
        "revision: change the label to {} where the workload is defined (the change rolls it out). The others follow "
        "the default revision{}.",
        m.name, ctx.old_revision(), ctx.new_revision,
        default_move == DefaultMove::Before ? ", which the previous step moved: restart them now"
        : default_move == DefaultMove::After
            ? fmt::format(": restart them once {} is the default (the last step)", ctx.new_revision)
            : std::string()));
    add_restart_commands(ctx, m, step);
    runbook.steps.push_back(std::move(step));
  }
}

Step move_namespaces_back(const PlanContext& ctx) {
  Step step;
  step.id = "rollback-namespaces";
  step.role = StepRole::Rollback;
  step.title = fmt::format("Move the namespaces back to revision {}", ctx.old_revision());
  step.details.push_back(fmt::format(
      "Only for namespaces you already moved: undo their labels (or tags) so that new pods are injected by revision {} "
      "again, and restart their workloads.",
      ctx.old_revision()));
  std::vector<std::string> tags_done;
  for (const MeshNamespace& m : ctx.data_plane.namespaces) {
    if (!moves_with_old(ctx, m) || m.revision.empty()) continue;
    step.namespaces.push_back(m.name);
    if (!m.tag.empty() && guides::supports_revision_tags(ctx.to)) {
      if (std::find(tags_done.begin(), tags_done.end(), m.tag) == tags_done.end()) {
        step.commands.push_back(guides::set_tag(ctx.to, m.tag, ctx.old_revision(), true));
        tags_done.push_back(m.tag);
      }
    } else if (m.injection_label) {
      // Back to istio-injection=enabled, which decided before; a conflicting istio.io/rev goes.
      step.commands.push_back(fmt::format("kubectl label namespace {} istio.io/rev- istio-injection=enabled", m.name));
    } else {
      step.commands.push_back(fmt::format("kubectl label namespace {} istio.io/rev={} --overwrite", m.name,
                                          m.rev_label.empty() ? ctx.old_revision() : m.rev_label));
    }
    for (const WorkloadRef& w : m.workloads) {
      step.commands.push_back(guides::restart(w));
      step.workloads.push_back(w);
    }
  }
  return step;
}

void add_restarts(const PlanContext& ctx, Runbook& runbook, const GuideRef& guide) {
  for (const MeshNamespace& m : ctx.data_plane.namespaces) {
    if (m.workloads.empty() && m.not_restartable.empty()) continue;
    Step step;
    step.id = "restart-namespace/" + m.name;
    step.role = StepRole::Namespace;
    step.title = fmt::format("Restart the injected workloads of namespace {}", m.name);
    step.guide = guide;
    step.namespaces = {m.name};
    step.details.push_back(
        fmt::format("The control plane is {} now, but running pods keep the proxy they were injected "
                    "with until they are re-created.",
                    ctx.to.str()));
    add_restart_commands(ctx, m, step);
    runbook.steps.push_back(std::move(step));
  }
}

}  // namespace upcheck::plan
