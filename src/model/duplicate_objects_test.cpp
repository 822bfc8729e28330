#include <doctest/doctest.h>

#include <string>

#include "model/duplicate_objects.hpp"

using namespace upcheck;

namespace {

Resource object(const std::string& api_version, const std::string& kind, const std::string& name, uint32_t file,
                uint32_t line) {
  TreeBuilder b;
  b.begin_map({line, 1});
  b.scalar("apiVersion", ScalarStyle::Plain, {line, 1});
  b.scalar(api_version, ScalarStyle::Plain, {line, 13});
  b.scalar("kind", ScalarStyle::Plain, {line + 1, 1});
  b.scalar(kind, ScalarStyle::Plain, {line + 1, 7});
  b.scalar("metadata", ScalarStyle::Plain, {line + 2, 1});
  b.begin_map({line + 3, 3});
  if (!name.empty()) {
    b.scalar("name", ScalarStyle::Plain, {line + 3, 3});
    b.scalar(name, ScalarStyle::Plain, {line + 3, 9});
  }
  b.scalar("namespace", ScalarStyle::Plain, {line + 4, 3});
  b.scalar("istio-system", ScalarStyle::Plain, {line + 4, 14});
  b.end();
  b.end();
  return Resource(b.finish(), file, {line, 1});
}

}  // namespace

TEST_CASE("the same object twice is one object: the later copy, which kubectl applies last, is kept") {
  const std::vector<SourceFile> files{{"a.yaml"}, {"b.yaml"}};
  std::deque<Resource> resources;
  resources.push_back(object("apps/v1", "Deployment", "istiod", 0, 1));
  resources.push_back(object("v1", "Service", "istiod", 0, 10));
  resources.push_back(object("apps/v1", "Deployment", "istiod", 0, 20));
  resources.push_back(object("apps/v1", "Deployment", "istiod", 1, 1));
  // Not duplicates: another API group's kind of the same name (Istio's and the Gateway API's
  // Gateway), and objects with no name (generateName).
  resources.push_back(object("networking.istio.io/v1beta1", "Gateway", "gw", 1, 10));
  resources.push_back(object("gateway.networking.k8s.io/v1", "Gateway", "gw", 1, 20));
  resources.push_back(object("v1", "Pod", "", 1, 30));
  resources.push_back(object("v1", "Pod", "", 1, 40));

  std::vector<Diagnostic> notices = drop_duplicate_objects(files, resources);
  REQUIRE(notices.size() == 2);
  CHECK(notices[0].code->name == "duplicate-object");
  CHECK(notices[0].file == 0);
  CHECK(notices[0].mark == Mark{1, 1});
  CHECK(notices[0].message.find("Deployment istio-system/istiod is given again at b.yaml:1") == 0);
  CHECK(notices[1].mark == Mark{20, 1});
  REQUIRE(resources.size() == 6);
  CHECK(resources[0].kind() == "Service");
  CHECK(resources[1].kind() == "Deployment");
  CHECK(resources[1].file() == 1);
}

TEST_CASE("without duplicates nothing changes") {
  std::deque<Resource> resources;
  resources.push_back(object("v1", "Service", "a", 0, 1));
  resources.push_back(object("v1", "Service", "b", 0, 10));
  CHECK(drop_duplicate_objects({{"a.yaml"}}, resources).empty());
  CHECK(resources.size() == 2);
}
