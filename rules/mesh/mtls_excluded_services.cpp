#include <fmt/format.h>

#include <algorithm>

#include "istio/ownership.hpp"
#include "rules/all_rules.hpp"
#include "rules/common/mesh_config.hpp"
#include "rules/mesh/support/mtls_migration.hpp"

namespace upcheck::rules {
namespace {

constexpr std::string_view kKinds[] = {"ConfigMap", "DestinationRule", "Service", "Namespace", "Deployment"};

// Where the mesh config option stands on the installed release.
struct OptionStatus {
  std::string text;
  bool changes_traffic = true;
};

OptionStatus option_status(const InstalledRelease& installed) {
  if (!installed.version)
    return {
        "Pilot applies the list up to Istio 0.7, 0.8 sidecars already ignore it and 1.0 removed it; the installed "
        "release is unknown (pass --from): on 0.8 or later, sidecars already use the mesh-wide client TLS for this "
        "host and applying the migration changes live traffic",
        true};
  const Version& v = *installed.version;
  if (v < Version{0, 8, std::nullopt, {}})
    return {fmt::format("Pilot {} still applies the list, but 0.8 sidecars ignore it and 1.0 removed it: migrate "
                        "before upgrading or this host gets mutual TLS it cannot terminate",
                        v.str()),
            false};
  if (v.same_minor(Version{0, 8, std::nullopt, {}}))
    return {
        "Istio 0.8 sidecars take client TLS from DestinationRules and no longer honour the list (only 0.7 "
        "sidecars still do), and 1.0 removed the option: 0.8 sidecars already use the mesh-wide client TLS for "
        "this host, so applying the migration changes live traffic",
        true};
  return {fmt::format("Pilot has ignored the option since Istio 1.0 (0.8 sidecars already did), so on the installed "
                      "{} sidecars already use the mesh-wide client TLS (mutual TLS where it is on mesh-wide) for "
                      "this host: applying the migration changes live traffic",
                      v.str()),
          true};
}

// What the listed host names and where its DestinationRule goes.
struct HostTarget {
  std::optional<ServiceName> service;  // a Kubernetes service: the rule goes in its namespace
  std::string rule_namespace;
  std::string rule_host;  // the host the new DestinationRule names
  std::string rule_name;
  std::string note;  // how the host was read, when it is not a plain FQDN
};

std::string dns_label(std::string_view host) {
  std::string out;
  for (char c : host) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
      out += c;
    else if (c >= 'A' && c <= 'Z')
      out += static_cast<char>(c - 'A' + 'a');
    else if (!out.empty() && out.back() != '-')
      out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

// Pilot compared each entry with a service's full hostname (`name.ns.svc.cluster.local`), so the
// guide's example, a FQDN, is the form that ever worked. A two-label entry (`name.ns`) is read as
// a service when the input shows that service or namespace; anything else (a single label, a
// wildcard, an external name) gets a rule for the host as written, in the mesh config's namespace,
// which every sidecar reads.
std::optional<HostTarget> host_target(const Snapshot& snapshot, std::string_view host, std::string_view mesh_ns) {
  HostTarget t;
  std::optional<ServiceName> service = service_named_by(host, "");
  const size_t dots = static_cast<size_t>(std::count(host.begin(), host.end(), '.'));
  if (service && dots == 0) return std::nullopt;  // a single label names no namespace
  if (service && dots == 1 && snapshot.find("Service", service->ns, service->name) == nullptr &&
      snapshot.find("Namespace", "", service->ns) == nullptr)
    service.reset();  // `example.com`, not a service
  if (service) {
    t.service = service;
    t.rule_namespace = service->ns;
    t.rule_host = service_fqdn(*service);
    if (host != t.rule_host)
      t.note = fmt::format(
          "; Pilot compared entries with full hostnames, so `{}` never matched {} and the migration "
          "names the service by its FQDN",
          host, t.rule_host);
    // The guide's own name for the API server's rule.
    t.rule_name = service->name == "kubernetes" && service->ns == "default"
                      ? "kubernetes-master"
                      : "disable-mtls-" + dns_label(service->name);
  } else {
    t.rule_namespace = std::string(mesh_ns);
    t.rule_host = std::string(host);
    t.rule_name = "disable-mtls-" + dns_label(host);
  }
  return t;
}

std::string tls_mode(NodeRef traffic_policy) { return std::string(traffic_policy["tls"]["mode"].text()); }

// Turns TLS off in a traffic policy and its port and subset overrides, keeping everything else.
void disable_tls(nlohmann::json& traffic_policy, bool top_level) {
  if (!traffic_policy.is_object()) return;
  if (top_level || traffic_policy.contains("tls")) traffic_policy["tls"] = {{"mode", "DISABLE"}};
  if (auto settings = traffic_policy.find("portLevelSettings");
      settings != traffic_policy.end() && settings->is_array())
    for (nlohmann::json& s : *settings)
      if (s.is_object() && s.contains("tls")) s["tls"] = {{"mode", "DISABLE"}};
}

void disable_tls_in_rule(nlohmann::json& rule) {
  nlohmann::json& spec = rule["spec"];
  if (!spec.contains("trafficPolicy") || !spec["trafficPolicy"].is_object())
    spec["trafficPolicy"] = nlohmann::json::object();
  disable_tls(spec["trafficPolicy"], true);
  if (auto subsets = spec.find("subsets"); subsets != spec.end() && subsets->is_array())
    for (nlohmann::json& subset : *subsets)
      if (subset.is_object() && subset.contains("trafficPolicy")) disable_tls(subset["trafficPolicy"], false);
}

void report_entry(const CheckContext& ctx, FindingSink& out, const MeshConfig& mesh, std::string_view key,
                  NodeRef entry) {
  const Snapshot& snapshot = ctx.snapshot();
  const Resource& config_map = *mesh.config_map;
  const std::string host(entry.text());
  const InstalledRelease installed = installed_release(ctx);
  const OptionStatus status = option_status(installed);
  const std::string listed =
      fmt::format("ConfigMap {}/{} lists {} in the mesh config's {}", config_map.ns(), config_map.name(), host, key);
  auto place = [&](std::string message, std::optional<Fix> fix = std::nullopt) {
    out.report_at(config_map, mesh.position(entry), std::move(message), {.discriminator = host, .fix = std::move(fix)});
  };

  std::optional<HostTarget> target = host_target(snapshot, host, config_map.ns());
  if (!target) {
    place(
        fmt::format("{}, a single label that names no namespace, which Pilot never matched (it compared full "
                    "hostnames); if it meant a service, add a DestinationRule with tls.mode DISABLE for its FQDN",
                    listed));
    return;
  }

  std::vector<const Resource*> rules = target->service ? destination_rules_for(snapshot, *target->service)
                                                       : destination_rules_for_host(snapshot, target->rule_host);
  // A rule every sidecar reads that already turns TLS off for the host leaves nothing to migrate:
  // the entry is dead configuration, which Istio 1.0 and later ignore.
  for (const Resource* rule : rules) {
    const bool mesh_wide =
        exported_to_mesh(*rule) && (rule->ns() == target->rule_namespace || rule->ns() == config_map.ns());
    if (mesh_wide && tls_mode(rule->spec()["trafficPolicy"]) == "DISABLE") return;
  }

  Fix fix;
  fix.stage = first_stage(installed, ctx.plan());
  fix.applicability = status.changes_traffic ? Applicability::Unsafe : Applicability::Safe;
  bool serves_all = false;
  std::vector<std::string> edited;
  for (const Resource* rule : rules) {
    nlohmann::json copy = apply_copy(*rule);
    disable_tls_in_rule(copy);
    fix.apply.push_back(std::move(copy));
    edited.push_back(fmt::format("{}/{}", rule->ns(), rule->name()));
    serves_all = serves_all || rule->ns() == target->rule_namespace || exported_to_mesh(*rule);
    if (std::optional<Manager> m = managing_tool(*rule); m && fix.manual_note.empty()) {
      fix.applicability = Applicability::DisplayOnly;
      fix.manual_note = change_at_source_note(*m, fmt::format("DestinationRule {}/{}", rule->ns(), rule->name()));
    }
  }
  if (!serves_all)
    fix.apply.push_back({{"apiVersion", "networking.istio.io/v1alpha3"},
                         {"kind", "DestinationRule"},
                         {"metadata", {{"name", target->rule_name}, {"namespace", target->rule_namespace}}},
                         {"spec", {{"host", target->rule_host}, {"trafficPolicy", {{"tls", {{"mode", "DISABLE"}}}}}}}});
  fix.title = fmt::format(
      "{}{}", fix.stage.empty() ? "" : fmt::format("before upgrading to {}: ", fix.stage),
      edited.empty()
          ? fmt::format("add DestinationRule {}/{} with tls.mode DISABLE", target->rule_namespace, target->rule_name)
          : fmt::format("set tls.mode DISABLE in DestinationRule {}", fmt::join(edited, ", ")));

  std::string message = fmt::format("{}; {}{}", listed, status.text, target->note);
  if (!edited.empty())
    message += fmt::format(
        "; DestinationRule {} already names this host, so the migration edits it rather than add "
        "another",
        fmt::join(edited, ", "));
  if (target->service && snapshot.covers_kind("Namespace") &&
      snapshot.find("Namespace", "", target->rule_namespace) == nullptr)
    message += fmt::format("; namespace {} is not in the input: create it or put the rule in {}",
                           target->rule_namespace, config_map.ns());
  place(std::move(message), std::move(fix));
}

void check(const CheckContext& ctx, FindingSink& out) {
  // An upgrade within 0.x before 0.8 keeps sidecars that honour the list.
  if (ctx.plan().to && *ctx.plan().to < Version{0, 8, std::nullopt, {}}) return;
  for (const MeshConfig& mesh : mesh_configs(ctx.snapshot())) {
    for (std::string_view key : {"mtlsExcludedServices", "mtls_excluded_services"}) {
      for (NodeRef entry : mesh.root().get(key).elements())
        if (entry.is_scalar() && !entry.text().empty()) report_entry(ctx, out, mesh, key, entry);
    }
  }
}

}  // namespace

constinit const Rule mtls_excluded_services{
    .info =
        {
            .code = "MESH003",
            .name = "mtls-excluded-services",
            .severity = Severity::Warning,
            .title = "Mesh config excludes hosts from mutual TLS with mtlsExcludedServices",
            .rationale =
                "Istio 0.3 added the mesh config option `mtls_excluded_services` (`mtlsExcludedServices`): hosts, "
                "typically the Kubernetes API server, to which sidecars never originate mutual TLS (istio/api#229, "
                "istio/istio#1607). Pilot applied it while building outbound clusters for v1 xDS sidecars "
                "(isDestinationExcludedForMTLS in pilot/pkg/proxy/envoy/v1/policy.go, 0.5 to 0.7 sources), comparing "
                "each entry with the service's full hostname. From 0.8, sidecars on the v2 API take client TLS from "
                "DestinationRules: the "
                "option \"doesn't appear to be working (as it did in 0.7.1)\" (istio/istio#6028), \"since 0.8, this "
                "(client settings) needs to be defined explicitly with destination rules\" (istio/istio#6056), the "
                "0.8.0 chart ships it commented out, istio/api#511 deprecated the field, and it was removed in 1.0 "
                "(istio/istio.io#1478). The 1.2 Upgrade Steps guide (\"Migrating the mtls_excluded_services "
                "configuration to destination rules\") replaces each entry with a DestinationRule for the host with "
                "tls.mode DISABLE, e.g. `kubernetes-master` in `default` for kubernetes.default.svc.cluster.local. "
                "The rule goes in the service's namespace (derived from the FQDN); a DestinationRule that already "
                "names the host is edited instead of duplicated, and an entry whose host already has such a rule that "
                "every sidecar reads (in the host's namespace or the mesh config's) is migrated, so it stays silent. "
                "Both spellings of the option are read; the "
                "finding points at the entry's own line when `data.mesh` is a block scalar, else at `mesh:`. An "
                "upgrade "
                "that ends before 0.8 keeps sidecars that honour the list, so it reports nothing.",
            .remediation = "Add (or edit) a DestinationRule with trafficPolicy.tls.mode DISABLE for each listed host, "
                           "then delete the option from the mesh config.",
            .fix = FixAvailability::Sometimes,
            .kinds = kKinds,
            .example_bad = R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: istio
  namespace: istio-system
data:
  mesh: |
    authPolicy: MUTUAL_TLS
    mtlsExcludedServices: ["kubernetes.default.svc.cluster.local"]
)",
            .example_good = R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: istio
  namespace: istio-system
data:
  mesh: |
    authPolicy: MUTUAL_TLS
    enableTracing: true
)",
            .example_args = "--from 1.1.7 --to 1.2",
        },
    .check = check,
};

}  // namespace upcheck::rules
