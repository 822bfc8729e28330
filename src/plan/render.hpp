// The two ways of writing a runbook: Markdown for people, JSON for programs (docs/plan.md).
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "model/snapshot.hpp"
#include "plan/runbook.hpp"

namespace upcheck::plan {

// `schemaVersion` of the JSON runbook: it changes only if a field changes meaning (fields are only
// ever added).
inline constexpr int kRunbookSchemaVersion = 1;

// The snapshot names the files that findings' locations point into.
void write_markdown(const Runbook& runbook, const Snapshot& snapshot, std::string_view tool_version, std::ostream& out);
void write_json(const Runbook& runbook, const Snapshot& snapshot, std::string_view tool_version, std::ostream& out);

// "Istio 1.20.3 → 1.21.2 (canary, istioctl)": the runbook in a line.
std::string headline(const Runbook& runbook);

}  // namespace upcheck::plan
