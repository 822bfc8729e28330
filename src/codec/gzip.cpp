#include "codec/gzip.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <stdexcept>

namespace upcheck::codec {

struct Inflater::Stream {
  z_stream z{};
};

Inflater::Inflater() : stream_(std::make_unique<Stream>()) {
  // 15 + 32: any window size, gzip or zlib header detected automatically.
  if (inflateInit2(&stream_->z, 15 + 32) != Z_OK) throw std::runtime_error("zlib could not start");
}

Inflater::~Inflater() { inflateEnd(&stream_->z); }

void Inflater::give_input(const char* bytes, size_t size) {
  stream_->z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes));
  stream_->z.avail_in = static_cast<uInt>(size);
}

bool Inflater::needs_input() const { return stream_->z.avail_in == 0; }

std::optional<size_t> Inflater::inflate(char* out, size_t capacity) {
  z_stream& z = stream_->z;
  auto* start = reinterpret_cast<Bytef*>(out);
  z.next_out = start;
  z.avail_out = static_cast<uInt>(std::min<size_t>(capacity, 1u << 30));
  // Inside a member, zlib may hold output back even when every input byte is in: ask it then too.
  while (z.next_out == start && (z.avail_in > 0 || member_started_)) {
    member_started_ = true;
    int rc = ::inflate(&z, Z_NO_FLUSH);
    if (rc == Z_STREAM_END) {
      member_started_ = false;
      inflateReset(&z);
      continue;
    }
    if (rc == Z_BUF_ERROR) break;  // no progress without more input
    if (rc != Z_OK) {
      error_ = z.msg != nullptr ? z.msg : "corrupt data";
      return std::nullopt;
    }
  }
  return static_cast<size_t>(z.next_out - start);
}

std::optional<std::string> gunzip(std::string_view gzip, size_t max_output, std::string& error) {
  Inflater inflater;
  inflater.give_input(gzip.data(), gzip.size());
  std::string out;
  std::array<char, 64 * 1024> buffer{};
  for (;;) {
    std::optional<size_t> produced = inflater.inflate(buffer.data(), buffer.size());
    if (!produced) {
      error = "the gzip stream is corrupt";
      return std::nullopt;
    }
    if (*produced == 0) break;  // every byte read
    if (out.size() + *produced > max_output) {
      error = fmt::format("larger than {} MiB once decompressed", max_output >> 20);
      return std::nullopt;
    }
    out.append(buffer.data(), *produced);
  }
  if (inflater.inside_member()) {
    error = "the gzip stream is truncated";
    return std::nullopt;
  }
  return out;
}

std::string gzip_best(std::string_view bytes) {
  z_stream s{};
  if (deflateInit2(&s, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("zlib could not start");
  std::string out(deflateBound(&s, static_cast<uLong>(bytes.size())) + 32, '\0');
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  s.avail_in = static_cast<uInt>(bytes.size());
  s.next_out = reinterpret_cast<Bytef*>(out.data());
  s.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&s, Z_FINISH);
  out.resize(s.total_out);
  deflateEnd(&s);
  if (rc != Z_STREAM_END) throw std::runtime_error("deflate did not finish");
  return out;
}

}  // namespace upcheck::codec
