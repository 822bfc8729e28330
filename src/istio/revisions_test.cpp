#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "istio/revisions.hpp"

using namespace upcheck;
using nlohmann::json;

namespace {

void build(TreeBuilder& b, const json& value) {
  if (value.is_object()) {
    b.begin_map({1, 1});
    for (const auto& [key, child] : value.items()) {
      b.scalar(key, ScalarStyle::Plain, {1, 1});
      build(b, child);
    }
    b.end();
  } else if (value.is_array()) {
    b.begin_seq({1, 1});
    for (const json& child : value) build(b, child);
    b.end();
  } else if (value.is_null()) {
    b.null({1, 1});
  } else {
    b.scalar(value.is_string() ? value.get<std::string>() : value.dump(), ScalarStyle::Quoted, {1, 1});
  }
}

Resource object(const json& value, const DigestedAnnotations& digested = {}) {
  TreeBuilder b;
  build(b, value);
  return Resource(b, 0, {1, 1}, digested);
}

Tree labels(const json& value) {
  TreeBuilder b;
  build(b, value);
  return b.finish();
}

// One webhook as istio-discovery's mutatingwebhook.yaml (1.12+) renders it.
json webhook(std::string_view prefix, std::string_view service, json ns_selector, json object_selector) {
  return {{"name", std::string(prefix) + "sidecar-injector.istio.io"},
          {"clientConfig", {{"service", {{"name", service}, {"namespace", "istio-system"}, {"path", "/inject"}}}}},
          {"failurePolicy", "Fail"},
          {"namespaceSelector", ns_selector},
          {"objectSelector", object_selector}};
}

json expression(std::string_view key, std::string_view op, json values = nullptr) {
  json e = {{"key", key}, {"operator", op}};
  if (!values.is_null()) e["values"] = values;
  return e;
}

json match(std::vector<json> expressions) {
  json selector = json::object();
  selector["matchExpressions"] = expressions;
  return selector;
}

// The webhooks of one revision; the default revision also selects istio-injection=enabled and
// sidecar.istio.io/inject=true.
json injector(std::string_view name, std::string_view revision, std::string_view tag, bool is_default) {
  std::string service = revision == "default" ? "istiod" : "istiod-" + std::string(revision);
  std::string selected = tag.empty() ? std::string(revision) : std::string(tag);
  json hooks = json::array();
  hooks.push_back(
      webhook("rev.namespace.", service,
              match({expression("istio.io/rev", "In", {selected}), expression("istio-injection", "DoesNotExist")}),
              match({expression("sidecar.istio.io/inject", "NotIn", {"false"})})));
  hooks.push_back(
      webhook("rev.object.", service,
              match({expression("istio.io/rev", "DoesNotExist"), expression("istio-injection", "DoesNotExist")}),
              match({expression("sidecar.istio.io/inject", "NotIn", {"false"}),
                     expression("istio.io/rev", "In", {selected})})));
  if (is_default) {
    hooks.push_back(webhook("namespace.", service, match({expression("istio-injection", "In", {"enabled"})}),
                            match({expression("sidecar.istio.io/inject", "NotIn", {"false"})})));
    hooks.push_back(webhook(
        "object.", service,
        match({expression("istio-injection", "DoesNotExist"), expression("istio.io/rev", "DoesNotExist")}),
        match({expression("sidecar.istio.io/inject", "In", {"true"}), expression("istio.io/rev", "DoesNotExist")})));
  }
  json meta_labels = {{"app", "sidecar-injector"}, {"istio.io/rev", revision}};
  if (!tag.empty()) meta_labels["istio.io/tag"] = tag;
  return {{"apiVersion", "admissionregistration.k8s.io/v1"},
          {"kind", "MutatingWebhookConfiguration"},
          {"metadata", {{"name", name}, {"labels", meta_labels}}},
          {"webhooks", hooks}};
}

json istiod(std::string_view name, std::string_view revision, std::string_view version) {
  return {
      {"apiVersion", "apps/v1"},
      {"kind", "Deployment"},
      {"metadata",
       {{"name", name}, {"namespace", "istio-system"}, {"labels", {{"app", "istiod"}, {"istio.io/rev", revision}}}}},
      {"spec",
       {{"template",
         {{"spec",
           {{"containers",
             {{{"name", "discovery"}, {"image", "docker.io/istio/pilot:" + std::string(version)}}}}}}}}}}};
}

struct Cluster {
  Snapshot snapshot;
  IstioInstallation istio;
  explicit Cluster(const std::vector<json>& objects) {
    std::deque<Resource> resources;
    for (const json& o : objects) resources.push_back(object(o));
    snapshot = Snapshot({{"input.yaml", false}}, std::move(resources));
    istio = detect_istio(snapshot);
  }
};

std::string injected(const RevisionIndex& index, const json& ns, const json& pod = json::object()) {
  Tree ns_labels = labels(ns);
  Tree pod_labels = labels(pod);
  Injection i = index.injection(ns_labels.root(), pod_labels.root(), NodeRef{});
  if (!i) return "none";
  return i.revision + (i.resolved ? "" : " (unresolved)");
}

}  // namespace

