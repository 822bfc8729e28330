#include "cli/check_command.hpp"

#include <cxxopts.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "all_rules.hpp"
#include "cli/config_file.hpp"
#include "cli/progress_line.hpp"
#include "cli/source_lines.hpp"
#include "cli/usage_error.hpp"
#include "engine/engine.hpp"
#include "load/loader.hpp"
#include "model/istio_releases.hpp"
#include "report/report.hpp"
#include "version.hpp"

namespace upcheck::cli {
namespace {

cxxopts::Options check_options() {
  cxxopts::Options o("upcheck check", "Analyze manifests or cluster dumps for what breaks in an Istio upgrade.");
  o.custom_help("[options]");
  o.positional_help("INPUT...");
  o.add_options("Upgrade plan")
      ("to", "target Istio release: 1.2, 1.2.5 or v1.2.5", cxxopts::value<std::string>())
      ("from", "installed Istio release (default: detected from the input)", cxxopts::value<std::string>())
      ("method", "in-place or canary (default in-place, the strictest)", cxxopts::value<std::string>())
      ("to-kubernetes", "target Kubernetes release, for API removals", cxxopts::value<std::string>())
      ("revision", "revision name of the new control plane (canary)", cxxopts::value<std::string>())
      ("remove-revision", "revision this upgrade removes", cxxopts::value<std::string>());
  o.add_options("Report")
      ("o,format", "text, json or sarif (default text)", cxxopts::value<std::string>())
      ("output", "write the report to FILE instead of standard output", cxxopts::value<std::string>())
      ("fail-on", "exit 1 on findings of this severity or above: error, warning or info (default warning)",
       cxxopts::value<std::string>())
      ("select", "run only these rules: codes, names or categories, comma-separated",
       cxxopts::value<std::vector<std::string>>())
      ("ignore", "skip these rules: codes, names or categories, comma-separated",
       cxxopts::value<std::vector<std::string>>())
      ("color", "auto, always or never (default auto: on a terminal)", cxxopts::value<std::string>())
      ("sarif-root", "SARIF artifact paths are relative to this directory (default: working directory)",
       cxxopts::value<std::string>())
      ("config", "read options from FILE (default: the nearest .upcheck.yaml)", cxxopts::value<std::string>())
      ("no-config", "read no .upcheck.yaml");
  o.add_options("Input")
      ("stdin-filename", "the name reports give standard input (default <stdin>)", cxxopts::value<std::string>())
      ("jobs", "parser threads (default: the number of cores)", cxxopts::value<unsigned>())
      ("max-depth", "deepest nesting of one document (default 512)", cxxopts::value<size_t>())
      ("max-scalar-bytes", "largest scalar (default 16 MiB)", cxxopts::value<size_t>())
      ("max-document-bytes", "largest document or List item (default 64 MiB)", cxxopts::value<size_t>())
      ("max-alias-nodes", "most nodes alias expansion may copy into one object (default 100000)",
       cxxopts::value<size_t>())
      ("max-objects", "most objects in the whole input (default 10000000)", cxxopts::value<size_t>())
      ("inputs", "files, directories, or - for standard input", cxxopts::value<std::vector<std::string>>());
  o.add_options()("h,help", "this help");
  o.parse_positional({"inputs"});
  return o;
}

// A setting from the command line, else from the config file.
class Settings {
 public:
  Settings(const cxxopts::ParseResult& args, const ConfigFile* config) : args_(args), config_(config) {}

  std::optional<std::string> get(const std::string& key) const {
    if (args_.count(key) != 0) return args_[key].as<std::string>();
    if (config_ != nullptr)
      if (auto it = config_->scalars.find(key); it != config_->scalars.end()) return it->second;
    return std::nullopt;
  }
  template <typename T>
  std::optional<T> number(const std::string& key) const {
    if (args_.count(key) != 0) return args_[key].as<T>();
    if (auto text = get(key)) {
      try {
        return static_cast<T>(std::stoull(*text));
      } catch (const std::exception&) {
        throw UsageError(fmt::format("{} must be a number, not '{}'", key, *text));
      }
    }
    return std::nullopt;
  }
  std::vector<std::string> list(const std::string& key) const {
    std::vector<std::string> raw;
    if (args_.count(key) != 0)
      raw = args_[key].as<std::vector<std::string>>();
    else if (config_ != nullptr)
      if (auto it = config_->lists.find(key); it != config_->lists.end()) raw = it->second;
    std::vector<std::string> out;
    for (const std::string& entry : raw) {
      std::stringstream parts(entry);
      for (std::string part; std::getline(parts, part, ',');)
        if (!part.empty()) out.push_back(part);
    }
    return out;
  }

