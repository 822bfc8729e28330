// Runs a program with no shell in between, streams its standard output, keeps (the start of) its
// standard error, and never outlives a deadline: past it, the child's whole process group is
// killed, so helpers it started (credential plugins, say) cannot keep a pipe open and hang us.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace upcheck::collect {

struct ChildOutcome {
  enum class Status { Exited, Signaled, TimedOut, NotStarted };
  Status status = Status::NotStarted;
  int exit_code = -1;       // Exited: the exit status; Signaled: the signal
  int start_errno = 0;      // NotStarted: why the program could not be run
  std::string stderr_text;  // its first kMaxStderrBytes
  bool ok() const { return status == Status::Exited && exit_code == 0; }
};

class ChildProcess {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr size_t kMaxStderrBytes = 64 * 1024;

  // Starts argv[0] (looked up on PATH when it has no slash) with these arguments, standard input
  // from /dev/null, in a process group of its own. Safe to call from several threads at once.
  ChildProcess(const std::vector<std::string>& argv, Clock::time_point deadline);
  ~ChildProcess();  // kills and reaps a child still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  bool started() const { return pid_ > 0; }
  // Appends the next bytes of standard output to `out` (draining standard error meanwhile);
  // false at the end of the output, at the deadline, or when the child never started.
  bool read_stdout(std::string& out);
  // Waits for the child (discarding any output not read yet) and tells how it ended. Past the
  // deadline the process group is killed.
  ChildOutcome finish();
  // Kills the process group now: for a reader that has seen enough.
  void abandon();

 private:
  void drain_stderr(int fd_ready);
  bool wait_readable(int& ready_fd);
  void kill_group();
  void close_fd(int& fd);

  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int stderr_fd_ = -1;
  Clock::time_point deadline_;
  bool timed_out_ = false;
  bool reaped_ = false;
  int wait_status_ = 0;
  ChildOutcome outcome_;
};

}  // namespace upcheck::collect
