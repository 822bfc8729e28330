// SARIF 2.1.0 for code-scanning dashboards. Besides the schema, it follows GitHub code scanning's
// ingestion rules: every result has a location (GitHub rejects an upload with one that lacks it),
// rules carry help and a default level, fingerprints do not depend on line numbers, and a run
// holds at most 25,000 results.
#include <fmt/format.h>
#include <zlib.h>

#include <cctype>
#include <filesystem>
#include <map>

#include "report/report.hpp"
#include "report/rule_docs.hpp"

namespace upcheck {
namespace {

std::string_view sarif_level(Severity s) {
  switch (s) {
    case Severity::Error:
      return "error";
    case Severity::Warning:
      return "warning";
    case Severity::Info:
      return "note";
  }
  return "warning";
}

// RFC 3986: keep unreserved characters and '/', percent-encode the rest.
std::string uri_encode(std::string_view path) {
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/')
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

// A file under the root is a relative reference to it; a file outside is an absolute `file://`
// URI (RFC 8089: `file:///abs/path`, percent-encoded), as SARIF wants absolute locations to be
// URIs, not bare paths.
std::string artifact_uri(const std::string& path, const std::string& root) {
  namespace fs = std::filesystem;
  if (path.empty() || path.front() == '<') return uri_encode(path);  // <stdin>
  std::error_code ec;
  fs::path base = root.empty() ? fs::current_path(ec) : fs::absolute(root, ec);
  fs::path absolute = fs::absolute(path, ec).lexically_normal();
  fs::path relative = absolute.lexically_relative(base.lexically_normal());
  std::string rel = relative.generic_string();
  if (!ec && !rel.empty() && rel.substr(0, 2) != "..") return uri_encode(rel);
  if (ec || !absolute.is_absolute()) return uri_encode(fs::path(path).lexically_normal().generic_string());
  return "file://" + uri_encode(absolute.generic_string());
}

nlohmann::json physical_location(const std::string& uri, Mark mark) {
  nlohmann::json region = {{"startLine", std::max<uint32_t>(mark.line, 1)}};
  if (mark.column > 0) region["startColumn"] = mark.column;
  return {{"physicalLocation", {{"artifactLocation", {{"uri", uri}}}, {"region", region}}}};
}

nlohmann::json rule_json(const RuleInfo& rule, const SarifOptions& options) {
  return {
      {"id", rule.code},
      {"name", rule.name},
      {"shortDescription", {{"text", rule.title}}},
      {"fullDescription", {{"text", rule.rationale}}},
      {"help", {{"text", rule.remediation}, {"markdown", render_rule_markdown(rule)}}},
      {"helpUri", fmt::format("{}/{}.md", options.docs_base_url, rule.name)},
      {"defaultConfiguration", {{"level", sarif_level(rule.severity)}}},
      {"properties",
       {{"tags", {"istio", "upgrade", std::string(rule.category())}}, {"severities", severity_names(rule)}}},
  };
}

size_t gzipped_size(const std::string& text) {
  z_stream z{};
  // 15 + 16: a gzip wrapper, as `gzip` and GitHub's upload would write it.
  deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  unsigned char buffer[1 << 16];
  size_t total = 0;
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    z.next_out = buffer;
    z.avail_out = sizeof buffer;
    rc = deflate(&z, Z_FINISH);
    total += sizeof buffer - z.avail_out;
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) break;
  }
  deflateEnd(&z);
  return total;
}

}  // namespace

