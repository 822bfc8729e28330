// The numbered YAML step files of a migration (NN-<stage>-{create,patch,delete}.yaml), which
// apply.sh applies in order and a person reads first.
#pragma once

#include <string>
#include <vector>

#include "fix/migration_plan.hpp"

namespace upcheck::fix {

enum class StepKind : uint8_t { Create, Patch, Delete };

struct StepFile {
  std::string name;     // "01-now-create.yaml"
  std::string release;  // the stage's release; empty for "now"
  StepKind kind = StepKind::Create;
  std::string content;  // YAML documents, each preceded by the findings it resolves
};

// In apply order: stage by stage, its creates and patches (patches first where the stage says so)
// and deletes (commands live in apply.sh).
std::vector<StepFile> render_step_files(const MigrationPlan& plan);

}  // namespace upcheck::fix
