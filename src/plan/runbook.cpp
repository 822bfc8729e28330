#include "plan/runbook.hpp"

#include <algorithm>

#include "engine/rule.hpp"

namespace upcheck::plan {
namespace {

// Warnings that stop a step or lose traffic when it runs. Every rule named here says so in its
// rationale: an unsupported jump, an injection label that moves the wrong revision, a revision
// nothing serves, a proxy the step would leave out of skew, a gateway that moves with the control
// plane, a budget that hangs a drain, injection that stops. Not helm-crds-not-upgraded's warning:
// applying the CRDs by hand is a step of the Helm runbook itself (its error, CRDs Helm cannot
// adopt, blocks as every error does).
constexpr std::string_view kBlockingWarnings[] = {
    "skip-level-upgrade",   "injection-label-conflict", "unknown-revision", "invalid-revision-name",
    "stale-sidecar",        "revision-still-in-use",    "gateway-revision", "blocking-pod-disruption-budget",
    "injection-continuity",
};

}  // namespace

std::string_view role_name(StepRole role) {
  switch (role) {
    case StepRole::Prepare:
      return "prepare";
    case StepRole::Crds:
      return "crds";
    case StepRole::ControlPlane:
      return "control-plane";
    case StepRole::Verify:
      return "verify";
    case StepRole::Gateway:
      return "gateway";
    case StepRole::Namespace:
      return "namespace";
    case StepRole::DefaultRevision:
      return "default-revision";
    case StepRole::UninstallOld:
      return "uninstall-old";
    case StepRole::Rollback:
      return "rollback";
  }
  return "prepare";
}

bool is_blocking(const Finding& finding) {
  if (finding.severity == Severity::Error) return true;
  if (finding.severity != Severity::Warning) return false;
  return std::find(std::begin(kBlockingWarnings), std::end(kBlockingWarnings), finding.rule->name) !=
         std::end(kBlockingWarnings);
}

size_t Runbook::blocking_findings() const {
  size_t n = 0;
  for (const Step& s : steps) n += s.blockers.size();
  return n;
}

Step* Runbook::find_role(StepRole role) {
  auto it = std::find_if(steps.begin(), steps.end(), [&](const Step& s) { return s.role == role; });
  return it == steps.end() ? nullptr : &*it;
}

}  // namespace upcheck::plan
