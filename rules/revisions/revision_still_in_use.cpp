#include <fmt/format.h>

#include <map>

#include "istio/ownership.hpp"
#include "istio/pod_owner.hpp"
#include "istio/revisions.hpp"
#include "rules/all_rules.hpp"
#include "rules/revisions/support/revision_support.hpp"

namespace upcheck::rules {
namespace {

constexpr std::string_view kKinds[] = {"Namespace",
                                       "Pod",
                                       "Deployment",
                                       "StatefulSet",
                                       "DaemonSet",
                                       "ReplicaSet",
                                       "ReplicationController",
                                       "Job",
                                       "CronJob",
                                       "MutatingWebhookConfiguration",
                                       "ConfigMap"};

// A workload still on the removed revision: running pods bound to it, a pod template that selects
// it, or both.
struct InUse {
  PodOwner owner;
  const Resource* first_pod = nullptr;
  std::string proxy_field;
  size_t pods = 0;
  std::string evidence;                       // how the first pod showed its revision
  const TemplatedWorkload* pinned = nullptr;  // its pod template selects the revision
};

std::string default_tag_command(const std::string& target) {
  return fmt::format("istioctl tag set default --revision {} --overwrite", target);
}

void report_namespaces(const CheckContext& ctx, const RevisionIndex& index, FindingSink& out) {
  const std::string& removed = ctx.plan().remove_revision;
  const std::string& target = ctx.plan().revision;
  for (const Resource* ns : ctx.snapshot().of_kind("Namespace")) {
    const Injection injection = index.injection(ns->labels(), NodeRef{}, NodeRef{});
    if (!injection || injection.revision != removed) continue;
    const bool by_legacy_label = ns->label("istio-injection").has_value();
    const std::string rev_label(ns->label("istio.io/rev").value_or(""));
    std::string message = fmt::format(
        "namespace {} selects revision {} through {}: once {} is removed, pods "
        "created there (restarts, scale-ups, the upgrade's own node drains) start "
        "without a sidecar",
        ns->name(), removed, injection.requested, removed);
    const std::string path = label_path(by_legacy_label ? "istio-injection" : "istio.io/rev");
    if (target.empty()) {  // nowhere to move it: the plan names no new revision
      out.report(*ns, path, std::move(message));
      continue;
    }
    Fix fix;
    fix.applicability = Applicability::Unsafe;  // restarted pods move to another control plane
    if (by_legacy_label || rev_label == "default" ||
        (injection.webhook != nullptr && injection.webhook->tag == "default")) {
      fix.title = fmt::format("make {} the default revision", target);
      fix.commands.push_back(default_tag_command(target));
    } else if (rev_label != removed) {
      fix.title = fmt::format("point revision tag {} at {}", rev_label, target);
      fix.commands.push_back(fmt::format("istioctl tag set {} --revision {} --overwrite", rev_label, target));
    } else {
      fix.title = fmt::format("label namespace {} istio.io/rev={} and restart its workloads", ns->name(), target);
      fix.patches.push_back({ns->ref(), {{"metadata", {{"labels", {{"istio.io/rev", target}}}}}}});
      fix.commands.push_back(fmt::format("kubectl label namespace {} istio.io/rev={} --overwrite", ns->name(), target));
      if (std::optional<Manager> m = managing_tool(*ns)) {
        fix.applicability = Applicability::DisplayOnly;
        fix.manual_note = change_at_source_note(*m, "the namespace's istio.io/rev label");
      }
    }
    fix.commands.push_back(fmt::format("kubectl rollout restart deployment -n {}", ns->name()));
    out.report(*ns, path, std::move(message), {.fix = std::move(fix)});
  }
}

// Moves a workload off the removed revision: its template selects the target, or a restart
// re-injects it once its namespace selects another revision.
std::optional<Fix> move_off_fix(const CheckContext& ctx, const RevisionIndex& index, const InUse& u) {
  const std::string& removed = ctx.plan().remove_revision;
  const std::string& target = ctx.plan().revision;
  Fix fix;
  fix.applicability = Applicability::Unsafe;
  if (u.pinned != nullptr && !target.empty()) {
    // Changing the template rolls the workload out by itself.
    fix.title = fmt::format("select revision {} in {}'s pod template", target, u.owner.display());
    std::string labels_path = u.pinned->template_path + ".metadata.labels";
    nlohmann::json patch = {{"istio.io/rev", target}};
    std::vector<PathSegment> segments = parse_field_path(labels_path);
    for (auto it = segments.rbegin(); it != segments.rend(); ++it) patch = nlohmann::json{{it->key, patch}};
    fix.patches.push_back({u.pinned->object->ref(), patch});
    if (std::optional<Manager> m = managing_tool(*u.pinned->object)) {
      fix.applicability = Applicability::DisplayOnly;
      fix.manual_note = change_at_source_note(*m, "the pod template's istio.io/rev label");
    }
    return fix;
  }
  if (u.pinned == nullptr) {
    std::string restart = restart_command(u.owner);
    if (restart.empty()) return std::nullopt;
    const Resource* ns = ctx.snapshot().find("Namespace", "", u.owner.ns);
    const Injection now = index.injection(ns != nullptr ? ns->labels() : NodeRef{}, NodeRef{}, NodeRef{});
    fix.title =
        now.served() && now.revision != removed
            ? fmt::format("restart {} to re-inject it with revision {}", u.owner.display(), now.revision)
            : fmt::format("restart {} once namespace {} selects another revision", u.owner.display(), u.owner.ns);
    fix.commands.push_back(restart);
    return fix;
  }
  return std::nullopt;
}

void report_workloads(const CheckContext& ctx, const RevisionIndex& index, FindingSink& out,
                      const std::vector<TemplatedWorkload>& workloads) {
  const Snapshot& snapshot = ctx.snapshot();
  const std::string& removed = ctx.plan().remove_revision;
  std::map<std::tuple<std::string, std::string, std::string>, InUse> in_use;
  const PodOwners owners(snapshot);

  for (const Resource* pod : snapshot.of_kind("Pod")) {
    std::string_view phase = pod->root()["status"]["phase"].text();
    if (phase == "Succeeded" || phase == "Failed") continue;
    std::optional<IstioProxy> proxy = find_istio_proxy(pod->spec(), "spec");
    if (!proxy) continue;
    std::optional<Binding> binding = index.bound_revision(*pod, snapshot.find("Namespace", "", pod->ns()));
    if (!binding || index.resolve(binding->revision).value_or(binding->revision) != removed) continue;
    PodOwner owner = owners.of(*pod);
    InUse& u = in_use[{owner.ns, owner.kind, owner.name}];
    if (u.first_pod == nullptr) {
      u.owner = owner;
      u.first_pod = pod;
      u.proxy_field = proxy->field_path + ".image";
      u.evidence = binding->evidence;
    }
    ++u.pods;
  }
  for (const TemplatedWorkload& w : workloads) {
    std::string_view rev = w.labels()["istio.io/rev"].text();
    if (rev.empty() || index.resolve(rev).value_or(std::string(rev)) != removed || opts_out_of_injection(w)) continue;
    if (namespace_decides_injection(snapshot.find("Namespace", "", w.object->ns()))) continue;
    InUse& u = in_use[{std::string(w.object->ns()), std::string(w.object->kind()), std::string(w.object->name())}];
    if (u.owner.name.empty())
      u.owner = PodOwner{std::string(w.object->kind()),
                         std::string(w.object->ns()),
                         std::string(w.object->name()),
                         w.object,
                         false,
                         false};
    u.pinned = &w;
  }

  for (const auto& [key, u] : in_use) {
    std::string message = u.owner.display() + ": ";
    if (u.pods > 0)
      message += fmt::format("{} pod{} still run{} proxies connected to revision {} ({})", u.pods,
                             u.pods == 1 ? "" : "s", u.pods == 1 ? "s" : "", removed, u.evidence);
    if (u.pinned != nullptr)
      message += fmt::format("{}its pod template selects revision {} through istio.io/rev={}", u.pods > 0 ? "; " : "",
                             removed, u.pinned->labels()["istio.io/rev"].text());
    if (u.pods > 0)
      message += fmt::format(
          ": removing {} leaves {} without a control plane (no configuration or certificate "
          "updates) until they are restarted onto another revision",
          removed, u.pods == 1 ? "its proxy" : "their proxies");
    if (u.pinned != nullptr)
      message += fmt::format("{} its new pods start without a sidecar once {} is removed", u.pods > 0 ? ", and" : ":",
                             removed);

    std::optional<Fix> fix = move_off_fix(ctx, index, u);
    if (u.pinned != nullptr)
      out.report(*u.pinned->object, u.pinned->label_path("istio.io/rev"), std::move(message), {.fix = std::move(fix)});
    else if (u.owner.object != nullptr && u.owner.kind != "Pod")
      out.report(*u.owner.object, "metadata.name", std::move(message), {.fix = std::move(fix)});
    else
      out.report(*u.first_pod, u.proxy_field, std::move(message), {.fix = std::move(fix)});
  }
}

void report_tags(const CheckContext& ctx, const RevisionIndex& index, FindingSink& out) {
  const std::string& removed = ctx.plan().remove_revision;
  const std::string& target = ctx.plan().revision;
  for (const auto& [tag, revision] : index.tags()) {
    // The default tag is injection-continuity's: it carries istio-injection=enabled too.
    if (revision != removed || tag == "default") continue;
    const InjectorWebhook* webhook = nullptr;
    for (const InjectorWebhook& w : index.webhooks())
      if (w.tag == tag) {
        webhook = &w;
        break;
      }
    if (webhook == nullptr) continue;
    std::vector<std::string> users;
    for (const Resource* ns : ctx.snapshot().of_kind("Namespace"))
      if (ns->label("istio.io/rev") == tag && !ns->label("istio-injection")) users.emplace_back(ns->name());
    std::optional<Fix> fix;
    if (!target.empty()) {
      fix.emplace();
      fix->title = fmt::format("point revision tag {} at {}", tag, target);
      fix->applicability = Applicability::Unsafe;
      fix->commands.push_back(fmt::format("istioctl tag set {} --revision {} --overwrite", tag, target));
    }
    out.report(*webhook->configuration, label_path("istio.io/rev"),
               fmt::format("revision tag {} (MutatingWebhookConfiguration {}) still points at revision {}: namespaces "
                           "and pods labelled istio.io/rev={}{} lose injection when {} is removed",
                           tag, webhook->configuration->name(), removed, tag,
                           users.empty() ? "" : fmt::format(" ({})", name_list(users)), removed),
               {.fix = std::move(fix)});
  }
}

void check(const CheckContext& ctx, FindingSink& out) {
  const std::string& removed = ctx.plan().remove_revision;
  if (removed.empty() || !is_valid_revision_name(removed)) return;  // an invalid name: invalid-revision-name
  const RevisionIndex index(ctx.snapshot(), ctx.istio());
  const std::vector<TemplatedWorkload> workloads = templated_workloads(ctx.snapshot());
  report_namespaces(ctx, index, out);
  report_workloads(ctx, index, out, workloads);
  report_tags(ctx, index, out);
  if (!ctx.snapshot().covers_kind("Namespace")) out.missing_kind("Namespace", "kubectl get namespaces -o yaml");
  if (!ctx.snapshot().covers_kind("Pod")) out.missing_kind("Pod", "kubectl get pods -A -o yaml");
  // Tags that point at the removed revision are known only from their webhook configurations.
  if (!index.knows_tags())
    out.missing_kind("MutatingWebhookConfiguration", "kubectl get mutatingwebhookconfigurations -o yaml");
}

}  // namespace

constinit const Rule revision_still_in_use{
    .info =
        {
            .code = "REV005",
            .name = "revision-still-in-use",
            .severity = Severity::Error,
            .title = "The revision the plan removes still serves namespaces or pods",
            .rationale =
                "A canary upgrade ends by uninstalling the old control plane (`istioctl uninstall --revision REV`, "
                "or `helm delete istiod` for Helm), and the guides do that only \"after upgrading both the control "
                "plane and data plane\" (istio.io, Canary Upgrades; Upgrade with Helm). Whatever still relies on the "
                "removed revision breaks: proxies connected to it lose their control plane (no configuration or "
                "certificate updates), and namespaces or pod templates that select it lose injection, so their next "
                "pods start without a sidecar. A namespace selects a revision by istio.io/rev=<revision>, by a "
                "revision tag that points at it (istio-revision-tag-<tag>, \"stable identifiers that point to "
                "revisions\"), or, when it is the default revision (the one the tag default points to), by "
                "istio-injection=enabled and istio.io/rev=default (istio.io, Canary Upgrades: Default tag). Running "
                "pods are bound by the revision "
                "recorded on them (the istio.io/rev annotation, or sidecar.istio.io/status since 1.11), so pods of a "
                "namespace already relabelled but not yet restarted are found too. Needs --remove-revision; "
                "--revision names where to move them.",
            .remediation =
                "Before removing the revision, move every namespace to the new one (`kubectl label namespace NS "
                "istio.io/rev=NEW --overwrite`, or `istioctl tag set TAG --revision NEW --overwrite` for tags and "
                "the default), restart their workloads, and check that no pod still reports the old revision.",
            .fix = FixAvailability::Sometimes,
            .kinds = kKinds,
            .example_bad = R"(apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    istio.io/rev: 1-20-3
)",
            .example_good = R"(apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    istio.io/rev: 1-21-0
)",
            .example_args = "--to 1.21 --method canary --revision 1-21-0 --remove-revision 1-20-3",
        },
    .check = check,
};

}  // namespace upcheck::rules