TEST_CASE("revision names are DNS-1123 labels, as istioctl validates them") {
  CHECK(is_valid_revision_name("1-6-8"));
  CHECK(is_valid_revision_name("canary"));
  CHECK(is_valid_revision_name("default"));
  CHECK(is_valid_revision_name(std::string(63, 'a')));
  CHECK_FALSE(is_valid_revision_name(std::string(64, 'a')));
  CHECK_FALSE(is_valid_revision_name("1.6.8"));
  CHECK_FALSE(is_valid_revision_name("Canary"));
  CHECK_FALSE(is_valid_revision_name("-canary"));
  CHECK_FALSE(is_valid_revision_name("canary-"));
  CHECK_FALSE(is_valid_revision_name("prod_stable"));
  CHECK_FALSE(is_valid_revision_name(""));
  CHECK(suggest_revision_name("1.6.8") == "1-6-8");
  CHECK(suggest_revision_name("Prod_Stable.") == "prod-stable");
  CHECK(suggest_revision_name("v1.21.0..rc") == "v1-21-0-rc");
  CHECK(suggest_revision_name("...") == "");
}

TEST_CASE("the injector webhooks decide: istio-injection wins, tags resolve, disabled keeps injectors away") {
  Cluster c({istiod("istiod", "default", "1.20.3"), istiod("istiod-canary", "canary", "1.21.0"),
             injector("istio-sidecar-injector", "default", "", true),
             injector("istio-sidecar-injector-canary", "canary", "", false),
             injector("istio-revision-tag-prod-stable", "canary", "prod-stable", false)});
  RevisionIndex index(c.snapshot, c.istio);
  CHECK_FALSE(index.empty());
  CHECK(index.knows_tags());
  CHECK(index.revisions() == std::vector<std::string>{"canary", "default"});
  REQUIRE(index.tags().size() == 1);
  CHECK(index.tags().at("prod-stable") == "canary");
  CHECK(index.default_revision() == "default");
  REQUIRE(index.default_webhook() != nullptr);
  CHECK(index.default_webhook()->name == "namespace.sidecar-injector.istio.io");
  Tree enabled = labels({{"istio-injection", "enabled"}});
  Tree disabled = labels({{"istio-injection", "disabled"}});
  Tree opted_out = labels({{"sidecar.istio.io/inject", "false"}});
  CHECK(index.default_webhook()->selects(enabled.root(), NodeRef{}));
  CHECK_FALSE(index.default_webhook()->selects(disabled.root(), NodeRef{}));
  CHECK_FALSE(index.default_webhook()->selects(enabled.root(), opted_out.root()));
  CHECK(index.describe() == "revisions canary, default; tag prod-stable -> canary");

  CHECK(index.resolve("canary") == "canary");
  CHECK(index.resolve("prod-stable") == "canary");
  CHECK(index.resolve("default") == "default");
  CHECK_FALSE(index.resolve("1-19-0").has_value());

  CHECK(injected(index, {{"istio-injection", "enabled"}}) == "default");
  CHECK(injected(index, {{"istio-injection", "enabled"}, {"istio.io/rev", "canary"}}) == "default");
  CHECK(injected(index, {{"istio-injection", "disabled"}, {"istio.io/rev", "canary"}}) == "none");
  CHECK(injected(index, {{"istio.io/rev", "canary"}}) == "canary");
  CHECK(injected(index, {{"istio.io/rev", "prod-stable"}}) == "canary");
  CHECK(injected(index, {{"istio.io/rev", "1-19-0"}}) == "none");
  CHECK(injected(index, json::object()) == "none");
  CHECK(injected(index, json::object(), {{"sidecar.istio.io/inject", "true"}}) == "default");
  CHECK(injected(index, json::object(), {{"istio.io/rev", "canary"}}) == "canary");
  // A namespace's revision wins over a pod's (istio/istio#37088).
  CHECK(injected(index, {{"istio.io/rev", "default"}}, {{"istio.io/rev", "canary"}}) == "default");
  CHECK(injected(index, {{"istio.io/rev", "canary"}}, {{"sidecar.istio.io/inject", "false"}}) == "none");
  CHECK(index.control_plane("prod-stable") != nullptr);
  CHECK(index.control_plane("prod-stable")->revision == "canary");
}

