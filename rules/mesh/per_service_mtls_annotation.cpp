#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "istio/ownership.hpp"
#include "istio/service_workloads.hpp"
#include "model/tree_json.hpp"
#include "rules/all_rules.hpp"
#include "rules/mesh/support/mtls_migration.hpp"

namespace upcheck::rules {
namespace {

constexpr std::string_view kKinds[] = {"Service",
                                       "DestinationRule",
                                       "Policy",
                                       "PeerAuthentication",
                                       "Deployment",
                                       "StatefulSet",
                                       "DaemonSet",
                                       "ReplicaSet",
                                       "ReplicationController",
                                       "Job",
                                       "CronJob",
                                       "Pod",
                                       "Namespace",
                                       "ConfigMap"};
constexpr std::string_view kAnnotationPrefix = "auth.istio.io/";

// What an annotation asked of its port, against the mesh-wide setting it overrode.
enum class Mode : uint8_t { Plaintext, MutualTls };  // NONE, MUTUAL_TLS

struct AnnotatedPort {
  int64_t port = 0;       // the Service port the annotation names
  std::string port_name;  // spec.ports[].name, for DestinationRules that select ports by name
  NodeRef service_port;   // spec.ports[i]
  Mode mode = Mode::Plaintext;
  std::string key;    // "auth.istio.io/8000"
  std::string value;  // "NONE"
};

std::string_view destination_tls(Mode m) { return m == Mode::Plaintext ? "DISABLE" : "ISTIO_MUTUAL"; }
std::string_view peer_mode(Mode m) { return m == Mode::Plaintext ? "DISABLE" : "STRICT"; }
std::string_view object_prefix(Mode m) { return m == Mode::Plaintext ? "disable-mtls-" : "enable-mtls-"; }

// The annotations Pilot 0.8 acted on: `auth.istio.io/<service port>` with an AuthenticationPolicy
// name. INHERIT (the default) changes nothing, unknown values fell back to it, and a key naming no
// port of the Service matched nothing: none of those needs a migration.
std::vector<AnnotatedPort> annotated_ports(const Resource& service) {
  std::vector<AnnotatedPort> out;
  for (auto [key, value] : service.annotations().entries()) {
    std::string_view k = key.text();
    if (k.substr(0, kAnnotationPrefix.size()) != kAnnotationPrefix) continue;
    std::string_view number = k.substr(kAnnotationPrefix.size());
    if (number.empty() || number.size() > 5 || number.find_first_not_of("0123456789") != std::string_view::npos)
      continue;
    Mode mode;
    if (value.text() == "NONE")
      mode = Mode::Plaintext;
    else if (value.text() == "MUTUAL_TLS")
      mode = Mode::MutualTls;
    else
      continue;
    const int64_t port = std::stoll(std::string(number));
    for (NodeRef p : service.spec()["ports"].elements()) {
      if (p["port"].as_int() != port) continue;
      out.push_back({port, std::string(p["name"].text()), p, mode, std::string(k), std::string(value.text())});
      break;
    }
  }
  std::sort(out.begin(), out.end(), [](const AnnotatedPort& a, const AnnotatedPort& b) { return a.port < b.port; });
  return out;
}

std::vector<int64_t> ports_of(const std::vector<AnnotatedPort>& ports, Mode mode) {
  std::vector<int64_t> out;
  for (const AnnotatedPort& p : ports)
    if (p.mode == mode) out.push_back(p.port);
  return out;
}

bool selects_port(const nlohmann::json& selector, const AnnotatedPort& p) {
  if (!selector.is_object()) return false;
  if (auto n = selector.find("number"); n != selector.end() && n->is_number_integer())
    return n->get<int64_t>() == p.port;
  if (auto n = selector.find("name"); n != selector.end() && n->is_string())
    return n->get<std::string>() == p.port_name;
  return false;
}

std::string tls_mode(const nlohmann::json& holder) {
  if (!holder.is_object()) return {};
  auto tls = holder.find("tls");
  if (tls == holder.end() || !tls->is_object()) return {};
  auto mode = tls->find("mode");
  return mode != tls->end() && mode->is_string() ? mode->get<std::string>() : std::string{};
}

// The TLS mode a client uses for one port under a traffic policy: the port's own setting, else
// the policy's.
std::string effective_tls(const nlohmann::json& traffic_policy, const AnnotatedPort& p) {
  if (!traffic_policy.is_object()) return {};
  if (auto settings = traffic_policy.find("portLevelSettings");
      settings != traffic_policy.end() && settings->is_array())
    for (const nlohmann::json& s : *settings)
      if (s.is_object() && selects_port(s.value("port", nlohmann::json()), p)) {
        std::string mode = tls_mode(s);
        if (!mode.empty()) return mode;
      }
  return tls_mode(traffic_policy);
}

// Sets one port's TLS mode in a traffic policy, keeping the port's other settings (load balancer,
// connection pool, outlier detection). `add` appends an entry when the port has none.
void set_port_tls(nlohmann::json& traffic_policy, const AnnotatedPort& p, bool add) {
  nlohmann::json& settings = traffic_policy["portLevelSettings"];
  if (!settings.is_array()) settings = nlohmann::json::array();
  bool found = false;
  for (nlohmann::json& s : settings)
    if (s.is_object() && selects_port(s.value("port", nlohmann::json()), p)) {
      s["tls"] = {{"mode", destination_tls(p.mode)}};
      found = true;
    }
  if (!found && add) settings.push_back({{"port", {{"number", p.port}}}, {"tls", {{"mode", destination_tls(p.mode)}}}});
  if (settings.empty()) traffic_policy.erase("portLevelSettings");
}

// Rewrites a traffic policy so the annotated ports get what the annotations asked for. The
// simplified form (every port annotated alike) sets the policy's own TLS mode, as the upgrade
// guide shows; otherwise each port gets a portLevelSettings entry, and a rule that disables TLS
// on some ports states ISTIO_MUTUAL for the rest, since a host's own DestinationRule replaces the
// mesh-wide one that set it. A subset policy is rewritten only where it sets TLS itself.
void rewrite_traffic_policy(nlohmann::json& traffic_policy, const std::vector<AnnotatedPort>& ports, bool simplified,
                            bool top_level) {
  const bool sets_tls = traffic_policy.is_object() && traffic_policy.contains("tls");
  if (simplified) {
    if (top_level || sets_tls) traffic_policy["tls"] = {{"mode", destination_tls(ports.front().mode)}};
    for (const AnnotatedPort& p : ports) set_port_tls(traffic_policy, p, false);
    return;
  }
  const bool any_plaintext = std::any_of(ports.begin(), ports.end(), [](auto& p) { return p.mode == Mode::Plaintext; });
  if (top_level && any_plaintext && !sets_tls) traffic_policy["tls"] = {{"mode", "ISTIO_MUTUAL"}};
  for (const AnnotatedPort& p : ports) set_port_tls(traffic_policy, p, top_level || sets_tls);
}

void rewrite_destination_rule(nlohmann::json& rule, const std::vector<AnnotatedPort>& ports, bool simplified) {
  nlohmann::json& spec = rule["spec"];
  if (!spec.contains("trafficPolicy") || !spec["trafficPolicy"].is_object())
    spec["trafficPolicy"] = nlohmann::json::object();
  rewrite_traffic_policy(spec["trafficPolicy"], ports, simplified, true);
  if (auto subsets = spec.find("subsets"); subsets != spec.end() && subsets->is_array())
    for (nlohmann::json& subset : *subsets)
      if (subset.is_object() && subset.contains("trafficPolicy") && subset["trafficPolicy"].is_object())
        rewrite_traffic_policy(subset["trafficPolicy"], ports, simplified, false);
}

bool destination_rule_covers(const Resource& rule, const std::vector<AnnotatedPort>& ports) {
  const nlohmann::json traffic_policy = to_json(rule.spec()["trafficPolicy"]);
  return std::all_of(ports.begin(), ports.end(), [&](const AnnotatedPort& p) {
    return effective_tls(traffic_policy, p) == destination_tls(p.mode);
  });
}

// An authentication.istio.io/v1alpha1 Policy in the Service's namespace that already does what
// the annotation did for the port: it targets the Service (on that port, or all ports) with no
// peer authentication (NONE) or with mtls (MUTUAL_TLS).
bool alpha_policy_covers(const Snapshot& snapshot, const Resource& service, const AnnotatedPort& p) {
  for (const Resource* policy : snapshot.of_kind("Policy")) {
    if (policy->group() != "authentication.istio.io" || policy->ns() != service.ns()) continue;
    bool has_mtls = false;
    for (NodeRef peer : policy->spec()["peers"].elements()) has_mtls = has_mtls || peer["mtls"].valid();
    if (has_mtls != (p.mode == Mode::MutualTls)) continue;
    for (NodeRef target : policy->spec()["targets"].elements()) {
      if (target["name"].text() != service.name()) continue;
      if (target["ports"].size() == 0) return true;
      for (NodeRef port : target["ports"].elements())
        if (port["number"].as_int() == p.port || (!p.port_name.empty() && port["name"].text() == p.port_name))
          return true;
    }
  }
  return false;
}

// A PeerAuthentication in the Service's namespace whose selector picks the Service's pods and
// whose mode for the workload port is the annotation's.
bool peer_authentication_covers(const Snapshot& snapshot, const Resource& service, const AnnotatedPort& p,
                                std::optional<int64_t> workload_port) {
  NodeRef service_selector = service.spec()["selector"];
  for (const Resource* pa : snapshot.of_kind("PeerAuthentication")) {
    if (pa->ns() != service.ns()) continue;
    NodeRef match = pa->spec()["selector"]["matchLabels"];
    if (match.size() == 0) continue;
    bool selects = true;
    for (auto [key, value] : match.entries())
      selects = selects && service_selector[key.text()].valid() && service_selector[key.text()].text() == value.text();
    if (!selects) continue;
    std::string_view mode = pa->spec()["mtls"]["mode"].text();
    if (workload_port) {
      std::string_view port_mode = pa->spec()["portLevelMtls"][std::to_string(*workload_port)]["mode"].text();
      if (!port_mode.empty()) mode = port_mode;
    }
    if (mode == peer_mode(p.mode)) return true;
  }
  return false;
}

// The wording for where the annotation stands on the installed release.
struct AnnotationStatus {
  std::string text;
  bool changes_traffic = true;
};

AnnotationStatus annotation_status(const InstalledRelease& installed, Mode mode) {
  const std::string_view mesh_wide = mode == Mode::Plaintext ? "mutual TLS" : "plaintext";
  if (!installed.version)
    return {fmt::format("Pilot reads the annotation up to Istio 0.8 and ignores it from 1.0; the installed release is "
                        "unknown (pass --from): from 1.0 on, the port already gets the mesh-wide setting ({}) and "
                        "applying the migration changes live traffic",
                        mesh_wide),
            true};
  if (*installed.version < kFirstReleaseIgnoringAnnotation)
    return {fmt::format("Pilot {} still reads the annotation, but Istio 1.0 ignores it: migrate before that hop or the "
                        "port falls back to the mesh-wide setting ({})",
                        installed.version->str(), mesh_wide),
            false};
  return {fmt::format("Pilot has ignored the annotation since Istio 1.0, so on the installed {} the port already gets "
                      "the mesh-wide setting ({}): applying the migration changes live traffic",
                      installed.version->str(), mesh_wide),
          true};
}

std::string describe_annotations(const std::vector<AnnotatedPort>& ports) {
  std::string out;
  for (const AnnotatedPort& p : ports) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{}: {}", p.key, p.value);
  }
  return out;
}

std::string port_word(size_t n) { return n == 1 ? "port" : "ports"; }

class Migration {
 public:
  Migration(const CheckContext& ctx, const DestinationRuleIndex& destination_rules, const Resource& service,
            std::vector<AnnotatedPort> ports)
      : ctx_(ctx), snapshot_(ctx.snapshot()), service_(service), ports_(std::move(ports)) {
    const size_t service_ports = service.spec()["ports"].size();
    simplified_ = std::all_of(ports_.begin(), ports_.end(), [&](auto& p) { return p.mode == ports_.front().mode; }) &&
                  ports_.size() == service_ports;
    sidecar_ = sidecar_of(snapshot_, service);
    for (const AnnotatedPort& p : ports_) {
      std::string why;
      workload_ports_.push_back(target_port(snapshot_, service, p.service_port, &why));
      if (!why.empty()) unresolved_.push_back(why);
    }
    rules_ = destination_rules.for_service(ServiceName{std::string(service.name()), std::string(service.ns())});
  }

