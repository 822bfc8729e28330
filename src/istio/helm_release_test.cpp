#include <doctest/doctest.h>

#include "codec/base64.hpp"
#include "codec/gzip.hpp"
#include "istio/helm_release.hpp"
#include "model/snapshot.hpp"
#include "testing/helm_records.hpp"

using namespace upcheck;
using codec::encode_base64;
using codec::gzip_best;
using testing::HelmReleaseSpec;

namespace {

constexpr const char* kManifest =
    "---\n"
    "# Source: istiod/templates/poddisruptionbudget.yaml\n"
    "apiVersion: policy/v1beta1\n"
    "kind: PodDisruptionBudget\n"
    "metadata:\n"
    "  name: istiod\n"
    "  namespace: istio-system\n"
    "spec:\n"
    "  minAvailable: 1\n"
    "---\n"
    "# Source: istiod/templates/autoscale.yaml\n"
    "apiVersion: \"autoscaling/v2beta2\"\n"
    "kind: HorizontalPodAutoscaler  # scales istiod\n"
    "metadata:\n"
    "  name: istiod\n"
    "---\n"
    "# Source: istiod/templates/deployment.yaml\n"
    "apiVersion: apps/v1\n"
    "kind: Deployment\n"
    "metadata:\n"
    "  name: istiod\n"
    "spec:\n"
    "  template:\n"
    "    spec:\n"
    "      containers:\n"
    "      - name: discovery\n"
    "        env:\n"
    "        - name: kind\n"
    "          value: \"apiVersion: x/v1\"\n"
    "---\n"
    "# Source: istiod/templates/pdb-canary.yaml\n"
    "apiVersion: policy/v1beta1\n"
    "kind: PodDisruptionBudget\n"
    "metadata:\n"
    "  name: istiod-canary\n";

HelmReleaseSpec istiod_spec() {
  HelmReleaseSpec spec;
  spec.config = {{"revision", "1-20-3"},
                 {"global", {{"hub", "registry.example.com/istio"}, {"proxy", {{"privileged", false}}}}},
                 {"meshConfig", {{"accessLogFile", "/dev/stdout"}}},
                 {"dbPassword", "hunter2-do-not-print"}};
  spec.chart_values = {{"revision", ""},
                       {"revisionTags", nlohmann::ordered_json::array()},
                       {"global", {{"hub", "docker.io/istio"}, {"tag", "1.20.3"}}}};
  spec.manifest = kManifest;
  spec.templates = {{"templates/deployment.yaml", "apiVersion: apps/v1\nkind: Deployment\n<&>"}};
  return spec;
}

}  // namespace

TEST_CASE("gzip: inflated when the magic bytes say so, else left alone; bounded") {
  std::string error;
  CHECK(gunzip_if_gzip("{\"name\":\"x\"}", error) == std::optional<std::string>("{\"name\":\"x\"}"));
  CHECK(gunzip_if_gzip(gzip_best("hello"), error) == std::optional<std::string>("hello"));

  std::string corrupt = gzip_best("hello world hello world");
  corrupt[12] = static_cast<char>(corrupt[12] ^ 0x55);
  CHECK_FALSE(gunzip_if_gzip(corrupt, error).has_value());
  CHECK(error.find("gzip") != std::string::npos);

  std::string truncated = gzip_best(std::string(10000, 'a'));
  truncated.resize(truncated.size() / 2);
  CHECK_FALSE(gunzip_if_gzip(truncated, error).has_value());
  CHECK(error == "the gzip stream is truncated");

  // 8 MiB of zeros compress to a few KiB: the limit stops it, not the memory.
  std::string bomb = gzip_best(std::string(8u << 20, '\0'));
  CHECK(bomb.size() < 64 * 1024);
  CHECK_FALSE(gunzip_if_gzip(bomb, error, 1u << 20).has_value());
  CHECK(error == "larger than 1 MiB once decompressed");
}

TEST_CASE("a Helm 3 Secret's data.release: base64 twice, gzip, JSON") {
  HelmReleaseSpec spec = istiod_spec();
  std::string data = encode_base64(testing::helm3_encoded_release(spec));
  HelmDecodeResult r = decode_helm3_release(data, HelmStorage::Secret);
  REQUIRE_MESSAGE(r.summary, r.error);
  const HelmReleaseSummary& s = *r.summary;
  CHECK(s.decoded);
  CHECK(s.storage == HelmStorage::Secret);
  CHECK(s.name == "istiod");
  CHECK(s.ns == "istio-system");
  CHECK(s.chart == "istiod");
  CHECK(s.chart_version == "1.20.3");
  CHECK(s.app_version == "1.20.3");
  CHECK(s.revision == 1);
  CHECK(s.status == "deployed");
  // The user's values win; the chart's fill the rest.
  CHECK(s.values.revision == std::optional<std::string>("1-20-3"));
  CHECK(s.values.global_hub == std::optional<std::string>("registry.example.com/istio"));
  CHECK(s.values.global_tag == std::optional<std::string>("1.20.3"));
  CHECK_FALSE(s.values.default_revision.has_value());
  CHECK(s.values.revision_tags.empty());
  REQUIRE(s.manifest_kinds.size() == 3);
  CHECK(s.manifest_kinds[0] ==
        HelmManifestKind{"policy/v1beta1", "PodDisruptionBudget", "istiod/templates/poddisruptionbudget.yaml", 2});
  CHECK(s.manifest_kinds[1] ==
        HelmManifestKind{"autoscaling/v2beta2", "HorizontalPodAutoscaler", "istiod/templates/autoscale.yaml", 1});
  CHECK(s.manifest_kinds[2].kind == "Deployment");
}

