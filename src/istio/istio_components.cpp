#include "istio/istio_components.hpp"

#include "istio/istio_install.hpp"

namespace upcheck {
namespace {

bool contains(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }

// Gateways run the proxyv2 image like sidecars do; their labels tell them apart. The 0.8-1.x
// charts label them `istio: ingressgateway`, the 1.12+ gateway chart `istio: <release name
// without "istio-">` with `app: <release name>`.
std::optional<IstioComponent> gateway_kind(const Resource& workload) {
  NodeRef labels = workload.spec()["template"]["metadata"]["labels"];
  std::string_view istio = labels["istio"].text();
  std::string_view app = labels["app"].text();
  if (istio.empty() && app.empty()) {
    istio = workload.label("istio").value_or("");
    app = workload.label("app").value_or("");
  }
  for (std::string_view value : {istio, app}) {
    if (contains(value, "egressgateway")) return IstioComponent::EgressGateway;
    if (contains(value, "ingressgateway")) return IstioComponent::IngressGateway;
  }
  // The short names need proof that the pods run Istio's proxy as a gateway: an app called
  // "ingress" is not one.
  bool runs_gateway_proxy =
      contains(workload.spec()["template"]["metadata"]["annotations"]["inject.istio.io/templates"].text(), "gateway");
  for (NodeRef container : workload.spec()["template"]["spec"]["containers"].elements()) {
    std::string_view image = container["image"].text();
    if (image == "auto" || parse_image(image).name == "proxyv2") runs_gateway_proxy = true;
  }
  if (!runs_gateway_proxy) return std::nullopt;
  for (std::string_view value : {istio, app}) {
    if (value == "egress" || value == "istio-egress") return IstioComponent::EgressGateway;
    if (value == "ingress" || value == "istio-ingress") return IstioComponent::IngressGateway;
  }
  return std::nullopt;
}

}  // namespace

std::string_view component_name(IstioComponent c) {
  switch (c) {
    case IstioComponent::Pilot:
      return "pilot";
    case IstioComponent::Galley:
      return "galley";
    case IstioComponent::Mixer:
      return "mixer";
    case IstioComponent::Citadel:
      return "citadel";
    case IstioComponent::SidecarInjector:
      return "sidecar-injector";
    case IstioComponent::IngressGateway:
      return "ingress gateway";
    case IstioComponent::EgressGateway:
      return "egress gateway";
    case IstioComponent::Operator:
      return "operator";
  }
  return "component";
}

std::optional<IstioComponent> istio_component(const Resource& workload) {
  for (NodeRef container : workload.spec()["template"]["spec"]["containers"].elements()) {
    std::string name = parse_image(container["image"].text()).name;
    if (name == "pilot" || name == "istiod") return IstioComponent::Pilot;
    if (name == "galley") return IstioComponent::Galley;
    if (name == "mixer") return IstioComponent::Mixer;
    if (name == "citadel") return IstioComponent::Citadel;
    if (name == "sidecar_injector") return IstioComponent::SidecarInjector;
    if (name == "operator") return IstioComponent::Operator;
  }
  return gateway_kind(workload);
}

bool serves_traffic(IstioComponent c) { return c != IstioComponent::Operator; }

}  // namespace upcheck