  void report(FindingSink& out) {
    const InstalledRelease installed = installed_release(ctx_);
    const std::vector<MigrationStage> stages = authentication_stages(installed, ctx_.plan());
    for (size_t i = 0; i < stages.size(); ++i) {
      std::optional<Fix> fix = i == 0 ? first_hop_fix(stages[i], installed) : later_hop_fix(stages[i], stages[0]);
      if (!fix) continue;
      std::string message = i == 0 ? first_message(installed) : later_message(stages[i], stages[0]);
      out.report(service_, fmt::format("metadata.annotations[\"{}\"]", ports_.front().key), std::move(message),
                 {.discriminator = stages[i].release, .fix = std::move(fix)});
    }
  }

 private:
  bool needs_server_side() const { return sidecar_.state != SidecarState::Absent; }

  std::vector<AnnotatedPort> group(Mode mode) const {
    std::vector<AnnotatedPort> out;
    for (const AnnotatedPort& p : ports_)
      if (p.mode == mode) out.push_back(p);
    return out;
  }

  std::string object_name(Mode mode) const { return fmt::format("{}{}", object_prefix(mode), service_.name()); }

  nlohmann::json metadata(Mode mode) const {
    return {{"name", object_name(mode)}, {"namespace", std::string(service_.ns())}};
  }

