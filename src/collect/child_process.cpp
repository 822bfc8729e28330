#include "collect/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <thread>

namespace upcheck::collect {
namespace {

using std::chrono::milliseconds;

int millis_until(ChildProcess::Clock::time_point t) {
  auto left = std::chrono::duration_cast<milliseconds>(t - ChildProcess::Clock::now()).count() + 1;
  return static_cast<int>(std::clamp<long long>(left, 0, 1 << 30));
}

void close_quietly(int fd) {
  if (fd >= 0) ::close(fd);
}

// The program execv will run: a name with a slash as it is, else the first executable file of
// that name on PATH. Found before fork, because execvp may allocate, which a child forked from a
// threaded process must not.
std::string find_program(const std::string& name, int& error) {
  error = 0;
  if (name.find('/') != std::string::npos) return name;
  const char* path = std::getenv("PATH");
  std::string_view dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  error = ENOENT;
  while (true) {
    size_t colon = dirs.find(':');
    std::string dir(dirs.substr(0, colon));
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    struct stat info {};
    if (::stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode)) {
      if (::access(candidate.c_str(), X_OK) == 0) {
        error = 0;
        return candidate;
      }
      error = EACCES;
    }
    if (colon == std::string_view::npos) break;
    dirs.remove_prefix(colon + 1);
  }
  return {};
}

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& argv, Clock::time_point deadline) : deadline_(deadline) {
  if (argv.empty()) {
    outcome_.start_errno = EINVAL;
    return;
  }
  int lookup_error = 0;
  const std::string program = find_program(argv.front(), lookup_error);
  if (lookup_error != 0) {
    outcome_.start_errno = lookup_error;
    return;
  }
  // Everything the child needs is built before fork: after it, only async-signal-safe calls.
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  int out[2] = {-1, -1};
  int err[2] = {-1, -1};
  int exec_status[2] = {-1, -1};
  int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (devnull < 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0 ||
      ::pipe2(exec_status, O_CLOEXEC) != 0) {
    outcome_.start_errno = errno;
    for (int fd : {devnull, out[0], out[1], err[0], err[1], exec_status[0], exec_status[1]}) close_quietly(fd);
    return;
  }
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    ::dup2(devnull, STDIN_FILENO);
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(err[1], STDERR_FILENO);
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::signal(SIGPIPE, SIG_DFL);
    ::execv(program.c_str(), args.data());
    int e = errno;
    ssize_t written = ::write(exec_status[1], &e, sizeof e);
    (void)written;
    ::_exit(127);
  }
  int fork_errno = errno;
  for (int fd : {devnull, out[1], err[1], exec_status[1]}) close_quietly(fd);
  if (pid < 0) {
    outcome_.start_errno = fork_errno;
    for (int fd : {out[0], err[0], exec_status[0]}) close_quietly(fd);
    return;
  }
  ::setpgid(pid, pid);  // the child does the same: whichever runs first wins, before exec either way

  // The status pipe closes on a successful exec (close-on-exec), or carries execv's errno.
  int exec_errno = 0;
  ssize_t n;
  do {
    n = ::read(exec_status[0], &exec_errno, sizeof exec_errno);
  } while (n < 0 && errno == EINTR);
  ::close(exec_status[0]);
  if (n == static_cast<ssize_t>(sizeof exec_errno)) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    outcome_.start_errno = exec_errno;
    close_quietly(out[0]);
    close_quietly(err[0]);
    return;
  }
  pid_ = pid;
  stdout_fd_ = out[0];
  stderr_fd_ = err[0];
  for (int fd : {stdout_fd_, stderr_fd_}) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !reaped_) {
    ::kill(-pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  close_fd(stdout_fd_);
  close_fd(stderr_fd_);
}

void ChildProcess::close_fd(int& fd) {
  close_quietly(fd);
  fd = -1;
}

void ChildProcess::kill_group() {
  // Safe while the leader is unreaped: its pid, and so the group id, cannot be reused.
  if (pid_ > 0 && !reaped_) ::kill(-pid_, SIGKILL);
}

void ChildProcess::abandon() {
  kill_group();
  close_fd(stdout_fd_);
}

void ChildProcess::drain_stderr(int fd_ready) {
  if (fd_ready != stderr_fd_ || stderr_fd_ < 0) return;
  char buffer[8192];
  ssize_t n = ::read(stderr_fd_, buffer, sizeof buffer);
  if (n > 0) {
    size_t room = kMaxStderrBytes - std::min(kMaxStderrBytes, outcome_.stderr_text.size());
    outcome_.stderr_text.append(buffer, std::min(room, static_cast<size_t>(n)));
  } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
    close_fd(stderr_fd_);
  }
}

