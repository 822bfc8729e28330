// The JSON report: documented in docs/report.md, described by docs/report.schema.json. Fields are
// only ever added, never renamed or given a new meaning: users' CI scripts read them.
#include <algorithm>

#include "report/report.hpp"

namespace upcheck {
namespace {

nlohmann::json nullable(std::string_view s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); }

nlohmann::json location_json(const Report& report, const std::optional<Location>& location) {
  if (!location) return nullptr;
  return {{"file", report.file_path(location->file)}, {"line", location->mark.line}, {"column", location->mark.column}};
}

nlohmann::json diagnostic_json(const Report& report, const Diagnostic& d) {
  nlohmann::json j;
  bool has_file = d.file != Diagnostic::kNoFile;
  j["file"] = has_file ? nlohmann::json(report.file_path(d.file)) : nlohmann::json(nullptr);
  j["line"] = d.mark.known() ? nlohmann::json(d.mark.line) : nlohmann::json(nullptr);
  j["column"] = d.mark.known() ? nlohmann::json(d.mark.column) : nlohmann::json(nullptr);
  j["code"] = std::string(d.code->name);
  j["message"] = d.message;
  return j;
}

nlohmann::json target_json(const Report& report) {
  const UpgradePlan& plan = report.plan;
  nlohmann::json t;
  t["to"] = plan.to ? nlohmann::json(plan.to->str()) : nlohmann::json(nullptr);
  t["from"] = plan.from ? nlohmann::json(plan.from->str()) : nlohmann::json(nullptr);
  t["method"] = method_name(plan.method);
  t["toKubernetes"] = plan.to_kubernetes ? nlohmann::json(plan.to_kubernetes->str()) : nlohmann::json(nullptr);
  t["revision"] = nullable(plan.revision);
  t["removeRevision"] = nullable(plan.remove_revision);
  t["installer"] = report.istio != nullptr ? installer_name(report.istio->installer) : "unknown";
  t["controlPlanes"] = nlohmann::json::array();
  if (report.istio != nullptr) {
    for (const ControlPlane& plane : report.istio->control_planes) {
      nlohmann::json p;
      p["namespace"] = plane.ns;
      p["revision"] = plane.revision;
      auto version = plane.version();
      p["version"] = version ? nlohmann::json(version->version.str()) : nlohmann::json(nullptr);
      p["evidence"] = nlohmann::json::array();
      for (const VersionEvidence& e : plane.evidence) {
        p["evidence"].push_back(
            {{"version", e.version.str()},
             {"how", e.how},
             {"object", object_json(e.source->ref())},
             {"location", location_json(report, Location{e.source->file(), e.source->locate(e.field_path)})}});
      }
      t["controlPlanes"].push_back(std::move(p));
    }
  }
  return t;
}

}  // namespace

void write_json(const Report& report, std::ostream& out) {
  nlohmann::json j;
  j["schemaVersion"] = kReportSchemaVersion;
  j["tool"] = {{"name", "upcheck"}, {"version", report.tool_version}};
  j["target"] = target_json(report);
  j["findings"] = nlohmann::json::array();
  size_t counts[3] = {0, 0, 0};
  for (const Finding& f : report.findings) {
    ++counts[static_cast<int>(f.severity)];
    nlohmann::json jf;
    jf["rule"] = f.rule->name;
    jf["code"] = f.rule->code;
    jf["severity"] = severity_name(f.severity);
    jf["message"] = f.message;
    jf["object"] = object_json(f.object);
    jf["location"] = location_json(report, f.location);
    jf["fix"] = f.fix ? fix_json(*f.fix) : nlohmann::json(nullptr);
    jf["fingerprint"] = fingerprint(f);
    jf["renderedFrom"] = f.subject != nullptr ? nullable(f.subject->provenance()) : nlohmann::json(nullptr);
    j["findings"].push_back(std::move(jf));
  }
  j["errors"] = nlohmann::json::array();
  for (const Diagnostic& d : report.errors) j["errors"].push_back(diagnostic_json(report, d));
  j["notices"] = nlohmann::json::array();
  for (const Diagnostic& d : report.notices) j["notices"].push_back(diagnostic_json(report, d));
  j["summary"] = {
      {"findings", report.findings.size()},
      {"bySeverity", {{"error", counts[0]}, {"warning", counts[1]}, {"info", counts[2]}}},
      {"errors", report.errors.size()},
      {"notices", report.notices.size()},
      {"objects", report.snapshot != nullptr ? report.snapshot->all().size() : 0},
      {"files", report.snapshot != nullptr ? report.snapshot->files().size() : 0},
      {"failOn", severity_name(report.fail_on)},
      {"exitCode", static_cast<int>(report.exit_status())},
  };
  // File names are bytes, not always UTF-8: such bytes become U+FFFD rather than an exception.
  out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

}  // namespace upcheck
