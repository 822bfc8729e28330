#include "plan/data_plane.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "istio/istio_components.hpp"
#include "istio/ownership.hpp"
#include "istio/pod_owner.hpp"
#include "model/kind_groups.hpp"

namespace upcheck::plan {
namespace {

bool restartable(std::string_view kind) { return kind_in(kRestartableKinds, kind); }

// The control plane, and gateways that istioctl or Helm installs, are upgraded by steps of their
// own; gateways deployed otherwise are injected like any workload and move with their namespace.
bool has_own_step(const Resource* workload) {
  if (workload == nullptr) return false;
  std::optional<IstioComponent> component = istio_component(*workload);
  if (!component) return false;
  if (component != IstioComponent::IngressGateway && component != IstioComponent::EgressGateway) return true;
  std::optional<rules::Manager> manager = rules::managing_tool(*workload);
  return manager && (manager->tool == "Helm" || manager->tool == "istioctl" || manager->tool == "the Istio operator");
}

class Builder {
 public:
  Builder(const Snapshot& snapshot, const RevisionIndex& revisions) : snapshot_(snapshot), revisions_(revisions) {}

  void read_namespace_labels() {
    for (const Resource* ns : snapshot_.of_kind("Namespace")) {
      const bool injection_label = ns->label("istio-injection").value_or("") == "enabled";
      const std::string rev_label(ns->label("istio.io/rev").value_or(""));
      if (!injection_label && rev_label.empty()) continue;  // istio-injection=disabled opts out
      MeshNamespace& m = at(ns->name());
      m.injection_label = injection_label;
      m.rev_label = rev_label;
      m.selected_by_labels = true;
      const Injection injection = revisions_.injection(ns->labels(), NodeRef{}, NodeRef{});
      m.revision = injection.revision;
      if (!injection_label && !rev_label.empty() && revisions_.tags().count(rev_label) != 0) m.tag = rev_label;
    }
  }

  // Injected pods, grouped by the workload that owns them: restarting it re-injects them.
  void read_pods() {
    const rules::PodOwners owners(snapshot_);
    for (const Resource* pod : snapshot_.of_kind("Pod")) {
      std::string_view phase = pod->root()["status"]["phase"].text();
      if (phase == "Succeeded" || phase == "Failed") continue;
      if (!find_istio_proxy(pod->spec(), "spec")) continue;
      // The injector writes this annotation; a proxy without it was part of the pod template (a
      // gateway, a manually injected manifest), which a restart does not change.
      if (!pod->annotation("sidecar.istio.io/status")) continue;
      const rules::PodOwner owner = owners.of(*pod);
      if (has_own_step(owner.object)) continue;
      add(owner.kind, owner.ns, owner.name);
    }
  }

  // Without pods, the workloads whose pod templates injection would cover.
  void read_templates() {
    for (std::string_view kind : kRestartableKinds)
      for (const Resource* w : snapshot_.of_kind(kind)) {
        if (has_own_step(w)) continue;
        const Resource* ns = snapshot_.find("Namespace", "", w->ns());
        NodeRef pod_template = w->spec()["template"]["metadata"];
        const Injection injection = revisions_.injection(ns != nullptr ? ns->labels() : NodeRef{},
                                                         pod_template["labels"], pod_template["annotations"]);
        if (injection.served()) add(std::string(kind), std::string(w->ns()), std::string(w->name()));
      }
  }

  DataPlane finish(bool from_templates) {
    DataPlane out;
    out.from_templates = from_templates;
    for (auto& entry : namespaces_) {
      MeshNamespace& m = entry.second;
      auto key = [](const WorkloadRef& w) { return std::tie(w.kind, w.name); };
      std::sort(m.workloads.begin(), m.workloads.end(),
                [&](const WorkloadRef& a, const WorkloadRef& b) { return key(a) < key(b); });
      m.workloads.erase(std::unique(m.workloads.begin(), m.workloads.end(),
                                    [&](const WorkloadRef& a, const WorkloadRef& b) { return key(a) == key(b); }),
                        m.workloads.end());
      std::sort(m.not_restartable.begin(), m.not_restartable.end());
      m.not_restartable.erase(std::unique(m.not_restartable.begin(), m.not_restartable.end()), m.not_restartable.end());
      out.namespaces.push_back(std::move(m));
    }
    return out;
  }

 private:
  MeshNamespace& at(std::string_view name) {
    MeshNamespace& m = namespaces_[std::string(name)];
    if (m.name.empty()) {
      m.name = std::string(name);
      m.object = snapshot_.find("Namespace", "", name);
    }
    return m;
  }

  void add(const std::string& kind, const std::string& ns, const std::string& name) {
    MeshNamespace& m = at(ns);
    if (restartable(kind))
      m.workloads.push_back({kind, ns, name});
    else
      m.not_restartable.push_back(fmt::format("{} {}/{}", kind, ns, name));
  }

  const Snapshot& snapshot_;
  const RevisionIndex& revisions_;
  std::map<std::string, MeshNamespace> namespaces_;
};

}  // namespace

const MeshNamespace* DataPlane::find(std::string_view name) const {
  auto it = std::find_if(namespaces.begin(), namespaces.end(), [&](const MeshNamespace& m) { return m.name == name; });
  return it == namespaces.end() ? nullptr : &*it;
}

DataPlane read_data_plane(const Snapshot& snapshot, const RevisionIndex& revisions) {
  Builder builder(snapshot, revisions);
  builder.read_namespace_labels();
  const bool from_templates = !snapshot.has_kind("Pod");
  if (from_templates)
    builder.read_templates();
  else
    builder.read_pods();
  return builder.finish(from_templates);
}

}  // namespace upcheck::plan
