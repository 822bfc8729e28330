#include <doctest/doctest.h>

#include "engine/object_copy.hpp"

using nlohmann::json;

TEST_CASE("a copy for apply loses what the API server added, and keeps what the author wrote") {
  json live = json::parse(R"({
    "apiVersion": "rbac.istio.io/v1alpha1", "kind": "RbacConfig",
    "metadata": {"name": "default", "namespace": "istio-system", "labels": {"app": "rbac"},
                 "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}", "team": "mesh"},
                 "resourceVersion": "2561", "uid": "5f0c", "generation": 1, "selfLink": "/apis/x",
                 "creationTimestamp": "2019-05-02T10:00:00Z", "managedFields": [{"manager": "kubectl"}]},
    "spec": {"mode": "ON"}, "status": {"observed": true}})");
  json copy = upcheck::copy_for_apply(live);
  CHECK(copy == json::parse(R"({
    "apiVersion": "rbac.istio.io/v1alpha1", "kind": "RbacConfig",
    "metadata": {"name": "default", "namespace": "istio-system", "labels": {"app": "rbac"},
                 "annotations": {"team": "mesh"}},
    "spec": {"mode": "ON"}})"));
  CHECK(upcheck::copy_for_apply(copy) == copy);
}

TEST_CASE("annotations left empty by the copy are dropped") {
  json live = {
      {"metadata", {{"name", "x"}, {"annotations", {{"kubectl.kubernetes.io/last-applied-configuration", "{}"}}}}}};
  CHECK(upcheck::copy_for_apply(live) == json{{"metadata", {{"name", "x"}}}});
  CHECK(upcheck::copy_for_apply(json("scalar")) == json("scalar"));
}
