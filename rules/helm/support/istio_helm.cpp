#include "rules/helm/support/istio_helm.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace upcheck::rules {
namespace {

constexpr std::string_view kIstioCharts[] = {"istiod",        "ztunnel",       "istio-discovery",
                                             "istiod-remote", "istio-ingress", "istio-egress",
                                             "istio-cni",     "istio",         "istio-init"};
constexpr std::string_view kCommonNames[] = {"base", "gateway", "cni"};

bool mentions_istio(std::string_view s) { return s.find("istio") != std::string_view::npos; }

bool is_istio_crd(const Resource& r) {
  std::string_view group = r.spec()["group"].text();
  return r.kind() == "CustomResourceDefinition" && group.size() > 9 && group.substr(group.size() - 9) == ".istio.io";
}

}  // namespace

bool is_istio_release(const HelmRelease& release) {
  const HelmReleaseSummary& s = release.summary;
  if (std::find(std::begin(kIstioCharts), std::end(kIstioCharts), s.chart) != std::end(kIstioCharts)) return true;
  if (std::find(std::begin(kCommonNames), std::end(kCommonNames), s.chart) == std::end(kCommonNames)) return false;
  return mentions_istio(s.name) || mentions_istio(s.ns) || mentions_istio(release.record->ns()) ||
         (s.values.global_hub && mentions_istio(*s.values.global_hub));
}

std::optional<IstioHelmInstall> istio_helm_install(const CheckContext& ctx) {
  IstioHelmInstall install;
  for (HelmRelease& r : current_helm_releases(ctx.snapshot())) {
    if (!r.summary.decoded || !is_istio_release(r)) continue;
    if (is_tiller(r.summary.storage)) install.tiller = true;
    install.releases.push_back(std::move(r));
  }
  // The CRDs' owner: base (Helm 3), istio-init (1.1-1.5), else istio (1.0 put them in it).
  for (std::string_view chart : {"base", "istio-init", "istio"}) {
    auto it = std::find_if(install.releases.begin(), install.releases.end(),
                           [&](const HelmRelease& r) { return r.summary.chart == chart; });
    if (it != install.releases.end()) {
      install.base = *it;
      break;
    }
  }
  if (!install.releases.empty()) {
    const HelmRelease& shown = install.base ? *install.base : install.releases.front();
    install.evidence = shown.record;
    install.evidence_path = "metadata.name";
    install.how = fmt::format("Helm {}, {}", is_tiller(shown.summary.storage) ? "2 (Tiller)" : "3", shown.describe());
    return install;
  }
  // No release records in the input: Helm's labels on the control plane or on Istio's CRDs.
  const IstioInstallation& istio = ctx.istio();
  if (istio.installer == Installer::Helm && istio.installer_evidence != nullptr) {
    install.evidence = istio.installer_evidence;
    install.evidence_path = "metadata.labels";
    install.how = fmt::format("Helm (its labels on {})", istio.installer_evidence->display_name());
    install.tiller = istio.installer_evidence->label("heritage") == std::optional<std::string_view>("Tiller");
    return install;
  }
  // Istio's CRD files carry `heritage: Tiller` and `chart: istio` whoever applies them, so only the
  // annotation Helm itself writes on install counts.
  for (const Resource* crd : ctx.snapshot().of_kind("CustomResourceDefinition")) {
    if (!is_istio_crd(*crd) || !crd->annotation("meta.helm.sh/release-name")) continue;
    install.evidence = crd;
    install.evidence_path = "metadata.annotations[\"meta.helm.sh/release-name\"]";
    install.how = fmt::format("Helm (its annotations on {})", crd->display_name());
    return install;
  }
  return std::nullopt;
}

std::optional<Version> installed_istio_version(const CheckContext& ctx, const IstioHelmInstall* helm) {
  if (ctx.plan().from) return ctx.plan().from;
  std::optional<Version> oldest;
  auto consider = [&](std::optional<Version> v) {
    if (v && (!oldest || *v < *oldest)) oldest = v;
  };
  for (const ControlPlane& plane : ctx.istio().control_planes)
    if (auto v = plane.version()) consider(v->version);
  if (!oldest && helm != nullptr)
    for (const HelmRelease& r : helm->releases) consider(Version::parse(r.summary.chart_version));
  return oldest;
}

}  // namespace upcheck::rules
