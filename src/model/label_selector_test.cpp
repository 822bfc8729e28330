#include <doctest/doctest.h>

#include "model/label_selector.hpp"

using namespace upcheck;

namespace {

// Builds {app: a, tier: web} style trees without a parser.
Tree labels(std::initializer_list<std::pair<std::string_view, std::string_view>> pairs) {
  TreeBuilder b;
  b.begin_map({1, 1});
  for (auto [k, v] : pairs) {
    b.scalar(k, ScalarStyle::Plain, {1, 1});
    b.scalar(v, ScalarStyle::Plain, {1, 1});
  }
  b.end();
  return b.finish();
}

Tree selector(std::initializer_list<std::pair<std::string_view, std::string_view>> match_labels,
              std::string_view expression_key = {}, std::string_view op = {},
              std::initializer_list<std::string_view> values = {}) {
  TreeBuilder b;
  b.begin_map({1, 1});
  if (match_labels.size() != 0) {
    b.scalar("matchLabels", ScalarStyle::Plain, {1, 1});
    b.begin_map({1, 1});
    for (auto [k, v] : match_labels) {
      b.scalar(k, ScalarStyle::Plain, {1, 1});
      b.scalar(v, ScalarStyle::Plain, {1, 1});
    }
    b.end();
  }
  if (!expression_key.empty()) {
    b.scalar("matchExpressions", ScalarStyle::Plain, {1, 1});
    b.begin_seq({1, 1});
    b.begin_map({1, 1});
    b.scalar("key", ScalarStyle::Plain, {1, 1});
    b.scalar(expression_key, ScalarStyle::Plain, {1, 1});
    b.scalar("operator", ScalarStyle::Plain, {1, 1});
    b.scalar(op, ScalarStyle::Plain, {1, 1});
    b.scalar("values", ScalarStyle::Plain, {1, 1});
    b.begin_seq({1, 1});
    for (auto v : values) b.scalar(v, ScalarStyle::Plain, {1, 1});
    b.end();
    b.end();
    b.end();
  }
  b.end();
  return b.finish();
}

}  // namespace

TEST_CASE("matchLabels must all match") {
  Tree pod = labels({{"app", "istiod"}, {"istio", "pilot"}});
  CHECK(selector_matches(selector({{"app", "istiod"}}).root(), pod.root(), EmptySelector::MatchesNone));
  CHECK_FALSE(
      selector_matches(selector({{"app", "istiod"}, {"x", "y"}}).root(), pod.root(), EmptySelector::MatchesNone));
}

TEST_CASE("matchExpressions follow Kubernetes' operators") {
  Tree pod = labels({{"app", "istiod"}});
  CHECK(
      selector_matches(selector({}, "app", "In", {"pilot", "istiod"}).root(), pod.root(), EmptySelector::MatchesNone));
  CHECK_FALSE(
      selector_matches(selector({}, "app", "NotIn", {"istiod"}).root(), pod.root(), EmptySelector::MatchesNone));
  CHECK(selector_matches(selector({}, "tier", "NotIn", {"web"}).root(), pod.root(), EmptySelector::MatchesNone));
  CHECK(selector_matches(selector({}, "app", "Exists").root(), pod.root(), EmptySelector::MatchesNone));
  CHECK(selector_matches(selector({}, "tier", "DoesNotExist").root(), pod.root(), EmptySelector::MatchesNone));
  CHECK_FALSE(selector_matches(selector({}, "app", "Sideways").root(), pod.root(), EmptySelector::MatchesAll));
}

TEST_CASE("an empty selector's meaning depends on the API; a missing one selects nothing") {
  Tree pod = labels({{"app", "istiod"}});
  Tree empty = selector({});
  CHECK(selector_matches(empty.root(), pod.root(), EmptySelector::MatchesAll));
  CHECK_FALSE(selector_matches(empty.root(), pod.root(), EmptySelector::MatchesNone));
  CHECK_FALSE(selector_matches(NodeRef{}, pod.root(), EmptySelector::MatchesAll));
}

TEST_CASE("map selectors (Service.spec.selector) need every pair; an empty one selects nothing") {
  Tree pod = labels({{"app", "istiod"}, {"istio", "pilot"}});
  CHECK(map_selector_matches(labels({{"istio", "pilot"}}).root(), pod.root()));
  CHECK_FALSE(map_selector_matches(labels({}).root(), pod.root()));
}
