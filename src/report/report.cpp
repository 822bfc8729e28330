#include "report/report.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace upcheck {
namespace {

std::string_view applicability_name(Applicability a) {
  switch (a) {
    case Applicability::Safe:
      return "safe";
    case Applicability::Unsafe:
      return "unsafe";
    case Applicability::DisplayOnly:
      return "display-only";
  }
  return "safe";
}

nlohmann::json ref_json(const ObjectRef& o) {
  return {{"apiVersion", o.api_version},
          {"kind", o.kind},
          {"namespace", o.ns.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.ns)},
          {"name", o.name}};
}

}  // namespace

const std::string& Report::file_path(uint32_t file) const { return snapshot->file_path(file); }

bool Report::at_or_above_fail_on(const Finding& f) const {
  // Severity orders Error < Warning < Info: "at or above" means numerically at most.
  return static_cast<int>(f.severity) <= static_cast<int>(fail_on);
}

ExitStatus Report::exit_status() const {
  if (!errors.empty()) return ExitStatus::Error;
  bool failing =
      std::any_of(findings.begin(), findings.end(), [&](const Finding& f) { return at_or_above_fail_on(f); });
  return failing ? ExitStatus::Findings : ExitStatus::Clean;
}

std::string fingerprint(const Finding& f) {
  // FNV-1a, 64 bits: stable across platforms and releases (never std::hash).
  uint64_t h = 0xcbf29ce484222325ULL;
  auto add = [&](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 0x100000001b3ULL;
    }
    h ^= 0xff;  // separator, so ("ab","c") differs from ("a","bc")
    h *= 0x100000001b3ULL;
  };
  add(f.rule->code);
  if (f.object) {
    add(f.object->kind);
    add(f.object->ns);
    add(f.object->name);
  }
  add(f.discriminator);
  return fmt::format("{:016x}", h);
}

nlohmann::json object_json(const std::optional<ObjectRef>& object) {
  if (!object) return nullptr;
  return ref_json(*object);
}

nlohmann::json fix_json(const Fix& fix) {
  nlohmann::json j;
  j["title"] = fix.title;
  j["applicability"] = applicability_name(fix.applicability);
  j["stage"] = fix.stage.empty() ? nlohmann::json(nullptr) : nlohmann::json(fix.stage);
  j["apply"] = fix.apply;
  j["patches"] = nlohmann::json::array();
  for (const FixPatch& p : fix.patches)
    j["patches"].push_back({{"target", ref_json(p.target)}, {"mergePatch", p.merge_patch}});
  j["remove"] = nlohmann::json::array();
  for (const ObjectRef& r : fix.remove) j["remove"].push_back(ref_json(r));
  j["commands"] = fix.commands;
  j["manualNote"] = fix.manual_note.empty() ? nlohmann::json(nullptr) : nlohmann::json(fix.manual_note);
  return j;
}

}  // namespace upcheck
