// Gzip, inflated with zlib: a whole buffer with a bound on what it may inflate to (Helm release
// records, which anyone who can create a Secret can make a gzip bomb of), or a stream piece by
// piece (a `.gz` input the loader reads without holding it whole). And deflate at best
// compression, as Helm writes its records, for tests and fixtures.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace upcheck::codec {

// Gzip's magic bytes and its only compression method (deflate): how Helm tells a compressed
// release from a plain one (pkg/storage/driver/util.go).
inline constexpr std::string_view kGzipMagic = "\x1f\x8b\x08";
inline bool starts_with_gzip_magic(std::string_view bytes) { return bytes.substr(0, kGzipMagic.size()) == kGzipMagic; }

// Inflates a gzip stream (or a zlib one: the header says which) as its bytes arrive. Members that
// follow one another are read as one stream, as `gzip -d` and Go's gzip reader read them.
class Inflater {
 public:
  Inflater();  // throws std::runtime_error when zlib cannot start
  ~Inflater();
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  // The next bytes of the stream; only once the previous ones are used up (needs_input()). They
  // must stay valid until then.
  void give_input(const char* bytes, size_t size);
  bool needs_input() const;
  // Inflates into `out` until something was written or the input is used up. Returns the bytes
  // written (0: it needs input); nothing when the stream is corrupt (then error() says why).
  std::optional<size_t> inflate(char* out, size_t capacity);
  // A member has begun and not ended: input that stops here is truncated.
  bool inside_member() const { return member_started_; }
  const std::string& error() const { return error_; }

 private:
  struct Stream;
  std::unique_ptr<Stream> stream_;
  bool member_started_ = false;
  std::string error_;
};

// The whole of `gzip` inflated. Nothing, with `error` set ("the gzip stream is truncated", "... is
// corrupt", "larger than N MiB once decompressed"), when it is corrupt or would inflate to more than
// `max_output` bytes: it stops there, so a bomb costs no more than the bound.
std::optional<std::string> gunzip(std::string_view gzip, size_t max_output, std::string& error);

// Gzip at best compression (Helm's encodeRelease).
std::string gzip_best(std::string_view bytes);

}  // namespace upcheck::codec
