#include <fmt/format.h>

#include "istio/revisions.hpp"
#include "rules/all_rules.hpp"
#include "rules/revisions/support/revision_support.hpp"

namespace upcheck::rules {
namespace {

constexpr std::string_view kKinds[] = {"Namespace",
                                       "Deployment",
                                       "StatefulSet",
                                       "DaemonSet",
                                       "CronJob",
                                       "ReplicaSet",
                                       "ReplicationController",
                                       "Job",
                                       "MutatingWebhookConfiguration",
                                       "ConfigMap"};

void check(const CheckContext& ctx, FindingSink& out) {
  const Snapshot& snapshot = ctx.snapshot();
  const RevisionIndex index(snapshot, ctx.istio());
  // An invalid name is invalid-revision-name's finding: no revision can carry it.
  auto unknown = [&](std::string_view name) { return is_valid_revision_name(name) && !index.resolve(name); };

  std::vector<const Resource*> namespaces;
  for (const Resource* ns : snapshot.of_kind("Namespace"))
    if (auto rev = ns->label("istio.io/rev"); rev && unknown(*rev)) namespaces.push_back(ns);
  std::vector<TemplatedWorkload> workloads;
  for (const TemplatedWorkload& w : templated_workloads(snapshot)) {
    std::string_view rev = w.labels()["istio.io/rev"].text();
    if (rev.empty() || !unknown(rev)) continue;
    if (namespace_decides_injection(snapshot.find("Namespace", "", w.object->ns()))) continue;
    if (opts_out_of_injection(w)) continue;
    workloads.push_back(w);
  }
  if (namespaces.empty() && workloads.empty()) return;
  if (index.empty()) {
    // A dump without the control plane: every revision would look unknown.
    out.missing_kind("MutatingWebhookConfiguration", "kubectl get mutatingwebhookconfigurations -o yaml");
    return;
  }
  // Revision tags live only in webhook configurations: without them a tag looks unknown too.
  if (!index.knows_tags())
    out.missing_kind("MutatingWebhookConfiguration", "kubectl get mutatingwebhookconfigurations -o yaml");

  const std::string served = index.describe();
  for (const Resource* ns : namespaces) {
    const std::string rev(*ns->label("istio.io/rev"));
    // What injects the namespace today: istio-injection wins over the label if it is there.
    const Injection today = index.injection(ns->labels(), NodeRef{}, NodeRef{});
    std::string consequence;
    if (today.served())
      consequence = fmt::format(
          "{} injects its pods today (through {}), but they lose the sidecar once "
          "istio-injection is removed (injection-label-conflict)",
          today.revision == "default" ? "the default revision" : "revision " + today.revision, today.requested);
    else
      consequence =
          fmt::format("no injector selects {}, so its pods start without a sidecar at their next restart", ns->name());
    out.report(*ns, label_path("istio.io/rev"),
               fmt::format("namespace {} is labelled istio.io/rev={}, but no istiod, injector webhook or revision tag "
                           "in the input serves {} (the input has {}): {}",
                           ns->name(), rev, rev, served, consequence));
  }
  for (const TemplatedWorkload& w : workloads) {
    const std::string rev(w.labels()["istio.io/rev"].text());
    out.report(*w.object, w.label_path("istio.io/rev"),
               fmt::format("{}'s pod template is labelled istio.io/rev={}, but no istiod, injector webhook or revision "
                           "tag in the input serves {} (the input has {}): its pods start without a sidecar at their "
                           "next restart",
                           w.object->display_name(), rev, rev, served));
  }
}

}  // namespace

constinit const Rule unknown_revision{
    .info =
        {
            .code = "REV002",
            .name = "unknown-revision",
            .severity = Severity::Error,
            .title = "Namespace or pod template selects a revision nothing serves",
            .rationale =
                "Sidecars are injected at pod creation by the injector webhook whose selector matches the pod: a "
                "revision's webhook selects namespaces labelled istio.io/rev=<revision> (or one of its revision "
                "tags), and pods labelled so in namespaces without injection labels (istio/istio "
                "manifests/charts/istio-control/istio-discovery/templates/mutatingwebhook.yaml, revision-tags.yaml). "
                "A label naming a revision that no control plane serves matches no webhook, and the API server "
                "admits the pod without a sidecar, silently: nothing fails until the pod cannot reach mTLS-only "
                "services. It happens when a canary was never installed, was uninstalled (`istioctl uninstall "
                "--revision`, `helm delete`), or is misspelled, and it strikes at the next restart, typically "
                "during the upgrade itself. A revision is served when the input holds its istiod (or pre-1.5 "
                "control plane) Deployment, its injector MutatingWebhookConfiguration "
                "(istio-sidecar-injector-<revision>), or a revision tag webhook (istio-revision-tag-<tag>) of that "
                "name; \"default\" names the default revision (istio.io, Canary Upgrades: Default tag). With none "
                "of these in the input (a partial dump) the rule says so instead of flagging every label. A pod's "
                "own istio.io/rev is read only where its namespace has no injection label, because the namespace's "
                "label wins (istio/istio#37088).",
            .remediation =
                "Install the revision (`istioctl install --revision REV`, or `helm install istiod-REV istio/istiod "
                "--set revision=REV`), or point the label at a revision or tag that is installed, before pods "
                "restart.",
            .fix = FixAvailability::None,
            .kinds = kKinds,
            .example_bad = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: istiod-1-20-3
  namespace: istio-system
  labels: {app: istiod, istio.io/rev: 1-20-3}
spec:
  template:
    spec:
      containers:
      - name: discovery
        image: docker.io/istio/pilot:1.20.3
---
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    istio.io/rev: canary
)",
            .example_good = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: istiod-1-20-3
  namespace: istio-system
  labels: {app: istiod, istio.io/rev: 1-20-3}
spec:
  template:
    spec:
      containers:
      - name: discovery
        image: docker.io/istio/pilot:1.20.3
---
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    istio.io/rev: 1-20-3
)",
        },
    .check = check,
};

}  // namespace upcheck::rules