void write_sarif(const Report& report, const SarifOptions& options, std::ostream& out) {
  nlohmann::json rules = nlohmann::json::array();
  std::map<const RuleInfo*, size_t> rule_index;
  for (const RuleInfo* r : report.rules) {
    rule_index[r] = rules.size();
    rules.push_back(rule_json(*r, options));
  }
  auto uri_of = [&](uint32_t file) { return artifact_uri(report.file_path(file), options.root); };

  // A finding that belongs to no object and no place still needs a location: the first input.
  std::string fallback_uri = report.snapshot != nullptr && !report.snapshot->files().empty() ? uri_of(0) : "upcheck";

  nlohmann::json results = nlohmann::json::array();
  for (const Finding& f : report.findings) {
    if (results.size() >= options.max_results) break;
    nlohmann::json r;
    r["ruleId"] = f.rule->code;
    if (auto it = rule_index.find(f.rule); it != rule_index.end()) r["ruleIndex"] = it->second;
    r["level"] = sarif_level(f.severity);
    r["message"] = {{"text", f.message}};
    r["locations"] = nlohmann::json::array({f.location ? physical_location(uri_of(f.location->file), f.location->mark)
                                                       : physical_location(fallback_uri, {1, 1})});
    if (f.object) {
      std::string name = f.object->kind + " " + (f.object->ns.empty() ? "" : f.object->ns + "/") + f.object->name;
      r["locations"][0]["logicalLocations"] = {{{"name", name}, {"kind", "object"}}};
    }
    r["partialFingerprints"] = {{"upcheckFinding/v1", fingerprint(f)}};
    if (f.fix) r["properties"]["fix"] = fix_json(*f.fix);
    if (f.subject != nullptr && !f.subject->provenance().empty())
      r["properties"]["renderedFrom"] = f.subject->provenance();
    results.push_back(std::move(r));
  }

  nlohmann::json notifications = nlohmann::json::array();
  auto notify = [&](const Diagnostic& d, std::string_view level) {
    nlohmann::json n = {
        {"level", level}, {"message", {{"text", d.message}}}, {"descriptor", {{"id", std::string(d.code->name)}}}};
    if (d.file != Diagnostic::kNoFile)
      n["locations"] = nlohmann::json::array({physical_location(uri_of(d.file), d.mark)});
    notifications.push_back(std::move(n));
  };
  for (const Diagnostic& d : report.errors) notify(d, "error");
  for (const Diagnostic& d : report.notices) notify(d, "note");

  // The whole document with the first `count` results; fixes ride along only while they fit.
  auto render = [&](size_t count, bool with_fixes, const std::string& capped) {
    nlohmann::json run;
    run["tool"] = {{"driver",
                    {{"name", "upcheck"},
                     {"semanticVersion", report.tool_version},
                     {"version", report.tool_version},
                     {"informationUri", options.information_uri},
                     {"rules", rules}}}};
    run["automationDetails"] = {{"id", "upcheck/"}};
    run["columnKind"] = "unicodeCodePoints";
    nlohmann::json kept = nlohmann::json::array();
    for (size_t i = 0; i < count; ++i) {
      kept.push_back(results[i]);
      if (!with_fixes && kept.back().contains("properties")) kept.back()["properties"].erase("fix");
    }
    run["results"] = std::move(kept);
    nlohmann::json all_notifications = notifications;
    if (!capped.empty())
      all_notifications.push_back({{"level", "warning"},
                                   {"message", {{"text", capped}}},
                                   {"descriptor", {{"id", std::string(kResultsCapped.name)}}}});
    run["invocations"] = nlohmann::json::array(
        {{{"executionSuccessful", report.errors.empty()}, {"toolExecutionNotifications", all_notifications}}});
    nlohmann::json sarif;
    sarif["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
    sarif["version"] = "2.1.0";
    sarif["runs"] = nlohmann::json::array({std::move(run)});
    // File names are bytes, not always UTF-8: such bytes become U+FFFD rather than an exception.
    return sarif.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  };

  // GitHub code scanning rejects a run of more than 25,000 results or a file over 10 MB
  // gzipped: drop the fixes first (they are extras), then results from the end, and say so.
  size_t count = results.size();
  bool with_fixes = true;
  std::string capped;
  if (report.findings.size() > count)
    capped = fmt::format("{} findings; SARIF holds the first {} (GitHub code scanning's limit per run)",
                         report.findings.size(), count);
  std::string text = render(count, with_fixes, capped);
  for (int attempt = 0; attempt < 8 && gzipped_size(text) > options.max_gzip_bytes; ++attempt) {
    if (with_fixes) {
      with_fixes = false;
    } else {
      double ratio = static_cast<double>(options.max_gzip_bytes) / static_cast<double>(gzipped_size(text));
      count = static_cast<size_t>(static_cast<double>(count) * ratio * 0.9);
      capped = fmt::format(
          "{} findings; SARIF holds the first {}, to stay under GitHub code scanning's limit of {} "
          "bytes gzipped; the JSON report has them all",
          report.findings.size(), count, options.max_gzip_bytes);
    }
    text = render(count, with_fixes, capped);
  }
  out << text;
}

}  // namespace upcheck
