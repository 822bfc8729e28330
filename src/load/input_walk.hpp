// Expands the command line's paths into the files to read: directories recursively, in sorted
// order, skipping hidden entries and Helm chart sources, following symlinks but not their loops.
#pragma once

#include <string>
#include <vector>

#include "model/diagnostic_codes.hpp"

namespace upcheck::load {

struct InputFile {
  std::string display_path;  // as reported: the argument, joined with the walk's relative path
  std::string open_path;     // what to open ("-" for standard input)
  bool from_directory_walk = false;
};

// Something about a path that is not a file to read.
struct WalkIssue {
  std::string path;
  const DiagnosticCode* code;  // its is_error says whether the exit status is 2
  std::string message;
};

struct WalkResult {
  std::vector<InputFile> files;
  std::vector<WalkIssue> issues;
};

WalkResult expand_inputs(const std::vector<std::string>& paths, const std::string& stdin_name);

// True for names a directory walk reads: *.yaml, *.yml, *.json, each optionally .gz.
bool is_manifest_name(std::string_view name);

}  // namespace upcheck::load
