// The command line: the only layer that knows both the rules and the output formats.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace upcheck::cli {

// Runs one upcheck command. Reports go to `out`, logs and usage errors to `err`; returns the
// exit status (0 clean, 1 findings at or above --fail-on, 2 usage, input or parse errors).
// The end-to-end tests call this in-process.
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace upcheck::cli
