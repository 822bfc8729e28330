// A load error or notice: something about the input that is not a rule's finding.
#pragma once

#include <cstdint>
#include <string>

#include "model/diagnostic_codes.hpp"
#include "model/tree.hpp"

namespace upcheck {

struct Diagnostic {
  static constexpr uint32_t kNoFile = 0xFFFFFFFFu;
  uint32_t file = kNoFile;               // index into Snapshot::files(); kNoFile: about no one file
  Mark mark;                             // unknown (0) when the problem is the whole file
  const DiagnosticCode* code = nullptr;  // an entry of kDiagnosticCodes; never null once made
  std::string message;
  // What the diagnostic is about when several producers may say the same (the kind, for
  // input-lacks-kind): one per code and subject is kept. Not part of the report.
  std::string subject = {};
};

}  // namespace upcheck
