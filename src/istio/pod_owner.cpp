#include "istio/pod_owner.hpp"

#include <fmt/format.h>

#include <cctype>

#include "model/kind_groups.hpp"
#include "model/label_selector.hpp"

namespace upcheck::rules {
namespace {

// The owner reference a controller set (controller: true), else the first.
NodeRef controller_of(const Resource& object) {
  NodeRef refs = object.metadata()["ownerReferences"];
  for (NodeRef ref : refs.elements())
    if (ref["controller"].as_bool().value_or(false)) return ref;
  return refs.at(0);
}

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

PodOwners::PodOwners(const Snapshot& snapshot) : snapshot_(snapshot) {
  for (std::string_view kind : kRestartableKinds)
    for (const Resource* w : snapshot.of_kind(kind)) workloads_by_namespace_[w->ns()].push_back(w);
}

PodOwner PodOwners::of(const Resource& pod) const {
  const Snapshot& snapshot = snapshot_;
  PodOwner owner{"Pod", std::string(pod.ns()), std::string(pod.name()), &pod, false, false};
  NodeRef ref = controller_of(pod);
  if (!ref.valid()) {
    if (auto it = workloads_by_namespace_.find(pod.ns()); it != workloads_by_namespace_.end())
      for (const Resource* w : it->second)
        if (selector_matches(w->spec()["selector"], pod.labels(), EmptySelector::MatchesNone))
          return PodOwner{std::string(w->kind()), std::string(w->ns()), std::string(w->name()), w, false, true};
    return owner;
  }
  owner.kind = std::string(ref["kind"].text());
  owner.name = std::string(ref["name"].text());
  owner.object = snapshot.find(owner.kind, owner.ns, owner.name);

  // One level up: a ReplicaSet's Deployment, a Job's CronJob.
  if (owner.kind == "ReplicaSet" || owner.kind == "Job") {
    if (owner.object != nullptr) {
      NodeRef parent = controller_of(*owner.object);
      if (parent.valid()) {
        owner.kind = std::string(parent["kind"].text());
        owner.name = std::string(parent["name"].text());
        owner.object = snapshot.find(owner.kind, owner.ns, owner.name);
      }
    } else if (owner.kind == "ReplicaSet") {
      // The Deployment controller names its ReplicaSets `<deployment>-<pod-template-hash>` and
      // labels their pods with the hash.
      std::string_view hash = pod.label("pod-template-hash").value_or("");
      std::string_view rs = owner.name;
      if (!hash.empty() && rs.size() > hash.size() + 1 && rs.substr(rs.size() - hash.size()) == hash &&
          rs[rs.size() - hash.size() - 1] == '-') {
        owner.kind = "Deployment";
        owner.name = std::string(rs.substr(0, rs.size() - hash.size() - 1));
        owner.object = snapshot.find("Deployment", owner.ns, owner.name);
        owner.name_derived = owner.object == nullptr;
      }
    }
  }
  return owner;
}

std::string restart_command(const PodOwner& owner) {
  if (!kind_in(kRestartableKinds, owner.kind)) return {};
  return fmt::format("kubectl rollout restart {}/{} -n {}", lowercase(owner.kind), owner.name, owner.ns);
}

}  // namespace upcheck::rules
