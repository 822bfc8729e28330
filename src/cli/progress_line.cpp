#include "cli/progress_line.hpp"

#include <fmt/format.h>

namespace upcheck::cli {

void ProgressLine::update(uint64_t bytes, size_t objects, uint64_t total_bytes) {
  if (!enabled_ || std::max(bytes, total_bytes) < kThresholdBytes) return;
  auto now = std::chrono::steady_clock::now();
  if (shown_ && now - last_draw_ < std::chrono::milliseconds(250)) return;
  last_draw_ = now;
  double seconds = std::chrono::duration<double>(now - start_).count();
  double mb = static_cast<double>(bytes) / 1e6;
  std::string of_total = total_bytes > 0 ? fmt::format(" of {:.0f} MB", static_cast<double>(total_bytes) / 1e6) : "";
  err_ << fmt::format("\r\x1b[Kupcheck: read {:.0f} MB{}, {} objects, {:.0f} MB/s", mb, of_total, objects,
                      seconds > 0 ? mb / seconds : 0.0)
       << std::flush;
  shown_ = true;
}

void ProgressLine::finish() {
  if (shown_) err_ << "\r\x1b[K" << std::flush;
  shown_ = false;
}

}  // namespace upcheck::cli
