#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "istio/helm_release.hpp"
#include "istio/istio_releases.hpp"
#include "istio/ownership.hpp"
#include "model/tree_json.hpp"
#include "rules/all_rules.hpp"
#include "rules/api/support/deprecated_apis.hpp"
#include "rules/common/cluster_kubernetes.hpp"

namespace upcheck::rules {
namespace {

// Any kind can name an old apiVersion; Helm release records (Secret, ConfigMap) carry the
// apiVersions of what the release installed.
constexpr std::string_view kKinds[] = {"every kind", "Secret", "ConfigMap"};
constexpr std::string_view kLastApplied = "kubectl.kubernetes.io/last-applied-configuration";

// Where an apiVersion was seen, strongest first. In a live dump `apiVersion` is whatever version
// the API server chose to serve, so for Kubernetes kinds only what the owner sends counts: a
// manifest file, a Helm release's manifest, the version a field manager last wrote with, the
// last-applied annotation. Istio "removes" a kind by no longer reading it, so there a live
// object's own apiVersion is the evidence.
enum class Source : uint8_t { Manifest, LiveObject, HelmRelease, FieldManager, LastApplied };

struct Evidence {
  Source source;
  std::string api_version;
  std::string field_path;
  std::string manager;  // FieldManager: its name
};

// Managers that are the API server's own controllers: what they write says nothing of the owner.
bool is_server_controller(std::string_view manager) {
  return manager.substr(0, 5) == "kube-" || manager == "kubelet" || manager == "before-first-apply";
}

std::vector<Evidence> evidence_of(const Resource& r) {
  std::vector<Evidence> out;
  if (!r.from_cluster()) {
    out.push_back({Source::Manifest, std::string(r.api_version()), "apiVersion", {}});
    return out;
  }
  out.push_back({Source::LiveObject, std::string(r.api_version()), "apiVersion", {}});
  size_t index = 0;
  for (NodeRef entry : r.metadata()["managedFields"].elements()) {
    std::string_view manager = entry["manager"].text(), version = entry["apiVersion"].text();
    if (!version.empty() && entry["subresource"].text().empty() && !is_server_controller(manager))
      out.push_back({Source::FieldManager, std::string(version),
                     fmt::format("metadata.managedFields[{}].apiVersion", index), std::string(manager)});
    ++index;
  }
  if (std::string_view applied = r.last_applied_api_version(); !applied.empty())
    out.push_back(
        {Source::LastApplied, std::string(applied), fmt::format("metadata.annotations[\"{}\"]", kLastApplied), {}});
  return out;
}

struct Targets {
  Version kubernetes;
  Version istio;
  bool kubernetes_assumed = false;
  bool istio_assumed = false;
  std::optional<ClusterKubernetes> cluster;  // what the cluster runs now, at most
};

std::string_view component_name(ApiComponent c) { return c == ApiComponent::Kubernetes ? "Kubernetes" : "Istio"; }

// How a row stands at the target: removed, only deprecated, or not yet either.
enum class Verdict : uint8_t { Fine, Deprecated, Removed };

Verdict judge(const DeprecatedApi& row, const Targets& t) {
  const Version& target = row.component == ApiComponent::Kubernetes ? t.kubernetes : t.istio;
  auto reached = [&](std::string_view release) {
    std::optional<Version> v = Version::parse(release);
    return v && !(target.minor_only() < v->minor_only());
  };
  if (reached(row.removed_in)) return Verdict::Removed;
  if (reached(row.deprecated_in)) return Verdict::Deprecated;
  return Verdict::Fine;
}

std::string replacement_of(const DeprecatedApi& row, std::string_view kind) {
  if (row.replacement.empty()) return {};
  return fmt::format("{} {}", row.replacement, row.replacement_kind.empty() ? kind : row.replacement_kind);
}

// "removed in Kubernetes 1.25" / "deprecated since Kubernetes 1.21 (removed in 1.25)"
std::string status_of(const DeprecatedApi& row, Verdict verdict) {
  std::string_view component = component_name(row.component);
  if (verdict == Verdict::Removed) return fmt::format("removed in {} {}", component, row.removed_in);
  return fmt::format("deprecated since {} {}{}", component, row.deprecated_in,
                     row.removed_in.empty() ? std::string() : fmt::format(" (removed in {})", row.removed_in));
}

// Whether a same-schema row's caveat concerns this object: PodDisruptionBudget's empty selector
// flips from no pods to every pod. A Helm release's objects (nullptr) are not at hand: their chart
// is what changes, so the caveat is left to its authors.
bool caveat_applies(const DeprecatedApi& row, const Resource* r) {
  if (row.changes.empty() || r == nullptr) return false;
  NodeRef selector = r->spec()["selector"];
  return r->kind() == "PodDisruptionBudget" && selector.is_map() && selector.size() == 0;
}

// What the move takes: "use policy/v1 PodDisruptionBudget (same schema)", and the replacement's own
// fate when the target removed it too (a Mixer adapter's handler is gone with Mixer).
std::string what_to_use(const DeprecatedApi& row, std::string_view kind, const Targets& t, const Resource* r) {
  std::string replacement = replacement_of(row, kind);
  if (replacement.empty()) return row.changes.empty() ? "it has no replacement" : std::string(row.changes);
  std::string out = row.schema_unchanged
                        ? fmt::format("use {} (same schema{})", replacement,
                                      caveat_applies(row, r) ? "; beware: " + std::string(row.changes) : "")
                        : fmt::format("use {}: {}", replacement, row.changes);
  if (const DeprecatedApi* next =
          find_deprecated_api(row.replacement, row.replacement_kind.empty() ? kind : row.replacement_kind);
      next != nullptr && next != &row && judge(*next, t) == Verdict::Removed)
    out += fmt::format("; that is itself removed in {} {}: {}", component_name(next->component), next->removed_in,
                       next->changes);
  return out;
}

// Why the cluster cannot take the replacement now: it runs a Kubernetes older than the first
// release that serves it (policy/v1 on an Istio 1.1 cluster); empty when it can, or is unknown.
std::string not_served_yet(const DeprecatedApi& row, const Targets& t) {
  if (row.component != ApiComponent::Kubernetes || !t.cluster) return {};
  std::string_view since = row.replacement_served_in.empty() ? row.deprecated_in : row.replacement_served_in;
  std::optional<Version> served = Version::parse(since);
  if (!served || !(t.cluster->newest.minor_only() < served->minor_only())) return {};
  return fmt::format(
      "the cluster does not serve {} yet: {}, and {} is served from Kubernetes {}; apply this after "
      "upgrading Kubernetes to {} or later{}",
      row.replacement, t.cluster->how, row.replacement, since, since,
      row.removed_in.empty() ? std::string()
                             : fmt::format(", before {} removes {}", row.removed_in, row.group_version));
}

// The migration for an object whose own manifest carries the apiVersion.
Fix manifest_fix(const Resource& r, const DeprecatedApi& row, const Targets& targets) {
  Fix fix;
  std::string replacement = replacement_of(row, r.kind());
  fix.title = fmt::format("move {} to {}", r.display_name(), replacement);
  if (std::optional<Manager> m = managing_tool(r)) {
    fix.applicability = Applicability::DisplayOnly;
    fix.manual_note = change_at_source_note(*m, fmt::format("the apiVersion to {}", row.replacement));
    return fix;
  }
  if (!row.schema_unchanged) {
    fix.applicability = Applicability::DisplayOnly;
    fix.manual_note = fmt::format("not a rewrite of apiVersion alone: {}", row.changes);
    return fix;
  }
  if (!r.kept_whole()) {
    // The loader keeps only part of this kind, so upcheck cannot write the whole object.
    fix.applicability = Applicability::DisplayOnly;
    fix.manual_note = fmt::format("edit the manifest: set apiVersion: {} (the schema is the same)", row.replacement);
    return fix;
  }
  nlohmann::json object = to_json(r.root());
  object["apiVersion"] = row.replacement;
  fix.apply.push_back(std::move(object));
  if (caveat_applies(row, &r)) {
    fix.applicability = Applicability::Unsafe;
    fix.manual_note = std::string(row.changes);
  }
  if (std::string why = not_served_yet(row, targets); !why.empty()) {
    fix.applicability = Applicability::DisplayOnly;
    fix.manual_note = fix.manual_note.empty() ? why : fmt::format("{}; {}", why, fix.manual_note);
  }
  return fix;
}

// For a live object the stored object converts by itself; what must change is whatever applies it.
Fix source_fix(const Resource& r, const DeprecatedApi& row, std::string_view what_applies) {
  Fix fix;
  fix.title = fmt::format("move what applies {} to {}", r.display_name(), replacement_of(row, r.kind()));
  fix.applicability = Applicability::DisplayOnly;
  if (std::optional<Manager> m = managing_tool(r))
    fix.manual_note = change_at_source_note(*m, fmt::format("the apiVersion to {}", row.replacement));
  else
    fix.manual_note =
        fmt::format("change it at its source ({}); the object stored in the cluster needs nothing", what_applies);
  return fix;
}

// An Istio object of a kind the target no longer reads: a new object of the replacement kind, then
// the old one deleted. The translation is not mechanical, so it is shown, not applied.
Fix replacement_fix(const Resource& r, const DeprecatedApi& row) {
  Fix fix;
  fix.title = fmt::format("replace {} with {}", r.display_name(), replacement_of(row, r.kind()));
  fix.applicability = Applicability::DisplayOnly;
  std::string how = fmt::format("write {}, apply it, then delete {}", row.changes, r.display_name());
  if (std::optional<Manager> m = managing_tool(r))
    fix.manual_note = change_at_source_note(*m, fmt::format("the object ({})", how));
  else
    fix.manual_note = how;
  return fix;
}

// A Helm-managed object whose release record is in the input: the release's finding covers it.
bool covered_by_release(const Resource& r, const std::set<std::pair<std::string, std::string>>& releases) {
  std::string_view name = r.annotation("meta.helm.sh/release-name").value_or("");
  std::string_view ns = r.annotation("meta.helm.sh/release-namespace").value_or("");
  return !name.empty() && releases.count({std::string(ns), std::string(name)}) != 0;
}

struct Judged {
  const DeprecatedApi* row = nullptr;
  Verdict verdict = Verdict::Fine;
};

class Checker {
 public:
  Checker(FindingSink& out, Targets targets) : out_(out), targets_(std::move(targets)) {}

