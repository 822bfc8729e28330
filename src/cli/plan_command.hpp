// `upcheck plan`: run the analysis as `check` does, then write the step-by-step upgrade of the
// cluster (Markdown or JSON), with each blocking finding at the step it blocks.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace upcheck::cli {

int plan_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace upcheck::cli
