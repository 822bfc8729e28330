// Adds what the chunk parsers produced to the load result, in input order, and enforces what only
// that order can decide: --max-objects (the same objects are kept whichever thread parsed what),
// and how many diagnostics of each code one input lists (kListedDiagnosticsPerCode).
#pragma once

#include <cstdint>

#include "load/diagnostic_tally.hpp"
#include "load/loader.hpp"
#include "load/object_assembler.hpp"

namespace upcheck::load {

class ResultMerger {
 public:
  ResultMerger(LoadResult& result, size_t max_objects) : result_(result), max_objects_(max_objects) {}

  // The next output, in input order. Outputs of one file come one after another.
  void add(uint32_t file, ParseOutput out);
  // The end of the last input.
  void finish() { end_file(); }
  // Once more objects than --max-objects were found, nothing more is read.
  bool objects_exhausted() const { return exhausted_; }

 private:
  void start_file(uint32_t file);
  void end_file();

  LoadResult& result_;
  size_t max_objects_;
  bool exhausted_ = false;
  uint32_t file_ = 0;
  bool has_file_ = false;
  DiagnosticTally tally_;  // the current file's
};

}  // namespace upcheck::load
