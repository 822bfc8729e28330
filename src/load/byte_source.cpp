#include "load/byte_source.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <vector>

#include "codec/gzip.hpp"
#include "load/utf16_source.hpp"

namespace upcheck::load {
namespace {

std::string errno_text(int err) { return std::strerror(err); }

// A source whose first bytes can be looked at before they are read, to recognise gzip.
class PeekableSource : public ByteSource {
 public:
  // Up to n bytes from the start; only before the first read.
  virtual std::string_view peek(size_t n) = 0;
};

class FdSource : public PeekableSource {
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
    if (failed_errno_ != 0) throw InputError("read failed: " + errno_text(failed_errno_));
    for (;;) {
      ssize_t n = ::read(fd_, buffer, capacity);
      if (n >= 0) {
        position_ += static_cast<uint64_t>(n);
        return static_cast<size_t>(n);
      }
      if (errno == EINTR) continue;
      failed_errno_ = errno;
      throw InputError("read failed: " + errno_text(failed_errno_));
    }
  }
  uint64_t position() const override { return position_; }
  uint64_t size() const override { return size_; }
  void set_size(uint64_t size) { size_ = size; }

  std::string_view peek(size_t n) override {
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
    return {peeked_.data(), peeked_.size()};
  }

 private:
  int fd_;
  bool owned_;
  uint64_t size_;
  uint64_t position_ = 0;
  std::vector<char> peeked_;
  size_t peeked_pos_ = 0;
  int failed_errno_ = 0;
};

class MemorySource : public PeekableSource {
 public:
  explicit MemorySource(std::string_view bytes) : bytes_(bytes) {}

  size_t read(char* buffer, size_t capacity) override {
    size_t n = std::min(capacity, bytes_.size() - position_);
    std::memcpy(buffer, bytes_.data() + position_, n);
    position_ += n;
    return n;
  }
  uint64_t position() const override { return position_; }
  uint64_t size() const override { return bytes_.size(); }
  std::string_view peek(size_t n) override { return bytes_.substr(0, n); }

 private:
  std::string_view bytes_;
  size_t position_ = 0;
};

class GzipSource : public ByteSource {
 public:
  explicit GzipSource(std::unique_ptr<ByteSource> inner) : inner_(std::move(inner)), in_(1 << 16), inflater_(start()) {}

  size_t read(char* buffer, size_t capacity) override {
    if (finished_) return 0;
    if (failure_) throw *failure_;
    try {
      return inflate_into(buffer, capacity);
    } catch (const InputError& e) {
      failure_ = e;
      throw;
    }
  }
  uint64_t position() const override { return inner_->position(); }
  uint64_t size() const override { return inner_->size(); }

 private:
  static std::unique_ptr<codec::Inflater> start() {
    try {
      return std::make_unique<codec::Inflater>();
    } catch (const std::runtime_error&) {
      throw InputError("cannot start gzip decompression");
    }
  }

  size_t inflate_into(char* buffer, size_t capacity) {
    for (;;) {  // until something was produced
      std::optional<size_t> produced = inflater_->inflate(buffer, capacity);
      if (!produced) throw InputError("invalid gzip data: " + inflater_->error());
      if (*produced > 0) return *produced;
      size_t n = inner_->read(in_.data(), in_.size());
      if (n == 0) {
        if (inflater_->inside_member()) throw InputError("truncated gzip data: the compressed stream ends early");
        finished_ = true;
        return 0;
      }
      inflater_->give_input(in_.data(), n);
    }
  }

  std::unique_ptr<ByteSource> inner_;
  std::vector<char> in_;
  std::unique_ptr<codec::Inflater> inflater_;
  bool finished_ = false;
  std::optional<InputError> failure_;
};

class LimitedSource : public ByteSource {
 public:
  LimitedSource(std::unique_ptr<ByteSource> inner, uint64_t max_bytes) : inner_(std::move(inner)), max_(max_bytes) {}

  size_t read(char* buffer, size_t capacity) override {
    if (capacity == 0) return 0;
    const uint64_t room = max_ - read_;
    if (room == 0) {
      // At the limit: the input may end exactly here, which is fine.
      if (!exceeded_ && inner_->read(buffer, 1) == 0) return 0;
      exceeded_ = true;
      throw InputError(fmt::format("this input holds more than {} bytes (after decompression); the rest is not "
                                   "read (raise the limit with --max-input-bytes)",
                                   max_),
                       &kLimitInput);
    }
    size_t n = inner_->read(buffer, static_cast<size_t>(std::min<uint64_t>(capacity, room)));
    read_ += n;
    return n;
  }
  uint64_t position() const override { return inner_->position(); }
  uint64_t size() const override { return inner_->size(); }

 private:
  std::unique_ptr<ByteSource> inner_;
  uint64_t max_;
  uint64_t read_ = 0;
  bool exceeded_ = false;
};

// Gzip first, then a UTF-16 mark on what it holds (or on the plain bytes).
std::unique_ptr<ByteSource> decompress_if_gzip(std::unique_ptr<PeekableSource> source) {
  std::string_view head = source->peek(2);
  if (head.size() == 2 && static_cast<unsigned char>(head[0]) == 0x1f && static_cast<unsigned char>(head[1]) == 0x8b)
    return decode_utf16_if_marked(std::make_unique<GzipSource>(std::move(source)));
  return decode_utf16_if_marked(std::move(source));
}

}  // namespace

std::unique_ptr<ByteSource> open_byte_source(const std::string& path, bool regular_file_only) {
  if (path == "-") return decompress_if_gzip(std::make_unique<FdSource>(STDIN_FILENO, false, 0));
  // Opening a FIFO blocks until a writer comes: a file the walk saw as regular must not.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | (regular_file_only ? O_NONBLOCK : 0));
  if (fd < 0) throw InputError("cannot open: " + errno_text(errno));
  auto source = std::make_unique<FdSource>(fd, true, 0);
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw InputError("cannot stat: " + errno_text(errno));
  if (S_ISDIR(st.st_mode)) throw InputError("is a directory");
  if (regular_file_only && !S_ISREG(st.st_mode))
    throw InputError("no longer a regular file: it was replaced after the directory was read");
  if (regular_file_only && ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0)
    throw InputError("cannot read: " + errno_text(errno));
  if (S_ISREG(st.st_mode)) source->set_size(static_cast<uint64_t>(st.st_size));
  return decompress_if_gzip(std::move(source));
}

std::unique_ptr<ByteSource> memory_byte_source(std::string_view bytes) {
  return decompress_if_gzip(std::make_unique<MemorySource>(bytes));
}

std::unique_ptr<ByteSource> limit_byte_source(std::unique_ptr<ByteSource> inner, uint64_t max_bytes) {
  return std::make_unique<LimitedSource>(std::move(inner), max_bytes);
}

}  // namespace upcheck::load
