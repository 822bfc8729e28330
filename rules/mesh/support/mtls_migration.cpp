#include "rules/mesh/support/mtls_migration.hpp"

#include <fmt/format.h>

#include "model/tree_json.hpp"

namespace upcheck::rules {
namespace {

std::vector<std::string_view> split_labels(std::string_view host) {
  std::vector<std::string_view> labels;
  while (true) {
    size_t dot = host.find('.');
    labels.push_back(host.substr(0, dot));
    if (dot == std::string_view::npos) break;
    host.remove_prefix(dot + 1);
  }
  return labels;
}

}  // namespace

InstalledRelease installed_release(const CheckContext& ctx) {
  if (ctx.plan().from) return {ctx.plan().from, "--from " + ctx.plan().from->str()};
  InstalledRelease oldest;
  for (const ControlPlane& plane : ctx.istio().control_planes) {
    std::optional<VersionEvidence> v = plane.version();
    if (!v) continue;
    if (!oldest.version || v->version < *oldest.version) oldest = {v->version, v->how};
  }
  return oldest;
}

Version next_minor(const Version& v) {
  if (v.major == 0) return v.minor >= 8 ? Version{1, 0, std::nullopt, {}} : Version{0, v.minor + 1, std::nullopt, {}};
  return {v.major, v.minor + 1, std::nullopt, {}};
}

std::vector<MigrationStage> authentication_stages(const InstalledRelease& installed, const UpgradePlan& plan) {
  // The first hop: the release after the installed one, or the target itself when the installed
  // release is unknown (then the upgrade is taken to be a single hop).
  std::optional<Version> first;
  if (installed.version) first = next_minor(*installed.version);
  if (plan.to && (!first || plan.to->minor_only() < *first)) first = plan.to->minor_only();
  if (!first) return {MigrationStage{"", false}};
  std::vector<MigrationStage> stages;
  // Objects applied before the first hop must be understood by the running release: the v1alpha1
  // Policy up to 1.5, PeerAuthentication once the previous release has it (the hop to 1.6 starts
  // from 1.5, which has both; 1.6 honours only PeerAuthentication).
  const bool first_is_beta = *first > kLastReleaseWithAlphaAuthn;
  // An upgrade within the installed minor (1.5.10 to 1.5) has no hop to stage before: now.
  const bool same_minor = installed.version && !(installed.version->minor_only() < *first);
  stages.push_back({same_minor ? std::string() : first->str(), first_is_beta});
  const Version alpha_ignored = next_minor(kLastReleaseWithAlphaAuthn);
  if (!first_is_beta && plan.to && plan.to->minor_only() >= alpha_ignored)
    stages.push_back({alpha_ignored.str(), true});
  return stages;
}

std::string first_stage(const InstalledRelease& installed, const UpgradePlan& plan) {
  return authentication_stages(installed, plan).front().release;
}

std::optional<ServiceName> service_named_by(std::string_view host, std::string_view rule_ns) {
  if (host.empty() || host.find('*') != std::string_view::npos) return std::nullopt;
  std::vector<std::string_view> labels = split_labels(host);
  if (labels.size() == 1) return ServiceName{std::string(labels[0]), std::string(rule_ns)};
  if (labels.size() == 2) return ServiceName{std::string(labels[0]), std::string(labels[1])};
  if (labels[2] != "svc") return std::nullopt;
  return ServiceName{std::string(labels[0]), std::string(labels[1])};
}

std::string service_fqdn(const ServiceName& service) {
  return fmt::format("{}.{}.svc.cluster.local", service.name, service.ns);
}

std::vector<const Resource*> destination_rules_for(const Snapshot& snapshot, const ServiceName& service) {
  std::vector<const Resource*> out;
  for (const Resource* rule : snapshot.of_kind("DestinationRule")) {
    std::optional<ServiceName> named = service_named_by(rule->spec()["host"].text(), rule->ns());
    if (named && *named == service) out.push_back(rule);
  }
  return out;
}

DestinationRuleIndex::DestinationRuleIndex(const Snapshot& snapshot) {
  for (const Resource* rule : snapshot.of_kind("DestinationRule"))
    if (std::optional<ServiceName> named = service_named_by(rule->spec()["host"].text(), rule->ns()))
      by_service_[{named->name, named->ns}].push_back(rule);
}

const std::vector<const Resource*>& DestinationRuleIndex::for_service(const ServiceName& service) const {
  static const std::vector<const Resource*> kNone;
  auto it = by_service_.find({service.name, service.ns});
  return it == by_service_.end() ? kNone : it->second;
}

std::vector<const Resource*> destination_rules_for_host(const Snapshot& snapshot, std::string_view host) {
  std::vector<const Resource*> out;
  for (const Resource* rule : snapshot.of_kind("DestinationRule"))
    if (rule->spec()["host"].text() == host) out.push_back(rule);
  return out;
}

bool exported_to_mesh(const Resource& destination_rule) {
  NodeRef export_to = destination_rule.spec()["exportTo"];
  if (export_to.size() == 0) return true;
  for (NodeRef target : export_to.elements())
    if (target.text() == "*") return true;
  return false;
}

nlohmann::json apply_copy(const Resource& object) {
  nlohmann::json copy = to_json(object.root());
  copy.erase("status");
  if (auto metadata = copy.find("metadata"); metadata != copy.end() && metadata->is_object()) {
    for (const char* owned : {"uid", "resourceVersion", "creationTimestamp", "generation", "managedFields", "selfLink",
                              "deletionTimestamp", "deletionGracePeriodSeconds"})
      metadata->erase(owned);
    if (auto annotations = metadata->find("annotations"); annotations != metadata->end() && annotations->is_object()) {
      annotations->erase("kubectl.kubernetes.io/last-applied-configuration");
      if (annotations->empty()) metadata->erase("annotations");
    }
  }
  return copy;
}

std::string join_ports(const std::vector<int64_t>& ports) {
  std::string out;
  for (size_t i = 0; i < ports.size(); ++i) {
    if (i > 0) out += i + 1 == ports.size() ? " and " : ", ";
    out += std::to_string(ports[i]);
  }
  return out;
}

}  // namespace upcheck::rules
