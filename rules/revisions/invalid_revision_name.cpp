#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <set>

#include "istio/ownership.hpp"
#include "istio/revisions.hpp"
#include "rules/all_rules.hpp"
#include "rules/revisions/support/revision_support.hpp"

namespace upcheck::rules {
namespace {

constexpr std::string_view kKinds[] = {kEveryKind,
                                       "Deployment",
                                       "StatefulSet",
                                       "DaemonSet",
                                       "ReplicaSet",
                                       "ReplicationController",
                                       "Job",
                                       "CronJob",
                                       "IstioOperator",
                                       "ConfigMap",
                                       "MutatingWebhookConfiguration"};

constexpr std::string_view kWhy =
    "revision names must be DNS-1123 labels (lowercase letters, digits and inner '-', at most 63 characters), and "
    "istioctl refuses others";

std::string write_as(std::string_view bad) {
  std::string good = suggest_revision_name(bad);
  if (good.empty() || good == bad) return {};
  return fmt::format("; write it as {}", good);
}

// {"spec":{"template":{"metadata":{"labels":{key: value}}}}} for a dotted path.
nlohmann::json nested(std::string_view dotted_path, nlohmann::json leaf) {
  std::vector<std::string> keys;
  for (const PathSegment& segment : parse_field_path(dotted_path)) keys.push_back(segment.key);
  for (auto it = keys.rbegin(); it != keys.rend(); ++it) leaf = nlohmann::json{{*it, std::move(leaf)}};
  return leaf;
}

// Relabelling to the suggested name is a fix only when that revision exists; then restarted pods
// move onto it.
std::optional<Fix> relabel_fix(const Resource& object, const RevisionIndex& index, std::string_view bad,
                               std::string_view labels_path, bool is_namespace) {
  std::string good = suggest_revision_name(bad);
  if (good.empty() || !index.resolve(good)) return std::nullopt;
  Fix fix;
  fix.title = fmt::format("label it istio.io/rev={}", good);
  fix.applicability = Applicability::Unsafe;  // its pods get a sidecar from that revision when they restart
  fix.patches.push_back({object.ref(), nested(labels_path, {{"istio.io/rev", good}})});
  if (is_namespace) {
    fix.commands.push_back(fmt::format("kubectl label namespace {} istio.io/rev={} --overwrite", object.name(), good));
    fix.commands.push_back(fmt::format("kubectl rollout restart deployment -n {}", object.name()));
  }
  if (std::optional<Manager> m = managing_tool(object)) {
    fix.applicability = Applicability::DisplayOnly;
    fix.manual_note = change_at_source_note(*m, "the istio.io/rev label");
  }
  return fix;
}

// The revision in the injector ConfigMap's values (Helm's `revision` value, rendered as JSON).
std::string values_revision(const Resource& config_map) {
  std::string_view values = config_map.root()["data"]["values"].text();
  if (values.empty()) return {};
  auto json = nlohmann::json::parse(values, nullptr, false);
  if (!json.is_object()) return {};
  auto revision = json.find("revision");
  return revision != json.end() && revision->is_string() ? revision->get<std::string>() : std::string{};
}

void check_plan(const CheckContext& ctx, FindingSink& out) {
  // The object that revealed the installed Istio gives code scanning a place for plan findings.
  const Resource* revealed_by = nullptr;
  std::string field_path;
  if (!ctx.istio().empty())
    if (std::optional<VersionEvidence> v = ctx.istio().control_planes.front().version()) {
      revealed_by = v->source;
      field_path = v->field_path;
    }
  auto check_flag = [&](std::string_view flag, const std::string& value, std::string_view consequence) {
    if (value.empty() || is_valid_revision_name(value)) return;
    out.report_plan(
        fmt::format("{} {} is not a valid revision name: {}; {}{}", flag, value, kWhy, consequence, write_as(value)),
        {.revealed_by = revealed_by, .field_path = field_path});
  };
  check_flag("--revision", ctx.plan().revision,
             "`istioctl install --revision` and the charts cannot create a control plane by that name");
  check_flag("--remove-revision", ctx.plan().remove_revision, "no installed revision can have that name");
}

void check(const CheckContext& ctx, FindingSink& out) {
  const Snapshot& snapshot = ctx.snapshot();
  const RevisionIndex index(snapshot, ctx.istio());
  check_plan(ctx, out);

  // Objects whose own istio.io/rev label names a revision. Pods repeat their templates; owned
  // ReplicaSets and Jobs repeat their owners'.
  std::set<const Resource*> reported;
  for (const Resource& r : snapshot.all()) {
    if (r.kind() == "Pod" ||
        ((r.kind() == "ReplicaSet" || r.kind() == "Job") && r.metadata()["ownerReferences"].size() != 0))
      continue;
    std::optional<std::string_view> rev = r.label("istio.io/rev");
    if (!rev || rev->empty() || is_valid_revision_name(*rev)) continue;
    reported.insert(&r);
    if (r.kind() == "Namespace") {
      out.report(r, label_path("istio.io/rev"),
                 fmt::format("namespace {} is labelled istio.io/rev={}, which no revision can be "
                             "called: {}; so the label selects no revision for {}{}",
                             r.name(), *rev, kWhy, r.name(), write_as(*rev)),
                 {.fix = relabel_fix(r, index, *rev, "metadata.labels", true)});
    } else {
      out.report(r, label_path("istio.io/rev"),
                 fmt::format("{} is labelled istio.io/rev={}, which no revision can be called: {}; the charts also "
                             "put the revision into Service names (istiod-<revision>), which the API server "
                             "rejects with '.' in them{}",
                             r.display_name(), *rev, kWhy, write_as(*rev)));
    }
  }

  for (const TemplatedWorkload& w : templated_workloads(snapshot)) {
    std::string_view rev = w.labels()["istio.io/rev"].text();
    // One finding per object: a Deployment rendered with the bad revision carries it twice.
    if (rev.empty() || is_valid_revision_name(rev) || reported.count(w.object) != 0) continue;
    out.report(*w.object, w.label_path("istio.io/rev"),
               fmt::format("{}'s pod template is labelled istio.io/rev={}, which no revision can be "
                           "called: {}; so the label selects no revision for its pods{}",
                           w.object->display_name(), rev, kWhy, write_as(rev)),
               {.fix = relabel_fix(*w.object, index, rev, w.template_path + ".metadata.labels", false)});
  }

  for (const Resource* iop : snapshot.of_kind("IstioOperator")) {
    std::string_view rev = iop->spec()["revision"].text();
    if (rev.empty() || is_valid_revision_name(rev)) continue;
    std::optional<Fix> fix;
    if (std::string good = suggest_revision_name(rev); !good.empty()) {
      fix.emplace();
      fix->title = fmt::format("set spec.revision: {}", good);
      fix->applicability = Applicability::DisplayOnly;
      fix->patches.push_back({iop->ref(), {{"spec", {{"revision", good}}}}});
      fix->manual_note = "change it in the IstioOperator file that istioctl installs";
    }
    out.report(*iop, "spec.revision",
               fmt::format("IstioOperator {}/{} sets spec.revision: {}: {}, so installing it fails with "
                           "\"invalid revision specified: {}\"{}",
                           iop->ns(), iop->name(), rev, kWhy, rev, write_as(rev)),
               {.fix = std::move(fix)});
  }

  for (const Resource* cm : snapshot.of_kind("ConfigMap")) {
    if (cm->name().substr(0, 22) != "istio-sidecar-injector") continue;
    std::string rev = values_revision(*cm);
    if (rev.empty() || is_valid_revision_name(rev) || cm->label("istio.io/rev")) continue;  // reported above
    out.report(*cm, "data.values",
               fmt::format("the injector values in ConfigMap {}/{} set revision {}, which no revision can be called: "
                           "{}{}",
                           cm->ns(), cm->name(), rev, kWhy, write_as(rev)));
  }
}

}  // namespace

constinit const Rule invalid_revision_name{
    .info =
        {
            .code = "REV003",
            .name = "invalid-revision-name",
            .severity = Severity::Error,
            .title = "Revision name is not a DNS-1123 label",
            .rationale =
                "A revision name ends up in resource names (istiod-<revision>, istio-sidecar-injector-<revision>) and "
                "label selectors, so it must be a DNS-1123 label: lowercase alphanumerics and '-', starting and "
                "ending with an alphanumeric, at most 63 characters. istioctl checks it before installing "
                "(istio/istio operator/pkg/validate/validate.go, validateRevision: labels.IsDNS1123Label, \"invalid "
                "revision specified\"), and the canary guide warns: \"you must replace . characters in the revision "
                "name, for example, revision=1-6-8 for Istio 1.6.8, because . is not a valid revision name "
                "character\" (istio.io, Canary Upgrades). Kubernetes label values may contain '.', '_' and capitals, "
                "so a namespace or pod template can be labelled istio.io/rev=1.21.0 without complaint, but no "
                "revision can ever carry that name and no injector selects it: its pods start without a sidecar. "
                "`helm template --set revision=1.21.0` renders without complaint too, and the install then fails on "
                "the istiod-1.21.0 Service. The rule reads istio.io/rev labels on every object but pods (their "
                "templates are read instead), IstioOperator spec.revision, the injector ConfigMap's values, and the "
                "plan's --revision and --remove-revision. An invalid --revision is a finding on the plan rather "
                "than a usage error: upcheck can still check everything else, and the report says what to write "
                "instead.",
            .remediation = "Name revisions after the release with '-' for '.': 1-21-0 for Istio 1.21.0; relabel "
                           "namespaces and pod templates with the installed revision's name.",
            .fix = FixAvailability::Sometimes,
            .kinds = kKinds,
            .example_bad = R"(apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    istio.io/rev: 1.21.0
)",
            .example_good = R"(apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    istio.io/rev: 1-21-0
)",
        },
    .check = check,
};

}  // namespace upcheck::rules
