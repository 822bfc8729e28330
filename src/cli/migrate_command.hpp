// `upcheck migrate`: run the rules as `check` does, then write their fixes as numbered YAML step
// files, apply.sh and MANUAL.md (or print them with --dry-run).
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace upcheck::cli {

int migrate_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace upcheck::cli
