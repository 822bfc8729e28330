#include <fmt/format.h>

#include "engine/object_copy.hpp"
#include "istio/ownership.hpp"
#include "model/tree_json.hpp"
#include "rules/all_rules.hpp"

namespace upcheck::rules {
namespace {

constexpr std::string_view kKinds[] = {"RbacConfig",         "ClusterRbacConfig", "ServiceRole",
                                       "ServiceRoleBinding", "ConfigMap",         "Deployment"};

const Version k12{1, 2, std::nullopt, {}};
const Version k16{1, 6, std::nullopt, {}};

// Pilot reads only the RbacConfig or ClusterRbacConfig named "default" (DefaultRbacConfigName).
constexpr std::string_view kHonouredName = "default";

// The installed release the plan starts from: --from, else the oldest control plane detected.
std::optional<Version> installed_version(const CheckContext& ctx) {
  if (ctx.plan().from) return ctx.plan().from;
  std::optional<Version> oldest;
  for (const ControlPlane& plane : ctx.istio().control_planes)
    if (auto v = plane.version(); v && (!oldest || v->version < *oldest)) oldest = v->version;
  return oldest;
}

std::string list_of(NodeRef sequence) {
  std::string out;
  for (NodeRef e : sequence.elements()) out += fmt::format("{}{}", out.empty() ? "" : ", ", e.text());
  return out;
}

// "mode ON_WITH_INCLUSION for namespaces default, bookinfo": what the config enforces.
std::string scope(const Resource& config) {
  NodeRef spec = config.spec();
  std::string mode(spec["mode"].text());
  if (mode.empty()) mode = "OFF";
  std::string out = "mode " + mode;
  for (std::string_view part : {"inclusion", "exclusion"}) {
    NodeRef target = spec[part];
    std::string namespaces = list_of(target["namespaces"]), services = list_of(target["services"]);
    if (namespaces.empty() && services.empty()) continue;
    out += fmt::format(
        " {} {}{}{}", part == "inclusion" ? "for" : "except", namespaces.empty() ? "" : "namespaces " + namespaces,
        !namespaces.empty() && !services.empty() ? " and " : "", services.empty() ? "" : "services " + services);
  }
  return out;
}

bool enforces_nothing(const Resource& config) {
  std::string_view mode = config.spec()["mode"].text();
  return mode.empty() || mode == "OFF";
}

std::string where(const Resource& r) {
  return r.ns().empty() ? std::string(r.name()) : fmt::format("{}/{}", r.ns(), r.name());
}

// The same spec under the kind Pilot reads first, cluster-scoped and named default; what the
// server added to the old object (status, resourceVersion, uid...) stays behind.
nlohmann::json cluster_rbac_config_from(const Resource& rbac_config) {
  nlohmann::json copy = copy_for_apply(to_json(rbac_config.root()));
  copy["kind"] = "ClusterRbacConfig";
  copy["metadata"].erase("namespace");
  copy["metadata"]["name"] = std::string(kHonouredName);
  return copy;
}

// A fix on an object that Helm, Argo CD or Flux owns is shown, not applied.
void owned_elsewhere(const Resource& r, Fix& fix, std::string_view what) {
  if (std::optional<Manager> m = managing_tool(r)) {
    fix.applicability = Applicability::DisplayOnly;
    fix.manual_note = change_at_source_note(*m, what);
  }
}

Fix delete_fix(const Resource& r, std::string title, std::string stage) {
  Fix fix;
  fix.title = std::move(title);
  fix.remove.push_back(r.ref());
  fix.stage = std::move(stage);
  owned_elsewhere(r, fix, fmt::format("the {}", r.kind()));
  return fix;
}

// The v1alpha1 RBAC API is ignored from 1.6: what the config enforced must be rewritten as
// AuthorizationPolicy, or access that it denied is allowed after the upgrade.
void report_ignored(const CheckContext& ctx, FindingSink& out, const Resource& config,
                    const std::optional<Version>& installed, bool converted_at_12) {
  const Snapshot& snapshot = ctx.snapshot();
  const size_t roles = snapshot.of_kind("ServiceRole").size(), bindings = snapshot.of_kind("ServiceRoleBinding").size();
  const std::string ignored =
      fmt::format("Istio {} ignores rbac.istio.io/v1alpha1 (every release from 1.6 does; 1.7 ships no CRDs for it)",
                  ctx.plan().to->str());
  std::string message;
  if (enforces_nothing(config)) {
    message = fmt::format(
        "{}: {} {} ({}) enforces nothing, so nothing needs rewriting, but `istioctl upgrade` to 1.6 "
        "or later refuses while it exists. Delete it before upgrading to 1.6",
        ignored, config.kind(), where(config), scope(config));
  } else {
    message = fmt::format(
        "{}: {} {} ({}) stops being enforced, so requests it denies are allowed{}, and `istioctl "
        "upgrade` to 1.6 or later refuses while it exists. Rewrite it as security.istio.io/v1beta1 "
        "AuthorizationPolicy before upgrading to 1.6",
        ignored, config.kind(), where(config), scope(config),
        roles + bindings > 0 ? fmt::format("; the input's {} ServiceRole(s) and {} "
                                           "ServiceRoleBinding(s) need rewriting too",
                                           roles, bindings)
                             : std::string());
  }
  Fix fix;
  fix.stage = installed && *installed >= k16 ? "" : "1.6";
  // What the 1.2 step created replaces this object by then.
  ObjectRef target = config.ref();
  if (converted_at_12)
    target = {std::string(config.api_version()), "ClusterRbacConfig", "", std::string(kHonouredName)};
  fix.remove.push_back(target);
  if (enforces_nothing(config)) {
    // Mode OFF: no AuthorizationPolicy reproduces "nothing enforced" but none at all, so the
    // translation is exact.
    fix.title = "delete it: it enforces nothing, so no AuthorizationPolicy replaces it";
  } else {
    fix.title = "rewrite it as AuthorizationPolicy, then delete it";
    fix.applicability = Applicability::DisplayOnly;
    std::string_view mode = config.spec()["mode"].text();
    std::string deny_by_default =
        mode == "ON" ? "an allow-nothing AuthorizationPolicy (`spec: {}`) in the root namespace (istio-system by "
                       "default), which applies to every workload"
        : mode == "ON_WITH_INCLUSION"
            ? "an allow-nothing AuthorizationPolicy (`spec: {}`) in each included namespace (or one with a selector "
              "per included service)"
            : "an allow-nothing AuthorizationPolicy (`spec: {}`) in every enforced namespace (v1beta1 has no "
              "exclusion list: leave the excluded ones out)";
    fix.manual_note = fmt::format(
        "no exact translation: write ALLOW AuthorizationPolicies for what the ServiceRoles and ServiceRoleBindings "
        "grant, workload by workload (`istioctl experimental authz convert` in 1.4 and 1.5 drafts them), and keep "
        "deny-by-default with {}; "
        "v1beta1 policies override v1alpha1 ones on the same workload, so apply them while still on 1.4 or 1.5, "
        "check traffic, then delete {} (istio.io/blog/2019/v1beta1-authorization-policy)",
        deny_by_default,
        fmt::format("{} {}", target.kind, target.ns.empty() ? target.name : target.ns + "/" + target.name));
  }
  if (fix.applicability != Applicability::DisplayOnly)
    owned_elsewhere(config, fix, fmt::format("the {}", config.kind()));
  out.report(config, "apiVersion", std::move(message),
             {.severity = Severity::Error,  // access control silently off is worse than a deprecation
              .discriminator = "ignored-from-1.6",
              .fix = std::move(fix)});
}

void check(const CheckContext& ctx, FindingSink& out) {
  const Snapshot& snapshot = ctx.snapshot();
  const std::optional<Version>& to = ctx.plan().to;
  const std::optional<Version> installed = installed_version(ctx);
  const bool ignored_by_target = to && *to >= k16;
  // Below 1.2 the conversion belongs to the hop into 1.2: the 1.2 guide requires it, and a cluster
  // still on 1.0 has no ClusterRbacConfig kind until its 1.1 upgrade (1.1 introduced it).
  const bool crosses_12 = installed && *installed < k12;

  const Resource* cluster_default = snapshot.find("ClusterRbacConfig", "", kHonouredName);
  std::vector<const Resource*> rbac_defaults;
  for (const Resource* r : snapshot.of_kind("RbacConfig"))
    if (r->name() == kHonouredName) rbac_defaults.push_back(r);
  const bool defaults_agree = std::all_of(rbac_defaults.begin(), rbac_defaults.end(), [&](const Resource* r) {
    return to_json(r->spec()) == to_json(rbac_defaults.front()->spec());
  });

  for (const Resource* r : snapshot.of_kind("RbacConfig")) {
    if (r->name() != kHonouredName) {
      out.report(*r, "metadata.name",
                 fmt::format("RbacConfig {} ({}) was never honoured: Pilot reads only the RbacConfig or "
                             "ClusterRbacConfig named default",
                             where(*r), scope(*r)),
                 {.fix = delete_fix(*r, "delete it: it never took effect", "")});
      continue;
    }
    if (cluster_default != nullptr) {
      bool same = to_json(cluster_default->spec()) == to_json(r->spec());
      out.report(
          *r, "kind",
          fmt::format(
              "RbacConfig {} is deprecated and has no effect: ClusterRbacConfig default exists, and Pilot reads "
              "it first{}; delete the RbacConfig",
              where(*r),
              same ? " (their specs are the same)"
                   : fmt::format(" (its {} is what is enforced, not this {})", scope(*cluster_default), scope(*r))),
          {.fix = delete_fix(*r, "delete the RbacConfig: the ClusterRbacConfig already replaces it",
                             crosses_12 ? "1.2" : "")});
      continue;
    }
    const bool first = r == rbac_defaults.front();
    std::string stage = crosses_12 ? "1.2" : "";
    std::string message = fmt::format(
        "RbacConfig {} ({}) is deprecated: an implementation bug can make it namespace-scoped (istio/istio#8825), and "
        "the 1.2 upgrade guide requires migrating to ClusterRbacConfig, the same spec with a cluster scope",
        where(*r), scope(*r));
    if (rbac_defaults.size() > 1)
      message +=
          fmt::format("; {} RbacConfigs are named default, and Pilot uses whichever it lists first{}",
                      rbac_defaults.size(), defaults_agree ? " (their specs are the same)" : ", with different specs");
    if (to && *to >= Version{1, 4, std::nullopt, {}} && *to < k16)
      message += "; ClusterRbacConfig is itself deprecated from 1.4 for AuthorizationPolicy, and ignored from 1.6";
    // With a target that ignores the API, no ClusterRbacConfig is written unless a hop before
    // 1.6 still reads it.
    if (!ignored_by_target || crosses_12) {
      Fix fix;
      fix.stage = stage;
      if (!defaults_agree) {
        fix.title = "choose one spec and write it as ClusterRbacConfig default, then delete every RbacConfig";
        fix.applicability = Applicability::DisplayOnly;
        fix.manual_note =
            "the RbacConfigs named default disagree, so which one is enforced today depends on "
            "Pilot's listing order: decide which spec you mean";
        fix.apply.push_back(cluster_rbac_config_from(*r));
        fix.remove.push_back(r->ref());
      } else if (first) {
        fix.title = "create ClusterRbacConfig default with the same spec, then delete the RbacConfig";
        fix.apply.push_back(cluster_rbac_config_from(*r));
        fix.remove.push_back(r->ref());
        owned_elsewhere(*r, fix, "the RbacConfig");
      } else {
        fix.title = "delete this copy: the ClusterRbacConfig written from the first one replaces it";
        fix.remove.push_back(r->ref());
        owned_elsewhere(*r, fix, "the RbacConfig");
      }
      out.report(*r, "kind", std::move(message), {.fix = std::move(fix)});
    }
    if (ignored_by_target && first) report_ignored(ctx, out, *r, installed, crosses_12);
  }

  for (const Resource* c : snapshot.of_kind("ClusterRbacConfig")) {
    if (c->name() != kHonouredName) {
      out.report(*c, "metadata.name",
                 fmt::format("ClusterRbacConfig {} ({}) was never honoured: Pilot reads only the "
                             "ClusterRbacConfig or RbacConfig named default",
                             c->name(), scope(*c)),
                 {.fix = delete_fix(*c, "delete it: it never took effect", "")});
      continue;
    }
    if (ignored_by_target) report_ignored(ctx, out, *c, installed, false);
  }
}

}  // namespace

constinit const Rule deprecated_rbac_config{
    .info =
        {
            .code = "MESH001",
            .name = "deprecated-rbac-config",
            .severity = Severity::Warning,
            .other_severities = {Severity::Error},
            .title = "RbacConfig is deprecated, and the v1alpha1 RBAC API ends in Istio 1.6",
            .rationale =
                "RbacConfig (rbac.istio.io/v1alpha1) turns Istio authorization on. A bug could make it "
                "namespace-scoped (istio/istio#8825), so 1.1 deprecated it for ClusterRbacConfig, the same spec "
                "with a cluster scope, and the 1.2 upgrade guide says \"You must migrate to ClusterRbacConfig\" "
                "(istio.io 1.2, Upgrade Steps). Pilot reads the ClusterRbacConfig first and falls back to the "
                "RbacConfig, and reads only objects named default (istio/istio release-1.1 and release-1.2 "
                "pilot/pkg/model/config.go: ClusterRbacConfig(), RbacConfig(), DefaultRbacConfigName; "
                "pilot/pkg/model/authorization.go: NewAuthzPolicies): a differently named one was never enforced, "
                "and with both kinds present the RbacConfig is ignored. Istio's converter "
                "(tools/convert_RbacConfig_to_ClusterRbacConfig.sh, release-1.1) copies the spec with `sed` from "
                "`spec:` to the end (status too), applies, sleeps 15 s and runs `kubectl delete RbacConfig --all`; "
                "upcheck's migration copies the spec only, checks with a server-side dry run, and deletes exactly "
                "the object it replaced, after the replacement exists. From 1.4 the whole v1alpha1 RBAC API is "
                "deprecated for security.istio.io/v1beta1 AuthorizationPolicy; 1.6 ignores it and 1.7 ships no "
                "rbac.istio.io CRDs (istio.io/blog/2019/v1beta1-authorization-policy; 1.6 upgrade notes; "
                "istio/istio 1.7.0 manifests/charts/base/crds/crd-all.gen.yaml), and `istioctl upgrade` to 1.6 or "
                "later refuses while such objects exist (istio/istio release-1.6 operator/cmd/mesh/upgrade.go, "
                "CheckUnsupportedAlphaSecurityCRD). So with --to 1.6 or later upcheck writes no ClusterRbacConfig "
                "for the target, only for a hop before 1.6, and reports what must become AuthorizationPolicy.",
            .remediation = "Before 1.2: replace the RbacConfig with ClusterRbacConfig default (same spec), then delete "
                           "the RbacConfig. Before 1.6: rewrite the RBAC config, ServiceRoles and ServiceRoleBindings "
                           "as AuthorizationPolicy and delete them.",
            .fix = FixAvailability::Always,
            .kinds = kKinds,
            .example_bad = R"(apiVersion: rbac.istio.io/v1alpha1
kind: RbacConfig
metadata:
  name: default
  namespace: istio-system
spec:
  mode: ON_WITH_INCLUSION
  inclusion:
    namespaces: [default]
)",
            .example_good = R"(apiVersion: rbac.istio.io/v1alpha1
kind: ClusterRbacConfig
metadata:
  name: default
spec:
  mode: ON_WITH_INCLUSION
  inclusion:
    namespaces: [default]
)",
        },
    .check = check,
};

}  // namespace upcheck::rules
