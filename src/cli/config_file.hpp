// `.upcheck.yaml`: the same options as the command line, plus per-rule options. Found in the
// working directory or the nearest parent that has one, or named with --config.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace upcheck::cli {

struct ConfigFile {
  std::string path;                                                              // where it was found
  std::map<std::string, std::string> scalars;                                    // to, from, method, fail-on, ...
  std::map<std::string, std::vector<std::string>> lists;                         // select, ignore
  std::map<std::string, std::map<std::string, std::string>, std::less<>> rules;  // rule -> option -> value
};

// The nearest `.upcheck.yaml` from `start` upward; nothing when there is none.
std::optional<std::string> find_config_file(const std::string& start);
// Throws std::runtime_error with the file, line and what is wrong.
ConfigFile read_config_file(const std::string& path);

}  // namespace upcheck::cli
