#include "load/byte_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace upcheck::load {
namespace {

std::string errno_text(int err) { return std::strerror(err); }

class FdSource : public ByteSource {
 public:
  FdSource(int fd, bool owned, uint64_t size) : fd_(fd), owned_(owned), size_(size) {}
  ~FdSource() override {
    if (owned_) ::close(fd_);
  }
  FdSource(const FdSource&) = delete;
  FdSource& operator=(const FdSource&) = delete;

  size_t read(char* buffer, size_t capacity) override {
    // Bytes peeked to recognise gzip are replayed first.
    if (peeked_pos_ < peeked_.size()) {
      size_t n = std::min(capacity, peeked_.size() - peeked_pos_);
      std::memcpy(buffer, peeked_.data() + peeked_pos_, n);
      peeked_pos_ += n;
      return n;
    }
    for (;;) {
      ssize_t n = ::read(fd_, buffer, capacity);
      if (n >= 0) {
        position_ += static_cast<uint64_t>(n);
        return static_cast<size_t>(n);
      }
      if (errno == EINTR) continue;
      throw InputError("read failed: " + errno_text(errno));
    }
  }
  uint64_t position() const override { return position_; }
  uint64_t size() const override { return size_; }

  // Reads up to n bytes ahead without consuming them.
  const std::vector<char>& peek(size_t n) {
    peeked_.resize(n);
    size_t got = 0;
    while (got < n) {
      ssize_t r = ::read(fd_, peeked_.data() + got, n - got);
      if (r == 0) break;
      if (r < 0) {
        if (errno == EINTR) continue;
        throw InputError("read failed: " + errno_text(errno));
      }
      got += static_cast<size_t>(r);
    }
    peeked_.resize(got);
    position_ += got;
    return peeked_;
  }

 private:
  int fd_;
  bool owned_;
  uint64_t size_;
  uint64_t position_ = 0;
  std::vector<char> peeked_;
  size_t peeked_pos_ = 0;
};

class GzipSource : public ByteSource {
 public:
  explicit GzipSource(std::unique_ptr<FdSource> inner) : inner_(std::move(inner)), in_(1 << 16) {
    std::memset(&stream_, 0, sizeof stream_);
    // 15 + 32: any window size, gzip or zlib header detected automatically.
    if (inflateInit2(&stream_, 15 + 32) != Z_OK) throw InputError("cannot start gzip decompression");
  }
  ~GzipSource() override { inflateEnd(&stream_); }
  GzipSource(const GzipSource&) = delete;
  GzipSource& operator=(const GzipSource&) = delete;

  size_t read(char* buffer, size_t capacity) override {
    if (finished_) return 0;
    auto* out = reinterpret_cast<Bytef*>(buffer);
    stream_.next_out = out;
    stream_.avail_out = static_cast<uInt>(std::min<size_t>(capacity, 1u << 30));
    while (stream_.next_out == out) {  // until something was produced
      if (stream_.avail_in == 0) {
        size_t n = inner_->read(in_.data(), in_.size());
        if (n == 0) {
          if (member_started_) throw InputError("truncated gzip data: the compressed stream ends early");
          finished_ = true;
          return 0;
        }
        stream_.next_in = reinterpret_cast<Bytef*>(in_.data());
        stream_.avail_in = static_cast<uInt>(n);
      }
      member_started_ = true;
      int rc = inflate(&stream_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        // Concatenated gzip members form one stream, as gzip -d reads them.
        member_started_ = false;
        inflateReset(&stream_);
        continue;
      }
      if (rc == Z_BUF_ERROR) continue;  // needs more input
      if (rc != Z_OK) {
        const char* why = stream_.msg != nullptr ? stream_.msg : "corrupt data";
        throw InputError(std::string("invalid gzip data: ") + why);
      }
    }
    return static_cast<size_t>(stream_.next_out - out);
  }
  uint64_t position() const override { return inner_->position(); }
  uint64_t size() const override { return inner_->size(); }

 private:
  std::unique_ptr<FdSource> inner_;
  std::vector<char> in_;
  z_stream stream_;
  bool member_started_ = false;
  bool finished_ = false;
};

}  // namespace

std::unique_ptr<ByteSource> open_byte_source(const std::string& path) {
  std::unique_ptr<FdSource> source;
  if (path == "-") {
    source = std::make_unique<FdSource>(STDIN_FILENO, false, 0);
  } else {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw InputError("cannot open: " + errno_text(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      int err = errno;
      ::close(fd);
      throw InputError("cannot stat: " + errno_text(err));
    }
    if (S_ISDIR(st.st_mode)) {
      ::close(fd);
      throw InputError("is a directory");
    }
    source = std::make_unique<FdSource>(fd, true, S_ISREG(st.st_mode) ? static_cast<uint64_t>(st.st_size) : 0);
  }
  const std::vector<char>& head = source->peek(2);
  if (head.size() == 2 && static_cast<unsigned char>(head[0]) == 0x1f && static_cast<unsigned char>(head[1]) == 0x8b)
    return std::make_unique<GzipSource>(std::move(source));
  return source;
}

}  // namespace upcheck::load
