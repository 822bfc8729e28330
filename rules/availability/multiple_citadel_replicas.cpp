#include <fmt/format.h>

#include "istio/ownership.hpp"
#include "rules/all_rules.hpp"
#include "rules/availability/support/disruption.hpp"

namespace upcheck::rules {
namespace {

constexpr std::string_view kKinds[] = {"Deployment", "HorizontalPodAutoscaler"};

void check(const CheckContext& ctx, FindingSink& out) {
  const Snapshot& snapshot = ctx.snapshot();
  for (const ControlPlaneWorkload& cp : control_plane_workloads(snapshot)) {
    if (cp.component != IstioComponent::Citadel) continue;
    const Resource& citadel = *cp.workload;
    const Resource* hpa = autoscaler_for(snapshot, citadel);
    const int64_t replicas = declared_replicas(citadel);
    const int64_t hpa_min = hpa != nullptr ? autoscaler_min_replicas(*hpa) : 0;
    if (replicas <= 1 && hpa_min <= 1) continue;
    Fix fix;
    fix.title = "run exactly one Citadel replica";
    fix.patches.push_back({citadel.ref(), {{"spec", {{"replicas", 1}}}}});
    if (hpa != nullptr) fix.patches.push_back({hpa->ref(), {{"spec", {{"minReplicas", 1}, {"maxReplicas", 1}}}}});
    if (std::optional<Manager> m = managing_tool(citadel)) {
      fix.applicability = Applicability::DisplayOnly;
      fix.manual_note = change_at_source_note(*m, "Citadel's replica count");
    }
    out.report(citadel, "spec.replicas",
               fmt::format(
                   "{} runs {} replicas{}: multiple Citadel instances race and can cause an "
                   "outage",
                   citadel.display_name(), std::max(replicas, hpa_min),
                   hpa_min > 1 ? fmt::format(" (HorizontalPodAutoscaler {} minReplicas)", hpa->name()) : std::string()),
               {.fix = std::move(fix)});
  }
}

}  // namespace

constinit const Rule multiple_citadel_replicas{
    .info =
        {
            .code = "AVL004",
            .name = "multiple-citadel-replicas",
            .severity = Severity::Error,
            .title = "Citadel runs more than one replica",
            .rationale = "\"Citadel does not support multiple instances. Running multiple Citadel instances may "
                         "introduce race conditions and lead to system outages\" (istio.io, Upgrade Steps, 1.2: "
                         "\"as multi-replica Citadel is still under development, Citadel should be deployed with one "
                         "replica\"). An autoscaler whose minimum is above 1 counts too.",
            .remediation = "Run exactly one Citadel replica (and an autoscaler, if any, with minReplicas and "
                           "maxReplicas of 1).",
            .fix = FixAvailability::Always,
            .kinds = kKinds,
            .example_bad = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: istio-citadel
  namespace: istio-system
spec:
  replicas: 2
  template:
    spec:
      containers:
      - name: citadel
        image: docker.io/istio/citadel:1.1.7
)",
            .example_good = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: istio-citadel
  namespace: istio-system
spec:
  replicas: 1
  template:
    spec:
      containers:
      - name: citadel
        image: docker.io/istio/citadel:1.1.7
)",
        },
    .check = check,
};

}  // namespace upcheck::rules
