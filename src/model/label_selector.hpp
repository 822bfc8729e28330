// Kubernetes label-selector semantics: matchLabels and matchExpressions against a label map.
#pragma once

#include <string>

#include "model/tree.hpp"

namespace upcheck {

// What an empty selector (`selector: {}`) selects. It differs between APIs: in policy/v1 a
// PodDisruptionBudget's empty selector selects every pod in the namespace, in policy/v1beta1 none
// (https://kubernetes.io/docs/tasks/run-application/configure-pdb/#arbitrary-controllers-and-selectors).
enum class EmptySelector { MatchesAll, MatchesNone };

// A metav1.LabelSelector against labels (a mapping node; an absent node means no labels).
// A missing or null selector selects nothing. An expression with an unknown operator selects
// nothing, as the API server would have rejected it.
bool selector_matches(NodeRef selector, NodeRef labels, EmptySelector empty);

// A plain map selector (Service.spec.selector, ReplicationController): every pair must match.
// An empty or absent map selects nothing (a Service without a selector has no pods).
bool map_selector_matches(NodeRef selector, NodeRef labels);

// "app=istiod,istio in (pilot)" for messages.
std::string describe_selector(NodeRef selector);

}  // namespace upcheck
