// The JSON runbook (docs/plan.md): the same steps, commands and findings as the Markdown, as data.
// Fields are only ever added, never renamed or given a new meaning.
#include <nlohmann/json.hpp>

#include "engine/rule.hpp"
#include "plan/render.hpp"
#include "report/report.hpp"

namespace upcheck::plan {
namespace {

using nlohmann::json;

json nullable(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

json finding_json(const Finding& f, const Snapshot& snapshot) {
  json j;
  j["rule"] = f.rule->name;
  j["code"] = f.rule->code;
  j["severity"] = severity_name(f.severity);
  j["message"] = f.message;
  j["object"] = object_json(f.object);
  j["location"] = f.location ? json{{"file", snapshot.file_path(f.location->file)},
                                    {"line", f.location->mark.line},
                                    {"column", f.location->mark.column}}
                             : json(nullptr);
  if (f.fix) {
    // The fix in short: what it does and the commands it runs; `upcheck migrate` writes the rest.
    json full = fix_json(*f.fix);
    j["fix"] = {{"title", full["title"]}, {"applicability", full["applicability"]}, {"commands", full["commands"]}};
  } else {
    j["fix"] = nullptr;
  }
  j["fingerprint"] = fingerprint(f);
  return j;
}

json step_json(int number, const Step& step, const Snapshot& snapshot) {
  json j;
  j["number"] = number;
  j["id"] = step.id;
  j["role"] = role_name(step.role);
  j["title"] = step.title;
  j["details"] = step.details;
  j["commands"] = step.commands;
  j["namespaces"] = step.namespaces;
  j["workloads"] = json::array();
  for (const WorkloadRef& w : step.workloads)
    j["workloads"].push_back({{"kind", w.kind}, {"namespace", w.ns}, {"name", w.name}});
  j["guide"] = step.guide
                   ? json{{"title", step.guide->title}, {"release", step.guide->release}, {"url", step.guide->url}}
                   : json(nullptr);
  j["blockingFindings"] = json::array();
  for (const Finding* f : step.blockers) j["blockingFindings"].push_back(finding_json(*f, snapshot));
  return j;
}

}  // namespace

void write_json(const Runbook& r, const Snapshot& snapshot, std::string_view tool_version, std::ostream& out) {
  json j;
  j["schemaVersion"] = kRunbookSchemaVersion;
  j["tool"] = {{"name", "upcheck"}, {"version", tool_version}};
  j["inputs"] = r.inputs;
  j["upgrade"] = {{"from", r.from ? json(r.from->str()) : json(nullptr)},
                  {"to", r.to.str()},
                  {"method", method_name(r.method)},
                  {"installer", installer_name(r.installer)},
                  {"controlPlaneNamespace", r.control_plane_namespace},
                  {"oldRevision", r.old_revision},
                  {"newRevision", nullable(r.new_revision)}};
  j["notes"] = r.notes;
  j["steps"] = json::array();
  for (size_t i = 0; i < r.steps.size(); ++i)
    j["steps"].push_back(step_json(static_cast<int>(i + 1), r.steps[i], snapshot));
  j["rollback"] = json::array();
  for (size_t i = 0; i < r.rollback.size(); ++i)
    j["rollback"].push_back(step_json(static_cast<int>(i + 1), r.rollback[i], snapshot));
  j["otherFindings"] = json::array();
  for (const Finding* f : r.other_findings) j["otherFindings"].push_back(finding_json(*f, snapshot));
  j["summary"] = {{"steps", r.steps.size()},
                  {"blockingFindings", r.blocking_findings()},
                  {"otherFindings", r.other_findings.size()},
                  {"exitCode", r.exit_status()}};
  out << j.dump(2) << '\n';
}

}  // namespace upcheck::plan
