#include "fix/migration_text.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "engine/rule.hpp"

namespace upcheck::fix {

std::string describe(const ObjectRef& o) {
  return o.ns.empty() ? fmt::format("{} {}", o.kind, o.name) : fmt::format("{} {}/{}", o.kind, o.ns, o.name);
}

std::string describe(const Finding& f) {
  return fmt::format("{} ({}) on {}", f.rule->name, f.rule->code, f.object ? describe(*f.object) : "the upgrade plan");
}

std::vector<std::string> resolution_lines(const std::vector<Resolution>& resolves) {
  std::vector<std::string> lines;
  auto add = [&](std::string line) {
    if (std::find(lines.begin(), lines.end(), line) == lines.end()) lines.push_back(std::move(line));
  };
  for (const Resolution& r : resolves) {
    add(fmt::format("resolves {}: {}", describe(*r.finding), r.finding->fix->title));
    if (!r.unsafe_note.empty()) add("unsafe, applied because of --unsafe-fixes: " + r.unsafe_note);
  }
  return lines;
}

std::string stage_label(const Stage& stage) { return stage.release.empty() ? "now" : "before-" + stage.release; }

std::string stage_time(const Stage& stage) {
  return stage.release.empty() ? "now, before the upgrade" : "before upgrading to " + stage.release;
}

std::string join_documents(const std::vector<std::string>& documents) {
  std::string out;
  for (size_t i = 0; i < documents.size(); ++i) out += (i == 0 ? "" : "---\n") + documents[i];
  return out;
}

}  // namespace upcheck::fix