TEST_CASE("a default tag's webhooks run before the old injector's: the tag names the default revision") {
  Cluster c({istiod("istiod", "default", "1.20.3"), istiod("istiod-1-21-0", "1-21-0", "1.21.0"),
             injector("istio-sidecar-injector", "default", "", true),
             injector("istio-sidecar-injector-1-21-0", "1-21-0", "", false),
             injector("istio-revision-tag-default", "1-21-0", "default", true)});
  RevisionIndex index(c.snapshot, c.istio);
  CHECK(index.default_revision() == "1-21-0");
  REQUIRE(index.default_webhook() != nullptr);
  CHECK(index.default_webhook()->configuration->name() == "istio-revision-tag-default");
  CHECK(injected(index, {{"istio-injection", "enabled"}}) == "1-21-0");
  CHECK(index.control_plane("1-21-0")->version()->version.str() == "1.21.0");
}

TEST_CASE("without webhooks the documented label rules stand in") {
  Cluster c(std::vector<json>{istiod("istiod", "default", "1.20.3")});
  RevisionIndex index(c.snapshot, c.istio);
  CHECK_FALSE(index.has_webhooks());
  CHECK(index.default_revision() == "default");
  CHECK(injected(index, {{"istio-injection", "enabled"}, {"istio.io/rev", "canary"}}) == "default");
  CHECK(injected(index, {{"istio-injection", "disabled"}, {"istio.io/rev", "canary"}}) == "none");
  CHECK(injected(index, {{"istio.io/rev", "canary"}}) == "canary (unresolved)");
  CHECK(injected(index, json::object(), {{"sidecar.istio.io/inject", "true"}}) == "default");

  // Tags live in webhook configurations, which this input lacks; 1.9 had no tags to lack.
  CHECK_FALSE(index.knows_tags());
  Cluster old(std::vector<json>{istiod("istiod", "default", "1.9.5")});
  CHECK(RevisionIndex(old.snapshot, old.istio).knows_tags());

  Cluster empty(std::vector<json>{});
  RevisionIndex nothing(empty.snapshot, empty.istio);
  CHECK(nothing.empty());
  CHECK(nothing.describe() == "no revision");
}

