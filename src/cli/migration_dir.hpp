// Where `upcheck migrate --out DIR` writes its files, without touching anything it did not write:
// the directory records the files of the last run in `.upcheck-migration`, a re-run replaces or
// deletes only those, and a non-empty directory without that record is refused (docs/migrate.md).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace upcheck::cli {

// The record of what migrate wrote into its directory.
inline constexpr std::string_view kMigrationRecord = ".upcheck-migration";

struct OutputFile {
  std::string name;  // a plain file name: "01-now-patch.yaml", "apply.sh"
  std::string content;
  bool executable = false;
};

// Writes `files` into `dir` (created if missing): first into a new directory beside it, then
// renamed into place, so a failed write changes nothing and nothing is written through a symlink.
// An earlier run's files that this run does not write are deleted; everything else in `dir` stays.
// Throws UsageError for a directory it must not write into (not empty and not written by migrate,
// or holding a file of this run's name that migrate did not write), std::exception when writing
// fails.
void write_migration_dir(const std::filesystem::path& dir, const std::vector<OutputFile>& files);

}  // namespace upcheck::cli
