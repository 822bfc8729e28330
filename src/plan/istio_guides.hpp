// The commands Istio's upgrade guides give, as the guide of the target release words them. Every
// function names its guide and the releases it holds for; a runbook never prints a command that
// the target's guide does not give (kubectl's own flags aside, which the functions say).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/version.hpp"
#include "plan/runbook.hpp"

namespace upcheck::plan::guides {

// Where the guides live for a release: istio.io keeps one archived site per minor release.
GuideRef canary_guide(const Version& to);
GuideRef in_place_guide(const Version& to);
GuideRef helm_guide(const Version& to);
GuideRef revision_tags_guide(const Version& to);

// --- What each release's guides support --------------------------------------------------------

// Canary upgrades install a revision, which arrived in 1.6.
bool supports_canary(const Version& to);
// `istioctl experimental upgrade` arrived in 1.4; `istioctl upgrade` in 1.5.
bool supports_istioctl_upgrade(const Version& to);
// The Helm guide of 1.12 and later (charts istio/base, istio/istiod, istio/gateway).
bool supports_helm_guide(const Version& to);
// `istioctl x precheck` heads the upgrade guides from 1.11.
bool has_precheck(const Version& to);
// Revision tags: `istioctl x revision tag` in 1.10, `istioctl tag` from 1.11.
bool supports_revision_tags(const Version& to);
// The `default` revision tag, set with `istioctl tag set default` (1.11 guides on).
bool supports_default_tag(const Version& to);
// Moved pods are verified with `istioctl proxy-status` (1.11 guides on), before by their labels.
bool verifies_with_proxy_status(const Version& to);
// Uninstalling one revision: `istioctl x uninstall --revision` arrived in 1.7.
bool supports_revision_uninstall(const Version& to);
// From 1.24 the base chart installs and upgrades the CRDs; before, Helm never upgraded them.
bool base_chart_upgrades_crds(const Version& to);

// --- Commands ------------------------------------------------------------------------------------

std::string precheck();
std::string kubectl_config_view();
std::string manifest_versions();  // 1.4 and 1.5: which releases this istioctl upgrades from

std::string istioctl_install_revision(std::string_view revision);
std::string istioctl_upgrade(const Version& to);
std::string get_istiod_pods(std::string_view ns);
std::string get_injector_webhooks();
// Which istiod a gateway pod is connected to; `app` and `ns` are the gateway's.
std::string gateway_control_plane(const Version& to, std::string_view app, std::string_view ns);

std::string move_namespace(std::string_view ns, std::string_view revision, bool drop_injection_label,
                           bool has_rev_label);
std::string restart(const WorkloadRef& workload);
std::string verify_namespace(const Version& to, std::string_view ns, std::string_view revision);
std::string set_tag(const Version& to, std::string_view tag, std::string_view revision, bool exists);
std::string uninstall_revision(const Version& to, std::string_view revision);
// An old control plane without a revision label is uninstalled with its installation options.
std::string uninstall_by_configuration(const Version& to);

// Helm (1.12+ guide).
std::string apply_crds();
// From 1.24, once: CRDs that Helm did not create become the base release's (crd-upgrade-123).
std::vector<std::string> adopt_crds(std::string_view base_release, std::string_view ns);
std::string helm_upgrade_base(const Version& to, std::string_view release, std::string_view ns);
std::string helm_default_revision(const Version& to, std::string_view release, std::string_view ns,
                                  std::string_view revision);
std::string helm_install_istiod(std::string_view release, std::string_view revision, std::string_view ns);
std::string helm_upgrade_istiod(std::string_view release, std::string_view ns, std::string_view revision);
std::string helm_get_istiod_pods(std::string_view ns);
std::string helm_install_gateway(std::string_view release, std::string_view revision, std::string_view ns);
std::string helm_upgrade_gateway(std::string_view release, std::string_view ns);
std::string helm_get_gateway_pods(std::string_view ns);
std::string helm_delete(std::string_view release, std::string_view ns);

}  // namespace upcheck::plan::guides
