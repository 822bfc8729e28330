// Refusals to write output over what the command just read: `check -o json --output dump.yaml
// dump.yaml` would replace the dump with its own report, and `migrate --out` into the directory of
// the inputs would mix step files with them.
#pragma once

#include <filesystem>
#include <string_view>

#include "model/snapshot.hpp"

namespace upcheck::cli {

// Throws UsageError when `output` is one of the snapshot's input files (the same file, by device
// and inode, however it is named; a file of a walked directory counts).
void refuse_output_over_input(const std::filesystem::path& output, const Snapshot& snapshot, std::string_view option);

// Throws UsageError when `dir` holds one of the snapshot's input files, at any depth.
void refuse_directory_holding_input(const std::filesystem::path& dir, const Snapshot& snapshot);

}  // namespace upcheck::cli
