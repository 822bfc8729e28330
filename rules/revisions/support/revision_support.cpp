#include "rules/revisions/support/revision_support.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace upcheck::rules {

std::string label_path(std::string_view key) { return fmt::format("metadata.labels[\"{}\"]", key); }

std::string TemplatedWorkload::label_path(std::string_view key) const {
  return fmt::format("{}.metadata.labels[\"{}\"]", template_path, key);
}

std::vector<TemplatedWorkload> templated_workloads(const Snapshot& snapshot) {
  std::vector<TemplatedWorkload> out;
  for (std::string_view kind : {"Deployment", "StatefulSet", "DaemonSet", "ReplicationController", "ReplicaSet", "Job"})
    for (const Resource* r : snapshot.of_kind(kind)) {
      bool owned = r->metadata()["ownerReferences"].size() != 0;
      if (owned && (kind == "ReplicaSet" || kind == "Job")) continue;
      out.push_back({r, "spec.template"});
    }
  for (const Resource* r : snapshot.of_kind("CronJob")) out.push_back({r, "spec.jobTemplate.spec.template"});
  return out;
}

bool opts_out_of_injection(const TemplatedWorkload& workload) {
  NodeRef inject = workload.labels()["sidecar.istio.io/inject"];
  if (!inject.valid()) inject = workload.annotations()["sidecar.istio.io/inject"];
  return inject.valid() && inject.text() == "false";
}

bool namespace_decides_injection(const Resource* ns) {
  return ns != nullptr && (ns->label("istio-injection") || ns->label("istio.io/rev"));
}

std::string name_list(const std::vector<std::string>& names, size_t shown) {
  if (names.size() <= shown) return fmt::format("{}", fmt::join(names, ", "));
  std::vector<std::string> first(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(shown));
  return fmt::format("{} and {} more", fmt::join(first, ", "), names.size() - shown);
}

}  // namespace upcheck::rules
