// A finished analysis, and the three ways of writing it: text for people, JSON for programs,
// SARIF for code-scanning dashboards. Reporters are free functions over one value type.
#pragma once

#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "engine/finding.hpp"
#include "engine/rule.hpp"
#include "engine/upgrade_plan.hpp"
#include "istio/istio_install.hpp"
#include "model/diagnostic.hpp"
#include "model/snapshot.hpp"

namespace upcheck {

enum class Format : uint8_t { Text, Json, Sarif };

// Exit statuses, the same for every output format (docs/exit-codes in README.md).
enum class ExitStatus : int { Clean = 0, Findings = 1, Error = 2 };

struct Report {
  std::string tool_version;
  const Snapshot* snapshot = nullptr;  // file paths and object counts
  UpgradePlan plan;
  const IstioInstallation* istio = nullptr;
  std::vector<Finding> findings;
  std::vector<Diagnostic> errors;
  std::vector<Diagnostic> notices;
  std::vector<const RuleInfo*> rules;  // the rules that ran: SARIF tool.driver.rules
  Severity fail_on = Severity::Warning;

  const std::string& file_path(uint32_t file) const;
  bool at_or_above_fail_on(const Finding& f) const;
  ExitStatus exit_status() const;
};

// Returns a line of an input file (1-based), for the text report's source excerpt; nothing when
// it cannot (standard input that was not kept, a Secret, a vanished file).
using SourceLineFn = std::function<std::optional<std::string>(uint32_t file, uint32_t line)>;

struct TextOptions {
  bool color = false;
  SourceLineFn source_line;
};
void write_text(const Report& report, const TextOptions& options, std::ostream& out);

// Text from the input (names, quoted tokens, file names) as it may go to a terminal: each control
// character becomes U+FFFD (a tab, a space), one column for one, so no escape sequence of a
// hostile manifest reaches a terminal or CI log.
std::string terminal_safe(std::string_view text);

// `docs/report.schema.json` describes this; `schemaVersion` changes only when a field changes
// meaning (never: fields are only ever added).
inline constexpr int kReportSchemaVersion = 1;
void write_json(const Report& report, std::ostream& out);

struct SarifOptions {
  std::string root;                    // artifact URIs are relative to this directory
  std::string docs_base_url;           // helpUri = <docs_base_url>/<rule name>.md
  std::string information_uri;         // the project's home page
  size_t max_results = 25'000;         // GitHub code scanning's per-run limit
  size_t max_gzip_bytes = 10'000'000;  // and its limit on an upload's gzipped size
};
void write_sarif(const Report& report, const SarifOptions& options, std::ostream& out);

// A stable identity for a finding across runs: rule + kind/namespace/name + discriminator, never
// a line number (dump lines move on every run).
std::string fingerprint(const Finding& finding);

// JSON forms shared by the JSON and SARIF reports.
nlohmann::json object_json(const std::optional<ObjectRef>& object);
nlohmann::json fix_json(const Fix& fix);

}  // namespace upcheck
