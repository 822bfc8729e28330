#include "load_summary.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "model/diagnostic_codes.hpp"

namespace upcheck::fuzz {
namespace {

void flatten(NodeRef node, std::string& out) {
  // Quoted or block, a scalar is a string: the List-item prefilter rewrites a last-applied block
  // as a quoted string.
  out += fmt::format("{}:{} {} {} {}\n", node.mark().line, node.mark().column, static_cast<int>(node.type()),
                     node.style() == ScalarStyle::Plain ? "plain" : "string", node.text());
  if (node.is_map())
    for (NodeEntry e : node.entries()) {
      flatten(e.key, out);
      flatten(e.value, out);
    }
  for (NodeRef element : node.elements()) flatten(element, out);
}

[[noreturn]] void fail(const std::string& why) {
  std::fprintf(stderr, "upcheck fuzz invariant broken: %s\n", why.c_str());
  std::abort();
}

}  // namespace

std::string error_codes(const load::LoadResult& result) {
  std::string out;
  for (const Diagnostic& d : result.errors) out += fmt::format("error {}\n", d.code->name);
  return out;
}

std::string summarize(const load::LoadResult& result, bool with_errors) {
  std::string out;
  for (const Resource& r : result.resources) {
    out += fmt::format("--- {} at {}:{} from '{}' last-applied '{}' injected by '{}'\n", r.display_name(),
                       r.position().line, r.position().column, r.provenance(), r.last_applied_api_version(),
                       r.injected_revision());
    flatten(r.root(), out);
  }
  if (with_errors)
    for (const Diagnostic& d : result.errors)
      out += fmt::format("error {} {}:{} {}\n", d.code->name, d.mark.line, d.mark.column, d.message);
  for (const Diagnostic& d : result.notices)
    out += fmt::format("notice {} {}:{} {}\n", d.code->name, d.mark.line, d.mark.column, d.message);
  for (const std::string& kind : result.collected_kinds) out += "collected " + kind + "\n";
  return out;
}

load::LoadResult load_in_chunks(std::string_view name, std::string_view bytes, size_t chunk_bytes) {
  load::LoadOptions options;
  options.jobs = 1;
  options.chunk_bytes = chunk_bytes;
  return load::load_buffer(std::string(name), bytes, options);
}

void check_invariants(const load::LoadResult& result, std::string_view input) {
  const auto lines = static_cast<uint32_t>(std::count(input.begin(), input.end(), '\n') + 1);
  auto check_mark = [&](Mark m, const std::string& what) {
    // Gzip input expands: its lines are not the input's.
    const bool gzip = input.size() >= 2 && input[0] == '\x1f' && input[1] == '\x8b';
    // libyaml's end-of-input line, after a last line without a newline, is mapped back onto it.
    if (!gzip && m.line > lines) fail(fmt::format("{} at line {}, past the input's {} lines", what, m.line, lines));
    if (m.line != 0 && m.column == 0) fail(fmt::format("{} at line {}, column 0", what, m.line));
  };
  for (const Resource& r : result.resources) {
    if (r.kind().empty() || r.api_version().empty()) fail("an object without kind or apiVersion");
    if (r.file() >= result.files.size()) fail("an object of no input");
    check_mark(r.position(), "object " + r.display_name());
  }
  for (const auto* list : {&result.errors, &result.notices})
    for (const Diagnostic& d : *list) {
      // The type makes every code one of the catalog's; which list it is in is still the loader's doing.
      if (d.code == nullptr) fail("a diagnostic without a code");
      const std::string code(d.code->name);
      if (d.code->is_error != (list == &result.errors)) fail("diagnostic " + code + " in the wrong list");
      if (d.file >= result.files.size()) fail("diagnostic " + code + " of no input");
      if (d.message.empty()) fail("diagnostic " + code + " without a message");
      check_mark(d.mark, "diagnostic " + code);
    }
}

void require_same(const std::string& what, const std::string& a, const std::string& b) {
  if (a == b) return;
  size_t at = 0;
  while (at < a.size() && at < b.size() && a[at] == b[at]) ++at;
  const size_t from = a.rfind('\n', at) == std::string::npos ? 0 : a.rfind('\n', at) + 1;
  fail(fmt::format("{} differ from byte {}:\n--- one:\n{}\n--- other:\n{}", what, at, a.substr(from, 600),
                   b.substr(from, 600)));
}

}  // namespace upcheck::fuzz
