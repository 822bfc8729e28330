// The step-by-step upgrade of one cluster, as data: what `upcheck plan` writes as Markdown or JSON.
// The planner fills it; renderers only format it, so both formats always say the same thing.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/finding.hpp"
#include "engine/upgrade_plan.hpp"
#include "istio/istio_install.hpp"
#include "model/version.hpp"

namespace upcheck::plan {

// The Istio guide (or other documentation) a step's commands come from.
struct GuideRef {
  std::string title;    // "Canary Upgrades"
  std::string release;  // "1.21": the release whose guide it is
  std::string url;
};

// What a step does, so that findings can be put at the step they block whatever its id.
enum class StepRole : uint8_t {
  Prepare,          // prerequisites, before anything changes
  Crds,             // custom resource definitions (and, from 1.24, the base chart that owns them)
  ControlPlane,     // installs or upgrades the control plane
  Verify,           // checks without changes
  Gateway,          // a gateway release of its own (Helm)
  Namespace,        // moves or restarts the workloads of namespaces
  DefaultRevision,  // makes the new revision the one istio-injection=enabled selects
  UninstallOld,     // removes the old control plane
  Rollback,
};
std::string_view role_name(StepRole role);

// A workload a step restarts so that its pods are injected again.
struct WorkloadRef {
  std::string kind;  // "Deployment", "StatefulSet", "DaemonSet"
  std::string ns;
  std::string name;
};

struct Step {
  std::string id;  // stable across runs: "move-namespace/shop"
  StepRole role = StepRole::Prepare;
  std::string title;
  std::vector<std::string> details;   // paragraphs, in order
  std::vector<std::string> commands;  // shell commands, run in order
  std::optional<GuideRef> guide;
  std::vector<std::string> namespaces;   // the namespaces whose workloads the step moves or restarts
  std::vector<WorkloadRef> workloads;    // what its commands restart
  std::vector<const Finding*> blockers;  // blocking findings to resolve before running it
};

struct Runbook {
  UpgradeMethod method = UpgradeMethod::InPlace;
  Installer installer = Installer::Unknown;
  std::optional<Version> from;  // the installed release, when the input (or --from) shows it
  Version to;
  std::string control_plane_namespace;
  std::string old_revision;         // the control plane this upgrade replaces ("default" when unrevisioned)
  std::string new_revision;         // canary only
  std::vector<std::string> inputs;  // the files read, for the header
  std::vector<std::string> notes;   // what the input could not settle, said once
  std::vector<Step> steps;
  std::vector<Step> rollback;
  std::vector<const Finding*> other_findings;  // not blocking: the closing section

  size_t blocking_findings() const;
  // 1 when a blocking finding stands (as `check`'s exit status), else 0.
  int exit_status() const { return blocking_findings() > 0 ? 1 : 0; }
  Step* find_role(StepRole role);
};

// Whether a finding blocks the step it concerns: every error, and the warnings whose problem makes
// a step fail or lose traffic (a skipped release, a namespace's injection, a gateway that moves
// with the control plane, a sidecar outside the supported skew, ...). Other warnings and notes go
// to the closing section.
bool is_blocking(const Finding& finding);

}  // namespace upcheck::plan
