#include "cli/source_lines.hpp"

#include <cstring>

#include "load/byte_source.hpp"

namespace upcheck::cli {

SourceLines::SourceLines(const Snapshot& snapshot) : snapshot_(snapshot) {}
SourceLines::~SourceLines() = default;

bool SourceLines::read_line(std::string& out) {
  out.clear();
  for (;;) {
    const char* start = buffer_.data() + buffer_pos_;
    size_t available = buffer_.size() - buffer_pos_;
    if (const void* nl = std::memchr(start, '\n', available)) {
      size_t n = static_cast<size_t>(static_cast<const char*>(nl) - start);
      out.append(start, n);
      buffer_pos_ += n + 1;
      if (!out.empty() && out.back() == '\r') out.pop_back();
      return true;
    }
    out.append(start, available);
    buffer_.clear();
    buffer_pos_ = 0;
    if (eof_) return !out.empty();
    buffer_.resize(1 << 16);
    size_t n = source_->read(buffer_.data(), buffer_.size());
    buffer_.resize(n);
    if (n == 0) eof_ = true;
  }
}

std::optional<std::string> SourceLines::line(uint32_t file, uint32_t line) {
  const SourceFile& source = snapshot_.files().at(file);
  if (source.from_stdin) return std::nullopt;  // read once, and not kept
  try {
    if (file != open_file_ || line < next_line_) {
      source_ = load::open_byte_source(source.path);
      open_file_ = file;
      next_line_ = 1;
      buffer_.clear();
      buffer_pos_ = 0;
      eof_ = false;
    }
    std::string text;
    while (next_line_ <= line) {
      if (!read_line(text)) return std::nullopt;
      ++next_line_;
    }
    return text;
  } catch (const load::InputError&) {
    open_file_ = 0xFFFFFFFFu;
    return std::nullopt;
  }
}

}  // namespace upcheck::cli
