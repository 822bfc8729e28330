#include "istio/istio_install.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>

namespace upcheck {
namespace {

// Control-plane images across Istio's history: 0.x-1.4 ran pilot, mixer, citadel, galley and
// sidecar_injector (plus node-agent-k8s); istiod (1.5+) runs the pilot image; the in-cluster
// operator ran `operator`. proxyv2 is the data plane (sidecars and gateways).
constexpr std::string_view kControlPlaneImages[] = {"pilot",    "mixer", "citadel", "galley", "sidecar_injector",
                                                    "operator", "istiod"};

std::string_view strip_variant(std::string_view tag) {
  for (std::string_view suffix : {"-distroless", "-debug"}) {
    if (tag.size() > suffix.size() && tag.substr(tag.size() - suffix.size()) == suffix)
      tag.remove_suffix(suffix.size());
  }
  return tag;
}

std::string revision_of(const Resource& deployment) {
  if (auto rev = deployment.label("istio.io/rev"); rev && !rev->empty()) return std::string(*rev);
  NodeRef template_labels = deployment.spec()["template"]["metadata"]["labels"];
  if (std::string_view rev = template_labels["istio.io/rev"].text(); !rev.empty()) return std::string(rev);
  return "default";
}

// `global.tag` in the injector ConfigMap's `values` (JSON, 1.6+).
std::optional<Version> injector_tag(const Resource& config_map) {
  std::string_view values = config_map.root()["data"]["values"].text();
  if (values.empty()) return std::nullopt;
  auto json = nlohmann::json::parse(values, nullptr, false);
  if (json.is_discarded()) return std::nullopt;
  auto global = json.find("global");
  if (global == json.end() || !global->is_object()) return std::nullopt;
  auto tag = global->find("tag");
  if (tag == global->end() || !tag->is_string()) return std::nullopt;
  return Version::parse(strip_variant(tag->get<std::string>()));
}

// `helm.sh/chart: istiod-1.24.0` or `app.kubernetes.io/version: 1.24.0` (charts since 1.24).
std::optional<std::pair<Version, std::string>> chart_version(const Resource& r) {
  if (auto v = r.label("app.kubernetes.io/version"))
    if (auto parsed = Version::parse(*v))
      return std::pair{*parsed, std::string("metadata.labels[\"app.kubernetes.io/version\"]")};
  if (auto chart = r.label("helm.sh/chart")) {
    auto dash = chart->rfind('-');
    if (dash != std::string_view::npos)
      if (auto parsed = Version::parse(chart->substr(dash + 1)))
        return std::pair{*parsed, std::string("metadata.labels[\"helm.sh/chart\"]")};
  }
  return std::nullopt;
}

}  // namespace

std::string_view installer_name(Installer installer) {
  switch (installer) {
    case Installer::Istioctl:
      return "istioctl";
    case Installer::Helm:
      return "helm";
    case Installer::Operator:
      return "operator";
    case Installer::Manifests:
      return "manifests";
    case Installer::Unknown:
      break;
  }
  return "unknown";
}

ImageRef parse_image(std::string_view image) {
  ImageRef ref;
  if (auto at = image.find('@'); at != std::string_view::npos) {
    ref.digest = std::string(image.substr(at + 1));
    image = image.substr(0, at);
  }
  auto slash = image.rfind('/');
  std::string_view last = slash == std::string_view::npos ? image : image.substr(slash + 1);
  if (slash != std::string_view::npos) ref.registry_path = std::string(image.substr(0, slash));
  // A ':' in the last segment separates the tag; one before it is a registry port.
  if (auto colon = last.find(':'); colon != std::string_view::npos) {
    ref.tag = std::string(strip_variant(last.substr(colon + 1)));
    last = last.substr(0, colon);
  }
  ref.name = std::string(last);
  return ref;
}

bool is_control_plane_image(std::string_view name) {
  return std::find(std::begin(kControlPlaneImages), std::end(kControlPlaneImages), name) !=
         std::end(kControlPlaneImages);
}

std::vector<Version> ControlPlane::distinct_versions() const {
  std::vector<Version> out;
  for (const VersionEvidence& e : evidence) {
    Version minor = e.version.minor_only();
    if (std::find(out.begin(), out.end(), minor) == out.end()) out.push_back(minor);
  }
  return out;
}

IstioInstallation detect_istio(const Snapshot& snapshot) {
  IstioInstallation install;
  std::map<std::pair<std::string, std::string>, ControlPlane> planes;  // (namespace, revision)
  std::map<std::pair<std::string, std::string>, std::vector<VersionEvidence>> weaker;

  for (const Resource* deployment : snapshot.of_kind("Deployment")) {
    NodeRef containers = deployment->spec()["template"]["spec"]["containers"];
    bool control_plane = false;
    std::vector<VersionEvidence> found;
    size_t index = 0;
    for (NodeRef container : containers.elements()) {
      ImageRef image = parse_image(container["image"].text());
      if (is_control_plane_image(image.name)) {
        control_plane = true;
        if (auto v = Version::parse(image.tag))
          found.push_back({*v, deployment, "spec.template.spec.containers[" + std::to_string(index) + "].image",
                           "image " + std::string(container["image"].text())});
      }
      ++index;
    }
    if (!control_plane) continue;
    auto key = std::pair{std::string(deployment->ns()), revision_of(*deployment)};
    ControlPlane& plane = planes[key];
    plane.ns = key.first;
    plane.revision = key.second;
    plane.deployments.push_back(deployment);
    for (VersionEvidence& e : found) plane.evidence.push_back(std::move(e));
    if (auto v = deployment->label("operator.istio.io/version"))
      if (auto parsed = Version::parse(*v))
        weaker[key].push_back(
            {*parsed, deployment, "metadata.labels[\"operator.istio.io/version\"]", "label operator.istio.io/version"});
    if (auto chart = chart_version(*deployment))
      weaker[key].push_back({chart->first, deployment, chart->second, "Helm chart label"});
  }

  for (const Resource* config_map : snapshot.of_kind("ConfigMap")) {
    std::string_view name = config_map->name();
    if (name.substr(0, 22) != "istio-sidecar-injector") continue;
    std::string revision = name.size() > 23 ? std::string(name.substr(23)) : "default";
    auto key = std::pair{std::string(config_map->ns()), revision};
    if (auto v = injector_tag(*config_map))
      weaker[key].push_back({*v, config_map, "data.values", "global.tag in ConfigMap " + std::string(name)});
  }

  for (auto& [key, plane] : planes) {
    for (VersionEvidence& e : weaker[key]) plane.evidence.push_back(std::move(e));
    install.control_planes.push_back(std::move(plane));
  }

  // How it was installed: Helm labels, the in-cluster operator, istioctl's operator labels.
  for (const ControlPlane& plane : install.control_planes) {
    for (const Resource* d : plane.deployments) {
      std::optional<std::string_view> managed_by = d->label("app.kubernetes.io/managed-by");
      std::optional<std::string_view> heritage = d->label("heritage");
      std::optional<std::string_view> owner = d->label("install.operator.istio.io/owning-resource");
      Installer found = Installer::Unknown;
      if ((managed_by && *managed_by == "Helm") || (heritage && (*heritage == "Helm" || *heritage == "Tiller")))
        found = Installer::Helm;
      else if (owner && *owner != "installed-state" && *owner != "unknown" &&
               snapshot.find("Deployment", d->ns(), "istio-operator") != nullptr)
        found = Installer::Operator;
      else if (owner || d->label("operator.istio.io/component"))
        found = Installer::Istioctl;
      if (found != Installer::Unknown && install.installer == Installer::Unknown) {
        install.installer = found;
        install.installer_evidence = d;
      }
    }
  }
  if (install.installer == Installer::Unknown && !install.control_planes.empty()) {
    install.installer = Installer::Manifests;
    install.installer_evidence = install.control_planes.front().deployments.front();
  }
  return install;
}

}  // namespace upcheck
