#include "engine/rule.hpp"

#include <fmt/format.h>

#include <charconv>
#include <stdexcept>

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

std::vector<Severity> SeveritySet::list() const {
  std::vector<Severity> out;
  for (Severity s : {Severity::Error, Severity::Warning, Severity::Info})
    if (contains(s)) out.push_back(s);
  return out;
}

std::string_view method_name(UpgradeMethod method) { return method == UpgradeMethod::Canary ? "canary" : "in-place"; }

std::string CheckContext::option(std::string_view name) const {
  if (auto rule = plan_.rule_options.find(rule_.name); rule != plan_.rule_options.end())
    if (auto value = rule->second.find(std::string(name)); value != rule->second.end()) return value->second;
  for (const RuleOption& o : rule_.options)
    if (o.name == name) return std::string(o.default_value);
  return {};
}

namespace {

std::optional<int> parse_int(std::string_view text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

bool RuleOption::accepts(std::string_view value) const {
  return type == RuleOptionType::Text || parse_int(value).has_value();
}

std::string_view RuleOption::wants() const { return type == RuleOptionType::Integer ? "an integer" : "text"; }

int CheckContext::option_int(std::string_view name) const {
  std::string text = option(name);
  // The CLI refuses a config whose value the option does not accept, so this is a rule asking for
  // an option it does not declare as an integer.
  std::optional<int> value = parse_int(text);
  if (!value)
    throw std::logic_error(
        fmt::format("{} read option {} as an integer, but its value is '{}'", rule_.name, name, text));
  return *value;
}

void FindingSink::report(const Resource& object, std::string_view field_path, std::string message,
                         ReportOptions options) {
  report_at(object, field_path.empty() ? object.position() : object.locate(field_path), std::move(message),
            std::move(options));
}

void FindingSink::report_at(const Resource& object, Mark mark, std::string message, ReportOptions options) {
  Finding f;
  f.message = std::move(message);
  f.object = object.ref();
  f.location = Location{object.file(), mark.known() ? mark : object.position()};
  f.subject = &object;
  add(std::move(f), std::move(options));
}

void FindingSink::report_plan(std::string message, PlanEvidence evidence, ReportOptions options) {
  Finding f;
  f.message = std::move(message);
  if (evidence.revealed_by != nullptr) {
    const Resource& r = *evidence.revealed_by;
    f.location = Location{r.file(), evidence.field_path.empty() ? r.position() : r.locate(evidence.field_path)};
    if (evidence.ignorable) f.subject = &r;
  }
  add(std::move(f), std::move(options));
}

void FindingSink::add(Finding finding, ReportOptions options) {
  Severity severity = options.severity.value_or(rule_.severity);
  if (!rule_.severities().contains(severity))
    throw std::logic_error(
        fmt::format("{} reported a finding of severity {}, which its RuleInfo does not declare "
                    "(other_severities)",
                    rule_.name, severity_name(severity)));
  finding.rule = &rule_;
  finding.severity = severity;
  finding.discriminator = std::move(options.discriminator);
  finding.fix = std::move(options.fix);
  findings_.push_back(std::move(finding));
}

void FindingSink::missing_kind(std::string_view kind, std::string_view how_to_get) {
  notice(nullptr, &kInputLacksKind,
         fmt::format("the input has no {} objects, which {} needs: if the cluster has some, dump them too (`{}`)", kind,
                     rule_.name, how_to_get),
         std::string(kind));
}

void FindingSink::notice(const Resource* object, const DiagnosticCode* code, std::string message, std::string subject) {
  // An error code would make the exit status 2 from the notices list, where nothing looks for it.
  if (code->is_error)
    throw std::logic_error(fmt::format("{} gave {} as a notice: it is an error code", rule_.name, code->name));
  Diagnostic d{Diagnostic::kNoFile, {}, code, std::move(message), std::move(subject)};
  if (object != nullptr) {
    d.file = object->file();
    d.mark = object->position();
  }
  notices_.push_back(std::move(d));
}

}  // namespace upcheck
