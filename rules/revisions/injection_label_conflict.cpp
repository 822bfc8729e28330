#include <fmt/format.h>

#include "istio/ownership.hpp"
#include "istio/revisions.hpp"
#include "rules/all_rules.hpp"
#include "rules/revisions/support/revision_support.hpp"

namespace upcheck::rules {
namespace {

constexpr std::string_view kKinds[] = {"Namespace", "MutatingWebhookConfiguration", "Deployment", "ConfigMap"};

std::string injected_by(const Injection& injection) {
  if (!injection.served()) return "no revision";
  return fmt::format("revision {}", injection.revision);
}

// "the default revision" or "the default revision (1-20-3)".
std::string default_named(const Injection& injection) {
  if (injection.revision == "default") return "the default revision";
  return fmt::format("the default revision ({})", injection.revision);
}

void check(const CheckContext& ctx, FindingSink& out) {
  const RevisionIndex index(ctx.snapshot(), ctx.istio());
  for (const Resource* ns : ctx.snapshot().of_kind("Namespace")) {
    std::optional<std::string_view> legacy = ns->label("istio-injection");
    std::optional<std::string_view> revision = ns->label("istio.io/rev");
    if (!legacy || !revision) continue;
    const std::string name(ns->name());
    const std::string wanted(*revision);
    const Injection actual = index.injection(ns->labels(), NodeRef{}, NodeRef{});
    const std::optional<std::string> wanted_revision = index.resolve(wanted);
    // istio-injection=enabled with istio.io/rev=default (or a tag of the default revision) asks for
    // what it gets: redundant, not a conflict.
    if (actual.served() && wanted_revision && *wanted_revision == actual.revision) continue;

    std::string message;
    if (*legacy == "enabled")
      message = fmt::format(
          "namespace {} has both istio-injection=enabled and istio.io/rev={}: istio-injection takes precedence, so "
          "its pods are injected by {} and never by revision {}",
          name, wanted, actual.served() ? default_named(actual) : "no revision (nothing serves the default)", wanted);
    else
      message = fmt::format(
          "namespace {} has both istio-injection={} and istio.io/rev={}: revision injectors select only namespaces "
          "without istio-injection, so istio.io/rev has no effect and {} injects its pods",
          name, *legacy, wanted, injected_by(actual));

    Fix fix;
    // Unserved is certain only when the input shows every revision and tag.
    if (!index.empty() && index.knows_tags() && !wanted_revision) {
      // Moving the namespace to a revision nothing serves would stop injection: drop the label that
      // never took effect instead, which keeps today's behaviour.
      fix.title = fmt::format("remove istio.io/rev={}, which never took effect", wanted);
      fix.applicability = Applicability::Safe;
      fix.patches.push_back({ns->ref(), {{"metadata", {{"labels", {{"istio.io/rev", nullptr}}}}}}});
      fix.commands.push_back(fmt::format("kubectl label namespace {} istio.io/rev-", name));
      fix.manual_note = fmt::format(
          "no control plane in the input serves {} ({}): to move {} there, install it first, then run `kubectl "
          "label namespace {} istio-injection- istio.io/rev={}`",
          wanted, index.describe(), name, name, wanted);
    } else {
      // The canary guide's own step: drop istio-injection, keep istio.io/rev, restart to re-inject.
      fix.title = fmt::format(
          "remove istio-injection so that istio.io/rev={} takes effect, and restart the "
          "namespace's workloads",
          wanted);
      fix.applicability = Applicability::Unsafe;  // restarted pods move to another control plane
      fix.patches.push_back(
          {ns->ref(), {{"metadata", {{"labels", {{"istio-injection", nullptr}, {"istio.io/rev", wanted}}}}}}});
      fix.commands.push_back(fmt::format("kubectl label namespace {} istio-injection- istio.io/rev={}", name, wanted));
      fix.commands.push_back(fmt::format("kubectl rollout restart deployment -n {}", name));
      if (*legacy != "enabled")
        fix.manual_note = fmt::format("if {} should stay out of the mesh, remove istio.io/rev instead", name);
    }
    if (std::optional<Manager> m = managing_tool(*ns)) {
      fix.applicability = Applicability::DisplayOnly;
      fix.manual_note = change_at_source_note(*m, "the namespace's injection labels");
    }
    out.report(*ns, label_path("istio-injection"), std::move(message), {.fix = std::move(fix)});
  }
}

}  // namespace

constinit const Rule injection_label_conflict{
    .info =
        {
            .code = "REV001",
            .name = "injection-label-conflict",
            .severity = Severity::Warning,
            .title = "Namespace has both istio-injection and istio.io/rev labels",
            .rationale =
                "A canary upgrade moves a namespace to the new control plane by its istio.io/rev label, but "
                "\"the istio-injection label must be removed because it takes precedence over the istio.io/rev label "
                "for backward compatibility\" (istio.io, Canary Upgrades, 1.6 to today). The injector webhooks encode "
                "it: the default revision's webhook selects istio-injection=enabled, while every revision's "
                "namespace webhook requires istio-injection to be absent (istio/istio "
                "manifests/charts/istio-control/istio-discovery/templates/mutatingwebhook.yaml and "
                "revision-tags.yaml). So with istio-injection=enabled the namespace stays on the default revision "
                "and the canary never takes effect; with istio-injection=disabled (or any other value) no injector "
                "selects the namespace at all, and its new pods start without a sidecar (confirmed by the "
                "maintainers in istio/istio.io#14597). When the input holds the MutatingWebhookConfigurations, "
                "upcheck evaluates their selectors to name the revision that really injects; otherwise it applies "
                "the rules above.",
            .remediation =
                "Remove istio-injection so that istio.io/rev decides (`kubectl label namespace NS istio-injection- "
                "istio.io/rev=REV`), then restart the namespace's workloads to re-inject them; if the revision is "
                "not installed yet, install it first or remove istio.io/rev instead.",
            .fix = FixAvailability::Always,
            .kinds = kKinds,
            .example_bad = R"(apiVersion: v1
kind: Namespace
metadata:
  name: test-ns
  labels:
    istio-injection: enabled
    istio.io/rev: canary
)",
            .example_good = R"(apiVersion: v1
kind: Namespace
metadata:
  name: test-ns
  labels:
    istio.io/rev: canary
)",
        },
    .check = check,
};

}  // namespace upcheck::rules
