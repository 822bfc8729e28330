// Whether (and how) Istio was installed with Helm, for the Helm rules: release records of Istio's
// charts, else Helm's labels on Istio's own objects.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/rule.hpp"
#include "istio/helm_release.hpp"

namespace upcheck::rules {

// Istio's charts: base, istiod, gateway, cni and ztunnel (manifests/charts, 1.12 on), their
// 1.8-1.11 names (istio-discovery, istio-ingress, istio-egress, istio-cni, istiod-remote), and the
// Tiller-era istio and istio-init charts (install/kubernetes/helm, 1.0-1.5). `base`, `gateway` and
// `cni` are common names: such a release counts only when its name, namespace or image hub says
// Istio.
bool is_istio_release(const HelmRelease& release);

struct IstioHelmInstall {
  std::vector<HelmRelease> releases;   // newest revision of each Istio release
  std::optional<HelmRelease> base;     // the release that owns the CRDs: base, istio-init or istio
  bool tiller = false;                 // Helm 2 installed it
  const Resource* evidence = nullptr;  // what shows Helm installed Istio
  std::string evidence_path;           // where in it
  std::string how;                     // "Helm 3 (release istiod ...)", "Helm (its labels on Deployment ...)"
};

// Empty when nothing in the input says Helm installed Istio.
std::optional<IstioHelmInstall> istio_helm_install(const CheckContext& ctx);

// The installed Istio version: --from, else the oldest control plane, else the Istio charts'
// versions.
std::optional<Version> installed_istio_version(const CheckContext& ctx, const IstioHelmInstall* helm);

}  // namespace upcheck::rules