  void object(const Resource& r, const std::set<std::pair<std::string, std::string>>& releases) {
    std::vector<Evidence> evidence = evidence_of(r);
    const bool helm_covers = covered_by_release(r, releases);
    std::set<std::string> reported;  // one finding per deprecated apiVersion, from its strongest evidence
    for (const Evidence& e : evidence) {
      Judged j = judged(e.api_version, r.kind());
      if (j.row == nullptr) continue;
      const bool kubernetes = j.row->component == ApiComponent::Kubernetes;
      if (e.source == Source::LiveObject && kubernetes) continue;  // the server's choice, not the owner's
      if (kubernetes && helm_covers && e.source != Source::Manifest) continue;
      if (!reported.insert(e.api_version).second) continue;
      report(r, e, j);
    }
  }

  void release(const HelmRelease& release) {
    for (const HelmManifestKind& k : release.summary.manifest_kinds) {
      Judged j = judged(k.api_version, k.kind);
      if (j.row == nullptr) continue;
      const DeprecatedApi& row = *j.row;
      std::string message = fmt::format(
          "Helm {} rendered {} {} object{} with {} ({}), {}: {}; {}", release.describe(), k.count, k.kind,
          k.count == 1 ? "" : "s", k.api_version, k.template_path.empty() ? "its manifest" : k.template_path,
          status_of(row, j.verdict),
          j.verdict != Verdict::Removed               ? "upgrade the chart before that release"
          : row.component != ApiComponent::Kubernetes ? "the objects it installs are ignored there"
          : is_tiller(release.summary.storage)
              ? "after the Kubernetes upgrade `helm upgrade` fails, as Tiller cannot build the stored release's "
                "objects any more"
              : "after the Kubernetes upgrade `helm upgrade` fails (\"current release manifest contains removed "
                "kubernetes api(s)\") until the chart renders the new version and the stored release is rewritten",
          what_to_use(row, k.kind, targets_, nullptr));
      Fix fix;
      fix.title = fmt::format("upgrade Helm release {} to a chart that renders {}", release.name(),
                              replacement_of(row, k.kind));
      fix.applicability = Applicability::DisplayOnly;
      fix.manual_note = "change it at its source: the chart (or its values) of the release";
      if (is_tiller(release.summary.storage))
        // helm mapkubeapis dropped Helm 2 with v0.2.0 (its release notes).
        fix.manual_note += "; a Helm 2 release: convert it with `helm 2to3` first";
      else if (j.verdict == Verdict::Removed && row.component == ApiComponent::Kubernetes)
        fix.commands.push_back(
            fmt::format("helm mapkubeapis {} --namespace {}", release.name(),
                        release.ns().empty() ? release.record->ns() : std::string_view(release.ns())));
      out_.report(*release.record, "metadata.name", std::move(message),
                  {.severity = severity(j.verdict, Source::HelmRelease),
                   .discriminator = k.api_version + " " + k.kind,
                   .fix = std::move(fix)});
    }
  }

