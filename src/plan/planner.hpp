// Plans the upgrade of the cluster an analysis read: which guide applies (istioctl or Helm, canary
// or in place, as of the target release), its steps with this cluster's names, and where each
// finding blocks. Knows no output format (render.hpp writes one).
#pragma once

#include <span>
#include <stdexcept>

#include "engine/finding.hpp"
#include "engine/upgrade_plan.hpp"
#include "istio/istio_install.hpp"
#include "model/snapshot.hpp"
#include "plan/runbook.hpp"

namespace upcheck::plan {

// The input or the flags leave no runbook to write: no control plane, several and no
// --remove-revision, an installer or release no guide covers. A usage error (exit status 2).
class PlanError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct PlanInput {
  const Snapshot& snapshot;
  const IstioInstallation& istio;
  const UpgradePlan& plan;            // --to is required; for a canary, --revision is set
  std::span<const Finding> findings;  // the analysis's, sorted
};

Runbook plan_runbook(const PlanInput& input);

}  // namespace upcheck::plan
