#include "cli/analysis.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <sstream>
#include <thread>

#include "cli/progress_line.hpp"
#include "cli/usage_error.hpp"
#include "engine/engine.hpp"
#include "istio/istio_releases.hpp"
#include "load/loader.hpp"
#include "model/duplicate_objects.hpp"
#include "rules/all_rules.hpp"
#include "version.hpp"

namespace upcheck::cli {
namespace {

void sort_diagnostics(const Snapshot& snapshot, std::vector<Diagnostic>& list) {
  auto key = [&](const Diagnostic& d) {
    std::string_view path = d.file == Diagnostic::kNoFile ? std::string_view{} : snapshot.file_path(d.file);
    return std::tuple(d.file != Diagnostic::kNoFile, path, d.mark.line, d.mark.column, d.code->name,
                      std::string_view(d.message));
  };
  std::stable_sort(list.begin(), list.end(), [&](const Diagnostic& a, const Diagnostic& b) { return key(a) < key(b); });
  list.erase(
      std::unique(list.begin(), list.end(), [&](const Diagnostic& a, const Diagnostic& b) { return key(a) == key(b); }),
      list.end());
}

// What the input shows is installed, in notices: the detected versions and any disagreement.
void describe_installation(const IstioInstallation& istio, const UpgradePlan& plan, std::vector<Diagnostic>& notices) {
  for (const ControlPlane& plane : istio.control_planes) {
    std::vector<Version> versions = plane.distinct_versions();
    if (versions.size() > 1) {
      std::string found;
      for (const VersionEvidence& e : plane.evidence)
        found +=
            fmt::format("{}{} ({} of {})", found.empty() ? "" : "; ", e.version.str(), e.how, e.source->display_name());
      const VersionEvidence& first = plane.evidence.front();
      notices.push_back({first.source->file(), first.source->locate(first.field_path), &kVersionDisagreement,
                         fmt::format("the sources for the {} control plane (revision {}) disagree: {}; upcheck uses "
                                     "{}, the strongest{}",
                                     plane.ns, plane.revision, found, first.version.str(),
                                     plan.from ? ", but --from overrides it" : "")});
    }
  }
}

UpgradePlan build_plan(const Settings& settings, const std::optional<ConfigFile>& config) {
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
  for (const auto& [rule_name, rule_options] : plan.rule_options) {
    const Rule* rule = find_rule(rule_name);
    if (rule == nullptr) throw UsageError(fmt::format("{}: no rule named '{}'", config->path, rule_name));
    for (const auto& [option, value] : rule_options) {
      auto declared = std::find_if(rule->info.options.begin(), rule->info.options.end(),
                                   [&, &option = option](const RuleOption& o) { return o.name == option; });
      if (declared == rule->info.options.end())
        throw UsageError(fmt::format("{}: rule {} has no option '{}'", config->path, rule_name, option));
      if (!declared->accepts(value))
        throw UsageError(fmt::format("{}: option {} of rule {} must be {}, not '{}'", config->path, option, rule_name,
                                     declared->wants(), value));
    }
  }
  return plan;
}

load::LoadOptions build_load_options(const Settings& settings) {
  const cxxopts::ParseResult& args = settings.args();
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
  limits.max_input_bytes = settings.number<size_t>("max-input-bytes").value_or(limits.max_input_bytes);
  if (limits.max_depth == 0 || limits.max_depth > load::LoadLimits::kMaxDepthCeiling)
    throw UsageError(fmt::format("--max-depth must be between 1 and {}", load::LoadLimits::kMaxDepthCeiling));
  if (limits.max_document_bytes > load::LoadLimits::kMaxDocumentBytesCeiling)
    throw UsageError(
        fmt::format("--max-document-bytes must be at most {}", load::LoadLimits::kMaxDocumentBytesCeiling));
  limits.max_scalar_bytes = std::min<size_t>(limits.max_scalar_bytes, Node::kMaxTextLength);
  return load_options;
}

}  // namespace

void add_analysis_options(cxxopts::Options& o) {
  o.positional_help("INPUT...");
  // clang-format off: one option a line reads as the help it prints
  o.add_options("Upgrade plan")("to", "target Istio release: 1.2, 1.2.5 or v1.2.5", cxxopts::value<std::string>())(
      "from", "installed Istio release (default: detected from the input)", cxxopts::value<std::string>())(
      "method", "in-place or canary (default in-place, the strictest)", cxxopts::value<std::string>())(
      "to-kubernetes", "target Kubernetes release, for API removals", cxxopts::value<std::string>())(
      "revision", "revision name of the new control plane (canary)", cxxopts::value<std::string>())(
      "remove-revision", "revision this upgrade removes", cxxopts::value<std::string>());
  o.add_options("Rules")("select", "run only these rules: codes, names or categories, comma-separated",
                         cxxopts::value<std::vector<std::string>>())(
      "ignore", "skip these rules: codes, names or categories, comma-separated",
      cxxopts::value<std::vector<std::string>>())("config",
                                                  "read options from FILE (default: the nearest .upcheck.yaml)",
                                                  cxxopts::value<std::string>())("no-config", "read no .upcheck.yaml");
  o.add_options("Input")("stdin-filename", "the name reports give standard input (default <stdin>)",
                         cxxopts::value<std::string>())("jobs", "parser threads (default: the number of cores)",
                                                        cxxopts::value<std::string>())(
      "max-depth", "deepest nesting of one document (default 512)", cxxopts::value<std::string>())(
      "max-scalar-bytes", "largest scalar (default 16 MiB)", cxxopts::value<std::string>())(
      "max-document-bytes", "largest document or List item (default 64 MiB)", cxxopts::value<std::string>())(
      "max-alias-nodes", "most nodes alias expansion may copy into one object (default 100000)",
      cxxopts::value<std::string>())("max-objects", "most objects in the whole input (default 10000000)",
                                     cxxopts::value<std::string>())(
      "max-input-bytes", "most bytes one input may hold, after decompression (default 32 GiB)",
      cxxopts::value<std::string>())("inputs", "files, directories, or - for standard input",
                                     cxxopts::value<std::vector<std::string>>());
  o.add_options()("h,help", "this help");
  // clang-format on
  o.parse_positional({"inputs"});
}

std::optional<std::string> Settings::get(const std::string& key) const {
  if (args_.count(key) != 0) return args_[key].as<std::string>();
  if (config_ != nullptr)
    if (auto it = config_->scalars.find(key); it != config_->scalars.end()) return it->second;
  return std::nullopt;
}

// Numbers are read as text here rather than by cxxopts, the same for the command line and the
// config file.
template <typename T>
std::optional<T> Settings::number(const std::string& key) const {
  if (auto text = get(key)) {
    if (text->empty() || text->find_first_not_of("0123456789") != std::string::npos)
      throw UsageError(fmt::format("{} must be a number, not '{}'", key, *text));
    try {
      return static_cast<T>(std::stoull(*text));
    } catch (const std::exception&) {
      throw UsageError(fmt::format("{} must be a number, not '{}'", key, *text));
    }
  }
  return std::nullopt;
}
template std::optional<unsigned> Settings::number<unsigned>(const std::string&) const;
template std::optional<size_t> Settings::number<size_t>(const std::string&) const;

std::vector<std::string> Settings::list(const std::string& key) const {
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

std::optional<ConfigFile> load_config(const cxxopts::ParseResult& args) {
  std::optional<std::string> path;
  if (args.count("config") != 0)
    path = args["config"].as<std::string>();
  else if (args.count("no-config") == 0)
    path = find_config_file(".");
  if (!path) return std::nullopt;
  try {
    return read_config_file(*path);
  } catch (const std::runtime_error& e) {
    throw UsageError(e.what());
  }
}

Version release_version(const std::string& flag, const std::string& text) {
  std::optional<Version> v = Version::parse(text);
  if (!v) throw UsageError(fmt::format("--{} {}: not a version (write 1.2, 1.2.5 or v1.2.5)", flag, text));
  if (find_istio_release(*v) == nullptr)
    throw UsageError(fmt::format("--{} {}: not an Istio release upcheck knows (0.1 to {}.{})", flag, text,
                                 newest_istio_release().major, newest_istio_release().minor));
  return *v;
}

std::unique_ptr<Analysis> analyze(const Settings& settings, const std::optional<ConfigFile>& config, std::ostream& err,
                                  const PlanCompletion& complete_plan) {
  const cxxopts::ParseResult& args = settings.args();
  UpgradePlan plan = build_plan(settings, config);
  if (complete_plan) complete_plan(plan);
  RuleSelection selection{settings.list("select"), settings.list("ignore")};
  if (std::vector<std::string> unknown = selection.unknown(all_rules()); !unknown.empty())
    throw UsageError(
        fmt::format("--select/--ignore: no rule or category named {} (see `upcheck rules`)", fmt::join(unknown, ", ")));
  if (args.count("inputs") == 0) throw UsageError("no input: name files, directories, or - for standard input");
  std::vector<std::string> inputs = args["inputs"].as<std::vector<std::string>>();
  load::LoadOptions load_options = build_load_options(settings);

  auto analysis = std::make_unique<Analysis>();
  ProgressLine progress(err, ::isatty(STDERR_FILENO) != 0 && &err == &std::cerr);
  load_options.progress = [&progress](uint64_t bytes, size_t objects, uint64_t total) {
    progress.update(bytes, objects, total);
  };
  load::LoadResult loaded = load::load_inputs(inputs, load_options);
  progress.finish();
  for (Diagnostic& d : drop_duplicate_objects(loaded.files, loaded.resources)) loaded.notices.push_back(std::move(d));
  analysis->snapshot =
      Snapshot(std::move(loaded.files), std::move(loaded.resources), std::move(loaded.collected_kinds));
  analysis->istio = detect_istio(analysis->snapshot);

  std::vector<const Rule*> selected;
  for (const Rule* r : all_rules())
    if (selection.selects(r->info)) selected.push_back(r);
  EngineResult result = run_rules(analysis->snapshot, plan, analysis->istio, selected);

  Report& report = analysis->report;
  report.tool_version = std::string(kVersion);
  report.snapshot = &analysis->snapshot;
  report.plan = plan;
  report.istio = &analysis->istio;
  report.findings = std::move(result.findings);
  report.rules = std::move(result.rules_run);
  report.errors = std::move(loaded.errors);
  report.notices = std::move(loaded.notices);
  for (Diagnostic& d : result.notices) report.notices.push_back(std::move(d));
  for (Diagnostic& d : result.errors) report.errors.push_back(std::move(d));
  describe_installation(analysis->istio, plan, report.notices);
  sort_diagnostics(analysis->snapshot, report.errors);
  sort_diagnostics(analysis->snapshot, report.notices);
  return analysis;
}

bool refuse_partial_input(const Report& report, std::ostream& err, std::string_view what) {
  if (report.errors.empty()) return false;
  for (const Diagnostic& e : report.errors)
    err << "upcheck: error: "
        << (e.file == Diagnostic::kNoFile
                ? std::string()
                : terminal_safe(report.file_path(e.file)) + ":" + std::to_string(e.mark.line) + ": ")
        << terminal_safe(e.message) << " [" << e.code->name << "]\n";
  err << "upcheck: error: the input has errors; no " << what << " written\n";
  return true;
}

}  // namespace upcheck::cli