  nlohmann::json alpha_policy(Mode mode) const {
    std::vector<AnnotatedPort> ports = group(mode);
    nlohmann::json target = {{"name", std::string(service_.name())}};
    if (!simplified_) {
      target["ports"] = nlohmann::json::array();
      for (const AnnotatedPort& p : ports) target["ports"].push_back({{"number", p.port}});
    }
    // No peers: no peer authentication, which is what NONE meant. `mtls: {}` is STRICT mutual TLS.
    nlohmann::json peers = nlohmann::json::array();
    if (mode == Mode::MutualTls) peers.push_back(nlohmann::json{{"mtls", nlohmann::json::object()}});
    return {{"apiVersion", "authentication.istio.io/v1alpha1"},
            {"kind", "Policy"},
            {"metadata", metadata(mode)},
            {"spec", {{"targets", nlohmann::json::array({target})}, {"peers", std::move(peers)}}}};
  }

  // PeerAuthentication selects workloads, not services, and its port keys are container ports.
  std::optional<nlohmann::json> peer_authentication(Mode mode) const {
    nlohmann::json spec = {{"selector", {{"matchLabels", to_json(service_.spec()["selector"])}}}};
    if (simplified_) {
      spec["mtls"] = {{"mode", peer_mode(mode)}};
    } else {
      spec["mtls"] = {{"mode", "UNSET"}};  // other ports keep the namespace or mesh setting
      nlohmann::json levels = nlohmann::json::object();
      for (size_t i = 0; i < ports_.size(); ++i)
        if (ports_[i].mode == mode && workload_ports_[i])
          levels[std::to_string(*workload_ports_[i])] = {{"mode", peer_mode(mode)}};
      if (levels.empty()) return std::nullopt;
      spec["portLevelMtls"] = std::move(levels);
    }
    return nlohmann::json{{"apiVersion", "security.istio.io/v1beta1"},
                          {"kind", "PeerAuthentication"},
                          {"metadata", metadata(mode)},
                          {"spec", std::move(spec)}};
  }

