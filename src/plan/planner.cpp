#include "plan/planner.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "istio/istio_components.hpp"
#include "istio/ownership.hpp"
#include "plan/istio_guides.hpp"
#include "plan/steps.hpp"

namespace upcheck::plan {
namespace {

std::string revision_list(const IstioInstallation& istio) {
  std::vector<std::string> names;
  for (const ControlPlane& p : istio.control_planes) names.push_back(fmt::format("{} in {}", p.revision, p.ns));
  return fmt::format("{}", fmt::join(names, ", "));
}

// The control plane this upgrade replaces: --remove-revision's, else the only one there is (the
// canary's own revision aside, when it is installed already).
const ControlPlane& old_control_plane(const IstioInstallation& istio, const RevisionIndex& revisions,
                                      const UpgradePlan& plan, const std::string& new_revision) {
  if (!plan.remove_revision.empty()) {
    const std::string wanted = revisions.resolve(plan.remove_revision).value_or(plan.remove_revision);
    for (const ControlPlane& p : istio.control_planes)
      if (p.revision == wanted) return p;
    throw PlanError(fmt::format("--remove-revision {}: the input shows no control plane of that revision (it shows {})",
                                plan.remove_revision, revision_list(istio)));
  }
  std::vector<const ControlPlane*> candidates;
  for (const ControlPlane& p : istio.control_planes)
    if (new_revision.empty() || p.revision != new_revision) candidates.push_back(&p);
  if (candidates.size() == 1) return *candidates.front();
  if (candidates.empty())
    throw PlanError(
        fmt::format("the only control plane in the input is revision {}, the one --revision names: name a "
                    "new revision for the canary",
                    new_revision));
  throw PlanError(
      fmt::format("the input shows several control planes ({}): name the one this upgrade replaces with "
                  "--remove-revision",
                  revision_list(istio)));
}

// Gateways whose upgrade is a step of its own: rendered with the control plane by istioctl (or the
// operator), or gateway-chart releases of Helm. Gateways deployed otherwise are injected like any
// workload and move with their namespace.
std::vector<GatewayInstall> gateway_installs(const Snapshot& snapshot, const HelmReleases& helm) {
  std::vector<GatewayInstall> out;
  for (const Resource* d : snapshot.of_kind("Deployment")) {
    std::optional<IstioComponent> component = istio_component(*d);
    if (component != IstioComponent::IngressGateway && component != IstioComponent::EgressGateway) continue;
    std::optional<rules::Manager> manager = rules::managing_tool(*d);
    if (!manager) continue;
    GatewayInstall g{
        d, std::string(d->ns()), std::string(d->spec()["template"]["metadata"]["labels"]["app"].text()), {}};
    if (g.app.empty()) g.app = std::string(d->label("app").value_or(d->name()));
    if (manager->tool == "Helm") {
      std::optional<HelmRelease> release = helm.of(*d);
      if (!release) continue;
      g.release = release->name;
    } else if (manager->tool != "istioctl" && manager->tool != "the Istio operator") {
      continue;
    }
    out.push_back(std::move(g));
  }
  return out;
}

// How the old control plane was installed. detect_istio reads Helm's managed-by and heritage
// labels; Helm also shows in the release annotations and chart labels of the control plane, and
// in a release Secret named as its `release` label.
Installer installer_of(const IstioInstallation& istio, const ControlPlane& plane, const HelmReleases& helm) {
  if (istio.installer == Installer::Helm || istio.installer == Installer::Operator) return istio.installer;
  for (const Resource* d : plane.deployments) {
    if (d->label("helm.sh/chart") || d->annotation("meta.helm.sh/release-name")) return Installer::Helm;
    if (std::optional<std::string_view> release = d->label("release"))
      if (const HelmRelease* r = helm.find(*release, d->ns()); r != nullptr && r->evidence->kind() == "Secret")
        return Installer::Helm;
  }
  return istio.installer;
}

void check_supported(Installer installer, const UpgradePlan& plan, const Version& to) {
  if (installer == Installer::Operator)
    throw PlanError(
        "the control plane is managed by the in-cluster Istio operator, whose upgrades follow its own guide; "
        "upcheck plan writes runbooks for istioctl and Helm installations");
  if (installer == Installer::Helm && !guides::supports_helm_guide(to))
    throw PlanError(
        fmt::format("--to {}: upcheck plan follows the Upgrade with Helm guide of Istio 1.12 and later (charts "
                    "istio/base, istio/istiod, istio/gateway)",
                    to.str()));
  if (plan.method == UpgradeMethod::Canary && !guides::supports_canary(to))
    throw PlanError(
        fmt::format("--to {}: canary upgrades install the new control plane as a revision, which Istio 1.6 "
                    "introduced; use --method in-place",
                    to.str()));
  if (plan.method == UpgradeMethod::InPlace && installer != Installer::Helm && !guides::supports_istioctl_upgrade(to))
    throw PlanError(
        fmt::format("--to {}: istioctl upgrades Istio in place from 1.4 on; before, follow the release's "
                    "Upgrade Steps guide",
                    to.str()));
}

}  // namespace

std::string PlanContext::from_text() const { return from ? from->str() : std::string("the installed release"); }

bool PlanContext::old_is_default() const {
  std::optional<std::string> default_revision = revisions.default_revision();
  return default_revision ? *default_revision == old_revision() : old_revision() == "default";
}

Runbook plan_runbook(const PlanInput& input) {
  const UpgradePlan& plan = input.plan;
  if (!plan.to) throw PlanError("plan needs --to: the release to upgrade to");
  const Version to = *plan.to;
  const IstioInstallation& istio = input.istio;
  if (istio.empty())
    throw PlanError(
        "the input shows no Istio control plane (no istiod or pilot Deployment): include the control plane's "
        "namespace (kubectl get deployments -n istio-system -o yaml)");

  const bool canary = plan.method == UpgradeMethod::Canary;
  const std::string new_revision = !canary ? std::string() : plan.revision.empty() ? to.revision_name() : plan.revision;
  const RevisionIndex revisions(input.snapshot, istio);
  const ControlPlane& old_plane = old_control_plane(istio, revisions, plan, new_revision);
  if (canary && old_plane.revision == new_revision)
    throw PlanError(fmt::format("--revision {} is the installed control plane's revision: a canary needs a new name",
                                new_revision));

  const HelmReleases helm(input.snapshot);
  const Installer installer = installer_of(istio, old_plane, helm);
  check_supported(installer, plan, to);
  const DataPlane data_plane = read_data_plane(input.snapshot, revisions);
  PlanContext ctx{input.snapshot, istio, revisions, data_plane,   helm,  old_plane,
                  installer,      to,    plan.from, new_revision, false, {}};
  if (!ctx.from)
    if (std::optional<VersionEvidence> v = old_plane.version()) ctx.from = v->version;
  for (const Resource* d : old_plane.deployments)
    if (d->label("istio.io/rev")) ctx.old_has_revision_label = true;
  ctx.gateways = gateway_installs(input.snapshot, helm);

  Runbook runbook;
  runbook.method = plan.method;
  runbook.installer = installer;
  runbook.from = ctx.from;
  runbook.to = to;
  runbook.control_plane_namespace = old_plane.ns;
  runbook.old_revision = old_plane.revision;
  runbook.new_revision = new_revision;
  for (const SourceFile& f : input.snapshot.files()) runbook.inputs.push_back(f.path);
  if (!ctx.from)
    runbook.notes.push_back(
        "Nothing in the input shows the installed release (no tagged istiod image): pass --from to "
        "check the jump.");

  if (installer == Installer::Helm) {
    if (canary)
      add_helm_canary(ctx, runbook);
    else
      add_helm_in_place(ctx, runbook);
  } else if (canary) {
    add_istioctl_canary(ctx, runbook);
  } else {
    add_istioctl_in_place(ctx, runbook);
  }
  place_findings(input.findings, runbook);
  return runbook;
}

}  // namespace upcheck::plan
