// libFuzzer target: the whole of `upcheck check` and `upcheck migrate --dry-run` over one input,
// with a canary upgrade plan: loading, Istio detection, every rule, the text (with colour and
// source excerpts), JSON and SARIF reports, and the migration's step files. The reports go
// nowhere; a crash, leak, undefined behaviour, an exception that escapes or an exit status
// other than 0, 1 or 2 is a finding.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ostream>
#include <streambuf>
#include <string>
#include <vector>

#include "cli/app.hpp"

namespace {

// Swallows what it is given, as fast as it can.
class NullBuffer : public std::streambuf {
 protected:
  std::streamsize xsputn(const char*, std::streamsize n) override { return n; }
  int_type overflow(int_type c) override { return traits_type::not_eof(c); }
};

// The input lives in a memory file: the loader opens it by path, and the text report reads its
// lines again for source excerpts, as with any file on disk.
int input_fd() {
  static const int fd = [] {
    int created = ::memfd_create("upcheck-fuzz-input", MFD_CLOEXEC);
    if (created < 0) {
      std::perror("memfd_create");
      std::abort();
    }
    return created;
  }();
  return fd;
}

void write_input(const uint8_t* data, size_t size) {
  const int fd = input_fd();
  if (::ftruncate(fd, 0) != 0) std::abort();
  for (size_t done = 0; done < size;) {
    ssize_t n = ::pwrite(fd, data + done, size - done, static_cast<off_t>(done));
    if (n <= 0) std::abort();
    done += static_cast<size_t>(n);
  }
}

void run(std::vector<std::string> args) {
  NullBuffer null;
  std::ostream out(&null);
  std::ostream err(&null);
  const int status = upcheck::cli::run(args, out, err);
  if (status < 0 || status > 2) {
    std::fprintf(stderr, "upcheck %s exited %d\n", args.front().c_str(), status);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  write_input(data, size);
  const std::string path = "/proc/self/fd/" + std::to_string(input_fd());
  const std::vector<std::string> plan = {"--no-config", "--to",   "1.2",    "--method", "canary",
                                         "--revision",  "canary", "--jobs", "1"};
  for (const char* format : {"text", "json", "sarif"}) {
    std::vector<std::string> args = {"check", "-o", format, "--color", "always", "--fail-on", "info"};
    args.insert(args.end(), plan.begin(), plan.end());
    args.push_back(path);
    run(args);
  }
  std::vector<std::string> migrate = {"migrate", "--dry-run"};
  migrate.insert(migrate.end(), plan.begin(), plan.end());
  migrate.push_back(path);
  run(migrate);
  return 0;
}