  void notices() {
    if (kubernetes_assumed_used_)
      out_.notice(nullptr, &kApiTargetAssumed,
                  fmt::format("deprecated-api-version judged Kubernetes API versions against Kubernetes {}, the newest "
                              "release in its table, as --to-kubernetes was not given",
                              targets_.kubernetes.str()));
    if (istio_assumed_used_)
      out_.notice(nullptr, &kApiTargetAssumed,
                  fmt::format("deprecated-api-version judged Istio API versions against Istio {}, the newest release "
                              "upcheck knows, as --to was not given",
                              targets_.istio.str()));
  }

 private:
  Judged judged(std::string_view api_version, std::string_view kind) {
    const DeprecatedApi* row = find_deprecated_api(api_version, kind);
    if (row == nullptr) return {};
    Verdict verdict = judge(*row, targets_);
    if (verdict == Verdict::Fine) return {};
    if (row->component == ApiComponent::Kubernetes ? targets_.kubernetes_assumed : targets_.istio_assumed)
      (row->component == ApiComponent::Kubernetes ? kubernetes_assumed_used_ : istio_assumed_used_) = true;
    return {row, verdict};
  }

  static Severity severity(Verdict verdict, Source source) {
    // Removed: the upgrade breaks it (the rule's error). Deprecated: a warning. The
    // last-applied annotation goes stale (FairwindsOps/pluto#495, #461; doitintl/kube-no-trouble#528):
    // never more than information.
    if (source == Source::LastApplied) return Severity::Info;
    return verdict == Verdict::Deprecated ? Severity::Warning : Severity::Error;
  }

