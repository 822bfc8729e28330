#include "rules/availability/support/disruption.hpp"

#include <charconv>

#include "model/kind_groups.hpp"
#include "model/label_selector.hpp"

namespace upcheck::rules {
namespace {

int64_t scale_up(int64_t percent, int64_t count) { return (percent * count + 99) / 100; }

}  // namespace

std::vector<ControlPlaneWorkload> control_plane_workloads(const Snapshot& snapshot) {
  std::vector<ControlPlaneWorkload> out;
  for (const Resource* d : snapshot.of_kind("Deployment"))
    if (auto c = istio_component(*d); c && serves_traffic(*c)) out.push_back({d, *c});
  return out;
}

int64_t declared_replicas(const Resource& workload) { return workload.spec()["replicas"].as_int().value_or(1); }

const Resource* autoscaler_for(const Snapshot& snapshot, const Resource& workload) {
  for (const Resource* hpa : snapshot.of_kind_in("HorizontalPodAutoscaler", workload.ns())) {
    NodeRef target = hpa->spec()["scaleTargetRef"];
    if (hpa->ns() == workload.ns() && target["kind"].text() == workload.kind() &&
        target["name"].text() == workload.name())
      return hpa;
  }
  return nullptr;
}

int64_t autoscaler_min_replicas(const Resource& hpa) { return hpa.spec()["minReplicas"].as_int().value_or(1); }

int64_t effective_replicas(const Snapshot& snapshot, const Resource& workload) {
  int64_t replicas = declared_replicas(workload);
  if (const Resource* hpa = autoscaler_for(snapshot, workload))
    replicas = std::max(replicas, autoscaler_min_replicas(*hpa));
  return replicas;
}

bool pdb_selects(const Resource& pdb, const Resource& workload) {
  if (pdb.ns() != workload.ns()) return false;
  EmptySelector empty = pdb.api_version() == "policy/v1beta1" ? EmptySelector::MatchesNone : EmptySelector::MatchesAll;
  NodeRef selector = pdb.spec()["selector"];
  if (!selector.valid()) return false;  // a null selector selects nothing
  return selector_matches(selector, workload.spec()["template"]["metadata"]["labels"], empty);
}

std::vector<const Resource*> pdbs_selecting(const Snapshot& snapshot, const Resource& workload) {
  std::vector<const Resource*> out;
  for (const Resource* pdb : snapshot.of_kind_in("PodDisruptionBudget", workload.ns()))
    if (pdb_selects(*pdb, workload)) out.push_back(pdb);
  return out;
}

std::optional<int64_t> parse_percent(std::string_view text) {
  if (text.size() < 2 || text.back() != '%') return std::nullopt;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size() - 1, value);
  if (ec != std::errc{} || end != text.data() + text.size() - 1 || value < 0) return std::nullopt;
  return value;
}

std::optional<DisruptionBudget> evaluate_pdb(const Snapshot& snapshot, const Resource& pdb) {
  DisruptionBudget budget;
  for (std::string_view kind : kScalableKinds)
    for (const Resource* w : snapshot.of_kind_in(kind, pdb.ns()))
      if (pdb_selects(pdb, *w)) budget.expected_pods += effective_replicas(snapshot, *w);

  // An IntOrString: a plain integer, or a percentage of the expected pods rounded up (the
  // disruption controller calls GetScaledValueFromIntOrPercent with roundUp=true for both).
  auto scaled = [&](NodeRef value) -> std::optional<int64_t> {
    if (auto n = value.as_int()) return *n;
    if (auto p = parse_percent(value.text())) return scale_up(*p, budget.expected_pods);
    return std::nullopt;
  };
  NodeRef min_available = pdb.spec()["minAvailable"];
  NodeRef max_unavailable = pdb.spec()["maxUnavailable"];
  if (min_available.valid() && !min_available.is_null()) {
    auto desired = scaled(min_available);
    if (!desired) return std::nullopt;
    budget.desired_healthy = *desired;
    return budget;
  }
  if (max_unavailable.valid() && !max_unavailable.is_null()) {
    auto unavailable = scaled(max_unavailable);
    if (!unavailable) return std::nullopt;
    budget.desired_healthy = std::max<int64_t>(0, budget.expected_pods - *unavailable);
    return budget;
  }
  return std::nullopt;
}

}  // namespace upcheck::rules
