#include "load/loader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <thread>

#include <sys/stat.h>

#include "load/byte_source.hpp"
#include "load/chunk_parser.hpp"
#include "load/input_walk.hpp"
#include "load/json_splitter.hpp"
#include "load/result_merger.hpp"
#include "load/yaml_splitter.hpp"

namespace upcheck::load {
namespace {

constexpr size_t kSniffBytes = 64u << 10;
constexpr size_t kBinarySniffBytes = 1024;

// Worker threads that parse chunks. Results are collected in submission order by the caller, so
// the output never depends on which thread finished first.
class ParsePool {
 public:
  explicit ParsePool(unsigned threads) {
    for (unsigned i = 0; i < threads; ++i) workers_.emplace_back([this] { work(); });
  }
  ~ParsePool() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (std::thread& t : workers_) t.join();
  }
  ParsePool(const ParsePool&) = delete;
  ParsePool& operator=(const ParsePool&) = delete;

  std::future<ParseOutput> submit(std::function<ParseOutput()> task) {
    auto packaged = std::make_shared<std::packaged_task<ParseOutput()>>(std::move(task));
    std::future<ParseOutput> result = packaged->get_future();
    {
      std::lock_guard lock(mutex_);
      tasks_.push([packaged] { (*packaged)(); });
    }
    wake_.notify_one();
    return result;
  }

 private:
  void work() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
        if (tasks_.empty()) return;
        task = std::move(tasks_.front());
        tasks_.pop();
      }
      task();
    }
  }

  std::vector<std::thread> workers_;
  std::queue<std::function<void()>> tasks_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
};

std::future<ParseOutput> ready(ParseOutput out) {
  std::promise<ParseOutput> p;
  p.set_value(std::move(out));
  return p.get_future();
}

// What the merge step needs to know about a chunk beyond its parse output.
struct Pending {
  uint32_t file = 0;
  std::future<ParseOutput> output;
  bool unrendered_template = false;  // a walked file with `{{`: syntax errors become a notice
};

// The first bytes, to recognise the format. A source that fails stops the prefix short; it fails
// again for the splitter, which reports it after what came before.
std::string read_prefix(ByteSource& source) {
  std::string prefix(kSniffBytes, '\0');
  size_t got = 0;
  try {
    while (got < prefix.size()) {
      size_t n = source.read(prefix.data() + got, prefix.size() - got);
      if (n == 0) break;
      got += n;
    }
  } catch (const InputError&) {}
  prefix.resize(got);
  return prefix;
}

// Binary formats (images, archives, executables) put NUL bytes in their first bytes. A NUL
// further on is a corrupt text file: libyaml then reports it where it is, and the documents
// around it are still read.
bool looks_binary(std::string_view prefix) {
  return prefix.substr(0, kBinarySniffBytes).find('\0') != std::string_view::npos;
}

// JSON when the first character opens an object or array the way JSON does (`{"`, `{}`, `[`),
// which a YAML flow mapping (`{apiVersion: v1}`) does not.
bool looks_like_json(std::string_view prefix) {
  if (prefix.substr(0, 3) == "\xEF\xBB\xBF") prefix.remove_prefix(3);
  size_t i = prefix.find_first_not_of(" \t\r\n");
  if (i == std::string_view::npos) return false;
  if (prefix[i] == '[') return true;
  if (prefix[i] != '{') return false;
  size_t j = prefix.find_first_not_of(" \t\r\n", i + 1);
  return j == std::string_view::npos || prefix[j] == '"' || prefix[j] == '}';
}