TEST_CASE("an injected pod is bound by its annotations first, then by the labels as the webhooks read them") {
  Cluster c({istiod("istiod", "default", "1.20.3"), istiod("istiod-canary", "canary", "1.21.0"),
             injector("istio-sidecar-injector", "default", "", true),
             injector("istio-sidecar-injector-canary", "canary", "", false)});
  RevisionIndex index(c.snapshot, c.istio);
  Resource moved_ns = object({{"apiVersion", "v1"},
                              {"kind", "Namespace"},
                              {"metadata", {{"name", "shop"}, {"labels", {{"istio.io/rev", "canary"}}}}}});
  // The loader keeps sidecar.istio.io/status's key and digests its value into the injected revision.
  auto pod = [](json annotations, json pod_labels, std::string_view injected_revision = {}) {
    return object({{"apiVersion", "v1"},
                   {"kind", "Pod"},
                   {"metadata",
                    {{"name", "cart-1"}, {"namespace", "shop"}, {"annotations", annotations}, {"labels", pod_labels}}}},
                  {.last_applied_api_version = {}, .injected_revision = injected_revision});
  };
  // Relabelled to canary but not restarted: the annotations still show the old revision.
  Resource annotated = pod({{"istio.io/rev", "default"}}, {{"app", "cart"}});
  CHECK(index.bound_revision(annotated, &moved_ns)->revision == "default");
  CHECK(index.bound_revision(annotated, &moved_ns)->evidence == "annotation istio.io/rev");
  Resource status = pod({{"sidecar.istio.io/status", ""}}, {{"app", "cart"}}, "default");
  CHECK(index.bound_revision(status, &moved_ns)->revision == "default");
  // 1.6-1.10 wrote the revision into the label; their status has no revision.
  Resource old = pod({{"sidecar.istio.io/status", ""}}, {{"istio.io/rev", "default"}});
  CHECK(index.bound_revision(old, &moved_ns)->revision == "default");
  CHECK(index.bound_revision(old, &moved_ns)->evidence == "label istio.io/rev");
  // Nothing on the pod: the namespace label decides.
  Resource bare = pod(json::object(), {{"app", "cart"}});
  CHECK(index.bound_revision(bare, &moved_ns)->revision == "canary");
  CHECK_FALSE(index.bound_revision(bare, nullptr).has_value());
}

TEST_CASE("the proxy is the istio-proxy container, or a native sidecar init container") {
  Tree classic = labels({{"containers",
                          {{{"name", "cart"}, {"image", "shop/cart:2"}},
                           {{"name", "istio-proxy"}, {"image", "docker.io/istio/proxyv2:1.20.3"}}}},
                         {"initContainers", {{{"name", "istio-init"}, {"image", "docker.io/istio/proxyv2:1.20.3"}}}}});
  auto proxy = find_istio_proxy(classic.root(), "spec");
  REQUIRE(proxy);
  CHECK(proxy->field_path == "spec.containers[1]");
  CHECK_FALSE(proxy->native_sidecar);
  CHECK(proxy->version()->str() == "1.20.3");

  Tree native =
      labels({{"containers", {{{"name", "cart"}, {"image", "shop/cart:2"}}}},
              {"initContainers",
               {{{"name", "istio-validation"}, {"image", "docker.io/istio/proxyv2:1.27.1"}},
                {{"name", "istio-proxy"}, {"image", "docker.io/istio/proxyv2:1.27.1"}, {"restartPolicy", "Always"}}}}});
  proxy = find_istio_proxy(native.root(), "spec.template.spec");
  REQUIRE(proxy);
  CHECK(proxy->field_path == "spec.template.spec.initContainers[1]");
  CHECK(proxy->native_sidecar);

  Tree none = labels({{"containers", {{{"name", "cart"}, {"image", "shop/cart:2"}}}},
                      {"initContainers", {{{"name", "istio-proxy"}, {"image", "docker.io/istio/proxyv2:1.27.1"}}}}});
  CHECK_FALSE(find_istio_proxy(none.root(), "spec").has_value());
}