  bool group_covered(Mode mode, bool beta) const {
    for (size_t i = 0; i < ports_.size(); ++i) {
      if (ports_[i].mode != mode) continue;
      bool covered = beta ? peer_authentication_covers(snapshot_, service_, ports_[i], workload_ports_[i])
                          : alpha_policy_covers(snapshot_, service_, ports_[i]);
      if (!covered) return false;
    }
    return true;
  }

  std::vector<Mode> modes() const {
    std::vector<Mode> out;
    for (Mode m : {Mode::Plaintext, Mode::MutualTls})
      if (!group(m).empty()) out.push_back(m);
    return out;
  }

  void add_server_side(Fix& fix, bool beta) {
    if (!needs_server_side()) return;
    for (Mode m : modes()) {
      if (group_covered(m, beta)) continue;
      if (!beta) {
        fix.apply.push_back(alpha_policy(m));
        created_alpha_.push_back(m);
      } else if (std::optional<nlohmann::json> pa = peer_authentication(m)) {
        fix.apply.push_back(std::move(*pa));
      }
      if (beta && !unresolved_.empty() && fix.manual_note.empty())
        fix.manual_note = fmt::format("{}: add its container port to the PeerAuthentication's portLevelMtls by hand",
                                      unresolved_.front());
    }
  }

