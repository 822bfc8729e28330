#include <fmt/format.h>

#include "rules/all_rules.hpp"
#include "rules/upgrade/support/upgrade_path.hpp"

namespace upcheck::rules {
namespace {

constexpr std::string_view kKinds[] = {"Deployment", "ConfigMap"};

// One installed version to judge, and what showed it.
struct Installed {
  Version version;
  const VersionEvidence* evidence = nullptr;  // null for --from with nothing detected
  const ControlPlane* plane = nullptr;        // null for --from
};

// "Istio 1.0.6 (image docker.io/istio/pilot:1.0.6 of Deployment istio-system/istio-pilot)".
std::string describe(const Installed& i) {
  if (i.plane == nullptr)
    return i.evidence == nullptr
               ? fmt::format("Istio {} (--from)", i.version.str())
               : fmt::format("Istio {} (--from; the input shows {}, {} of {})", i.version.str(),
                             i.evidence->version.str(), i.evidence->how, i.evidence->source->display_name());
  std::string revision = i.plane->revision == "default" ? "" : fmt::format("revision {}: ", i.plane->revision);
  return fmt::format("Istio {} ({}{} of {})", i.version.str(), revision, i.evidence->how,
                     i.evidence->source->display_name());
}

std::string minor(const Version& v) { return v.minor_only().str(); }

// What the guides support for this jump, in words, or nothing when it is supported.
struct Verdict {
  Severity severity = Severity::Error;
  std::string reason;                                  // what the guides support
  std::string lead = "Upgrade";                        // the words before the path
  UpgradeMethod path_method = UpgradeMethod::InPlace;  // how the path's hops are made
};

std::optional<Verdict> judge(const Version& from, const Version& to, UpgradeMethod method, Installer installer) {
  const int minors = from.minors_to(to);
  if (method == UpgradeMethod::Canary && supported_jump(method, to) == 0)
    return Verdict{Severity::Error,
                   fmt::format("Istio {} cannot be installed as a canary: canary upgrades install the new control "
                               "plane as a revision, and revisions arrived in Istio 1.6",
                               minor(to)),
                   "Upgrade in place:", UpgradeMethod::InPlace};
  if (minors == 0) return std::nullopt;  // a patch release: always supported
  if (minors < 0) {
    if (minors == -1) return std::nullopt;  // one minor down, with the lower version's istioctl
    return Verdict{Severity::Error,
                   "downgrades go one minor version at a time, each with the istioctl of the lower version",
                   "Downgrade", UpgradeMethod::InPlace};
  }
  if (method == UpgradeMethod::InPlace) {
    if (minors == 1) {
      // `istioctl experimental upgrade` (1.4) accepted only 1.3.3 and later, installed with istioctl.
      if (to.same_minor(Version{1, 4, std::nullopt, {}}) && installer == Installer::Istioctl && from.patch &&
          *from.patch < 3)
        return Verdict{Severity::Error,
                       "`istioctl experimental upgrade` to 1.4 needs 1.3.3 or later, installed with istioctl (its "
                       "versions map accepts >=1.3.3, <1.6)",
                       "Upgrade to the latest 1.3 patch first, then", UpgradeMethod::InPlace};
      return std::nullopt;
    }
    std::string supported =
        to.minor_only() <= Version{1, 3, std::nullopt, {}}
            ? fmt::format("Istio {}'s upgrade guide supports no skip-level upgrades, only {} → {}", minor(to),
                          minor(minor_releases(from, to).rbegin()[1]), minor(to))
            : fmt::format(
                  "an in-place upgrade needs the installed version at most one minor below the target ({} "
                  "or later for {})",
                  minor(minor_releases(from, to).rbegin()[1]), minor(to));
    return Verdict{Severity::Error, supported, "Upgrade", UpgradeMethod::InPlace};
  }
  const int jump = supported_jump(method, to);
  if (minors <= jump) return std::nullopt;
  std::string supported =
      jump == 2 ? std::string("canary upgrades to 1.11 and later are supported across at most two minor versions")
                : std::string("canary upgrades before 1.11 were supported one minor version at a time");
  return Verdict{Severity::Warning, supported + "; more is not officially tested or recommended", "Upgrade",
                 UpgradeMethod::Canary};
}

void check(const CheckContext& ctx, FindingSink& out) {
  const UpgradePlan& plan = ctx.plan();
  const IstioInstallation& istio = ctx.istio();
  const Version& to = *plan.to;

  std::vector<Installed> installed;
  if (plan.from) {
    // --from overrides the input; the finding still points at what the input showed, if anything.
    Installed i{*plan.from, nullptr, nullptr};
    for (const ControlPlane& plane : istio.control_planes)
      if (!plane.evidence.empty() && i.evidence == nullptr) i.evidence = &plane.evidence.front();
    installed.push_back(i);
  } else {
    for (const ControlPlane& plane : istio.control_planes) {
      if (plane.evidence.empty()) {
        out.notice(plane.deployments.front(), &kInstalledVersionUnknown,
                   fmt::format("the {} control plane (revision {}) shows no version (no tagged control-plane image, "
                               "operator label or injector tag): skip-level-upgrade cannot judge its jump to {}; "
                               "pass --from",
                               plane.ns, plane.revision, to.str()));
        continue;
      }
      installed.push_back({plane.evidence.front().version, &plane.evidence.front(), &plane});
    }
    if (istio.empty())
      out.notice(nullptr, &kInstalledVersionUnknown,
                 fmt::format("the input shows no Istio control plane and no --from was given: skip-level-upgrade "
                             "cannot judge the upgrade to {}; pass --from with the installed version",
                             to.str()));
  }

  for (const Installed& i : installed) {
    std::optional<Verdict> verdict = judge(i.version, to, plan.method, istio.installer);
    if (!verdict) continue;
    std::string path = describe_path(supported_path(i.version, to, verdict->path_method), verdict->path_method);
    const bool downgrade = i.version.minor_only() > to.minor_only();
    std::string message = fmt::format(
        "{} cannot be {} to {} ({}): {}. {} {}.", describe(i), downgrade ? "downgraded" : "upgraded", to.str(),
        plan.method == UpgradeMethod::Canary ? "canary" : "in place", verdict->reason, verdict->lead, path);
    if (verdict->severity == Severity::Warning)
      message = fmt::format("{} to {} (canary) jumps {} minor versions: {}. {} {}.", describe(i), to.str(),
                            i.version.minors_to(to), verdict->reason, verdict->lead, path);
    PlanEvidence evidence;
    if (i.evidence != nullptr)
      evidence = {.revealed_by = i.evidence->source, .field_path = i.evidence->field_path, .ignorable = true};
    // Not recommended is not unsupported: the guides warn rather than forbid.
    out.report_plan(std::move(message), evidence,
                    {.severity = verdict->severity,
                     .discriminator = i.plane != nullptr ? i.plane->ns + "/" + i.plane->revision : "--from"});
  }
}

}  // namespace

constinit const Rule skip_level_upgrade{
    .info =
        {
            .code = "UPG001",
            .name = "skip-level-upgrade",
            .severity = Severity::Error,
            .other_severities = {Severity::Warning},
            .title = "The jump from the installed Istio to the target is not a supported upgrade",
            .rationale =
                "Istio supports upgrades across a limited number of minor versions, and a control plane upgraded "
                "further may not read the config or serve the sidecars it finds. In place (`istioctl upgrade`, Helm "
                "or `kubectl apply` of the new release): one minor version at a time in every release. The 1.2 "
                "guide: \"Istio does NOT support skip level upgrades. Only upgrades from 1.1 to 1.2 are supported\" "
                "(istio.io 1.2, Upgrade Steps); the 1.4 guide: `istioctl experimental upgrade` needs \"Istio "
                "version 1.3.3 or higher\" installed with istioctl, and a downgrade uses the istioctl of the lower "
                "version (istio.io 1.4, Upgrade Istio using istioctl); from 1.7: \"The installed Istio version is "
                "no more than one minor version less than the upgrade version\", downgrades likewise (istio.io "
                "docs/setup/upgrade/in-place). Canary (a new revision beside the old control plane; revisions "
                "arrived in 1.6, so no canary targets an older release): one minor at a time until 1.10 (\"Upgrade "
                "across multiple minor versions in one step is not officially tested or recommended\", istio.io "
                "docs/setup/upgrade, 1.6-1.10), and from the 1.11 docs on \"jumping across two minor versions is "
                "supported (e.g. upgrading directly from version 1.8 to 1.10)\" (istio.io "
                "docs/setup/upgrade/canary), which upcheck applies to targets 1.11 and later, the releases whose docs "
                "say so; a longer canary jump is reported as a warning, not an error. istioctl "
                "itself enforced this only for a while: 1.4-1.5 checked a versions map unless --force (istio/istio "
                "release-1.4 operator/version/versions.yaml: 1.4.x accepts \">=1.3.3, <1.6\"; the 1.5 entry, as "
                "operator/pkg/version's tests show it, \">=1.4.0, <1.6\"); 1.6-1.12 refused sources older than 1.6.0 "
                "and only warned on longer jumps (istio/istio "
                "operator/cmd/mesh/upgrade.go, verifySupportedVersion); later releases check nothing. upcheck "
                "applies the documented policy to every release, to each control plane (revision) it finds, and "
                "counts 0.8 → 1.0 as one minor step. The installed version is the strongest evidence detect_istio "
                "found (control-plane image tags first); --from overrides it.",
            .remediation = "Upgrade through each intermediate minor release as the finding lists (the latest patch of "
                           "each), or, from 1.6 on, use a canary upgrade where it allows a longer jump.",
            .fix = FixAvailability::None,
            .kinds = kKinds,
            .example_bad = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: istio-pilot
  namespace: istio-system
spec:
  template:
    spec:
      containers:
      - name: discovery
        image: docker.io/istio/pilot:1.0.6
)",
            .example_good = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: istio-pilot
  namespace: istio-system
spec:
  template:
    spec:
      containers:
      - name: discovery
        image: docker.io/istio/pilot:1.1.7
)",
            .example_args = "--to 1.2",
            .needs_target = true,
        },
    .check = check,
};

}  // namespace upcheck::rules