// Waits until standard output has bytes (or closed), draining standard error meanwhile; false at
// the deadline, which kills the group.
bool ChildProcess::wait_readable(int& ready_fd) {
  while (stdout_fd_ >= 0) {
    int timeout = millis_until(deadline_);
    if (timeout <= 0) {
      timed_out_ = true;
      kill_group();
      return false;
    }
    pollfd fds[2] = {{stdout_fd_, POLLIN, 0}, {stderr_fd_, POLLIN, 0}};
    int r = ::poll(fds, stderr_fd_ >= 0 ? 2 : 1, timeout);
    if (r < 0 && errno != EINTR) return false;
    if (r <= 0) continue;
    if (stderr_fd_ >= 0 && fds[1].revents != 0) drain_stderr(stderr_fd_);
    if (fds[0].revents != 0) {
      ready_fd = stdout_fd_;
      return true;
    }
  }
  return false;
}

bool ChildProcess::read_stdout(std::string& out) {
  int ready = -1;
  while (wait_readable(ready)) {
    char buffer[65536];
    ssize_t n = ::read(stdout_fd_, buffer, sizeof buffer);
    if (n > 0) {
      out.append(buffer, static_cast<size_t>(n));
      return true;
    }
    if (n == 0 || (errno != EAGAIN && errno != EINTR)) close_fd(stdout_fd_);
  }
  return false;
}

ChildOutcome ChildProcess::finish() {
  if (pid_ <= 0) return outcome_;
  // Reads what is left until both pipes close, or until a moment after the child exited (a helper
  // it left behind may hold them open), or the deadline.
  auto exited = [&] {
    siginfo_t info{};
    return ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid_;
  };
  Clock::time_point grace_end = Clock::time_point::max();
  while (stdout_fd_ >= 0 || stderr_fd_ >= 0) {
    if (grace_end == Clock::time_point::max() && exited()) grace_end = Clock::now() + milliseconds(200);
    int timeout = std::min({millis_until(deadline_), millis_until(grace_end), 50});
    if (Clock::now() >= deadline_ || Clock::now() >= grace_end) break;
    pollfd fds[2];
    nfds_t count = 0;
    for (int fd : {stdout_fd_, stderr_fd_})
      if (fd >= 0) fds[count++] = {fd, POLLIN, 0};
    int r = ::poll(fds, count, timeout);
    if (r < 0 && errno != EINTR) break;
    for (nfds_t i = 0; r > 0 && i < count; ++i) {
      if (fds[i].revents == 0) continue;
      if (fds[i].fd == stderr_fd_) {
        drain_stderr(stderr_fd_);
      } else {
        char discard[65536];
        ssize_t n = ::read(stdout_fd_, discard, sizeof discard);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) close_fd(stdout_fd_);
      }
    }
  }
  while (!exited() && Clock::now() < deadline_) std::this_thread::sleep_for(milliseconds(10));
  if (!exited()) timed_out_ = true;
  kill_group();  // a timed-out child, and whatever the child left running
  ::waitpid(pid_, &wait_status_, 0);
  reaped_ = true;
  close_fd(stdout_fd_);
  close_fd(stderr_fd_);

  if (timed_out_) {
    outcome_.status = ChildOutcome::Status::TimedOut;
  } else if (WIFEXITED(wait_status_)) {
    outcome_.status = ChildOutcome::Status::Exited;
    outcome_.exit_code = WEXITSTATUS(wait_status_);
  } else {
    outcome_.status = ChildOutcome::Status::Signaled;
    outcome_.exit_code = WIFSIGNALED(wait_status_) ? WTERMSIG(wait_status_) : -1;
  }
  return outcome_;
}

}  // namespace upcheck::collect
