// A progress line on a terminal while a large input loads: bytes, objects and rate, redrawn in
// place. Silent when stderr is not a terminal (CI logs) or the input is small.
#pragma once

#include <chrono>
#include <cstdint>
#include <ostream>

namespace upcheck::cli {

class ProgressLine {
 public:
  // Inputs smaller than this load too fast for a progress line to help.
  static constexpr uint64_t kThresholdBytes = 100u << 20;

  ProgressLine(std::ostream& err, bool on_terminal) : err_(err), enabled_(on_terminal) {}
  void update(uint64_t bytes, size_t objects, uint64_t total_bytes);
  // Clears the line, so the report or the next log starts clean.
  void finish();

 private:
  std::ostream& err_;
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace upcheck::cli
