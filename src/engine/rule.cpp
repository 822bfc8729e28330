#include "engine/rule.hpp"

#include <fmt/format.h>

#include <charconv>

namespace upcheck {

std::string_view severity_name(Severity severity) {
  switch (severity) {
    case Severity::Error:
      return "error";
    case Severity::Warning:
      return "warning";
    case Severity::Info:
      return "info";
  }
  return "warning";
}

std::string_view method_name(UpgradeMethod method) {
  return method == UpgradeMethod::Canary ? "canary" : "in-place";
}

std::string CheckContext::option(std::string_view name) const {
  if (auto rule = plan_.rule_options.find(rule_.name); rule != plan_.rule_options.end())
    if (auto value = rule->second.find(std::string(name)); value != rule->second.end()) return value->second;
  for (const RuleOption& o : rule_.options)
    if (o.name == name) return std::string(o.default_value);
  return {};
}

int CheckContext::option_int(std::string_view name) const {
  std::string text = option(name);
  int value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

Finding& FindingSink::report(const Resource& object, std::string_view field_path, std::string message) {
  return report_at(object, field_path.empty() ? object.position() : object.locate(field_path), std::move(message));
}

Finding& FindingSink::report_at(const Resource& object, Mark mark, std::string message) {
  Finding f;
  f.rule = &rule_;
  f.severity = rule_.severity;
  f.message = std::move(message);
  f.object = object.ref();
  f.location = Location{object.file(), mark.known() ? mark : object.position()};
  f.subject = &object;
  findings_.push_back(std::move(f));
  return findings_.back();
}

Finding& FindingSink::report_plan(std::string message, const Resource* revealed_by, std::string_view field_path) {
  Finding f;
  f.rule = &rule_;
  f.severity = rule_.severity;
  f.message = std::move(message);
  if (revealed_by != nullptr) {
    Mark mark = field_path.empty() ? revealed_by->position() : revealed_by->locate(field_path);
    f.location = Location{revealed_by->file(), mark};
  }
  findings_.push_back(std::move(f));
  return findings_.back();
}

void FindingSink::missing_kind(std::string_view kind, std::string_view how_to_get) {
  notices_.push_back({Diagnostic::kNoFile, {}, "input-lacks-kind",
                      fmt::format("the input has no {} objects, which {} needs: if the cluster has some, dump "
                                  "them too (`{}`)",
                                  kind, rule_.name, how_to_get)});
}

void FindingSink::notice(const Resource* object, std::string code, std::string message) {
  Diagnostic d{Diagnostic::kNoFile, {}, std::move(code), std::move(message)};
  if (object != nullptr) {
    d.file = object->file();
    d.mark = object->position();
  }
  notices_.push_back(std::move(d));
}

}  // namespace upcheck
