// The user's own kubectl, run for `upcheck collect`: the same credentials, context and plugins
// they use every day, and no Kubernetes client library in upcheck.
#pragma once

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "collect/child_process.hpp"

namespace upcheck::collect {

struct KubectlOptions {
  std::string program = "kubectl";  // a path, or a name looked up on PATH
  std::string kubeconfig;           // --kubeconfig, when given
  std::string context;              // --context, when given
  std::string request_timeout = "30s";
  std::chrono::seconds call_timeout{300};  // the most one kubectl run may take, all requests included
};

// Why a kubectl run failed, read from its exit and its standard error.
enum class KubectlFailure {
  None,
  NotStarted,    // no such program, or not executable
  Unreachable,   // connection refused, DNS, TLS, network timeouts
  Unauthorized,  // 401: credentials missing or rejected
  Forbidden,     // 403: RBAC says no
  TimedOut,      // ran past call_timeout; its process group was killed
  BadOutput,     // exited 0 but printed what is not the JSON asked for
  Other,
};

struct KubectlResult {
  KubectlFailure failure = KubectlFailure::None;
  ChildOutcome outcome;
  std::string output;  // standard output, for run(); empty for stream_list()
  std::string reason;  // one line saying why it failed, from kubectl's own words where it gave some
  bool ok() const { return failure == KubectlFailure::None; }
};

class Kubectl {
 public:
  explicit Kubectl(KubectlOptions options) : options_(std::move(options)) {}

  // Runs `kubectl <global flags> args...` and keeps its whole standard output: for small answers.
  KubectlResult run(const std::vector<std::string>& args) const;
  // Runs a `get ... -o json` and hands each item of the List it prints to `on_item` as soon as it
  // is parsed, so that memory holds one item at a time, however long the list.
  KubectlResult stream_list(const std::vector<std::string>& args,
                            const std::function<void(nlohmann::json&&)>& on_item) const;

  const KubectlOptions& options() const { return options_; }

 private:
  std::vector<std::string> command(const std::vector<std::string>& args) const;
  KubectlResult conclude(ChildProcess& child, KubectlResult result) const;

  KubectlOptions options_;
};

// Classifies a failed run from kubectl's standard error (exposed for the unit tests).
KubectlFailure classify_kubectl_error(std::string_view stderr_text);
// The line of kubectl's standard error that says what went wrong: its last line that is not a
// klog record or a warning, cut to a readable length.
std::string kubectl_error_line(std::string_view stderr_text);

}  // namespace upcheck::collect
