#include <doctest/doctest.h>

#include <fmt/format.h>

#include <string>

#include "model/snapshot.hpp"

using namespace upcheck;

namespace {

Resource object(const std::string& kind, const std::string& ns, const std::string& name, uint32_t line) {
  TreeBuilder b;
  b.begin_map({line, 1});
  b.scalar("apiVersion", ScalarStyle::Plain, {line, 1});
  b.scalar("v1", ScalarStyle::Plain, {line, 13});
  b.scalar("kind", ScalarStyle::Plain, {line + 1, 1});
  b.scalar(kind, ScalarStyle::Plain, {line + 1, 7});
  b.scalar("metadata", ScalarStyle::Plain, {line + 2, 1});
  b.begin_map({line + 3, 3});
  b.scalar("name", ScalarStyle::Plain, {line + 3, 3});
  b.scalar(name, ScalarStyle::Plain, {line + 3, 9});
  if (!ns.empty()) {
    b.scalar("namespace", ScalarStyle::Plain, {line + 4, 3});
    b.scalar(ns, ScalarStyle::Plain, {line + 4, 14});
  }
  b.end();
  b.end();
  return Resource(b.finish(), 0, {line, 1});
}

}  // namespace

TEST_CASE("find answers the first object of a kind, namespace and name, at any number of objects") {
  std::deque<Resource> resources;
  // Enough objects that the table wraps and probes past collisions; names that differ only in
  // which part holds a character, so a hash of the parts run together would collide.
  for (int i = 0; i < 5000; ++i)
    resources.push_back(object("Service", fmt::format("ns{}", i % 37), fmt::format("s{}", i), 1));
  resources.push_back(object("Service", "ab", "c", 10));
  resources.push_back(object("Service", "a", "bc", 20));
  resources.push_back(object("Service", "a", "bc", 30));  // the same object again: the first wins
  resources.push_back(object("Namespace", "", "a", 40));  // cluster-scoped
  Snapshot snapshot({{"dump.yaml", false}}, std::move(resources));
  for (int i = 0; i < 5000; i += 7) {
    const Resource* r = snapshot.find("Service", fmt::format("ns{}", i % 37), fmt::format("s{}", i));
    REQUIRE(r != nullptr);
    CHECK(r->name() == fmt::format("s{}", i));
  }
  CHECK(snapshot.find("Service", "ns0", "s1") == nullptr);  // s1 is in ns1
  CHECK(snapshot.find("Service", "ab", "c")->position().line == 10);
  CHECK(snapshot.find("Service", "a", "bc")->position().line == 20);
  CHECK(snapshot.find("Namespace", "", "a")->position().line == 40);
  CHECK(snapshot.find("Namespace", "a", "") == nullptr);
  CHECK(snapshot.find("Deployment", "ab", "c") == nullptr);
  CHECK(Snapshot().find("Service", "ab", "c") == nullptr);
}
