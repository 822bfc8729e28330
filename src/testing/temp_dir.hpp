// A scratch directory for tests, removed when it goes out of scope. Named after the process and a
// counter: builds may run their tests at the same time.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace upcheck::testing {

class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path = std::filesystem::temp_directory_path() /
           ("upcheck-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Writes `content` to `name` (directories created as needed); returns the file's path.
  std::string write(const std::string& name, const std::string& content) const {
    const std::filesystem::path p = path / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }

  std::filesystem::path path;
};

}  // namespace upcheck::testing
