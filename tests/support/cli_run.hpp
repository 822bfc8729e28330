// Running the command line in-process, the one way every test does: from inside a scenario's or
// fixture case's directory, so paths in reports are the ones a user would see.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace upcheck::testing {

struct CliRun {
  int status = 0;
  std::string out;
  std::string err;
};

// `upcheck ARGS` run from DIR; the working directory is restored afterwards.
CliRun run_cli_in(const std::filesystem::path& dir, const std::vector<std::string>& args);

// A scenario's `args` file: words separated by white space (no quoting: scenarios need none).
std::vector<std::string> split_words(const std::string& text);

}  // namespace upcheck::testing
