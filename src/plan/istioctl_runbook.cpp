// Runbooks for control planes installed with istioctl: the Canary Upgrades guide (1.6 on) and the
// in-place `istioctl upgrade` guides (1.4 on).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "plan/istio_guides.hpp"
#include "plan/steps.hpp"

namespace upcheck::plan {
namespace {

std::vector<std::string> gateway_names(const PlanContext& ctx) {
  std::vector<std::string> names;
  for (const GatewayInstall& g : ctx.gateways)
    if (g.release.empty()) names.push_back(fmt::format("{}/{}", g.ns, g.deployment->name()));
  return names;
}

Step prepare(const PlanContext& ctx, const GuideRef& guide) {
  Step step;
  step.id = "before-you-start";
  step.role = StepRole::Prepare;
  step.title = "Before you start";
  step.guide = guide;
  step.details.push_back(
      fmt::format("Download Istio {} and run the commands below from its directory, with its "
                  "istioctl (`bin/istioctl`), unless a step names another release.",
                  ctx.to.str()));
  if (ctx.installer != Installer::Istioctl)
    step.details.push_back(
        fmt::format("The input does not show istioctl's labels on the control plane (installer: {}); "
                    "these steps are the istioctl guide's, which assumes Istio was installed with "
                    "istioctl.",
                    installer_name(ctx.installer)));
  return step;
}

}  // namespace

void add_istioctl_canary(const PlanContext& ctx, Runbook& runbook) {
  const GuideRef guide = guides::canary_guide(ctx.to);
  const std::string& rev = ctx.new_revision;
  const std::string& old = ctx.old_revision();

  Step before = prepare(ctx, guide);
  if (guides::has_precheck(ctx.to)) {
    before.details.push_back("Check that the cluster can take the upgrade:");
    before.commands.push_back(guides::precheck());
  }
  runbook.steps.push_back(std::move(before));

  Step install;
  install.id = "install-control-plane";
  install.role = StepRole::ControlPlane;
  install.title = fmt::format("Install revision {} beside revision {}", rev, old);
  install.guide = guide;
  install.details.push_back(fmt::format(
      "This installs Istio {} as a second control plane, istiod-{}, with its own injector; nothing moves to it yet. If "
      "you installed Istio with an IstioOperator file (`istioctl install -f FILE`), add the same `-f FILE`: without it "
      "the command installs the default profile.",
      ctx.to.str(), rev));
  if (ctx.revisions.serves(rev))
    install.details.push_back(
        fmt::format("The input already shows revision {}: skip this step if it is the release you "
                    "are installing.",
                    rev));
  if (std::vector<std::string> names = gateway_names(ctx); !names.empty())
    install.details.push_back(fmt::format(
        "Gateways installed by istioctl ({}) do not run revision-specific instances: this install upgrades them in "
        "place "
        "to {} and connects them to istiod-{}, so all their traffic moves to the new control plane at once.",
        fmt::join(names, ", "), ctx.to.str(), rev));
  install.commands.push_back(guides::istioctl_install_revision(rev));
  runbook.steps.push_back(std::move(install));

  Step verify;
  verify.id = "verify-control-planes";
  verify.role = StepRole::Verify;
  verify.title = "Verify that both control planes run";
  verify.guide = guide;
  verify.details.push_back(
      fmt::format("Expect istiod pods of both revisions ({} and {}) and an injector configuration "
                  "for each (istio-sidecar-injector-{} is the new one).",
                  old, rev, rev));
  verify.commands.push_back(guides::get_istiod_pods(ctx.ns()));
  verify.commands.push_back(guides::get_injector_webhooks());
  for (const GatewayInstall& g : ctx.gateways) {
    if (!g.release.empty()) continue;
    verify.commands.push_back(guides::gateway_control_plane(ctx.to, g.app, g.ns));
    verify.details.push_back(ctx.to.minor_only() < Version{1, 8, std::nullopt, {}}
                                 ? fmt::format("Gateway {}: the hostname printed must be istiod-{}.{}.svc.",
                                               g.deployment->name(), rev, ctx.ns())
                                 : fmt::format("Gateway {}: the ISTIOD column of its line must name an istiod-{} pod.",
                                               g.deployment->name(), rev));
  }
  runbook.steps.push_back(std::move(verify));

  add_namespace_moves(ctx, runbook);

  const bool move_default = ctx.old_is_default() && guides::supports_default_tag(ctx.to);
  if (move_default) {
    Step default_tag;
    default_tag.id = "set-default-revision";
    default_tag.role = StepRole::DefaultRevision;
    default_tag.title = fmt::format("Make {} the default revision", rev);
    default_tag.guide = guides::revision_tags_guide(ctx.to);
    default_tag.details.push_back(fmt::format(
        "The old control plane (revision {}) is the default revision: it injects pods that ask for a sidecar without "
        "naming a revision (istio-injection=enabled, sidecar.istio.io/inject=true) and validates Istio configuration. "
        "Point the default tag at {} before uninstalling it.",
        old, rev));
    default_tag.commands.push_back(guides::set_tag(ctx.to, "default", rev, ctx.revisions.tags().count("default") != 0));
    runbook.steps.push_back(std::move(default_tag));
  }
  add_self_selecting_workloads(ctx, runbook, move_default ? DefaultMove::Before : DefaultMove::None);

  Step uninstall;
  uninstall.id = "uninstall-old-control-plane";
  uninstall.role = StepRole::UninstallOld;
  uninstall.title = fmt::format("Uninstall revision {}", old);
  uninstall.guide = guide;
  uninstall.details.push_back(fmt::format(
      "Only once every namespace and workload runs on revision {}. This removes the resources of revision {} only, not "
      "the cluster-scoped resources the control planes share.",
      rev, old));
  if (!guides::supports_revision_uninstall(ctx.to)) {
    uninstall.details.push_back(
        fmt::format("istioctl {} cannot uninstall one revision (`istioctl x uninstall` arrived in "
                    "1.7): remove revision {}'s resources as you installed them.",
                    ctx.to.minor_only().str(), old));
  } else if (ctx.old_has_revision_label) {
    uninstall.commands.push_back(guides::uninstall_revision(ctx.to, old));
  } else {
    uninstall.details.push_back(
        "The old control plane has no revision label: uninstall it with the configuration you "
        "installed it with.");
    uninstall.commands.push_back(guides::uninstall_by_configuration(ctx.to));
  }
  uninstall.details.push_back(fmt::format("Then only istiod-{} pods remain:", rev));
  uninstall.commands.push_back(guides::get_istiod_pods(ctx.ns()));
  runbook.steps.push_back(std::move(uninstall));

  // Rollback: "you must first reinstall the gateway(s) for the previous revision manually, because
  // the uninstall command will not automatically revert the previously in-place upgraded ones"
  // (Canary Upgrades, Uninstall canary control plane).
  if (std::vector<std::string> names = gateway_names(ctx); !names.empty()) {
    Step gateways;
    gateways.id = "rollback-gateways";
    gateways.role = StepRole::Rollback;
    gateways.title = fmt::format("Reinstall the gateways of revision {} first", old);
    gateways.guide = guide;
    gateways.details.push_back(fmt::format(
        "Uninstalling revision {} does not revert the gateways its install upgraded in place ({}). With istioctl {} "
        "(the "
        "release of revision {}), reinstall them as you installed them, and wait until they are up and running before "
        "the uninstall: otherwise ingress traffic stops.",
        rev, fmt::join(names, ", "), ctx.from_text(), old));
    const Version check_with = ctx.from.value_or(ctx.to);
    for (const GatewayInstall& g : ctx.gateways)
      if (g.release.empty()) gateways.commands.push_back(guides::gateway_control_plane(check_with, g.app, g.ns));
    gateways.details.push_back(fmt::format("The check must name istiod of revision {} again.", old));
    runbook.rollback.push_back(std::move(gateways));
  }
  runbook.rollback.push_back(move_namespaces_back(ctx));
  Step remove_canary;
  remove_canary.id = "rollback-uninstall-canary";
  remove_canary.role = StepRole::Rollback;
  remove_canary.title = fmt::format("Uninstall revision {}", rev);
  remove_canary.guide = guide;
  if (guides::supports_revision_uninstall(ctx.to))
    remove_canary.commands.push_back(guides::uninstall_revision(ctx.to, rev));
  else
    remove_canary.details.push_back(
        fmt::format("istioctl {} cannot uninstall one revision: remove revision {}'s "
                    "resources by hand.",
                    ctx.to.minor_only().str(), rev));
  runbook.rollback.push_back(std::move(remove_canary));
}

void add_istioctl_in_place(const PlanContext& ctx, Runbook& runbook) {
  const GuideRef guide = guides::in_place_guide(ctx.to);

  Step before = prepare(ctx, guide);
  // The guides' warning names istiod from 1.5; before, "each component (except Citadel)".
  before.details.push_back(fmt::format(
      "The installed Istio must be at most one minor release below {}, and installed with istioctl. Traffic disruption "
      "may occur during the upgrade: run at least two replicas of {} and keep PodDisruptionBudgets at a minimum "
      "availability of 1.",
      ctx.to.str(),
      ctx.to.minor_only() < Version{1, 5, std::nullopt, {}} ? "each component (except Citadel)" : "istiod"));
  if (ctx.old_has_revision_label && ctx.old_revision() != "default")
    before.details.push_back(
        fmt::format("The control plane is revision {}: `istioctl upgrade` is for in-place upgrades "
                    "and not compatible with installations done with the --revision flag; use "
                    "--method canary instead.",
                    ctx.old_revision()));
  before.details.push_back(
      guides::has_precheck(ctx.to)
          ? "Check that kubectl points at the cluster to upgrade, and that the cluster can take the "
            "upgrade:"
      : guides::supports_canary(ctx.to)
          ? "Check that kubectl points at the cluster to upgrade:"
          : "Check that this istioctl upgrades from the installed release, and that kubectl "
            "points at the cluster to upgrade:");
  if (!guides::supports_canary(ctx.to)) before.commands.push_back(guides::manifest_versions());
  before.commands.push_back(guides::kubectl_config_view());
  if (guides::has_precheck(ctx.to)) before.commands.push_back(guides::precheck());
  runbook.steps.push_back(std::move(before));

  Step upgrade;
  upgrade.id = "upgrade-control-plane";
  upgrade.role = StepRole::ControlPlane;
  upgrade.title = fmt::format("Upgrade the control plane to {} in place", ctx.to.str());
  upgrade.guide = guide;
  upgrade.details.push_back(
      "Pass the IstioOperator file you installed Istio with (`-f`), and put any setting you gave with --set in it: "
      "without -f, Istio upgrades to the default profile. istioctl checks the installation, asks for confirmation, "
      "then "
      "upgrades the control plane and the gateways in place.");
  upgrade.commands.push_back(guides::istioctl_upgrade(ctx.to));
  runbook.steps.push_back(std::move(upgrade));

  add_restarts(ctx, runbook, guide);

  Step downgrade;
  downgrade.id = "rollback-downgrade";
  downgrade.role = StepRole::Rollback;
  downgrade.title = fmt::format("Downgrade to {}", ctx.from_text());
  downgrade.guide = guide;
  if (ctx.from && guides::supports_istioctl_upgrade(*ctx.from)) {
    downgrade.details.push_back(fmt::format(
        "Run the same upgrade with istioctl {} (the release you return to, at most one minor below): it restores the "
        "previous control plane. Then restart the workloads above again.",
        ctx.from->str()));
    downgrade.commands.push_back(guides::istioctl_upgrade(*ctx.from));
  } else {
    downgrade.details.push_back(
        "Reinstall the previous release with its own istioctl and configuration, then restart "
        "the workloads above again.");
  }
  runbook.rollback.push_back(std::move(downgrade));
}

}  // namespace upcheck::plan
