// `upcheck collect`: run the user's kubectl to gather exactly the kinds the rules read, and write
// them as one `kind: List` snapshot that `upcheck check` loads (docs/collect.md).
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace upcheck::cli {

// Exit status: 0 when every kind was collected; 2 on a usage error, when kubectl cannot run or
// reach the cluster, or when a kind was skipped (the snapshot still holds the rest).
int collect_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace upcheck::cli
