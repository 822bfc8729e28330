// Findings with fixes for the migration tests: one test rule, RbacConfigs to fix, and the
// ClusterRbacConfig that replaces them (with fields the API server set, which a fix never copies).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "engine/finding.hpp"
#include "engine/rule.hpp"

namespace upcheck::fix::testing {

inline const RuleInfo kTestRule{
    .code = "TST001", .name = "test-rule", .title = "t", .rationale = "r", .remediation = "m"};

// A finding on RbacConfig istio-system/`name` with `fix`.
inline Finding finding(std::string name, Fix fix) {
  Finding f;
  f.rule = &kTestRule;
  f.message = "message";
  f.object = ObjectRef{"rbac.istio.io/v1alpha1", "RbacConfig", "istio-system", std::move(name)};
  f.fix = std::move(fix);
  return f;
}

inline nlohmann::json cluster_rbac_config() {
  return {{"apiVersion", "rbac.istio.io/v1alpha1"},
          {"kind", "ClusterRbacConfig"},
          {"metadata", {{"name", "default"}, {"resourceVersion", "12"}}},
          {"spec", {{"mode", "ON"}}},
          {"status", {{"x", 1}}}};
}

inline const ObjectRef kClusterRbacConfig{"rbac.istio.io/v1alpha1", "ClusterRbacConfig", "", "default"};

}  // namespace upcheck::fix::testing
