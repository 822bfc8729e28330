#include "support/requires_shared.hpp"

#include <cstdlib>
#include <iostream>
#include <stdexcept>

#include "testing/golden.hpp"

namespace upcheck::testing {

std::filesystem::path requires_shared(const std::string& file) {
  const char* dir = std::getenv("UPCHECK_SHARED_DIR");
  const std::filesystem::path shared = dir != nullptr && *dir != '\0'
                                           ? std::filesystem::path(dir)
                                           : std::filesystem::path(env_dir("UPCHECK_SOURCE_ROOT")) / ".." / "shared";
  const std::filesystem::path path = shared / file;
  if (std::filesystem::exists(path)) return path;
  const std::string why =
      path.string() + " is missing: shared/ must sit beside the checkout (or set UPCHECK_SHARED_DIR)";
  const char* required = std::getenv("UPCHECK_REQUIRE_SHARED");
  if (required != nullptr && std::string(required) == "1") throw std::runtime_error(why);
  std::cerr << "skipped: " << why << "\n";
  std::exit(77);
}

}  // namespace upcheck::testing
