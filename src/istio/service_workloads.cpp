#include "istio/service_workloads.hpp"

#include <fmt/format.h>

#include "model/kind_groups.hpp"
#include "model/label_selector.hpp"

namespace upcheck::rules {
namespace {

bool runs_proxy(NodeRef pod_spec) {
  for (NodeRef c : pod_spec["containers"].elements())
    if (c["name"].text() == "istio-proxy") return true;
  // Native sidecars (Istio 1.27+) run the proxy as an init container.
  for (NodeRef c : pod_spec["initContainers"].elements())
    if (c["name"].text() == "istio-proxy") return true;
  return false;
}

}  // namespace

std::vector<PodShape> pods_selected_by(const Snapshot& snapshot, const Resource& service) {
  std::vector<PodShape> out;
  NodeRef selector = service.spec()["selector"];
  if (selector.size() == 0) return out;
  auto consider = [&](const Resource* owner, NodeRef metadata, NodeRef spec) {
    if (owner->ns() != service.ns()) return;
    if (map_selector_matches(selector, metadata["labels"])) out.push_back({owner, metadata, spec});
  };
  for (std::string_view kind : kPodTemplateKinds)
    for (const Resource* w : snapshot.of_kind_in(kind, service.ns()))
      consider(w, w->spec()["template"]["metadata"], w->spec()["template"]["spec"]);
  for (const Resource* cron : snapshot.of_kind_in("CronJob", service.ns())) {
    NodeRef pod_template = cron->spec()["jobTemplate"]["spec"]["template"];
    consider(cron, pod_template["metadata"], pod_template["spec"]);
  }
  for (const Resource* pod : snapshot.of_kind_in("Pod", service.ns())) consider(pod, pod->metadata(), pod->spec());
  return out;
}

SidecarVerdict sidecar_of(const Snapshot& snapshot, const Resource& service) {
  std::vector<PodShape> pods = pods_selected_by(snapshot, service);
  if (pods.empty()) {
    if (service.spec()["selector"].size() == 0)
      return {SidecarState::Absent, "it has no selector, so no pod of the mesh serves it"};
    return {SidecarState::Unknown, "no pod or pod template in the input matches its selector"};
  }
  const Resource* ns = snapshot.find("Namespace", "", service.ns());
  const std::string_view ns_injection = ns != nullptr ? ns->label("istio-injection").value_or("") : "";
  const bool ns_revision = ns != nullptr && ns->label("istio.io/rev").has_value();
  for (const PodShape& pod : pods) {
    const std::string who = fmt::format("{} {}/{}", pod.owner->kind(), pod.owner->ns(), pod.owner->name());
    if (runs_proxy(pod.spec)) return {SidecarState::Present, who + " runs istio-proxy"};
    NodeRef annotations = pod.metadata["annotations"];
    if (annotations["sidecar.istio.io/status"].valid())
      return {SidecarState::Present, who + " carries sidecar.istio.io/status"};
    const std::string_view inject = annotations["sidecar.istio.io/inject"].text();
    if (inject == "false") continue;
    if (inject == "true") return {SidecarState::Present, who + " asks for injection (sidecar.istio.io/inject)"};
    if (ns_injection == "enabled")
      return {SidecarState::Present, fmt::format("namespace {} has istio-injection=enabled", service.ns())};
    if (ns_revision) return {SidecarState::Present, fmt::format("namespace {} has istio.io/rev", service.ns())};
  }
  return {SidecarState::Absent,
          fmt::format("no pod or pod template it selects runs or injects one; {} checked", pods.size())};
}

std::optional<int64_t> target_port(const Snapshot& snapshot, const Resource& service, NodeRef service_port,
                                   std::string* why) {
  NodeRef target = service_port["targetPort"];
  if (!target.valid() || target.is_null()) return service_port["port"].as_int();
  if (auto number = target.as_int()) return number;
  // A quoted number ("8080") is still a number to the API server's IntOrString.
  if (!target.text().empty() && target.text().find_first_not_of("0123456789") == std::string_view::npos)
    return std::stoll(std::string(target.text()));
  const std::string_view name = target.text();
  for (const PodShape& pod : pods_selected_by(snapshot, service))
    for (NodeRef container : pod.spec["containers"].elements())
      for (NodeRef port : container["ports"].elements())
        if (port["name"].text() == name)
          if (auto number = port["containerPort"].as_int()) return number;
  if (why != nullptr)
    *why = fmt::format("targetPort {} names a container port that no pod template in the input declares", name);
  return std::nullopt;
}

}  // namespace upcheck::rules
