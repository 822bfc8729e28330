#include <doctest/doctest.h>

#include "model/tree.hpp"

using namespace upcheck;

namespace {

// metadata: {name: a, annotations: {"auth.istio.io/8000": NONE}}, spec: {ports: [{port: 80}]}
Tree sample() {
  TreeBuilder b;
  b.begin_map({1, 1});
  b.scalar("metadata", ScalarStyle::Plain, {1, 1});
  b.begin_map({2, 3});
  b.scalar("name", ScalarStyle::Plain, {2, 3});
  b.scalar("a", ScalarStyle::Plain, {2, 9});
  b.scalar("annotations", ScalarStyle::Plain, {3, 3});
  b.begin_map({4, 5});
  b.scalar("auth.istio.io/8000", ScalarStyle::Plain, {4, 5});
  b.scalar("NONE", ScalarStyle::Plain, {4, 25});
  b.end();
  b.end();
  b.scalar("spec", ScalarStyle::Plain, {5, 1});
  b.begin_map({6, 3});
  b.scalar("ports", ScalarStyle::Plain, {6, 3});
  b.begin_seq({7, 3});
  b.begin_map({7, 5});
  b.scalar("port", ScalarStyle::Plain, {7, 5});
  b.scalar("80", ScalarStyle::Plain, {7, 11});
  b.end();
  b.end();
  b.end();
  b.end();
  return b.finish();
}

}  // namespace

TEST_CASE("lookups chain and missing keys answer nothing") {
  Tree t = sample();
  CHECK(t.root()["metadata"]["name"].text() == "a");
  CHECK(t.root()["spec"]["ports"].at(0)["port"].as_int() == 80);
  CHECK_FALSE(t.root()["nope"]["deeper"].valid());
  CHECK(t.root()["metadata"].size() == 2);
  CHECK(t.root()["spec"]["ports"].size() == 1);
}

TEST_CASE("field paths reach quoted keys and indexes") {
  Tree t = sample();
  CHECK(t.root().path("metadata.annotations[\"auth.istio.io/8000\"]").text() == "NONE");
  CHECK(t.root().path("spec.ports[0].port").text() == "80");
  CHECK_FALSE(t.root().path("spec.ports[3].port").valid());
  CHECK(t.root().key_node("spec").mark() == Mark{5, 1});
}

TEST_CASE("iteration visits entries and elements in order") {
  Tree t = sample();
  std::vector<std::string_view> keys;
  for (auto [k, v] : t.root().entries()) keys.push_back(k.text());
  CHECK(keys == std::vector<std::string_view>{"metadata", "spec"});
  int n = 0;
  for (NodeRef e : t.root()["spec"]["ports"].elements()) n += e.is_map() ? 1 : 0;
  CHECK(n == 1);
}

TEST_CASE("plain scalars read as Kubernetes' YAML reader reads them") {
  TreeBuilder b;
  b.begin_seq({1, 1});
  b.scalar("yes", ScalarStyle::Plain, {1, 1});
  b.scalar("yes", ScalarStyle::Quoted, {1, 1});
  b.scalar("-3", ScalarStyle::Plain, {1, 1});
  b.scalar("3", ScalarStyle::Quoted, {1, 1});
  b.end();
  Tree t = b.finish();
  CHECK(t.root().at(0).as_bool() == true);
  CHECK_FALSE(t.root().at(1).as_bool());
  CHECK(t.root().at(2).as_int() == -3);
  CHECK_FALSE(t.root().at(3).as_int());
}

TEST_CASE("as_int reads the integer forms kubectl reads, and no others") {
  auto read = [](const char* text, ScalarStyle style = ScalarStyle::Plain) {
    TreeBuilder b;
    b.scalar(text, style, {1, 1});
    Tree t = b.finish();
    return t.root().as_int();
  };
  CHECK(read("3") == 3);
  CHECK(read("+2") == 2);
  CHECK(read("1e3") == 1000);
  CHECK(read("2.0") == 2);
  CHECK(read("0x2") == 2);
  CHECK(read("1_000") == 1000);
  CHECK(read("-1") == -1);
  CHECK_FALSE(read("2.5"));
  CHECK_FALSE(read("0o3"));
  CHECK_FALSE(read("abc"));
  CHECK_FALSE(read("3", ScalarStyle::Quoted));
}