 private:
  const cxxopts::ParseResult& args_;
  const ConfigFile* config_;
};

Version release_version(const std::string& flag, const std::string& text) {
  std::optional<Version> v = Version::parse(text);
  if (!v) throw UsageError(fmt::format("--{} {}: not a version (write 1.2, 1.2.5 or v1.2.5)", flag, text));
  if (find_istio_release(*v) == nullptr)
    throw UsageError(fmt::format("--{} {}: not an Istio release upcheck knows (0.1 to {}.{})", flag, text,
                                 newest_istio_release().major, newest_istio_release().minor));
  return *v;
}

Severity parse_severity(const std::string& text) {
  if (text == "error") return Severity::Error;
  if (text == "warning") return Severity::Warning;
  if (text == "info") return Severity::Info;
  throw UsageError(fmt::format("--fail-on {}: use error, warning or info", text));
}

bool sort_diagnostics(const Snapshot& snapshot, std::vector<Diagnostic>& list) {
  auto key = [&](const Diagnostic& d) {
    std::string_view path = d.file == Diagnostic::kNoFile ? std::string_view{} : snapshot.file_path(d.file);
    return std::tuple(d.file != Diagnostic::kNoFile, path, d.mark.line, d.mark.column, std::string_view(d.code),
                      std::string_view(d.message));
  };
  std::stable_sort(list.begin(), list.end(), [&](const Diagnostic& a, const Diagnostic& b) { return key(a) < key(b); });
  list.erase(std::unique(list.begin(), list.end(),
                         [&](const Diagnostic& a, const Diagnostic& b) { return key(a) == key(b); }),
             list.end());
  return true;
}

// What the input shows is installed, in notices: the detected versions and any disagreement.
void describe_installation(const IstioInstallation& istio, const UpgradePlan& plan, std::vector<Diagnostic>& notices) {
  for (const ControlPlane& plane : istio.control_planes) {
    std::vector<Version> versions = plane.distinct_versions();
    if (versions.size() > 1) {
      std::string found;
      for (const VersionEvidence& e : plane.evidence)
        found += fmt::format("{}{} ({} of {})", found.empty() ? "" : "; ", e.version.str(), e.how,
                             e.source->display_name());
      const VersionEvidence& first = plane.evidence.front();
      notices.push_back({first.source->file(), first.source->locate(first.field_path), "version-disagreement",
                         fmt::format("the sources for the {} control plane (revision {}) disagree: {}; upcheck uses "
                                     "{}, the strongest{}",
                                     plane.ns, plane.revision, found, first.version.str(),
                                     plan.from ? ", but --from overrides it" : "")});
    }
  }
}

}  // namespace

int check_command(const std::vector<std::string>& raw_args, std::ostream& out, std::ostream& err) {
  cxxopts::Options options = check_options();
  std::vector<const char*> argv{"upcheck check"};
  for (const std::string& a : raw_args) argv.push_back(a.c_str());
  cxxopts::ParseResult args = options.parse(static_cast<int>(argv.size()), argv.data());
  if (args.count("help") != 0) {
    out << options.help({"Upgrade plan", "Report", "Input", ""});
    return 0;
  }

  std::optional<ConfigFile> config;
  if (args.count("config") != 0) {
    try {
      config = read_config_file(args["config"].as<std::string>());
    } catch (const std::runtime_error& e) {
      throw UsageError(e.what());
    }
  } else if (args.count("no-config") == 0) {
    if (std::optional<std::string> found = find_config_file(".")) {
      try {
        config = read_config_file(*found);
      } catch (const std::runtime_error& e) {
        throw UsageError(e.what());
      }
    }
  }
  Settings settings(args, config ? &*config : nullptr);

  UpgradePlan plan;
  if (auto to = settings.get("to")) plan.to = release_version("to", *to);
  if (auto from = settings.get("from")) plan.from = release_version("from", *from);
  if (auto method = settings.get("method")) {
    if (*method == "canary")
      plan.method = UpgradeMethod::Canary;
    else if (*method != "in-place")
      throw UsageError(fmt::format("--method {}: use in-place or canary", *method));
  }
  if (auto k8s = settings.get("to-kubernetes")) {
    plan.to_kubernetes = Version::parse(*k8s);
    if (!plan.to_kubernetes) throw UsageError(fmt::format("--to-kubernetes {}: not a version", *k8s));
  }
  plan.revision = settings.get("revision").value_or("");
  plan.remove_revision = settings.get("remove-revision").value_or("");
  if (config) plan.rule_options = config->rules;

  Severity fail_on = parse_severity(settings.get("fail-on").value_or("warning"));
  std::string format_name = settings.get("format").value_or("text");
  Format format = Format::Text;
  if (format_name == "json")
    format = Format::Json;
  else if (format_name == "sarif")
    format = Format::Sarif;
  else if (format_name != "text")
    throw UsageError(fmt::format("-o {}: use text, json or sarif", format_name));

  RuleSelection selection{settings.list("select"), settings.list("ignore")};
  if (std::vector<std::string> unknown = selection.unknown(all_rules()); !unknown.empty())
    throw UsageError(fmt::format("--select/--ignore: no rule or category named {} (see `upcheck rules`)",
                                 fmt::join(unknown, ", ")));
  for (const auto& [rule_name, rule_options] : plan.rule_options) {
    const Rule* rule = find_rule(rule_name);
    if (rule == nullptr) throw UsageError(fmt::format("{}: no rule named '{}'", config->path, rule_name));
    for (const auto& entry : rule_options) {
      const std::string& option = entry.first;   // a named copy: clang 14 cannot capture bindings
      if (std::none_of(rule->info.options.begin(), rule->info.options.end(),
                       [&](const RuleOption& o) { return o.name == option; }))
        throw UsageError(fmt::format("{}: rule {} has no option '{}'", config->path, rule_name, option));
    }
  }

  if (args.count("inputs") == 0) throw UsageError("no input: name files, directories, or - for standard input");
  std::vector<std::string> inputs = args["inputs"].as<std::vector<std::string>>();

  load::LoadOptions load_options;
  load_options.jobs = settings.number<unsigned>("jobs").value_or(std::max(1u, std::thread::hardware_concurrency()));
  if (load_options.jobs == 0) throw UsageError("--jobs must be at least 1");
  load_options.stdin_filename = args.count("stdin-filename") != 0 ? args["stdin-filename"].as<std::string>() : "";
  load::LoadLimits& limits = load_options.limits;
  limits.max_depth = settings.number<size_t>("max-depth").value_or(limits.max_depth);
  limits.max_scalar_bytes = settings.number<size_t>("max-scalar-bytes").value_or(limits.max_scalar_bytes);
  limits.max_document_bytes = settings.number<size_t>("max-document-bytes").value_or(limits.max_document_bytes);
  limits.max_alias_nodes = settings.number<size_t>("max-alias-nodes").value_or(limits.max_alias_nodes);
  limits.max_objects = settings.number<size_t>("max-objects").value_or(limits.max_objects);
  if (limits.max_depth == 0 || limits.max_depth > load::LoadLimits::kMaxDepthCeiling)
    throw UsageError(fmt::format("--max-depth must be between 1 and {}", load::LoadLimits::kMaxDepthCeiling));
  limits.max_scalar_bytes = std::min<size_t>(limits.max_scalar_bytes, Node::kMaxTextLength);

  ProgressLine progress(err, ::isatty(STDERR_FILENO) != 0 && &err == &std::cerr);
  load_options.progress = [&progress](uint64_t bytes, size_t objects, uint64_t total) {
    progress.update(bytes, objects, total);
  };
  load::LoadResult loaded = load::load_inputs(inputs, load_options);
  progress.finish();
  Snapshot snapshot(std::move(loaded.files), std::move(loaded.resources), std::move(loaded.collected_kinds));
  IstioInstallation istio = detect_istio(snapshot);

  std::vector<const Rule*> selected;
  for (const Rule* r : all_rules())
    if (selection.selects(r->info)) selected.push_back(r);
  EngineResult result = run_rules(snapshot, plan, istio, selected);

  Report report;
  report.tool_version = std::string(kVersion);
  report.snapshot = &snapshot;
  report.plan = plan;
  report.istio = &istio;
  report.findings = std::move(result.findings);
  report.rules = std::move(result.rules_run);
  report.errors = std::move(loaded.errors);
  report.notices = std::move(loaded.notices);
  for (Diagnostic& d : result.notices) report.notices.push_back(std::move(d));
  describe_installation(istio, plan, report.notices);
  report.fail_on = fail_on;
  sort_diagnostics(snapshot, report.errors);
  sort_diagnostics(snapshot, report.notices);

  std::ofstream file;
  std::ostream* sink = &out;
  if (args.count("output") != 0) {
    std::string path = args["output"].as<std::string>();
    file.open(path, std::ios::binary | std::ios::trunc);
    if (!file) {
      err << "upcheck: error: cannot write " << path << '\n';
      return 2;
    }
    sink = &file;
  }
  switch (format) {
    case Format::Text: {
      std::string color = settings.get("color").value_or("auto");
      if (color != "auto" && color != "always" && color != "never")
        throw UsageError(fmt::format("--color {}: use auto, always or never", color));
      TextOptions text;
      text.color = color == "always" || (color == "auto" && sink == &out && &out == &std::cout &&
                                         ::isatty(STDOUT_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr);
      SourceLines lines(snapshot);
      text.source_line = [&lines](uint32_t f, uint32_t l) { return lines.line(f, l); };
      write_text(report, text, *sink);
      break;
    }
    case Format::Json:
      write_json(report, *sink);
      break;
    case Format::Sarif: {
      SarifOptions sarif;
      sarif.root = settings.get("sarif-root").value_or("");
      sarif.docs_base_url = std::string(kDocsBaseUrl);
      sarif.information_uri = std::string(kHomepage);
      write_sarif(report, sarif, *sink);
      break;
    }
  }
  sink->flush();
  if (!*sink) {
    err << "upcheck: error: writing the report failed\n";
    return 2;
  }
  return static_cast<int>(report.exit_status());
}

}  // namespace upcheck::cli