// An empty input is worth a word: an empty file, `/dev/null`, or the empty stdin of a failed
// `kubectl get ... | upcheck check -` would otherwise give a clean report of nothing. A run in
// which no input holds an object is an error at each empty input (nothing was analyzed); an empty
// input among others that hold objects is a notice. An input with content and no objects (an
// empty List, `items: []`, is what kubectl prints for a kind a cluster has none of) is not empty.
void report_empty_inputs(LoadResult& result, const std::vector<uint32_t>& empty_inputs, size_t inputs) {
  const bool nothing_read = result.resources.empty();
  size_t listed = 0;
  for (uint32_t file : empty_inputs) {
    const bool has_error =
        std::any_of(result.errors.begin(), result.errors.end(), [&](const Diagnostic& d) { return d.file == file; });
    if (has_error) continue;  // a read error already says why
    if (listed++ == kListedDiagnosticsPerCode) {
      // A directory of 100,000 empty files: counted, not listed.
      result.notices.push_back({Diagnostic::kNoFile,
                                {},
                                &kDiagnosticsCapped,
                                fmt::format("{} more empty inputs are not listed", empty_inputs.size() - listed + 1)});
      break;
    }
    if (nothing_read)
      result.errors.push_back({file,
                               {},
                               &kNoObjects,
                               inputs == 1 ? "this input is empty (nothing but blank lines, comments or `---`): "
                                             "nothing was analyzed"
                                           : "this input is empty (nothing but blank lines, comments or `---`), and "
                                             "no other input holds an object: nothing was analyzed"});
    else
      result.notices.push_back(
          {file, {}, &kEmptyInput, "this input is empty (nothing but blank lines, comments or `---`)"});
  }
}

class Loader {
 public:
  Loader(const LoadOptions& options, LoadResult& result)
      : options_(options),
        result_(result),
        in_flight_limit_(options.jobs + 1),
        merger_(result, options.limits.max_objects) {
    if (options.jobs > 1) pool_ = std::make_unique<ParsePool>(options.jobs);
  }

  void load_file(const InputFile& input) {
    const uint32_t file = add_file(input.display_path, input.open_path == "-");
    if (merger_.objects_exhausted()) return;  // nothing more is read; the file is still named
    std::unique_ptr<ByteSource> source;
    try {
      source = open_byte_source(input.open_path, input.from_directory_walk);
    } catch (const InputError& e) {
      error_only(file, e.code(), e.what());
      return;
    }
    load_source(file, std::move(source), input.from_directory_walk);
  }

  void load_bytes(const std::string& name, std::string_view bytes) {
    const uint32_t file = add_file(name, false);
    if (merger_.objects_exhausted()) return;
    load_source(file, memory_byte_source(bytes), false);
  }

  void finish() {
    while (!in_flight_.empty()) merge_front();
    merger_.finish();
  }

  // After finish(): see report_empty_inputs.
  void report_empty_inputs(size_t inputs) { upcheck::load::report_empty_inputs(result_, empty_inputs_, inputs); }

  // For the progress line: the inputs' size on disk (compressed for .gz; stdin counts nothing).
  void set_total_bytes(uint64_t total) { total_bytes_ = total; }

  void add_issue(const WalkIssue& issue) {
    const auto file = static_cast<uint32_t>(result_.files.size());
    result_.files.push_back({issue.path, false});
    Diagnostic d{file, {}, issue.code, issue.message};
    (issue.code->is_error ? result_.errors : result_.notices).push_back(std::move(d));
  }

 private:
  uint32_t add_file(const std::string& display_path, bool from_stdin) {
    const auto file = static_cast<uint32_t>(result_.files.size());
    result_.files.push_back({display_path, from_stdin});
    return file;
  }

  void load_source(uint32_t file, std::unique_ptr<ByteSource> opened, bool from_directory_walk) {
    std::unique_ptr<ByteSource> source = limit_byte_source(std::move(opened), options_.limits.max_input_bytes);
    try {
      std::string prefix = read_prefix(*source);
      if (looks_binary(prefix)) {
        error_only(file, &kBinaryInput, "a binary file (NUL bytes in its first KiB), not a YAML or JSON manifest");
        return;
      }
      if (looks_like_json(prefix)) {
        JsonSplitter splitter(*source, std::move(prefix), file, options_.limits, options_.chunk_bytes);
        split(splitter, true, from_directory_walk, *source);
      } else {
        YamlSplitter splitter(*source, std::move(prefix), file, options_.limits, options_.chunk_bytes);
        if (split(splitter, false, from_directory_walk, *source)) {
          enqueue({file, ready(splitter.take_end_report()), false});
          if (splitter.holds_nothing()) empty_inputs_.push_back(file);
        }
      }
    } catch (const InputError& e) {
      error_only(file, e.code(), e.what());
    }
    bytes_done_ += source->position();
  }

