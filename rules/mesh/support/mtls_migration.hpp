// What the MESH rules share: when Pilot stopped reading the pre-1.0 mutual TLS settings, which
// release the user runs and is going to, how the migration is staged per upgrade hop, and the
// DestinationRules that already name a host.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/rule.hpp"

namespace upcheck::rules {

// The releases these migrations turn on (sources in the rules' rationale):
// - Pilot reads `auth.istio.io/<port>` through 0.8 and ignores it from 1.0 (istio/istio#5890);
// - the authentication.istio.io/v1alpha1 API is honoured up to 1.5 and ignored from 1.6, whose
//   CRDs no longer define it;
// - security.istio.io/v1beta1 PeerAuthentication exists from 1.5.
inline const Version kFirstReleaseIgnoringAnnotation{1, 0, std::nullopt, {}};
inline const Version kLastReleaseWithAlphaAuthn{1, 5, std::nullopt, {}};
inline const Version kFirstReleaseWithPeerAuthentication{1, 5, std::nullopt, {}};

// The Istio release the input runs: --from when given, else the oldest control plane that
// revealed a version (in a canary upgrade the old revision still serves most workloads).
struct InstalledRelease {
  std::optional<Version> version;
  std::string how;  // "--from 1.1.7", "image docker.io/istio/pilot:1.1.7"
};
InstalledRelease installed_release(const CheckContext& ctx);

// The minor after `v`: 0.7 -> 0.8, 0.8 -> 1.0, 1.1 -> 1.2.
Version next_minor(const Version& v);

// A hop of the migration: what to apply before upgrading to `release` ("1.2"), while the previous
// release still runs. `release` is empty ("now") when neither --from nor --to says where the upgrade
// goes, or when it stays within the installed minor (1.5.10 to 1.5).
struct MigrationStage {
  std::string release;
  bool peer_authentication = false;  // security.istio.io/v1beta1 (true) or the v1alpha1 Policy
};

// The stages an authentication migration needs from the installed release to --to: the first hop
// (objects the running release understands), and, when the upgrade crosses 1.6 from before 1.5,
// a later hop that replaces the v1alpha1 Policy (ignored from 1.6) with PeerAuthentication (which
// exists only from 1.5).
std::vector<MigrationStage> authentication_stages(const InstalledRelease& installed, const UpgradePlan& plan);

// The first hop alone, for migrations to kinds every release since 0.8 reads (DestinationRule).
std::string first_stage(const InstalledRelease& installed, const UpgradePlan& plan);

// A Kubernetes service a host names, as Pilot resolves a DestinationRule's host against the
// rule's namespace: `foo` (in the rule's namespace), `foo.bar`, `foo.bar.svc`,
// `foo.bar.svc.cluster.local`. Nothing for a wildcard or a host outside the cluster.
struct ServiceName {
  std::string name;
  std::string ns;
  friend bool operator==(const ServiceName&, const ServiceName&) = default;
};
std::optional<ServiceName> service_named_by(std::string_view host, std::string_view rule_ns);
std::string service_fqdn(const ServiceName& service);

// DestinationRules whose `spec.host` names the service (any namespace: a rule in a client's
// namespace applies to that namespace's clients), in input order.
std::vector<const Resource*> destination_rules_for(const Snapshot& snapshot, const ServiceName& service);

// The same answer for many services: every rule's host parsed once, so a cluster with thousands
// of annotated Services and DestinationRules is not searched quadratically.
class DestinationRuleIndex {
 public:
  explicit DestinationRuleIndex(const Snapshot& snapshot);
  const std::vector<const Resource*>& for_service(const ServiceName& service) const;

 private:
  std::map<std::pair<std::string, std::string>, std::vector<const Resource*>> by_service_;
};
// DestinationRules whose host is exactly `host` (a host outside the cluster).
std::vector<const Resource*> destination_rules_for_host(const Snapshot& snapshot, std::string_view host);
// Whether a rule applies beyond its own namespace (no exportTo, or exportTo "*").
bool exported_to_mesh(const Resource& destination_rule);

// An object as `kubectl apply` takes it back: without status and the fields the API server owns
// (uid, resourceVersion, creationTimestamp, generation, managedFields, last-applied).
nlohmann::json apply_copy(const Resource& object);

// "8000", "8000 and 9000", "80, 443 and 8080".
std::string join_ports(const std::vector<int64_t>& ports);

}  // namespace upcheck::rules
