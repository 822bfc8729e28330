// Streams an input's bytes: a file, standard input, bytes in memory, or any of them through
// gzip. Nothing is read whole into memory and no temporary file is written.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "model/diagnostic_codes.hpp"

namespace upcheck::load {

// An input that cannot be read (or no longer may be): the message says what and why (it names no
// path; the caller knows which input it opened), the code is the diagnostic's.
class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& message, const DiagnosticCode* code = &kUnreadableInput)
      : std::runtime_error(message), code_(code) {}
  const DiagnosticCode* code() const noexcept { return code_; }

 private:
  const DiagnosticCode* code_;
};

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `capacity` bytes; returns 0 at the end of the input. Throws InputError, and once
  // it has, throws the same on every later call: whoever reads next learns why the input ended.
  virtual size_t read(char* buffer, size_t capacity) = 0;
  // Compressed bytes consumed so far, and the total when known (for progress); 0 when unknown.
  virtual uint64_t position() const = 0;
  virtual uint64_t size() const = 0;
};

// Opens a file (or "-" for standard input). Gzip input is recognised by its magic bytes, not its
// name, and decompressed as it is read. With `regular_file_only` (a file a directory walk found),
// whatever replaced the file since the walk (a FIFO, a device) is refused without blocking.
// Throws InputError.
std::unique_ptr<ByteSource> open_byte_source(const std::string& path, bool regular_file_only = false);

// The same over bytes in memory, which must outlive the source (the fuzzers' way in).
std::unique_ptr<ByteSource> memory_byte_source(std::string_view bytes);

// Passes `inner` through until more than `max_bytes` have been read from it, then throws
// InputError with the code limit-input: what a gzip bomb or an endless stream costs is bounded.
std::unique_ptr<ByteSource> limit_byte_source(std::unique_ptr<ByteSource> inner, uint64_t max_bytes);

}  // namespace upcheck::load