  void report(const Resource& r, const Evidence& e, const Judged& j) {
    const DeprecatedApi& row = *j.row;
    const bool removed = j.verdict == Verdict::Removed;
    const bool kubernetes = row.component == ApiComponent::Kubernetes;
    std::string consequence;
    std::string message;
    switch (e.source) {
      case Source::Manifest:
        consequence = !removed     ? "move it before that release"
                      : kubernetes ? "applying this manifest fails there (the API server no longer serves it)"
                                   : "the upgraded control plane ignores it";
        message = fmt::format("{} uses {}, {}: {}; {}", r.display_name(), e.api_version, status_of(row, j.verdict),
                              consequence, what_to_use(row, r.kind(), targets_, &r));
        break;
      case Source::LiveObject:
        message = fmt::format("{} uses {}, {}: {}; {}", r.display_name(), e.api_version, status_of(row, j.verdict),
                              removed ? "the upgraded control plane ignores it and what it configured stops"
                                      : "replace it before that release",
                              what_to_use(row, r.kind(), targets_, &r));
        break;
      case Source::FieldManager:
        message =
            fmt::format("{} was last written by field manager {} with {}, {}: {}; {}", r.display_name(), e.manager,
                        e.api_version, status_of(row, j.verdict),
                        removed ? "that tool's next write fails there" : "move what it applies before that release",
                        what_to_use(row, r.kind(), targets_, &r));
        break;
      case Source::LastApplied:
        message = fmt::format(
            "{} was last applied with kubectl as {} (its last-applied-configuration annotation), {}: if that manifest "
            "is still applied, {}; {}. Weak evidence: the annotation goes stale once Helm, server-side apply or a "
            "controller updates the object",
            r.display_name(), e.api_version, status_of(row, j.verdict),
            removed ? "the apply fails there" : "move it before that release",
            what_to_use(row, r.kind(), targets_, &r));
        break;
      case Source::HelmRelease:
        break;
    }
    out_.report(r, e.field_path, std::move(message),
                {.severity = severity(j.verdict, e.source), .discriminator = e.api_version, .fix = fix_for(r, e, row)});
  }

  std::optional<Fix> fix_for(const Resource& r, const Evidence& e, const DeprecatedApi& row) const {
    if (row.replacement.empty()) return std::nullopt;
    if (e.source == Source::Manifest) return manifest_fix(r, row, targets_);
    if (e.source == Source::LiveObject) return replacement_fix(r, row);
    if (e.source == Source::FieldManager)
      return source_fix(r, row, fmt::format("what field manager {} applies", e.manager));
    return source_fix(r, row, "the manifest applied with kubectl");
  }