  // True when the splitter reached the input's end (rather than --max-objects stopping it).
  template <typename Splitter>
  bool split(Splitter& splitter, bool json, bool from_directory_walk, const ByteSource& source) {
    while (!merger_.objects_exhausted()) {
      std::optional<Chunk> chunk = splitter.next();
      if (!chunk) return true;
      submit(std::move(*chunk), json, from_directory_walk, &source);
    }
    return false;
  }

  void error_only(uint32_t file, const DiagnosticCode* code, std::string message) {
    ParseOutput out;
    out.errors.push_back({file, {}, code, std::move(message)});
    enqueue({file, ready(std::move(out)), false});
  }

  // Chunks from the JSON splitter go to simdjson; the YAML splitter's to libyaml, which reads a
  // JSON document among YAML ones too.
  void submit(Chunk chunk, bool json, bool from_directory_walk, const ByteSource* source) {
    Pending pending;
    pending.file = chunk.file;
    pending.unrendered_template = from_directory_walk && chunk.bytes.find("{{") != std::string::npos;
    auto parse = [chunk = std::move(chunk), json, this]() {
      return json ? parse_json_chunk(chunk, options_.limits, &objects_)
                  : parse_yaml_chunk(chunk, options_.limits, &objects_);
    };
    if (pool_) {
      pending.output = pool_->submit(std::move(parse));
    } else {
      pending.output = ready(parse());
    }
    enqueue(std::move(pending));
    if (options_.progress) options_.progress(bytes_done_ + source->position(), objects_.load(), total_bytes_);
  }

  void enqueue(Pending pending) {
    in_flight_.push_back(std::move(pending));
    while (in_flight_.size() > in_flight_limit_) merge_front();
  }

  void merge_front() {
    Pending pending = std::move(in_flight_.front());
    in_flight_.pop_front();
    ParseOutput out = pending.output.get();
    if (pending.unrendered_template && std::any_of(out.errors.begin(), out.errors.end(), [](const Diagnostic& d) {
          return d.code == &kYamlSyntax || d.code == &kJsonSyntax;
        })) {
      // Whatever parsed of a template is not what the chart renders: keep none of it.
      ParseOutput skipped;
      skipped.notices.push_back(
          {pending.file,
           {},
           &kSkippedTemplate,
           "an unrendered Helm template ({{ }}), not a manifest; skipped (check the output of `helm template` "
           "instead)"});
      merger_.add(pending.file, std::move(skipped));
      return;
    }
    merger_.add(pending.file, std::move(out));
  }

  const LoadOptions& options_;
  LoadResult& result_;
  size_t in_flight_limit_;
  std::unique_ptr<ParsePool> pool_;
  std::deque<Pending> in_flight_;
  std::atomic<size_t> objects_{0};  // built by the parsers, for progress
  ResultMerger merger_;
  uint64_t bytes_done_ = 0;
  uint64_t total_bytes_ = 0;
  std::vector<uint32_t> empty_inputs_;  // YAML inputs of nothing but blank lines, comments or `---`
};

}  // namespace

LoadResult load_inputs(const std::vector<std::string>& paths, const LoadOptions& options) {
  LoadResult result;
  WalkResult walk = expand_inputs(paths, options.stdin_filename);
  Loader loader(options, result);
  uint64_t total = 0;
  for (const InputFile& input : walk.files) {
    struct stat st {};
    if (input.open_path != "-" && ::stat(input.open_path.c_str(), &st) == 0) total += static_cast<uint64_t>(st.st_size);
  }
  loader.set_total_bytes(total);
  for (const InputFile& input : walk.files) loader.load_file(input);
  loader.finish();
  loader.report_empty_inputs(walk.files.size());
  for (const WalkIssue& issue : walk.issues) loader.add_issue(issue);
  return result;
}

LoadResult load_buffer(const std::string& name, std::string_view bytes, const LoadOptions& options) {
  LoadResult result;
  Loader loader(options, result);
  loader.set_total_bytes(bytes.size());
  loader.load_bytes(name, bytes);
  loader.finish();
  loader.report_empty_inputs(1);
  return result;
}

}  // namespace upcheck::load
