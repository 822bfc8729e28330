#include "collect/kubectl.hpp"

#include <cctype>
#include <cstring>
#include <iterator>

namespace upcheck::collect {
namespace {

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

// Standard output as a pull source for nlohmann's parser: refills from the pipe as the parser
// reads, so a list of any length never sits in memory whole.
class StdoutSource {
 public:
  explicit StdoutSource(ChildProcess& child) : child_(child) {}
  bool at_end() {
    if (position_ < buffer_.size()) return false;
    buffer_.clear();
    position_ = 0;
    while (buffer_.empty())
      if (!child_.read_stdout(buffer_)) return true;
    return false;
  }
  char current() const { return buffer_[position_]; }
  void advance() { ++position_; }

 private:
  ChildProcess& child_;
  std::string buffer_;
  size_t position_ = 0;
};

// A single-pass input iterator over a StdoutSource; a null source is the end.
class StdoutIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = char;

  StdoutIterator() = default;
  explicit StdoutIterator(StdoutSource* source) : source_(source) {}
  char operator*() const { return source_->current(); }
  StdoutIterator& operator++() {
    source_->advance();
    return *this;
  }
  StdoutIterator operator++(int) {
    StdoutIterator before = *this;
    source_->advance();
    return before;
  }
  friend bool operator==(const StdoutIterator& a, const StdoutIterator& b) { return a.done() == b.done(); }

 private:
  bool done() const { return source_ == nullptr || source_->at_end(); }
  StdoutSource* source_ = nullptr;
};

bool is_klog_line(std::string_view line) {
  // klog: "E1123 22:48:53.397241   15161 memcache.go:265] ..."
  auto digit = [&](size_t i) { return std::isdigit(static_cast<unsigned char>(line[i])) != 0; };
  return line.size() > 5 && std::strchr("IWEF", line[0]) != nullptr && digit(1) && digit(4);
}

}  // namespace

KubectlFailure classify_kubectl_error(std::string_view text) {
  if (contains(text, "Unauthorized") || contains(text, "You must be logged in") ||
      contains(text, "provide credentials"))
    return KubectlFailure::Unauthorized;
  if (contains(text, "(Forbidden)") || contains(text, " is forbidden")) return KubectlFailure::Forbidden;
  if (contains(text, "was refused") || contains(text, "Unable to connect to the server") ||
      contains(text, "no such host") || contains(text, "dial tcp") || contains(text, "connection refused") ||
      contains(text, "TLS handshake") || contains(text, "x509:") || contains(text, "network is unreachable") ||
      contains(text, "no route to host") || contains(text, "connection reset by peer"))
    return KubectlFailure::Unreachable;
  return KubectlFailure::Other;
}

std::string kubectl_error_line(std::string_view text) {
  std::string_view chosen;
  std::string_view fallback;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty()) continue;
    fallback = line;
    if (!is_klog_line(line) && line.substr(0, 8) != "Warning:") chosen = line;
  }
  std::string out(chosen.empty() ? fallback : chosen);
  constexpr size_t kMaxLine = 400;
  if (out.size() > kMaxLine) out = out.substr(0, kMaxLine) + "...";
  return out;
}

std::vector<std::string> Kubectl::command(const std::vector<std::string>& args) const {
  // `--flag=value`: a value that starts with a dash can never be read as another flag.
  std::vector<std::string> argv{options_.program};
  if (!options_.kubeconfig.empty()) argv.push_back("--kubeconfig=" + options_.kubeconfig);
  if (!options_.context.empty()) argv.push_back("--context=" + options_.context);
  if (!options_.request_timeout.empty()) argv.push_back("--request-timeout=" + options_.request_timeout);
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

KubectlResult Kubectl::conclude(ChildProcess& child, KubectlResult result) const {
  result.outcome = child.finish();
  const ChildOutcome& o = result.outcome;
  switch (o.status) {
    case ChildOutcome::Status::NotStarted:
      result.failure = KubectlFailure::NotStarted;
      result.reason = std::strerror(o.start_errno);
      return result;
    case ChildOutcome::Status::TimedOut:
      result.failure = KubectlFailure::TimedOut;
      result.reason =
          "kubectl ran longer than " + std::to_string(options_.call_timeout.count()) + " seconds and was stopped";
      return result;
    case ChildOutcome::Status::Signaled:
      result.failure = KubectlFailure::Other;
      result.reason = "kubectl was killed by signal " + std::to_string(o.exit_code);
      return result;
    case ChildOutcome::Status::Exited:
      break;
  }
  if (o.exit_code != 0) {
    result.failure = classify_kubectl_error(o.stderr_text);
    result.reason = kubectl_error_line(o.stderr_text);
    if (result.reason.empty()) result.reason = "kubectl exited with status " + std::to_string(o.exit_code);
  }
  return result;
}

KubectlResult Kubectl::run(const std::vector<std::string>& args) const {
  ChildProcess child(command(args), ChildProcess::Clock::now() + options_.call_timeout);
  KubectlResult result;
  while (child.read_stdout(result.output)) {}
  return conclude(child, std::move(result));
}

KubectlResult Kubectl::stream_list(const std::vector<std::string>& args,
                                   const std::function<void(nlohmann::json&&)>& on_item) const {
  ChildProcess child(command(args), ChildProcess::Clock::now() + options_.call_timeout);
  KubectlResult result;
  if (!child.started()) return conclude(child, std::move(result));

  StdoutSource source(child);
  std::string top_key;
  auto take_items = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    if (event == nlohmann::json::parse_event_t::key && depth == 1) {
      top_key = parsed.get<std::string>();
    } else if (event == nlohmann::json::parse_event_t::object_end && depth == 2 && top_key == "items") {
      on_item(std::move(parsed));
      return false;  // handed over: the parser drops it from the list it builds
    }
    return true;
  };
  std::string parse_error;
  try {
    nlohmann::json list = nlohmann::json::parse(StdoutIterator(&source), StdoutIterator(), take_items);
    if (!list.is_object() || !list.contains("items")) parse_error = "kubectl printed JSON that is not a List";
  } catch (const nlohmann::json::exception& e) {
    // Never the "last read" text nlohmann appends: it is a piece of the output, which may be
    // a Secret's.
    parse_error = e.what();
    parse_error = parse_error.substr(0, parse_error.find("; last read"));
    child.abandon();
  }
  result = conclude(child, std::move(result));
  if (result.ok() && !parse_error.empty()) {
    result.failure = KubectlFailure::BadOutput;
    result.reason = "kubectl's output could not be read: " + parse_error;
  }
  return result;
}

}  // namespace upcheck::collect
