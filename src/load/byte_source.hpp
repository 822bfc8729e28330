// Streams an input's bytes: a file, standard input, or either through gzip. Nothing is read
// whole into memory and no temporary file is written.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

namespace upcheck::load {

// An input that cannot be read: the message says what and why (it names no path; the caller
// knows which input it opened).
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `capacity` bytes; returns 0 at the end of the input. Throws InputError.
  virtual size_t read(char* buffer, size_t capacity) = 0;
  // Compressed bytes consumed so far, and the total when known (for progress); 0 when unknown.
  virtual uint64_t position() const = 0;
  virtual uint64_t size() const = 0;
};

// Opens a file (or "-" for standard input). Gzip input is recognised by its magic bytes, not its
// name, and decompressed as it is read. Throws InputError.
std::unique_ptr<ByteSource> open_byte_source(const std::string& path);

}  // namespace upcheck::load
