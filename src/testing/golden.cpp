#include "testing/golden.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace upcheck::testing {

bool updating_goldens() {
  const char* v = std::getenv("UPCHECK_UPDATE_GOLDENS");
  return v != nullptr && std::string(v) == "1";
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::string& path, const std::string& content) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

std::string compare_golden(const std::string& path, const std::string& actual) {
  std::optional<std::string> expected = read_file(path);
  if (expected && *expected == actual) return {};
  if (updating_goldens()) {
    write_file(path, actual);
    return {};
  }
  if (!expected) return path + ": missing golden (run with UPCHECK_UPDATE_GOLDENS=1 to create it)";
  std::istringstream e(*expected), a(actual);
  std::string el, al;
  for (int line = 1;; ++line) {
    bool he = static_cast<bool>(std::getline(e, el));
    bool ha = static_cast<bool>(std::getline(a, al));
    if (!he && !ha) break;
    if (!he || !ha || el != al)
      return path + ":" + std::to_string(line) + ": golden differs\n  expected: " + (he ? el : "<end>") +
             "\n  actual:   " + (ha ? al : "<end>") + "\n(UPCHECK_UPDATE_GOLDENS=1 rewrites it)";
  }
  return path + ": golden differs (line endings?)";
}

std::string env_dir(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr) throw std::runtime_error(std::string("environment variable ") + name + " is not set");
  return v;
}

}  // namespace upcheck::testing
