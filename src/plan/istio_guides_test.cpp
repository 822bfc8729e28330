// The guides' commands change with the release: each boundary here is one the guides draw.
#include <doctest/doctest.h>

#include "plan/helm_releases.hpp"
#include "plan/istio_guides.hpp"

using namespace upcheck;
using namespace upcheck::plan;

namespace {
Version v(const char* text) { return *Version::parse(text); }
}  // namespace

TEST_CASE("istioctl's experimental commands until 1.10, promoted from 1.11") {
  CHECK(guides::uninstall_revision(v("1.7.0"), "1-6-5") == "istioctl x uninstall --revision 1-6-5");
  CHECK(guides::uninstall_revision(v("1.10.3"), "1-9-5") == "istioctl x uninstall --revision 1-9-5");
  CHECK(guides::uninstall_revision(v("1.11.0"), "1-10-0") == "istioctl uninstall --revision 1-10-0 -y");
  CHECK(guides::uninstall_by_configuration(v("1.9.0")) == "istioctl x uninstall -f <your-custom-configuration-file>");
  CHECK(guides::set_tag(v("1.10.0"), "prod-stable", "1-10-0", true) ==
        "istioctl x revision tag set prod-stable --revision 1-10-0 --overwrite");
  CHECK(guides::set_tag(v("1.11.2"), "default", "1-11-2", false) == "istioctl tag set default --revision 1-11-2");
  CHECK_FALSE(guides::supports_default_tag(v("1.10.0")));
  CHECK(guides::supports_default_tag(v("1.11.0")));
  CHECK_FALSE(guides::supports_revision_uninstall(v("1.6.8")));
  CHECK(guides::supports_revision_uninstall(v("1.7.0")));
}

TEST_CASE("moved pods are verified by label before 1.11, with proxy-status after") {
  CHECK(guides::verify_namespace(v("1.9.0"), "test-ns", "canary") ==
        "kubectl get pods -n test-ns -l istio.io/rev=canary");
  CHECK(guides::verify_namespace(v("1.11.0"), "test-ns", "canary") == "istioctl proxy-status | grep \"\\.test-ns \"");
}

TEST_CASE("gateways are checked with proxy-config until 1.7, proxy-status from 1.8") {
  CHECK(guides::gateway_control_plane(v("1.7.8"), "istio-ingressgateway", "istio-system") ==
        "istioctl proxy-config endpoints $(kubectl -n istio-system get pod -l app=istio-ingressgateway -o "
        "jsonpath='{.items[0].metadata.name}').istio-system --cluster xds-grpc -ojson | grep hostname");
  CHECK(guides::gateway_control_plane(v("1.8.0"), "istio-ingressgateway", "istio-system") ==
        "istioctl proxy-status | grep \"$(kubectl -n istio-system get pod -l app=istio-ingressgateway -o "
        "jsonpath='{.items[0].metadata.name}')\"");
}

TEST_CASE("istioctl upgrade is experimental in 1.4, and needs 1.4") {
  CHECK(guides::istioctl_upgrade(v("1.4.3")) == "istioctl experimental upgrade -f <your-custom-configuration-file>");
  CHECK(guides::istioctl_upgrade(v("1.5.0")) == "istioctl upgrade -f <your-custom-configuration-file>");
  CHECK_FALSE(guides::supports_istioctl_upgrade(v("1.3")));
  CHECK_FALSE(guides::supports_canary(v("1.5.10")));
  CHECK(guides::supports_canary(v("1.6.0")));
}

TEST_CASE("Helm leaves CRDs to kubectl until 1.23; the base chart owns them from 1.24") {
  CHECK_FALSE(guides::base_chart_upgrades_crds(v("1.23.6")));
  CHECK(guides::base_chart_upgrades_crds(v("1.24.0")));
  CHECK(guides::helm_upgrade_base(v("1.23.0"), "istio-base", "istio-system") ==
        "helm upgrade istio-base manifests/charts/base -n istio-system --skip-crds");
  CHECK(guides::helm_upgrade_base(v("1.24.0"), "istio-base", "istio-system") ==
        "helm upgrade istio-base istio/base -n istio-system");
  CHECK(guides::helm_default_revision(v("1.20.0"), "base", "istio-system", "1-20-0") ==
        "helm upgrade base istio/base --set defaultRevision=1-20-0 -n istio-system --skip-crds");
  CHECK(guides::helm_default_revision(v("1.25.0"), "base", "istio-system", "1-25-0") ==
        "helm upgrade base istio/base --set defaultRevision=1-25-0 -n istio-system");
  CHECK(guides::adopt_crds("base", "mesh").at(1) ==
        "kubectl annotate crds -l chart=istio \"meta.helm.sh/release-name=base\"");
  CHECK(guides::helm_upgrade_istiod("istiod-1-20-3", "istio-system", "1-20-3") ==
        "helm upgrade istiod-1-20-3 istio/istiod -n istio-system --set revision=1-20-3");
  CHECK_FALSE(guides::supports_helm_guide(v("1.11")));
}

TEST_CASE("guides are cited with the archived site of the target's release") {
  CHECK(guides::canary_guide(v("1.21.2")).url == "https://istio.io/v1.21/docs/setup/upgrade/canary/");
  CHECK(guides::canary_guide(v("1.7.0")).url == "https://istio.io/v1.7/docs/setup/upgrade/");
  CHECK(guides::in_place_guide(v("1.4.0")).url == "https://istio.io/v1.4/docs/setup/upgrade/istioctl-upgrade/");
  CHECK(guides::helm_guide(v("1.24.1")).release == "1.24");
}

TEST_CASE("Helm chart labels split into chart and version") {
  CHECK(split_chart_label("istiod-1.20.3") == std::pair<std::string, std::string>{"istiod", "1.20.3"});
  CHECK(split_chart_label("istio-discovery-1.8.0") == std::pair<std::string, std::string>{"istio-discovery", "1.8.0"});
  CHECK(split_chart_label("gateway-1.22.0-beta.1") == std::pair<std::string, std::string>{"gateway", "1.22.0-beta.1"});
  CHECK(split_chart_label("mychart") == std::pair<std::string, std::string>{"mychart", ""});
}
