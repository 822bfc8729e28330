// The workload that owns a pod, as its controllers recorded it in ownerReferences: Pod ->
// ReplicaSet -> Deployment, Pod -> Job -> CronJob, Pod -> StatefulSet / DaemonSet. Rules that
// report on pods report once per workload: a 100,000-object dump has thousands of pods.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "model/snapshot.hpp"

namespace upcheck::rules {

struct PodOwner {
  std::string kind;  // "Deployment", "StatefulSet", ...; "Pod" for a pod no controller owns
  std::string ns;
  std::string name;
  const Resource* object = nullptr;  // the owner, when the input holds it
  // The Deployment's name was read off its ReplicaSet's name (`<deployment>-<pod-template-hash>`)
  // because the input holds neither the ReplicaSet nor the Deployment.
  bool name_derived = false;
  // The pod names no owner; the workload's selector selects it.
  bool matched_by_selector = false;

  // "Deployment shop/cart"
  std::string display() const { return kind + " " + ns + "/" + name; }
  friend bool operator<(const PodOwner& a, const PodOwner& b) {
    return std::tie(a.ns, a.kind, a.name) < std::tie(b.ns, b.kind, b.name);
  }
};

// Finds pods' owners. Built once per check: a pod no ownerReferences name is matched to the
// Deployment, StatefulSet or DaemonSet of its namespace whose selector selects it, as their
// controllers would adopt it (synthetic and hand-assembled dumps often drop ownerReferences).
class PodOwners {
 public:
  explicit PodOwners(const Snapshot& snapshot);
  PodOwner of(const Resource& pod) const;

 private:
  const Snapshot& snapshot_;
  std::map<std::string_view, std::vector<const Resource*>> workloads_by_namespace_;
};

// `kubectl rollout restart deployment/cart -n shop`: empty for kinds `rollout restart` does not
// support (only Deployments, StatefulSets and DaemonSets have rollouts).
std::string restart_command(const PodOwner& owner);

}  // namespace upcheck::rules
