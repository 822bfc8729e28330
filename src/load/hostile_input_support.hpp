// What the hostile-input tests need to make input that is too large to write to disk or keep in
// memory, and to measure what reading it costs.
#pragma once

#include <doctest/doctest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>

#include "testing/temp_dir.hpp"

namespace upcheck::load::testing {

namespace fs = std::filesystem;

// A scratch directory removed at the end of the test.
using upcheck::testing::TempDir;

// What running some work in a child process cost, and what it said.
struct Cost {
  double seconds = 0;
  size_t peak_rss_growth = 0;  // bytes above the resident size the work started with
  std::string summary;
};

inline size_t resident_bytes() {
  long pages = 0, resident = 0;
  if (std::FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return static_cast<size_t>(resident) * static_cast<size_t>(::sysconf(_SC_PAGESIZE));
}

// Runs `work` in a forked child, so that the peak resident size (getrusage) is this work's alone,
// not the test process's highest so far. `work` returns a summary for the parent to check.
// The child resets the kernel's high-water mark first (/proc/self/clear_refs).
inline Cost measure_in_child(const std::function<std::string()>& work) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  std::fflush(nullptr);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    ::signal(SIGPIPE, SIG_IGN);
    { std::ofstream("/proc/self/clear_refs") << "5"; }
    const size_t before = resident_bytes();
    const auto start = std::chrono::steady_clock::now();
    std::string summary = work();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    const size_t peak = static_cast<size_t>(usage.ru_maxrss) * 1024;
    std::string report =
        std::to_string(seconds) + "\n" + std::to_string(peak > before ? peak - before : 0) + "\n" + summary;
    for (size_t done = 0; done < report.size();) {
      ssize_t n = ::write(fds[1], report.data() + done, report.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string report;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;) report.append(buffer, static_cast<size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE_MESSAGE(WIFEXITED(status), "the child died: " << report);
  Cost cost;
  size_t first = report.find('\n');
  size_t second = report.find('\n', first + 1);
  REQUIRE(second != std::string::npos);
  cost.seconds = std::stod(report.substr(0, first));
  cost.peak_rss_growth = std::stoull(report.substr(first + 1, second - first - 1));
  cost.summary = report.substr(second + 1);
  return cost;
}

// A pipe whose far end a thread fills with what `produce` writes, so that gigabytes reach the
// loader as a stream, never as a file. `path()` names the reading end. Writing stops quietly when
// the loader stops reading.
class PipeFeeder {
 public:
  using Write = std::function<bool(std::string_view)>;  // false once the reader is gone
  explicit PipeFeeder(std::function<void(const Write&)> produce) {
    REQUIRE(::pipe(fds_) == 0);
    writer_ = std::thread([this, produce = std::move(produce)] {
      produce([this](std::string_view bytes) {
        while (!bytes.empty()) {
          ssize_t n = ::write(fds_[1], bytes.data(), bytes.size());
          if (n <= 0) return false;
          bytes.remove_prefix(static_cast<size_t>(n));
        }
        return true;
      });
      ::close(fds_[1]);
    });
  }
  ~PipeFeeder() {
    ::close(fds_[0]);  // a writer still writing gets EPIPE and stops
    writer_.join();
  }
  PipeFeeder(const PipeFeeder&) = delete;
  PipeFeeder& operator=(const PipeFeeder&) = delete;
  std::string path() const { return "/dev/fd/" + std::to_string(fds_[0]); }

 private:
  int fds_[2] = {-1, -1};
  std::thread writer_;
};

// A gzip stream of `block` repeated `repeats` times, built without ever holding the expansion:
// the block is deflated once and flushed so that its compressed form stands alone, and that is
// repeated. Deflate's best ratio is about 1000:1, so 4 GiB of repetitive text is about 4 MB.
inline std::string gzip_bomb(const std::string& block, size_t repeats) {
  z_stream zs{};
  REQUIRE(deflateInit2(&zs, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) == Z_OK);
  auto deflate_all = [&](const std::string& in, int flush) {
    std::string out(deflateBound(&zs, static_cast<uLong>(in.size())) + 64, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    REQUIRE(deflate(&zs, flush) != Z_STREAM_ERROR);
    REQUIRE(zs.avail_in == 0);
    out.resize(out.size() - zs.avail_out);
    return out;
  };
  const std::string piece = deflate_all(block, Z_FULL_FLUSH);  // no reference to what came before
  const std::string tail = deflate_all({}, Z_FINISH);
  deflateEnd(&zs);
  uLong crc = crc32(0, nullptr, 0);
  const uLong block_crc = crc32(0, reinterpret_cast<const Bytef*>(block.data()), static_cast<uInt>(block.size()));
  std::string gz("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10);
  gz.reserve(gz.size() + piece.size() * repeats + tail.size() + 8);
  for (size_t i = 0; i < repeats; ++i) {
    gz += piece;
    crc = crc32_combine(crc, block_crc, static_cast<z_off_t>(block.size()));
  }
  gz += tail;
  const auto total = static_cast<uint32_t>(block.size() * repeats);  // ISIZE is modulo 2^32
  for (uint32_t v : {static_cast<uint32_t>(crc), total})
    for (int i = 0; i < 4; ++i) gz.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  return gz;
}

inline std::string gzip(const std::string& text) {
  std::string out(compressBound(static_cast<uLong>(text.size())) + 64, '\0');
  z_stream zs{};
  REQUIRE(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  zs.avail_in = static_cast<uInt>(text.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&zs, Z_FINISH) == Z_STREAM_END);
  out.resize(out.size() - zs.avail_out);
  deflateEnd(&zs);
  return out;
}

}  // namespace upcheck::load::testing