  std::optional<Fix> first_hop_fix(const MigrationStage& stage, const InstalledRelease& installed) {
    Fix fix;
    const Mode main_mode = ports_.front().mode;
    add_server_side(fix, stage.peer_authentication);
    // Client side: every DestinationRule for the host, edited; a new one when none serves the
    // Service's namespace and beyond.
    const bool covered = !rules_.empty() && std::all_of(rules_.begin(), rules_.end(), [&](const Resource* r) {
      return destination_rule_covers(*r, ports_);
    });
    if (!covered) {
      bool serves_all = false;
      for (const Resource* rule : rules_) {
        nlohmann::json edited = apply_copy(*rule);
        rewrite_destination_rule(edited, ports_, simplified_);
        fix.apply.push_back(std::move(edited));
        edited_.push_back(rule);
        serves_all = serves_all || rule->ns() == service_.ns() || exported_to_mesh(*rule);
        if (std::optional<Manager> m = managing_tool(*rule); m && fix.manual_note.empty()) {
          fix.applicability = Applicability::DisplayOnly;
          fix.manual_note = change_at_source_note(*m, fmt::format("DestinationRule {}/{}", rule->ns(), rule->name()));
        }
      }
      if (!serves_all) {
        nlohmann::json rule = {
            {"apiVersion", "networking.istio.io/v1alpha3"},
            {"kind", "DestinationRule"},
            {"metadata", metadata(main_mode)},
            {"spec", {{"host", std::string(service_.name())}, {"trafficPolicy", nlohmann::json::object()}}}};
        rewrite_destination_rule(rule, ports_, simplified_);
        fix.apply.push_back(std::move(rule));
      }
    }
    if (fix.apply.empty()) return std::nullopt;
    if (fix.applicability != Applicability::DisplayOnly)
      fix.applicability =
          annotation_status(installed, main_mode).changes_traffic ? Applicability::Unsafe : Applicability::Safe;
    fix.stage = stage.release;
    const bool has_server = std::any_of(fix.apply.begin(), fix.apply.end(), [](const nlohmann::json& o) {
      return o.value("kind", "") != "DestinationRule";
    });
    fix.title = fmt::format(
        "{}replace the annotation with {}{}", stage_prefix(stage),
        has_server ? (stage.peer_authentication ? "a PeerAuthentication and " : "an authentication Policy and ") : "",
        edited_.empty() ? "a DestinationRule" : "the edited DestinationRule");
    return fix;
  }

