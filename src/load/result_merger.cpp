#include "load/result_merger.hpp"

#include <fmt/format.h>

#include <optional>

namespace upcheck::load {

void ResultMerger::add(uint32_t file, ParseOutput out) {
  if (exhausted_) return;  // read after the object limit: the rest is not read
  start_file(file);
  std::optional<Mark> cut;  // where the object limit stopped the reading
  for (Resource& r : out.resources) {
    if (result_.resources.size() == max_objects_) {
      result_.errors.push_back(
          {r.file(), r.position(), &kLimitObjects,
           fmt::format("more than {} objects: this one and the rest are not read (raise the limit with "
                       "--max-objects)",
                       max_objects_)});
      exhausted_ = true;
      cut = r.position();
      break;
    }
    result_.resources.push_back(std::move(r));
  }
  // What a chunk says after the cut is not reported either, however the input was cut in chunks.
  auto before_cut = [&](const Diagnostic& d) { return !cut || d.mark < *cut; };
  for (Diagnostic& d : out.errors)
    if (before_cut(d)) tally_.add(result_.errors, std::move(d));
  for (Diagnostic& d : out.notices)
    if (before_cut(d)) tally_.add(result_.notices, std::move(d));
  // What the chunk only counted cannot be placed before or after the cut: counted only without one.
  if (!cut)
    out.tally.for_each_unlisted([this](const DiagnosticCode* code, size_t n) { tally_.count_unlisted(code, n); });
  for (std::string& k : out.collected_kinds) result_.collected_kinds.insert(std::move(k));
}

void ResultMerger::start_file(uint32_t file) {
  if (has_file_ && file == file_) return;
  end_file();
  file_ = file;
  has_file_ = true;
}

void ResultMerger::end_file() {
  if (!has_file_) return;
  tally_.for_each_unlisted([this](const DiagnosticCode* code, size_t n) {
    result_.notices.push_back(
        {file_,
         {},
         &kDiagnosticsCapped,
         fmt::format("{} more {} '{}' in this input are not listed: upcheck lists the first {} of each code per "
                     "input",
                     n, code->is_error ? "errors" : "notices", code->name, kListedDiagnosticsPerCode)});
  });
  tally_.clear();
  has_file_ = false;
}

}  // namespace upcheck::load
