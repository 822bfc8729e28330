// `upcheck check`: load the inputs, run the rules, write the report.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace upcheck::cli {

int check_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace upcheck::cli