  std::optional<Fix> later_hop_fix(const MigrationStage& stage, const MigrationStage& first) {
    if (!needs_server_side()) return std::nullopt;
    Fix fix;
    add_server_side(fix, true);
    if (fix.apply.empty()) return std::nullopt;
    // The Policy the first stage created is ignored from 1.6; it goes once PeerAuthentication is in.
    for (Mode m : created_alpha_)
      fix.remove.push_back({"authentication.istio.io/v1alpha1", "Policy", std::string(service_.ns()), object_name(m)});
    fix.stage = stage.release;
    fix.applicability = Applicability::Safe;  // same traffic as the first stage left it
    fix.title = fmt::format("{}replace the authentication Policy of stage {} with a PeerAuthentication",
                            stage_prefix(stage), first.release);
    return fix;
  }

  static std::string stage_prefix(const MigrationStage& stage) {
    return stage.release.empty() ? std::string{} : fmt::format("before upgrading to {}: ", stage.release);
  }

  std::string first_message(const InstalledRelease& installed) const {
    std::vector<int64_t> plaintext = ports_of(ports_, Mode::Plaintext), mtls = ports_of(ports_, Mode::MutualTls);
    std::string asks;
    if (!plaintext.empty())
      asks = fmt::format("plaintext on {} {}", port_word(plaintext.size()), join_ports(plaintext));
    if (!mtls.empty())
      asks +=
          fmt::format("{}mutual TLS on {} {}", asks.empty() ? "" : " and ", port_word(mtls.size()), join_ports(mtls));
    std::string message = fmt::format("Service {}/{} overrides the mesh-wide mutual TLS setting with {} ({}); {}",
                                      service_.ns(), service_.name(), describe_annotations(ports_), asks,
                                      annotation_status(installed, ports_.front().mode).text);
    if (sidecar_.state == SidecarState::Absent)
      message += fmt::format("; its pods run no sidecar ({}), so only the client side (a DestinationRule) is needed",
                             sidecar_.reason);
    if (!edited_.empty()) {
      std::vector<std::string> names;
      for (const Resource* r : edited_) names.push_back(fmt::format("{}/{}", r->ns(), r->name()));
      message += fmt::format(
          "; DestinationRule {} already names this host, so the migration edits it rather than add "
          "another",
          fmt::join(names, ", "));
    }
    return message;
  }

  std::string later_message(const MigrationStage& stage, const MigrationStage& first) const {
    std::vector<std::string> ports;
    for (size_t i = 0; i < ports_.size(); ++i)
      ports.push_back(workload_ports_[i] ? std::to_string(*workload_ports_[i]) : ports_[i].port_name);
    return fmt::format(
        "Service {}/{}: the authentication.istio.io/v1alpha1 Policy that replaces {} (stage {}) is "
        "ignored from Istio {}, whose CRDs no longer include it; before that upgrade, apply a "
        "security.istio.io/v1beta1 PeerAuthentication for the Service's pods (workload {} {}) and "
        "delete the Policy",
        service_.ns(), service_.name(), describe_annotations(ports_), first.release, stage.release,
        port_word(ports.size()), fmt::join(ports, ", "));
  }

  const CheckContext& ctx_;
  const Snapshot& snapshot_;
  const Resource& service_;
  std::vector<AnnotatedPort> ports_;
  bool simplified_ = false;
  SidecarVerdict sidecar_;
  std::vector<std::optional<int64_t>> workload_ports_;
  std::vector<std::string> unresolved_;
  std::vector<const Resource*> rules_;
  std::vector<const Resource*> edited_;
  std::vector<Mode> created_alpha_;
};

void check(const CheckContext& ctx, FindingSink& out) {
  // An upgrade that stays before 1.0 (0.7 to 0.8) keeps a Pilot that reads the annotation.
  if (ctx.plan().to && *ctx.plan().to < kFirstReleaseIgnoringAnnotation) return;
  const DestinationRuleIndex destination_rules(ctx.snapshot());
  for (const Resource* service : ctx.snapshot().of_kind("Service")) {
    std::vector<AnnotatedPort> ports = annotated_ports(*service);
    if (ports.empty()) continue;
    Migration(ctx, destination_rules, *service, std::move(ports)).report(out);
  }
}

}  // namespace

