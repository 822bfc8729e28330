// Kinds that Kubernetes treats alike, named once (as kube-linter's objectkinds): adding a workload
// kind (an Argo Rollout, say) is one edit here, not a hunt through every rule and runbook.
#pragma once

#include <algorithm>
#include <span>
#include <string_view>

namespace upcheck {

// Workloads whose pods are stamped from `spec.template`. CronJob is not among them: its template
// is one level deeper (`spec.jobTemplate.spec.template`), so readers handle it on its own.
inline constexpr std::string_view kPodTemplateKinds[] = {"Deployment", "StatefulSet",           "DaemonSet",
                                                         "ReplicaSet", "ReplicationController", "Job"};

// Every kind that stamps pods from a template, CronJob included: what the loader keeps the pod
// template of.
inline constexpr std::string_view kWorkloadKinds[] = {
    "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"};

// What `kubectl rollout restart` restarts: the workloads a runbook restarts to re-inject pods.
inline constexpr std::string_view kRestartableKinds[] = {"Deployment", "StatefulSet", "DaemonSet"};

// Workloads that keep a replica count of their own that a disruption budget is weighed against.
inline constexpr std::string_view kScalableKinds[] = {"Deployment", "StatefulSet"};

inline bool kind_in(std::span<const std::string_view> group, std::string_view kind) {
  return std::find(group.begin(), group.end(), kind) != group.end();
}

}  // namespace upcheck
