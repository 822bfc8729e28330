#include "plan/istio_guides.hpp"

#include <fmt/format.h>

namespace upcheck::plan::guides {
namespace {

Version minor(int m) { return Version{1, m, std::nullopt, {}}; }

std::string release_of(const Version& v) { return v.minor_only().str(); }

// istio.io keeps every minor release's site under /v1.N/.
std::string site(const Version& to, std::string_view path) {
  return fmt::format("https://istio.io/v{}/docs/{}", release_of(to), path);
}

// The guides of 1.11 and later promoted the experimental commands this planner uses: `istioctl tag`
// ("Promoted the `istioctl experimental revision tag` command group to `istioctl tag`", Istio 1.11
// change notes) and `istioctl uninstall` (the 1.11 Canary Upgrades guide writes `istioctl
// uninstall --revision 1-6-5 -y`; the 1.7 to 1.9 guides wrote `istioctl x uninstall --revision
// 1-6-5`).
bool promoted_commands(const Version& to) { return to.minor_only() >= minor(11); }

}  // namespace

GuideRef canary_guide(const Version& to) {
  // 1.6 and 1.7 kept the canary and in-place upgrades on one page, "Upgrade Istio".
  if (to.minor_only() < minor(8))
    return {"Upgrade Istio (Canary upgrades)", release_of(to), site(to, "setup/upgrade/")};
  return {"Canary Upgrades", release_of(to), site(to, "setup/upgrade/canary/")};
}

GuideRef in_place_guide(const Version& to) {
  if (to.minor_only() < minor(5))
    return {"Upgrade Istio using istioctl [Experimental]", release_of(to), site(to, "setup/upgrade/istioctl-upgrade/")};
  if (to.minor_only() < minor(6))
    return {"Upgrade Istio using istioctl", release_of(to), site(to, "setup/upgrade/istioctl-upgrade/")};
  if (to.minor_only() < minor(8))
    return {"Upgrade Istio (In place upgrades)", release_of(to), site(to, "setup/upgrade/")};
  return {"In-place Upgrades", release_of(to), site(to, "setup/upgrade/in-place/")};
}

GuideRef helm_guide(const Version& to) {
  return {"Upgrade with Helm", release_of(to), site(to, "setup/upgrade/helm/")};
}

GuideRef revision_tags_guide(const Version& to) {
  if (promoted_commands(to))
    return {"Canary Upgrades (Stable revision labels)", release_of(to),
            site(to, "setup/upgrade/canary/#stable-revision-labels")};
  // 1.10 introduced the tags; its guide was the blog post that announced them.
  return {"Safely upgrade the Istio control plane with revisions and tags", release_of(to),
          "https://istio.io/latest/blog/2021/revision-tags/"};
}

bool supports_canary(const Version& to) { return to.minor_only() >= minor(6); }
bool supports_istioctl_upgrade(const Version& to) { return to.minor_only() >= minor(4); }
bool supports_helm_guide(const Version& to) { return to.minor_only() >= minor(12); }
bool has_precheck(const Version& to) { return to.minor_only() >= minor(11); }
bool supports_revision_tags(const Version& to) { return to.minor_only() >= minor(10); }
bool supports_default_tag(const Version& to) { return promoted_commands(to); }
bool verifies_with_proxy_status(const Version& to) { return promoted_commands(to); }
bool supports_revision_uninstall(const Version& to) { return to.minor_only() >= minor(7); }
bool base_chart_upgrades_crds(const Version& to) { return to.minor_only() >= minor(24); }

// "Before upgrading Istio, it is recommended to run the `istioctl x precheck` command" (Canary
// Upgrades and Upgrade with Helm, 1.11 on).
std::string precheck() { return "istioctl x precheck"; }

// "Ensure that your Kubernetes configuration points to the cluster to upgrade" (in-place guides,
// 1.4 on).
std::string kubectl_config_view() { return "kubectl config view"; }

// "Verify that istoctl supports upgrading from your current Istio version" (1.4 and 1.5 guides).
std::string manifest_versions() { return "istioctl manifest versions"; }

// "istioctl install --set revision=canary" (Canary Upgrades, 1.6 on), with the revision's name.
std::string istioctl_install_revision(std::string_view revision) {
  return fmt::format("istioctl install --set revision={}", revision);
}

// "istioctl experimental upgrade -f `<your-custom-configuration-file>`" (1.4), "istioctl upgrade -f
// ..." (1.5 on): the file the control plane was installed with, which the input cannot show.
std::string istioctl_upgrade(const Version& to) {
  if (to.minor_only() < minor(5)) return "istioctl experimental upgrade -f <your-custom-configuration-file>";
  return "istioctl upgrade -f <your-custom-configuration-file>";
}

// "kubectl get pods -n istio-system -l app=istiod" (Canary Upgrades, 1.7 on).
std::string get_istiod_pods(std::string_view ns) { return fmt::format("kubectl get pods -n {} -l app=istiod", ns); }

// "kubectl get mutatingwebhookconfigurations" (Canary Upgrades, 1.6 on).
std::string get_injector_webhooks() { return "kubectl get mutatingwebhookconfigurations"; }

// 1.6 and 1.7: "istioctl proxy-config endpoints $(kubectl -n istio-system get pod -l
// app=istio-ingressgateway -o jsonpath='{.items..metadata.name}').istio-system --cluster xds-grpc
// -ojson | grep hostname"; 1.8 on: "istioctl proxy-status | grep $(kubectl -n istio-system get pod -l
// app=istio-ingressgateway -o jsonpath='{.items..metadata.name}')" followed by an awk of the
// column that names istiod, whose position changed between releases (8, 7, 10): the runbook says
// which column to read instead. `{.items[0]...}` picks one pod: `{.items..}` lists every replica,
// which neither command accepts.
std::string gateway_control_plane(const Version& to, std::string_view app, std::string_view ns) {
  std::string pod =
      fmt::format("$(kubectl -n {} get pod -l app={} -o jsonpath='{{.items[0].metadata.name}}')", ns, app);
  if (to.minor_only() < minor(8))
    return fmt::format("istioctl proxy-config endpoints {}.{} --cluster xds-grpc -ojson | grep hostname", pod, ns);
  return fmt::format("istioctl proxy-status | grep \"{}\"", pod);
}

// "kubectl label namespace test-ns istio-injection- istio.io/rev=canary" (Canary Upgrades, 1.6 on).
// A namespace that already has istio.io/rev needs kubectl's --overwrite to change it.
std::string move_namespace(std::string_view ns, std::string_view revision, bool drop_injection_label,
                           bool has_rev_label) {
  return fmt::format("kubectl label namespace {}{} istio.io/rev={}{}", ns,
                     drop_injection_label ? " istio-injection-" : "", revision, has_rev_label ? " --overwrite" : "");
}

// "kubectl rollout restart deployment -n test-ns" (Canary Upgrades, 1.6 on) restarts every
// Deployment of a namespace; the runbook names each workload with injected sidecars instead, which
// also covers StatefulSets and DaemonSets (kubectl rollout restart TYPE/NAME).
std::string restart(const WorkloadRef& w) {
  std::string kind = w.kind;
  for (char& c : kind) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return fmt::format("kubectl rollout restart {}/{} -n {}", kind, w.name, w.ns);
}

// Before 1.11: "kubectl get pods -n test-ns -l istio.io/rev=canary"; 1.11 on: "istioctl
// proxy-status | grep "\.test-ns "" (Canary Upgrades).
std::string verify_namespace(const Version& to, std::string_view ns, std::string_view revision) {
  if (!promoted_commands(to)) return fmt::format("kubectl get pods -n {} -l istio.io/rev={}", ns, revision);
  return fmt::format("istioctl proxy-status | grep \"\\.{} \"", ns);
}

// 1.10: "istioctl x revision tag set prod-stable --revision 1-10-0 --overwrite" (blog, revision
// tags); 1.11 on: "istioctl tag set prod-stable --revision 1-10-0 --overwrite" and, for a new tag,
// without --overwrite (Canary Upgrades, Stable revision labels; "istioctl tag set default --revision
// 1-10-0" for the default tag).
std::string set_tag(const Version& to, std::string_view tag, std::string_view revision, bool exists) {
  return fmt::format("istioctl {} {} --revision {}{}", promoted_commands(to) ? "tag set" : "x revision tag set", tag,
                     revision, exists ? " --overwrite" : "");
}

// 1.7 to 1.10: "istioctl x uninstall --revision 1-6-5"; 1.11 on: "istioctl uninstall --revision
// 1-6-5 -y" (Canary Upgrades, Uninstall old control plane). The same command removes a canary.
std::string uninstall_revision(const Version& to, std::string_view revision) {
  if (!promoted_commands(to)) return fmt::format("istioctl x uninstall --revision {}", revision);
  return fmt::format("istioctl uninstall --revision {} -y", revision);
}

// "If the old control plane does not have a revision label, uninstall it using its original
// installation options, for example: istioctl x uninstall -f manifests/profiles/default.yaml" (1.7
// to 1.10; `istioctl uninstall -f ... -y` from 1.11).
std::string uninstall_by_configuration(const Version& to) {
  if (!promoted_commands(to)) return "istioctl x uninstall -f <your-custom-configuration-file>";
  return "istioctl uninstall -f <your-custom-configuration-file> -y";
}

// "kubectl apply -f manifests/charts/base/crds" (Upgrade with Helm, 1.12 to 1.23: "Helm does not
// upgrade or delete CRDs when performing an upgrade").
std::string apply_crds() { return "kubectl apply -f manifests/charts/base/crds"; }

// The crd-upgrade-123 boilerplate of Upgrade with Helm (1.24 on): "If upgrading CRDs via Helm from
// an Istio release 1.23 or older ... a one-time migration".
std::vector<std::string> adopt_crds(std::string_view base_release, std::string_view ns) {
  return {"kubectl label crds -l chart=istio \"app.kubernetes.io/managed-by=Helm\"",
          fmt::format("kubectl annotate crds -l chart=istio \"meta.helm.sh/release-name={}\"", base_release),
          fmt::format("kubectl annotate crds -l chart=istio \"meta.helm.sh/release-namespace={}\"", ns)};
}

// 1.12 to 1.23 in place: "helm upgrade istio-base manifests/charts/base -n istio-system --skip-crds";
// 1.24 on (canary and in place): "helm upgrade istio-base istio/base -n istio-system".
std::string helm_upgrade_base(const Version& to, std::string_view release, std::string_view ns) {
  if (!base_chart_upgrades_crds(to))
    return fmt::format("helm upgrade {} manifests/charts/base -n {} --skip-crds", release, ns);
  return fmt::format("helm upgrade {} istio/base -n {}", release, ns);
}

// "helm upgrade istio-base istio/base --set defaultRevision=canary -n istio-system --skip-crds"
// (1.12 to 1.23); without --skip-crds from 1.24.
std::string helm_default_revision(const Version& to, std::string_view release, std::string_view ns,
                                  std::string_view revision) {
  return fmt::format("helm upgrade {} istio/base --set defaultRevision={} -n {}{}", release, revision, ns,
                     base_chart_upgrades_crds(to) ? "" : " --skip-crds");
}

// "helm install istiod-canary istio/istiod --set revision=canary -n istio-system".
std::string helm_install_istiod(std::string_view release, std::string_view revision, std::string_view ns) {
  return fmt::format("helm install {} istio/istiod --set revision={} -n {}", release, revision, ns);
}

// "helm upgrade istiod istio/istiod -n istio-system". A revisioned release keeps its revision only
// if the upgrade sets it again ("Add your override values file or custom options to the commands
// below to preserve your custom configuration").
std::string helm_upgrade_istiod(std::string_view release, std::string_view ns, std::string_view revision) {
  if (revision.empty() || revision == "default") return fmt::format("helm upgrade {} istio/istiod -n {}", release, ns);
  return fmt::format("helm upgrade {} istio/istiod -n {} --set revision={}", release, ns, revision);
}

// "kubectl get pods -l app=istiod -L istio.io/rev -n istio-system".
std::string helm_get_istiod_pods(std::string_view ns) {
  return fmt::format("kubectl get pods -l app=istiod -L istio.io/rev -n {}", ns);
}

// "helm install istio-ingress-canary istio/gateway --set revision=canary -n istio-ingress".
std::string helm_install_gateway(std::string_view release, std::string_view revision, std::string_view ns) {
  return fmt::format("helm install {} istio/gateway --set revision={} -n {}", release, revision, ns);
}

// "helm upgrade istio-ingress istio/gateway -n istio-ingress".
std::string helm_upgrade_gateway(std::string_view release, std::string_view ns) {
  return fmt::format("helm upgrade {} istio/gateway -n {}", release, ns);
}

// "kubectl get pods -L istio.io/rev -n istio-ingress".
std::string helm_get_gateway_pods(std::string_view ns) {
  return fmt::format("kubectl get pods -L istio.io/rev -n {}", ns);
}

// "helm delete istiod -n istio-system".
std::string helm_delete(std::string_view release, std::string_view ns) {
  return fmt::format("helm delete {} -n {}", release, ns);
}

}  // namespace upcheck::plan::guides
