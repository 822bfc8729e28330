// The analysis that `check` and `migrate` share: the upgrade plan, rule selection and input
// options, reading .upcheck.yaml, loading the inputs, detecting Istio and running the rules.
// Each command adds its own options and decides what to write.
#pragma once

#include <cxxopts.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/config_file.hpp"
#include "istio/istio_install.hpp"
#include "model/snapshot.hpp"
#include "report/report.hpp"

namespace upcheck::cli {

// Adds the option groups "Upgrade plan", "Rules" and "Input" and the positional INPUT list.
void add_analysis_options(cxxopts::Options& options);
inline const std::vector<std::string> kAnalysisGroups = {"Upgrade plan", "Rules", "Input"};

// A setting from the command line, else from the config file.
class Settings {
 public:
  Settings(const cxxopts::ParseResult& args, const ConfigFile* config) : args_(args), config_(config) {}
  std::optional<std::string> get(const std::string& key) const;
  template <typename T>
  std::optional<T> number(const std::string& key) const;
  // A comma-separated or repeated list option.
  std::vector<std::string> list(const std::string& key) const;
  const cxxopts::ParseResult& args() const { return args_; }

 private:
  const cxxopts::ParseResult& args_;
  const ConfigFile* config_;
};

// The nearest .upcheck.yaml, or --config; nothing with --no-config. Throws UsageError.
std::optional<ConfigFile> load_config(const cxxopts::ParseResult& args);

// A finished analysis. The report points into the snapshot and the installation, so it stays
// where it was made.
struct Analysis {
  Snapshot snapshot;
  IstioInstallation istio;
  Report report;
  Analysis() = default;
  Analysis(const Analysis&) = delete;
  Analysis& operator=(const Analysis&) = delete;
};

// Builds the plan and the rule selection (UsageError on a bad one), loads the inputs, detects the
// installed Istio, runs the selected rules and gathers errors and notices, sorted.
// A progress line goes to `err` when it is the terminal's stderr and the input is large.
// `complete_plan` lets a command check the plan or fill in its defaults (plan's --revision) before
// the rules read it.
using PlanCompletion = std::function<void(UpgradePlan&)>;
std::unique_ptr<Analysis> analyze(const Settings& settings, const std::optional<ConfigFile>& config, std::ostream& err,
                                  const PlanCompletion& complete_plan = {});

// Commands that write something to apply (migrate, plan) refuse a partial input: it would miss
// objects. Prints each input error and "the input has errors; no WHAT written" to `err` and
// returns true when there are any.
bool refuse_partial_input(const Report& report, std::ostream& err, std::string_view what);

// `--from`/`--to`: a version upcheck's release table knows. Throws UsageError.
Version release_version(const std::string& flag, const std::string& text);

}  // namespace upcheck::cli