  FindingSink& out_;
  Targets targets_;
  bool kubernetes_assumed_used_ = false;
  bool istio_assumed_used_ = false;
};

void check(const CheckContext& ctx, FindingSink& out) {
  const UpgradePlan& plan = ctx.plan();
  Targets targets;
  if (plan.to_kubernetes) {
    targets.kubernetes = *plan.to_kubernetes;
  } else {
    targets.kubernetes = *Version::parse(newest_release_in_table(ApiComponent::Kubernetes));
    targets.kubernetes_assumed = true;
  }
  if (plan.to) {
    targets.istio = *plan.to;
  } else {
    targets.istio = newest_istio_release().version();
    targets.istio_assumed = true;
  }
  targets.cluster = cluster_kubernetes(ctx);
  Checker checker(out, targets);

  std::vector<HelmRelease> releases = current_helm_releases(ctx.snapshot());
  std::set<std::pair<std::string, std::string>> decoded_releases;
  for (const HelmRelease& r : releases)
    if (r.summary.decoded) decoded_releases.insert({r.ns().empty() ? std::string(r.record->ns()) : r.ns(), r.name()});

  for (const Resource& r : ctx.snapshot().all()) checker.object(r, decoded_releases);
  for (const HelmRelease& r : releases)
    if (r.summary.decoded) checker.release(r);
  checker.notices();
}

}  // namespace

constinit const Rule deprecated_api_version{
    .info =
        {
            .code = "API001",
            .name = "deprecated-api-version",
            .severity = Severity::Error,
            .other_severities = {Severity::Warning, Severity::Info},
            .title = "Object uses an API version the target deprecates or removes",
            .rationale =
                "A Kubernetes upgrade stops serving removed API versions: applying a manifest that still names one "
                "fails, and so does `helm upgrade` of a release whose stored manifest names one (\"current release "
                "manifest contains removed kubernetes api(s)\"; helm.sh/docs/topics/kubernetes_apis, helm "
                "mapkubeapis). Istio drops kinds by no longer reading them: RouteRule, DestinationPolicy and "
                "EgressRule in 1.0, the adapter-specific Mixer kinds in 1.3, authentication.istio.io Policy and "
                "MeshPolicy in 1.6, all of config.istio.io with Mixer in 1.8 (istio.io upgrade notes of each "
                "release, gathered in shared/data/istio-api-removals.tsv). The Kubernetes table follows the "
                "Deprecated API Migration Guide (kubernetes/website deprecation-guide.md) and Pluto's versions.yaml "
                "(FairwindsOps/pluto), with whether the replacement keeps the schema, so that a fix may just "
                "rewrite apiVersion. In a live dump apiVersion is whatever the API server chose to serve, so for "
                "Kubernetes kinds upcheck judges what the owner sends: manifest files, the newest revision of each "
                "Helm release (older ones describe what was: FairwindsOps/pluto#329, doitintl/kube-no-trouble#469), "
                "the version each field manager last wrote with, and, as weak evidence only (severity info), the "
                "last-applied-configuration annotation, which goes stale after server-side apply, Helm or "
                "controller updates (FairwindsOps/pluto#495, #461; doitintl/kube-no-trouble#528). Objects from a "
                "live cluster are told from manifests by metadata.uid. The rbac.istio.io kinds are left to "
                "deprecated-rbac-config (MESH001), which migrates them to AuthorizationPolicy. Without "
                "--to-kubernetes the newest Kubernetes release in the table is the target, and without --to the "
                "newest Istio release; a notice says so.",
            .remediation =
                "Move each object to the replacement apiVersion at its source (manifest, chart, GitOps repository) "
                "before the upgrade that removes the old one; where the schema changed, migrate the fields too. "
                "For Helm releases, upgrade the chart first, or rewrite the stored release with helm mapkubeapis.",
            .fix = FixAvailability::Sometimes,
            .kinds = kKinds,
            .example_bad = R"(apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata:
  name: istiod
  namespace: istio-system
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app: istiod
)",
            .example_good = R"(apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: istiod
  namespace: istio-system
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app: istiod
)",
            .example_args = "--to 1.24 --to-kubernetes 1.25",
        },
    .check = check,
};

}  // namespace upcheck::rules