TEST_CASE("records stored before Helm compressed them, and by the ConfigMap driver") {
  HelmReleaseSpec spec = istiod_spec();
  HelmDecodeResult plain =
      decode_helm3_release(encode_base64(testing::helm3_encoded_release(spec, false)), HelmStorage::Secret);
  REQUIRE_MESSAGE(plain.summary, plain.error);
  CHECK(plain.summary->chart == "istiod");

  HelmDecodeResult configmap = decode_helm3_release(testing::helm3_encoded_release(spec), HelmStorage::ConfigMap);
  REQUIRE_MESSAGE(configmap.summary, configmap.error);
  CHECK(configmap.summary->storage == HelmStorage::ConfigMap);
  CHECK(configmap.summary->values.revision == std::optional<std::string>("1-20-3"));
  // Decoding a ConfigMap's string twice is not base64 of base64.
  CHECK_FALSE(decode_helm3_release(testing::helm3_encoded_release(spec), HelmStorage::Secret).summary);
}

TEST_CASE("values: revisionTags, defaultRevision and Istio's nested chart defaults") {
  HelmReleaseSpec spec;
  spec.chart = "istiod";
  spec.chart_values = {{"_internal_defaults_do_not_set",
                        {{"revision", ""}, {"revisionTags", {"default"}}, {"global", {{"tag", "1.24.1"}}}}},
                       {"global", {{"tag", "should-lose"}}}};
  spec.config = {{"revisionTags", {"prod-stable", "prod-canary"}}, {"global", {{"tag", 1.24}}}};
  HelmDecodeResult r = parse_helm3_release_json(testing::helm3_release_json(spec));
  REQUIRE(r.summary);
  CHECK(r.summary->values.revision_tags == std::vector<std::string>{"prod-stable", "prod-canary"});
  CHECK(r.summary->values.global_tag == std::optional<std::string>("1.24"));  // --set global.tag=1.24: a number
  CHECK(r.summary->values.revision == std::optional<std::string>(""));

  HelmReleaseSpec base;
  base.name = "istio-base";
  base.chart = "base";
  base.config = {{"defaultRevision", "canary"}};
  HelmDecodeResult b = parse_helm3_release_json(testing::helm3_release_json(base));
  REQUIRE(b.summary);
  CHECK(b.summary->values.default_revision == std::optional<std::string>("canary"));
  CHECK(b.summary->values.revision_tags.empty());
}

TEST_CASE("corrupt records are errors that quote nothing of the data") {
  HelmReleaseSpec spec = istiod_spec();
  auto error_of = [](std::string_view data) {
    HelmDecodeResult r = decode_helm3_release(data, HelmStorage::Secret);
    CHECK_FALSE(r.summary.has_value());
    CHECK(r.error.find("hunter2") == std::string::npos);
    return r.error;
  };
  CHECK(error_of("not base64 at all!") == "data.release is not base64");
  CHECK(error_of(encode_base64("@@not-base64@@")) == "data.release is not base64");
  CHECK(error_of(encode_base64(encode_base64("{\"name\":\"x\",\"config\":{\"dbPassword\":\"hunter2"))) ==
        "the release is not valid JSON");
  // Values upcheck skips are not validated (simdjson On-Demand): still no release, still no data.
  CHECK_FALSE(error_of(encode_base64(encode_base64("{\"dbPassword\": hunter2}"))).empty());
  CHECK(error_of(encode_base64(encode_base64("[1,2]"))) == "the release is not valid JSON");
  CHECK(error_of(encode_base64(encode_base64("{\"dbPassword\":\"hunter2\"}"))) == "the JSON is not a Helm release");
  std::string gz = gzip_best(testing::helm3_release_json(spec));
  gz.resize(gz.size() - 40);
  CHECK(error_of(encode_base64(encode_base64(gz))) == "the release is the gzip stream is truncated");
}

TEST_CASE("a huge record is refused at the limit, not decoded") {
  // A release whose JSON would inflate past the limit: 70 MiB of one value.
  std::string huge = "{\"name\":\"big\",\"manifest\":\"" + std::string(70u << 20, 'x') + "\"}";
  std::string data = encode_base64(encode_base64(gzip_best(huge)));
  CHECK(data.size() < 1u << 20);
  HelmDecodeResult r = decode_helm3_release(data, HelmStorage::Secret);
  CHECK_FALSE(r.summary.has_value());
  CHECK(r.error == "the release is larger than 64 MiB once decompressed");
}

