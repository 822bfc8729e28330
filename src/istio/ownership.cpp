#include "istio/ownership.hpp"

#include <fmt/format.h>

namespace upcheck::rules {

std::optional<Manager> managing_tool(const Resource& r) {
  auto label = [&](std::string_view k) { return r.label(k).value_or(""); };
  auto annotation = [&](std::string_view k) { return r.annotation(k).value_or(""); };

  if (!label("argocd.argoproj.io/instance").empty() || !annotation("argocd.argoproj.io/tracking-id").empty()) {
    std::string_view app = label("argocd.argoproj.io/instance");
    if (app.empty()) app = annotation("argocd.argoproj.io/tracking-id");
    return Manager{"Argo CD", fmt::format("application {}", app)};
  }
  if (!label("kustomize.toolkit.fluxcd.io/name").empty())
    return Manager{"Flux", fmt::format("Kustomization {}/{}", label("kustomize.toolkit.fluxcd.io/namespace"),
                                       label("kustomize.toolkit.fluxcd.io/name"))};
  if (!label("helm.toolkit.fluxcd.io/name").empty())
    return Manager{"Flux", fmt::format("HelmRelease {}/{}", label("helm.toolkit.fluxcd.io/namespace"),
                                       label("helm.toolkit.fluxcd.io/name"))};
  std::string_view release = annotation("meta.helm.sh/release-name");
  if (release.empty()) release = label("release");
  if (label("app.kubernetes.io/managed-by") == "Helm" || !annotation("meta.helm.sh/release-name").empty() ||
      label("heritage") == "Helm" || label("heritage") == "Tiller") {
    std::string_view ns = annotation("meta.helm.sh/release-namespace");
    if (ns.empty()) ns = r.ns();
    return Manager{"Helm", release.empty() ? std::string("its release") : fmt::format("release {} in {}", release, ns)};
  }
  std::string_view owner = label("install.operator.istio.io/owning-resource");
  if (!owner.empty() && owner != "installed-state" && owner != "unknown")
    return Manager{
        "the Istio operator",
        fmt::format("IstioOperator {}/{}", label("install.operator.istio.io/owning-resource-namespace"), owner)};
  if (!owner.empty() || !label("operator.istio.io/component").empty())
    return Manager{"istioctl", "the IstioOperator file it was installed with"};
  return std::nullopt;
}

std::string change_at_source_note(const Manager& m, std::string_view what) {
  return fmt::format("managed by {} ({}): change {} there, not with kubectl, or the next sync reverts it", m.tool,
                     m.source, what);
}

}  // namespace upcheck::rules
