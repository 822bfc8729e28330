#include "support/cli_run.hpp"

#include <sstream>

#include "cli/app.hpp"

namespace upcheck::testing {

CliRun run_cli_in(const std::filesystem::path& dir, const std::vector<std::string>& args) {
  const std::filesystem::path previous = std::filesystem::current_path();
  std::filesystem::current_path(dir);
  std::ostringstream out, err;
  CliRun r;
  r.status = cli::run(args, out, err);
  std::filesystem::current_path(previous);
  r.out = out.str();
  r.err = err.str();
  return r;
}

std::vector<std::string> split_words(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

}  // namespace upcheck::testing
