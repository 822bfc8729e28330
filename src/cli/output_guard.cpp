#include "cli/output_guard.hpp"

#include <fmt/format.h>

#include "cli/usage_error.hpp"

namespace fs = std::filesystem;

namespace upcheck::cli {

void refuse_output_over_input(const fs::path& output, const Snapshot& snapshot, std::string_view option) {
  std::error_code ec;
  if (!fs::exists(output, ec)) return;  // a new file cannot be an input
  for (const SourceFile& input : snapshot.files()) {
    if (input.from_stdin) continue;
    if (fs::equivalent(output, input.path, ec) && !ec)
      throw UsageError(fmt::format("{} {}: that is the input {}; write the output somewhere else", option,
                                   output.string(), input.path));
  }
}

void refuse_directory_holding_input(const fs::path& dir, const Snapshot& snapshot) {
  std::error_code ec;
  const fs::path where = fs::weakly_canonical(dir, ec);
  if (ec) return;
  for (const SourceFile& input : snapshot.files()) {
    if (input.from_stdin) continue;
    const fs::path file = fs::weakly_canonical(input.path, ec);
    if (ec) continue;
    const fs::path inside = file.lexically_relative(where);
    if (!inside.empty() && *inside.begin() != ".." && inside != ".")
      throw UsageError(
          fmt::format("--out {}: it holds the input {}; give a directory of its own", dir.string(), input.path));
  }
}

}  // namespace upcheck::cli
