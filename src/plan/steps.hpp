// What the step builders share: the facts the planner settled, and the builders per installer and
// method. Internal to the plan layer.
#pragma once

#include <optional>
#include <span>
#include <string>

#include "istio/istio_install.hpp"
#include "istio/revisions.hpp"
#include "model/snapshot.hpp"
#include "plan/data_plane.hpp"
#include "plan/helm_releases.hpp"
#include "plan/runbook.hpp"

namespace upcheck::plan {

// A gateway the control-plane install renders (istioctl) or a release of its own (Helm).
struct GatewayInstall {
  const Resource* deployment = nullptr;
  std::string ns;
  std::string app;      // its pods' app label, which the guides select them by
  std::string release;  // Helm: the gateway chart's release; empty for istioctl's
};

struct PlanContext {
  const Snapshot& snapshot;
  const IstioInstallation& istio;
  const RevisionIndex& revisions;
  const DataPlane& data_plane;
  const HelmReleases& helm;
  const ControlPlane& old_plane;
  Installer installer = Installer::Unknown;  // of the old control plane
  Version to;
  std::optional<Version> from;
  std::string new_revision;             // canary only
  bool old_has_revision_label = false;  // the old istiod is labelled istio.io/rev (every chart since 1.6)
  std::vector<GatewayInstall> gateways;

  const std::string& ns() const { return old_plane.ns; }
  const std::string& old_revision() const { return old_plane.revision; }
  // "1.20.3", or "the installed release" when nothing showed it.
  std::string from_text() const;
  // The old control plane is the one istio-injection=enabled namespaces use.
  bool old_is_default() const;
};

void add_istioctl_canary(const PlanContext& ctx, Runbook& runbook);
void add_istioctl_in_place(const PlanContext& ctx, Runbook& runbook);
void add_helm_canary(const PlanContext& ctx, Runbook& runbook);
void add_helm_in_place(const PlanContext& ctx, Runbook& runbook);

// The canary guide's data plane section, for both installers: relabel each namespace (or point its
// revision tag) at the new revision, restart what runs injected sidecars there, verify.
void add_namespace_moves(const PlanContext& ctx, Runbook& runbook);
// Workloads whose pods choose their revision themselves (labels on the pods, not the namespace).
// Those that name no revision follow the default revision, which the runbook moves before them,
// after them (Helm moves it last), or not at all.
enum class DefaultMove : uint8_t { Before, After, None };
void add_self_selecting_workloads(const PlanContext& ctx, Runbook& runbook, DefaultMove default_move);
// The way back from those moves, for the rollback section.
Step move_namespaces_back(const PlanContext& ctx);
// In place: restart every namespace's injected workloads so that they get the new proxy.
void add_restarts(const PlanContext& ctx, Runbook& runbook, const GuideRef& guide);

// Puts each blocking finding at the step it blocks, the rest in the closing section.
void place_findings(std::span<const Finding> findings, Runbook& runbook);

}  // namespace upcheck::plan
