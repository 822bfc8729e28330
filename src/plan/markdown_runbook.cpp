// The Markdown runbook: a header that says what is upgraded how, the steps in order (each with the
// findings that block it first, then what to do, the commands, and the guide they come from), the
// rollback, and the findings that block nothing.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "engine/rule.hpp"
#include "plan/render.hpp"

namespace upcheck::plan {
namespace {

// Messages and titles are prose from rules and steps; a `<` would open an HTML tag in most
// renderers and swallow the text after it.
std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '<') out += '\\';
    out += c;
  }
  return out;
}

std::string where(const Finding& f, const Snapshot& snapshot) {
  std::string place = f.location ? fmt::format("`{}:{}:{}`", snapshot.file_path(f.location->file),
                                               f.location->mark.line, f.location->mark.column)
                                 : std::string("no place in the input");
  if (f.object) {
    const ObjectRef& o = *f.object;
    place += o.ns.empty() ? fmt::format(" ({} {})", o.kind, o.name) : fmt::format(" ({} {}/{})", o.kind, o.ns, o.name);
  }
  return place;
}

void write_finding(const Finding& f, const Snapshot& snapshot, std::ostream& out) {
  out << fmt::format("- **{}** {} `{}` at {}: {}\n", severity_name(f.severity), f.rule->code, f.rule->name,
                     where(f, snapshot), escape(f.message));
  if (f.fix) {
    out << fmt::format("  - Fix: {}", escape(f.fix->title));
    if (!f.fix->commands.empty()) {
      std::vector<std::string> quoted;
      for (const std::string& c : f.fix->commands) quoted.push_back(fmt::format("`{}`", c));
      out << fmt::format(" ({})", fmt::join(quoted, "; "));
    }
    out << '\n';
  }
}

void write_step(const std::string& number, const Step& step, const Snapshot& snapshot, std::ostream& out) {
  out << fmt::format("### {}. {}\n\n", number, escape(step.title));
  if (!step.blockers.empty()) {
    out << "**Blocked until resolved:**\n\n";
    for (const Finding* f : step.blockers) write_finding(*f, snapshot, out);
    out << '\n';
  }
  for (const std::string& d : step.details) out << escape(d) << "\n\n";
  if (!step.commands.empty()) {
    out << "```sh\n";
    for (const std::string& c : step.commands) out << c << '\n';
    out << "```\n\n";
  }
  if (step.guide)
    out << fmt::format("Guide: [{}, Istio {}]({})\n\n", step.guide->title, step.guide->release, step.guide->url);
}

std::string method_text(const Runbook& r) {
  if (r.method == UpgradeMethod::Canary)
    return fmt::format("canary: revision `{}` runs beside `{}`; workloads move namespace by namespace", r.new_revision,
                       r.old_revision);
  return "in place: the control plane is upgraded where it runs, then every workload is restarted";
}

}  // namespace

std::string headline(const Runbook& r) {
  return fmt::format("Istio {} → {} ({}, {})", r.from ? r.from->str() : std::string("?"), r.to.str(),
                     method_name(r.method), installer_name(r.installer));
}

void write_markdown(const Runbook& r, const Snapshot& snapshot, std::string_view tool_version, std::ostream& out) {
  std::vector<std::string> inputs;
  for (const std::string& i : r.inputs) inputs.push_back(fmt::format("`{}`", i));
  out << fmt::format("# Upgrade runbook: {}\n\n", headline(r));
  out << fmt::format(
      "Planned by upcheck {} from {}. The commands are those of Istio's upgrade guides for the target "
      "release, with this cluster's names; each step links its guide. Run the steps in order.\n\n",
      tool_version, fmt::join(inputs, ", "));
  out << "| | |\n| --- | --- |\n";
  out << fmt::format("| Installed | Istio {}, revision `{}` in namespace `{}`, installed with {} |\n",
                     r.from ? r.from->str() : std::string("(release not shown)"), r.old_revision,
                     r.control_plane_namespace, installer_name(r.installer));
  out << fmt::format(
      "| Target | Istio {}{} |\n", r.to.str(),
      r.method == UpgradeMethod::Canary ? fmt::format(", revision `{}`", r.new_revision) : std::string());
  out << fmt::format("| Method | {} |\n", method_text(r));
  const size_t blocking = r.blocking_findings();
  out << fmt::format(
      "| Blocking findings | {} |\n",
      blocking == 0 ? std::string("none")
                    : fmt::format("{}, shown at the steps they block: resolve them first (exit status 1)", blocking));
  out << fmt::format("| Other findings | {} |\n\n", r.other_findings.empty()
                                                        ? std::string("none")
                                                        : fmt::format("{}, at the end", r.other_findings.size()));
  for (const std::string& note : r.notes) out << "> " << escape(note) << "\n\n";

  out << "## Steps\n\n";
  for (size_t i = 0; i < r.steps.size(); ++i) write_step(std::to_string(i + 1), r.steps[i], snapshot, out);

  if (!r.rollback.empty()) {
    out << "## Rollback\n\n";
    out << (r.method == UpgradeMethod::Canary
                ? "To go back instead of finishing, before the old control plane is uninstalled:\n\n"
                : "To go back after the upgrade:\n\n");
    for (size_t i = 0; i < r.rollback.size(); ++i) write_step(fmt::format("R{}", i + 1), r.rollback[i], snapshot, out);
  }

  out << "## Other findings\n\n";
  if (r.other_findings.empty()) {
    out << "None.\n";
  } else {
    out << "These block no step; fix them when convenient.\n\n";
    for (const Finding* f : r.other_findings) write_finding(*f, snapshot, out);
  }
}

}  // namespace upcheck::plan
