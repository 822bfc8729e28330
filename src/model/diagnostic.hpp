// A load error or notice: something about the input that is not a rule's finding.
#pragma once

#include <cstdint>
#include <string>

#include "model/tree.hpp"

namespace upcheck {

// `code` is part of the JSON report's interface (docs/report.md lists them all): never rename one.
struct Diagnostic {
  static constexpr uint32_t kNoFile = 0xFFFFFFFFu;
  uint32_t file = kNoFile;   // index into Snapshot::files(); kNoFile: about no one file
  Mark mark;           // unknown (0) when the problem is the whole file
  std::string code;
  std::string message;
};

}  // namespace upcheck