TEST_CASE("a Tiller (Helm 2) ConfigMap's protobuf release") {
  HelmReleaseSpec spec;
  spec.name = "istio";
  spec.chart = "istio";
  spec.chart_version = "1.1.7";
  spec.app_version = "1.1.7";
  spec.revision = 3;
  spec.status = "DEPLOYED";
  spec.manifest =
      "---\n# Source: istio/charts/pilot/templates/deployment.yaml\napiVersion: extensions/v1beta1\n"
      "kind: Deployment\nmetadata:\n  name: istio-pilot\n";
  spec.templates = {{"templates/configmap.yaml", "apiVersion: v1\nkind: ConfigMap\n"}};
  spec.config = {{"global", {{"tag", "1.1.7"}}}};
  std::string data = encode_base64(gzip_best(testing::tiller_release_proto(spec)));
  HelmDecodeResult r = decode_tiller_release(data);
  REQUIRE_MESSAGE(r.summary, r.error);
  const HelmReleaseSummary& s = *r.summary;
  CHECK(s.storage == HelmStorage::TillerConfigMap);
  CHECK(s.name == "istio");
  CHECK(s.ns == "istio-system");
  CHECK(s.chart == "istio");
  CHECK(s.chart_version == "1.1.7");
  CHECK(s.app_version == "1.1.7");
  CHECK(s.revision == 3);
  CHECK(s.status == "deployed");
  REQUIRE(s.manifest_kinds.size() == 1);
  CHECK(s.manifest_kinds[0].api_version == "extensions/v1beta1");

  std::string proto = testing::tiller_release_proto(spec);
  proto.resize(proto.size() - 5);  // cuts the namespace field short
  CHECK(parse_tiller_release_proto(proto).error == "the release is not a valid protobuf message");
  CHECK_FALSE(decode_tiller_release(encode_base64("\x1f\x8b\x08 garbage")).summary);
}

TEST_CASE("a record's Resource carries its summary; rules read it from there") {
  HelmDecodeResult r =
      decode_helm3_release(encode_base64(testing::helm3_encoded_release(istiod_spec())), HelmStorage::Secret);
  REQUIRE(r.summary);
  TreeBuilder b;
  b.begin_map({1, 1});
  b.scalar("apiVersion", ScalarStyle::Plain, {1, 1});
  b.scalar("v1", ScalarStyle::Plain, {1, 13});
  b.scalar("kind", ScalarStyle::Plain, {2, 1});
  b.scalar("Secret", ScalarStyle::Plain, {2, 7});
  b.scalar("metadata", ScalarStyle::Plain, {3, 1});
  b.begin_map({4, 3});
  b.scalar("name", ScalarStyle::Plain, {4, 3});
  b.scalar("sh.helm.release.v1.istiod.v1", ScalarStyle::Plain, {4, 9});
  b.scalar("namespace", ScalarStyle::Plain, {5, 3});
  b.scalar("istio-system", ScalarStyle::Plain, {5, 14});
  b.end();
  b.end();
  std::deque<Resource> resources;
  resources.emplace_back(b.finish(), 0, Mark{1, 1});
  resources.back().set_helm_release(*r.summary, Mark{4, 3});
  resources.emplace_back();  // not a record
  Snapshot snapshot({{"dump.yaml", false}}, std::move(resources));

  std::vector<HelmRelease> releases = helm_releases(snapshot);
  REQUIRE(releases.size() == 1);
  CHECK(releases[0].summary == *r.summary);
  CHECK(releases[0].record->helm_release_position() == Mark{4, 3});
  CHECK(releases[0].describe() == "release istiod in istio-system (chart istiod-1.20.3, revision 1)");
  CHECK(current_helm_releases(snapshot).size() == 1);
}

TEST_CASE("a collect stub reads back as the summary it was written from") {
  testing::HelmReleaseSpec spec = istiod_spec();
  spec.config = {{"global", {{"tag", 1.20}}}, {"revisionTags", {"stable", "canary"}}};
  spec.chart_values = {{"revision", ""}, {"global", {{"hub", "docker.io/istio"}}}};
  HelmDecodeResult r = decode_helm3_release(encode_base64(testing::helm3_encoded_release(spec)), HelmStorage::Secret);
  REQUIRE(r.summary);
  CHECK(r.summary->values.global_tag == std::optional<std::string>("1.2"));
  TreeBuilder b;
  b.begin_map({1, 1});
  for (const auto& [key, value] : collect_stub_annotations(*r.summary)) {
    b.scalar(key, ScalarStyle::Plain, {1, 1});
    b.scalar(value, ScalarStyle::Quoted, {1, 1});
  }
  b.end();
  Tree annotations = b.finish();
  std::optional<HelmReleaseSummary> read = summary_from_collect_stub(annotations.root());
  REQUIRE(read);
  HelmReleaseSummary expected = *r.summary;
  expected.manifest_kinds.clear();  // a stub carries none
  expected.ns.clear();              // nor the namespace: the loader takes the stub Secret's own
  CHECK(*read == expected);
}
