// Checked-in expected outputs (goldens). With UPCHECK_UPDATE_GOLDENS=1 a mismatch rewrites the
// file instead of failing; review the diff before committing it.
#pragma once

#include <optional>
#include <string>

namespace upcheck::testing {

bool updating_goldens();
std::optional<std::string> read_file(const std::string& path);
void write_file(const std::string& path, const std::string& content);

// Empty when `actual` equals the golden (or the golden was rewritten); otherwise a message with
// the first differing line.
std::string compare_golden(const std::string& path, const std::string& actual);

// The directory named by an environment variable the test's meson definition sets.
std::string env_dir(const char* name);

}  // namespace upcheck::testing
