// Runbooks for control planes installed with Helm: the Upgrade with Helm guide (1.12 on; the CRD
// handling changed in 1.24), with the release names the input shows.
#include <fmt/format.h>

#include "plan/istio_guides.hpp"
#include "plan/steps.hpp"

namespace upcheck::plan {
namespace {

struct Releases {
  std::string base;
  std::string base_ns;
  std::string istiod;
};

const HelmRelease* base_by_name(const PlanContext& ctx) {
  if (const HelmRelease* exact = ctx.helm.find("istio-base", ctx.ns())) return exact;
  for (const HelmRelease& r : ctx.helm.all())
    if (r.ns == ctx.ns() && r.chart.empty() && r.name.size() >= 4 && r.name.compare(r.name.size() - 4, 4, "base") == 0)
      return &r;
  return nullptr;
}

// The releases to name, from the input; the guide's names when the input does not show them.
Releases releases(const PlanContext& ctx, Runbook& runbook) {
  Releases r;
  if (const HelmRelease* base = ctx.helm.with_chart("base")) {
    r.base = base->name;
    r.base_ns = base->ns;
  } else if (const HelmRelease* named = base_by_name(ctx)) {
    // Release Secrets do not say their chart (it is inside the encoded release): a release of
    // the control plane's namespace named like the guide's istio-base is taken for it.
    r.base = named->name;
    r.base_ns = named->ns;
    if (named->name != "istio-base")
      runbook.notes.push_back(
          fmt::format("No object in the input shows the base chart's release: the commands take "
                      "release {} in {}, by its name, for it.",
                      named->name, named->ns));
  } else {
    r.base = "istio-base";
    r.base_ns = ctx.ns();
    runbook.notes.push_back(
        fmt::format("The input shows no release of the base chart: the commands call it istio-base "
                    "in {}, as the guide does. `helm list -n {}` shows its name.",
                    ctx.ns(), ctx.ns()));
  }
  for (const Resource* d : ctx.old_plane.deployments)
    if (std::optional<HelmRelease> release = ctx.helm.of(*d)) {
      r.istiod = release->name;
      break;
    }
  if (r.istiod.empty()) {
    r.istiod = "istiod";
    runbook.notes.push_back(
        "The input does not show which Helm release installed istiod: the commands call it istiod, "
        "as the guide does.");
  }
  return r;
}

Step prepare(const PlanContext& ctx, bool in_place) {
  Step step;
  step.id = "before-you-start";
  step.role = StepRole::Prepare;
  step.title = "Before you start";
  step.guide = guides::helm_guide(ctx.to);
  step.details.push_back(fmt::format(
      "Run the commands from the directory of the Istio {} release, with the istio Helm repository at {} (`helm repo "
      "update`).",
      ctx.to.str(), ctx.to.str()));
  if (in_place)
    step.details.push_back(
        "Add your override values file or custom options to every helm upgrade below: helm upgrade "
        "resets what they do not repeat.");
  step.details.push_back("Check that the cluster can take the upgrade:");
  step.commands.push_back(guides::precheck());
  return step;
}

// CRDs first: Helm never upgrades them before 1.24; from 1.24 the base chart does.
void add_crd_steps(const PlanContext& ctx, const Releases& r, bool in_place, Runbook& runbook) {
  const GuideRef guide = guides::helm_guide(ctx.to);
  if (!guides::base_chart_upgrades_crds(ctx.to)) {
    Step crds;
    crds.id = "upgrade-crds";
    crds.role = StepRole::Crds;
    crds.title = "Upgrade the Istio CRDs";
    crds.guide = guide;
    crds.details.push_back(
        fmt::format("Helm does not upgrade or delete CRDs when it upgrades a release: apply those of "
                    "Istio {} first.",
                    ctx.to.str()));
    crds.commands.push_back(guides::apply_crds());
    runbook.steps.push_back(std::move(crds));
    if (!in_place) return;  // the canary upgrades the base chart last, with its default revision
  }
  Step base;
  base.id = "upgrade-base-chart";
  base.role = StepRole::Crds;
  base.title = fmt::format("Upgrade the base chart (release {})", r.base);
  base.guide = guide;
  if (guides::base_chart_upgrades_crds(ctx.to)) {
    base.details.push_back(
        "From 1.24 the base chart installs and upgrades the CRDs and the cluster-wide resources "
        "that every revision shares.");
    if (!ctx.from || ctx.from->minor_only() < Version{1, 24, std::nullopt, {}}) {
      base.details.push_back(fmt::format(
          "Coming from {}, Helm may refuse the CRDs (\"exists and cannot be imported into the current release: invalid "
          "ownership metadata\"): the first three commands hand them to release {} once.",
          ctx.from_text(), r.base));
      for (std::string& c : guides::adopt_crds(r.base, r.base_ns)) base.commands.push_back(std::move(c));
    }
  } else {
    base.details.push_back("The CRDs are applied: upgrade the chart's other cluster-wide resources.");
  }
  base.commands.push_back(guides::helm_upgrade_base(ctx.to, r.base, r.base_ns));
  runbook.steps.push_back(std::move(base));
}

}  // namespace

void add_helm_canary(const PlanContext& ctx, Runbook& runbook) {
  const GuideRef guide = guides::helm_guide(ctx.to);
  const std::string& rev = ctx.new_revision;
  const std::string& old = ctx.old_revision();
  const Releases r = releases(ctx, runbook);
  const std::string canary_release = "istiod-" + rev;

  runbook.steps.push_back(prepare(ctx, false));
  add_crd_steps(ctx, r, false, runbook);

  Step install;
  install.id = "install-control-plane";
  install.role = StepRole::ControlPlane;
  install.title = fmt::format("Install revision {} beside release {}", rev, r.istiod);
  install.guide = guide;
  install.details.push_back(fmt::format(
      "A second istiod chart release, {}, with revision {}; the cluster-wide resources of the base chart are shared by "
      "both. Add your values file as you did for {}.",
      canary_release, rev, r.istiod));
  install.commands.push_back(guides::helm_install_istiod(canary_release, rev, ctx.ns()));
  runbook.steps.push_back(std::move(install));

  Step verify;
  verify.id = "verify-control-planes";
  verify.role = StepRole::Verify;
  verify.title = "Verify that both control planes run";
  verify.guide = guide;
  verify.details.push_back(fmt::format("Expect istiod pods of revision {} and of revision {}.", old, rev));
  verify.commands.push_back(guides::helm_get_istiod_pods(ctx.ns()));
  runbook.steps.push_back(std::move(verify));

  std::vector<const GatewayInstall*> helm_gateways;
  for (const GatewayInstall& g : ctx.gateways)
    if (!g.release.empty()) helm_gateways.push_back(&g);
  for (const GatewayInstall* g : helm_gateways) {
    Step gateway;
    gateway.id = fmt::format("install-gateway/{}/{}", g->ns, g->release);
    gateway.role = StepRole::Gateway;
    gateway.title = fmt::format("Install a canary of gateway {} in {}", g->release, g->ns);
    gateway.guide = guide;
    gateway.details.push_back(fmt::format(
        "A gateway chart release of revision {} beside {}; both run until you move the gateway's traffic (Upgrading "
        "Gateways, canary upgrade). Expect pods of both revisions.",
        rev, g->release));
    gateway.commands.push_back(guides::helm_install_gateway(g->release + "-" + rev, rev, g->ns));
    gateway.commands.push_back(guides::helm_get_gateway_pods(g->ns));
    runbook.steps.push_back(std::move(gateway));
  }

  add_namespace_moves(ctx, runbook);
  add_self_selecting_workloads(ctx, runbook, ctx.old_is_default() ? DefaultMove::After : DefaultMove::None);

  Step uninstall;
  uninstall.id = "uninstall-old-control-plane";
  uninstall.role = StepRole::UninstallOld;
  uninstall.title = fmt::format("Uninstall release {} (revision {})", r.istiod, old);
  uninstall.guide = guide;
  uninstall.details.push_back(fmt::format("Only once every workload runs on revision {}.", rev));
  uninstall.commands.push_back(guides::helm_delete(r.istiod, ctx.ns()));
  runbook.steps.push_back(std::move(uninstall));

  Step make_default;
  make_default.id = "set-default-revision";
  make_default.role = StepRole::DefaultRevision;
  make_default.title = fmt::format("Make {} the default revision", rev);
  make_default.guide = guide;
  make_default.details.push_back(fmt::format(
      "Upgrade the base chart again, making revision {} the cluster-wide default: it then injects pods that name no "
      "revision and validates Istio configuration.",
      rev));
  make_default.commands.push_back(guides::helm_default_revision(ctx.to, r.base, r.base_ns, rev));
  for (const GatewayInstall* g : helm_gateways) {
    make_default.details.push_back(fmt::format(
        "Gateway release {} in {} still runs the proxies of revision {}: once its canary carries the traffic, upgrade "
        "it, and it is injected by the new default revision (or delete it).",
        g->release, g->ns, old));
    make_default.commands.push_back(guides::helm_upgrade_gateway(g->release, g->ns));
  }
  runbook.steps.push_back(std::move(make_default));

  runbook.rollback.push_back(move_namespaces_back(ctx));
  Step remove_canary;
  remove_canary.id = "rollback-uninstall-canary";
  remove_canary.role = StepRole::Rollback;
  remove_canary.title = fmt::format("Uninstall the releases of revision {}", rev);
  remove_canary.guide = guide;
  remove_canary.details.push_back(
      fmt::format("Before the old release is deleted, the way back is to delete what this "
                  "upgrade installed; release {} keeps serving.",
                  r.istiod));
  for (const GatewayInstall* g : helm_gateways)
    remove_canary.commands.push_back(guides::helm_delete(g->release + "-" + rev, g->ns));
  remove_canary.commands.push_back(guides::helm_delete(canary_release, ctx.ns()));
  runbook.rollback.push_back(std::move(remove_canary));
}

void add_helm_in_place(const PlanContext& ctx, Runbook& runbook) {
  const GuideRef guide = guides::helm_guide(ctx.to);
  const Releases r = releases(ctx, runbook);

  runbook.steps.push_back(prepare(ctx, true));
  add_crd_steps(ctx, r, true, runbook);

  Step upgrade;
  upgrade.id = "upgrade-control-plane";
  upgrade.role = StepRole::ControlPlane;
  upgrade.title = fmt::format("Upgrade release {} to {}", r.istiod, ctx.to.str());
  upgrade.guide = guide;
  upgrade.details.push_back("The istiod chart upgrades the control plane in place.");
  if (ctx.old_revision() != "default")
    upgrade.details.push_back(
        fmt::format("The release is revision {}: the command sets it again, so that the upgrade "
                    "keeps it.",
                    ctx.old_revision()));
  upgrade.commands.push_back(guides::helm_upgrade_istiod(r.istiod, ctx.ns(), ctx.old_revision()));
  runbook.steps.push_back(std::move(upgrade));

  for (const GatewayInstall& g : ctx.gateways) {
    if (g.release.empty()) continue;
    Step gateway;
    gateway.id = fmt::format("upgrade-gateway/{}/{}", g.ns, g.release);
    gateway.role = StepRole::Gateway;
    gateway.title = fmt::format("Upgrade gateway {} in {}", g.release, g.ns);
    gateway.guide = guide;
    gateway.details.push_back("Its pods are injected with the new proxy as the rollout replaces them.");
    gateway.commands.push_back(guides::helm_upgrade_gateway(g.release, g.ns));
    runbook.steps.push_back(std::move(gateway));
  }

  add_restarts(ctx, runbook, guides::in_place_guide(ctx.to));

  Step downgrade;
  downgrade.id = "rollback-downgrade";
  downgrade.role = StepRole::Rollback;
  downgrade.title = fmt::format("Downgrade to {}", ctx.from_text());
  downgrade.details.push_back(fmt::format(
      "The Helm guide gives no downgrade: repeat the upgrades above with the charts of {} (helm's --version) and the "
      "same values, gateways and istiod before the base chart, then restart the workloads above again.",
      ctx.from_text()));
  runbook.rollback.push_back(std::move(downgrade));
}

}  // namespace upcheck::plan
