// Wording the migration renderers share, so that the step files, apply.sh and MANUAL.md name
// objects, findings and stages the same way.
#pragma once

#include <string>
#include <vector>

#include "engine/finding.hpp"
#include "fix/migration_plan.hpp"

namespace upcheck::fix {

// "Service istio-system/istiod", "ClusterRbacConfig default".
std::string describe(const ObjectRef& object);

// "rule-name (CODE) on Kind ns/name", or "... on the upgrade plan".
std::string describe(const Finding& finding);

// The lines that precede a step (without a comment marker): the finding each resolution resolves
// and, for an unsafe fix, why it is unsafe; each line once.
std::vector<std::string> resolution_lines(const std::vector<Resolution>& resolves);

// "now" or "before-1.2": the stage in file names.
std::string stage_label(const Stage& stage);

// "now, before the upgrade" or "before upgrading to 1.2".
std::string stage_time(const Stage& stage);

// YAML documents (each ending in a newline) joined by `---` lines.
std::string join_documents(const std::vector<std::string>& documents);

}  // namespace upcheck::fix