constinit const Rule per_service_mtls_annotation{
    .info =
        {
            .code = "MESH002",
            .name = "per-service-mtls-annotation",
            .severity = Severity::Warning,
            .title = "Service overrides mutual TLS with an auth.istio.io/<port> annotation",
            .rationale =
                "Before Istio 1.0 a Service could override the mesh-wide mutual TLS setting for one of its ports with "
                "the annotation `auth.istio.io/<service port>: NONE` (or `MUTUAL_TLS`): Pilot's Kubernetes registry "
                "read it "
                "per Service port (extractAuthenticationPolicy in pilot/pkg/serviceregistry/kube/conversion.go, added "
                "by istio/old_pilot_repo#1443 for 0.3). The 0.8 docs called authentication policy the recommended way "
                "and announced the annotation's removal (istio/istio.io#1332); istio/istio#5890 (\"Remove mTLS "
                "enablement via service annotation\", #5826, merged 2018-05-29) deleted that function, and the 1.0 "
                "release notes list it as a 1.0 change: \"We removed service annotations\" (istio.io, Announcing "
                "Istio 1.0). "
                "So from 1.0 on the port silently gets the mesh-wide setting. The 1.2 Upgrade Steps guide "
                "(\"Migrating per-service mutual TLS enablement via annotations to authentication policy\") gives the "
                "replacement: an authentication.istio.io/v1alpha1 Policy targeting the Service and port with no peers "
                "(no peer authentication) plus a DestinationRule with ISTIO_MUTUAL and the port DISABLEd; the "
                "simplified form when every port is annotated; an existing DestinationRule for the host edited "
                "rather than duplicated (keeping its load balancer, connection pool, outlier detection and subsets); "
                "no Policy when the Service's pods run no sidecar. Object names are the guide's, lower-cased "
                "(`disable-mTLS-foo` is not a valid Kubernetes name). That Policy in turn is ignored from Istio 1.6, "
                "whose CRDs drop the v1alpha1 authentication API (istio.io, Istio 1.6 Upgrade Notes, \"Support ended "
                "for v1alpha1 security policy\"); its replacement, security.istio.io/v1beta1 PeerAuthentication, "
                "exists from 1.5 (1.5 change notes) and is workload-oriented: it selects pods by label "
                "(the Service's selector) and its portLevelMtls keys are container ports, not Service ports "
                "(istio.io PeerAuthentication reference). The migration therefore follows --to: up to 1.5 the "
                "v1alpha1 Policy, from 1.6 PeerAuthentication, and an upgrade that crosses 1.6 from before 1.5 gets "
                "both, staged per hop. An upgrade that ends before 1.0 keeps a Pilot that reads the annotation, so it "
                "reports nothing.",
            .remediation =
                "Apply the migration before the hop it is staged for: a Policy (or, for 1.6 and later, a "
                "PeerAuthentication on the Service's pods) and a DestinationRule that keep each annotated port as the "
                "annotation asked; deleting the annotation afterwards is optional. Where the installed Istio is 1.0 "
                "or later the annotation is already ignored, so review the change: it alters live traffic.",
            .fix = FixAvailability::Always,
            .kinds = kKinds,
            .example_bad = R"(apiVersion: v1
kind: Service
metadata:
  name: foo
  namespace: bar
  annotations:
    auth.istio.io/8000: NONE
spec:
  selector:
    app: foo
  ports:
  - name: http
    port: 8000
)",
            .example_good = R"(apiVersion: v1
kind: Service
metadata:
  name: foo
  namespace: bar
spec:
  selector:
    app: foo
  ports:
  - name: http
    port: 8000
)",
            .example_args = "--from 1.1.7 --to 1.2",
        },
    .check = check,
};

}  // namespace upcheck::rules
