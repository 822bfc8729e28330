#include <fmt/format.h>
#include <fmt/ranges.h>

#include "rules/all_rules.hpp"
#include "rules/helm/support/istio_helm.hpp"

namespace upcheck::rules {
namespace {

constexpr std::string_view kKinds[] = {"Secret", "ConfigMap", "CustomResourceDefinition", "Deployment"};

const Version k11{1, 1, std::nullopt, {}};
const Version k16{1, 6, std::nullopt, {}};
const Version k124{1, 24, std::nullopt, {}};

constexpr std::string_view kManagedBy = "app.kubernetes.io/managed-by";
constexpr std::string_view kReleaseName = "meta.helm.sh/release-name";
constexpr std::string_view kReleaseNamespace = "meta.helm.sh/release-namespace";

// The API groups whose CRDs the base chart templates from 1.24 (manifests/charts/base/files/
// crd-all.gen.yaml). Leftovers of older releases (rbac, authentication, config, install) are not
// in it, so Helm never touches them.
bool templated_from_124(std::string_view group) {
  return group == "networking.istio.io" || group == "security.istio.io" || group == "telemetry.istio.io" ||
         group == "extensions.istio.io";
}

bool is_istio_crd(const Resource& r) {
  std::string_view group = r.spec()["group"].text();
  return group.size() > 9 && group.substr(group.size() - 9) == ".istio.io";
}

// How the CRDs of a release are applied by hand (the Helm upgrade guides of each era).
std::string crd_command(const Version& to, bool outside_templates) {
  if (to < k11) return "kubectl apply -f install/kubernetes/helm/istio/templates/crds.yaml";
  if (to < k16) return "kubectl apply -f install/kubernetes/helm/istio-init/files/";
  if (to < k124 || !outside_templates) return "kubectl apply -f manifests/charts/base/crds";
  return "kubectl apply -f manifests/charts/base/files/crd-all.gen.yaml";
}

std::string where_from(const Version& to, bool outside_templates) {
  if (outside_templates)
    return "from 1.24 the base chart templates Istio's CRDs, but this base release renders none "
           "(base.enableCRDTemplates=false), so `helm upgrade` leaves them alone";
  if (to < k11)
    return "Istio 1.0 puts its CRDs in the istio chart, which installs them with a crd-install hook that "
           "runs on install only";
  if (to < k16)
    return "the istio-init chart applies the CRDs with Jobs, so upgrade it (or apply its files) before "
           "the istio chart";
  return "Helm installs a chart's crds/ directory once and never upgrades it (\"Helm does not upgrade or delete "
         "CRDs\")";
}

size_t count_istio_crds(const Snapshot& snapshot) {
  size_t n = 0;
  for (const Resource* crd : snapshot.of_kind("CustomResourceDefinition")) n += is_istio_crd(*crd) ? 1 : 0;
  return n;
}

// Before 1.24, or when the base chart does not template the CRDs: one finding with the command.
void report_manual_crds(const CheckContext& ctx, FindingSink& out, const IstioHelmInstall& helm, const Version& to,
                        bool outside_templates) {
  const std::string command = crd_command(to, outside_templates);
  size_t crds = count_istio_crds(ctx.snapshot());
  std::string message = fmt::format(
      "Istio was installed with {}; {}: before upgrading to {}, apply its CRDs by hand (`{}` in the {} release "
      "archive), or {} keep the installed release's schema and the upgraded control plane meets CRDs without "
      "the fields it writes",
      helm.how, where_from(to, outside_templates), to.str(), command, to.str(),
      crds == 0 ? std::string("Istio's CRDs") : fmt::format("the input's {} Istio CRD{}", crds, crds == 1 ? "" : "s"));
  if (helm.tiller)
    message += !(to < k16) ? fmt::format(
                                 "; Istio {} has no Helm 2 charts (install/kubernetes/helm was removed in 1.6): "
                                 "convert the releases with `helm 2to3` and move to Istio's Helm 3 charts, or "
                                 "reinstall with istioctl",
                                 to.str())
                           : std::string(
                                 "; Helm 2 is unsupported since November 2020 and Istio 1.6 drops its charts: plan "
                                 "the move (`helm 2to3` converts Tiller's releases in place, or reinstall)");
  Fix fix;
  fix.title = fmt::format("apply the CRDs of Istio {} before upgrading the charts", to.str());
  fix.applicability = Applicability::DisplayOnly;
  fix.manual_note = fmt::format("run it in the directory of the downloaded Istio {} release", to.str());
  fix.commands.push_back(command);
  fix.stage = to.minor_only().str();
  // A step every Helm upgrade needs, not a failure of the upgrade itself: a warning.
  ReportOptions options{.severity = Severity::Warning, .fix = std::move(fix)};
  if (helm.evidence != nullptr)
    out.report(*helm.evidence, helm.evidence_path, std::move(message), std::move(options));
  else
    out.report_plan(std::move(message), {}, std::move(options));
}

// From 1.24 the base chart templates the CRDs: `helm upgrade` adopts each only if Helm's ownership
// metadata names the release (helm/helm pkg/action/validate.go, checkOwnership).
void report_unadopted_crds(const CheckContext& ctx, FindingSink& out, const IstioHelmInstall& helm,
                           const std::optional<Version>& from, const Version& to) {
  const bool known_release = helm.base.has_value() && !is_tiller(helm.base->summary.storage);
  const std::string release = known_release ? helm.base->name() : "istio-base";
  const std::string ns = known_release
                             ? (helm.base->ns().empty() ? std::string(helm.base->record->ns()) : helm.base->ns())
                             : "istio-system";
  bool any_live = false;
  for (const Resource* crd : ctx.snapshot().of_kind("CustomResourceDefinition")) {
    // A rendered manifest says nothing of the CRD in the cluster.
    if (!crd->from_cluster() || !templated_from_124(crd->spec()["group"].text())) continue;
    any_live = true;
    std::vector<std::string> missing;
    if (crd->label(kManagedBy) != std::optional<std::string_view>("Helm"))
      missing.push_back(fmt::format("label {}=Helm", kManagedBy));
    if (crd->annotation(kReleaseName) != std::optional<std::string_view>(release))
      missing.push_back(fmt::format("annotation {}={}", kReleaseName, release));
    if (crd->annotation(kReleaseNamespace) != std::optional<std::string_view>(ns))
      missing.push_back(fmt::format("annotation {}={}", kReleaseNamespace, ns));
    if (missing.empty()) continue;
    std::string message = fmt::format(
        "{} does not carry {}: from 1.24 the base chart templates Istio's CRDs, and `helm upgrade {}` to {} fails on a "
        "CRD "
        "that Helm release {} in {} does not own (\"invalid ownership metadata\"); label and annotate it once "
        "first, as the Istio 1.24 upgrade notes say{}",
        crd->display_name(), fmt::join(missing, ", "), release, to.str(), release, ns,
        known_release ? "" : " (no base release record in the input: istio-base in istio-system is assumed)");
    Fix fix;
    fix.title = fmt::format("adopt {} into Helm release {}", crd->name(), release);
    fix.patches.push_back(
        {crd->ref(),
         {{"metadata",
           {{"labels", {{std::string(kManagedBy), "Helm"}}},
            {"annotations", {{std::string(kReleaseName), release}, {std::string(kReleaseNamespace), ns}}}}}}});
    fix.stage = (from && !(*from < k124)) ? to.minor_only().str() : k124.str();
    if (!known_release) {
      fix.applicability = Applicability::DisplayOnly;
      fix.manual_note = "use your base release's name and namespace: the input has no release record to read them from";
    }
    out.report(*crd, "metadata.name", std::move(message), {.fix = std::move(fix)});
  }
  if (!any_live && !ctx.snapshot().covers_kind("CustomResourceDefinition"))
    out.missing_kind("CustomResourceDefinition", "kubectl get crd -o yaml");
}

// Whether the installed base release renders the CRDs itself (a 1.24+ chart with templates on).
bool base_templates_crds(const IstioHelmInstall& helm) {
  if (!helm.base || !helm.base->summary.decoded) return true;  // unknown: assume the default
  for (const HelmManifestKind& k : helm.base->summary.manifest_kinds)
    if (k.kind == "CustomResourceDefinition") return true;
  return false;
}

void check(const CheckContext& ctx, FindingSink& out) {
  const Version to = *ctx.plan().to;
  std::optional<IstioHelmInstall> helm = istio_helm_install(ctx);
  if (!helm) return;
  std::optional<Version> from = installed_istio_version(ctx, &*helm);
  if (from && !(*from < to)) return;  // not an upgrade
  if (to < k124) {
    report_manual_crds(ctx, out, *helm, to, false);
    return;
  }
  const bool base_is_124 = from && !(*from < k124);
  if (base_is_124 && !base_templates_crds(*helm)) {
    report_manual_crds(ctx, out, *helm, to, true);
    return;
  }
  report_unadopted_crds(ctx, out, *helm, from, to);
}

}  // namespace

constinit const Rule helm_crds_not_upgraded{
    .info =
        {
            .code = "HELM001",
            .name = "helm-crds-not-upgraded",
            .severity = Severity::Error,
            .other_severities = {Severity::Warning},
            .title = "Helm upgrade leaves Istio's CRDs behind, or fails on CRDs it does not own",
            .rationale =
                "Helm installs the CRDs in a chart's crds/ directory once and never upgrades them: \"Helm does not "
                "upgrade or delete CRDs when performing an upgrade. Because of this restriction, an additional step "
                "is required when upgrading Istio with Helm\" (istio.io, Upgrade with Helm, v1.17 and v1.23, after "
                "helm.sh/docs/chart_best_practices/custom_resource_definitions), `kubectl apply -f "
                "manifests/charts/base/crds` from the new release. Before 1.6 the Tiller-era charts did it "
                "differently: the istio-init chart applied the CRDs with Jobs, to be upgraded before the istio chart "
                "(istio/istio.io release-1.4 content/en/docs/setup/upgrade/cni-helm-upgrade: `helm upgrade --install "
                "istio-init`, or `kubectl apply -f install/kubernetes/helm/istio-init/files/` without Tiller), and 1.0 "
                "put them in the istio chart behind a crd-install hook that runs on "
                "install only (install/kubernetes/helm/istio/values.yaml, global.crds). From 1.24 the base chart "
                "templates the CRDs, so `helm upgrade istio-base` upgrades them, but only after a one-time "
                "adoption: a CRD installed by kubectl or from crds/ lacks Helm's ownership metadata, and Helm "
                "refuses to take over an existing object unless it has the label app.kubernetes.io/managed-by=Helm "
                "and the annotations meta.helm.sh/release-name and meta.helm.sh/release-namespace of the release "
                "(helm/helm pkg/action/validate.go, checkOwnership: \"invalid ownership metadata\"). The Istio 1.24 "
                "upgrade notes give the commands: `kubectl label $(kubectl get crds -l chart=istio -o name && "
                "kubectl get crds -l app.kubernetes.io/part-of=istio -o name) \"app.kubernetes.io/managed-by=Helm\"` "
                "and two `kubectl annotate` of the same CRDs with meta.helm.sh/release-name=istio-base and "
                "meta.helm.sh/release-namespace=istio-system (istio/istio.io content/en/news/releases/1.24.x/"
                "announcing-1.24/upgrade-notes). upcheck reads the release records Helm keeps (Secrets of type "
                "helm.sh/release.v1, Helm 3 ConfigMaps, Tiller's OWNER=TILLER ConfigMaps; helm/helm "
                "pkg/storage/driver/secrets.go, cfgmaps.go, util.go) for the charts, versions and the base "
                "release's name and namespace, and judges only CRDs from a live cluster. Istio installed with Helm 2 "
                "must "
                "move off Tiller by 1.6, which removed the legacy charts (istio.io 1.6 upgrade notes), and Helm 2 "
                "itself is unsupported since November 2020 (helm/helm-mapkubeapis v0.2.0 release notes): `helm "
                "2to3` (helm/helm-2to3) converts Tiller's releases in place, or reinstall.",
            .remediation =
                "Before 1.24: apply the new release's CRDs with kubectl before `helm upgrade`. From 1.24: label and "
                "annotate Istio's CRDs once for the base release (the patches of this rule's fixes, or the "
                "commands of the 1.24 upgrade notes), then `helm upgrade istio-base` upgrades them.",
            .fix = FixAvailability::Always,
            .kinds = kKinds,
            .example_bad = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: istiod
  namespace: istio-system
  labels:
    app.kubernetes.io/managed-by: Helm
    helm.sh/chart: istiod-1.20.3
spec:
  template:
    spec:
      containers:
      - name: discovery
        image: docker.io/istio/pilot:1.20.3
)",
            .example_good = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: istiod
  namespace: istio-system
  labels:
    install.operator.istio.io/owning-resource: unknown
    operator.istio.io/component: Pilot
spec:
  template:
    spec:
      containers:
      - name: discovery
        image: docker.io/istio/pilot:1.20.3
)",
            .example_args = "--to 1.21",
            .needs_target = true,
        },
    .check = check,
};

}  // namespace upcheck::rules
