// What Istio the input shows is installed: its control planes, their versions and revisions,
// which object revealed each, and how Istio was installed.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/snapshot.hpp"
#include "model/version.hpp"

namespace upcheck {

// The kinds detect_istio() reads: control-plane Deployments, and the ConfigMaps of Helm 2 release
// records and IstioOperator installed-state.
inline constexpr std::string_view kInstallDetectionKinds[] = {"Deployment", "ConfigMap"};

// One piece of evidence for a control plane's version.
struct VersionEvidence {
  Version version;
  const Resource* source = nullptr;  // the object that revealed it
  std::string field_path;            // where in that object
  std::string how;                   // "image tag of container discovery", "label operator.istio.io/version"
};

enum class Installer : uint8_t { Unknown, Istioctl, Helm, Operator, Manifests };
std::string_view installer_name(Installer installer);

struct ControlPlane {
  std::string revision;                      // "default" when unlabelled
  std::string ns;                            // control-plane namespace
  std::vector<const Resource*> deployments;  // pilot/istiod, galley, mixer, citadel, injector...
  std::vector<VersionEvidence> evidence;     // strongest first
  // The version upcheck believes, from the strongest evidence; empty when nothing revealed one.
  std::optional<VersionEvidence> version() const {
    if (evidence.empty()) return std::nullopt;
    return evidence.front();
  }
  // Distinct minor versions among the evidence: more than one means the sources disagree.
  std::vector<Version> distinct_versions() const;
};

struct IstioInstallation {
  std::vector<ControlPlane> control_planes;  // sorted by namespace, then revision
  Installer installer = Installer::Unknown;
  const Resource* installer_evidence = nullptr;
  bool empty() const { return control_planes.empty(); }
};

// Reads versions from, strongest first: control-plane image tags (`docker.io/istio/pilot:1.1.7`,
// istiod's `pilot` image; `-distroless` stripped; mirrored registries and digests handled), the
// `operator.istio.io/version` label, the injector ConfigMap's `global.tag`, and Helm chart labels.
// `istio.io/rev` names a revision, not a version; sidecar `proxyv2` tags describe the data plane.
IstioInstallation detect_istio(const Snapshot& snapshot);

// "docker.io/istio/pilot:1.1.7-distroless" -> {"pilot", "1.1.7"}; the repository's last path
// segment and the tag without a variant suffix. Digest-only references have no tag.
struct ImageRef {
  std::string registry_path;  // everything before the last path segment
  std::string name;           // last path segment: "pilot", "proxyv2"
  std::string tag;            // "1.1.7" ("-distroless" stripped), empty when absent
  std::string digest;         // "sha256:..." when pinned
};
ImageRef parse_image(std::string_view image);

// Istio control-plane component images (0.x to today), by their repository name.
bool is_control_plane_image(std::string_view name);

}  // namespace upcheck
