// The text report, for people: one block per finding with the offending line and a caret, in
// the shape compilers use, so editors and terminals link the `file:line:col` prefix.
#include <fmt/format.h>

#include "report/report.hpp"

namespace upcheck {
namespace {

constexpr size_t kMaxExcerptColumns = 200;  // a last-applied or JSON line can be megabytes long

struct Style {
  bool on = false;
  std::string paint(std::string_view text, std::string_view code) const {
    if (!on) return std::string(text);
    return fmt::format("\x1b[{}m{}\x1b[0m", code, text);
  }
};

std::string_view severity_color(Severity s) {
  switch (s) {
    case Severity::Error:
      return "1;31";
    case Severity::Warning:
      return "1;33";
    case Severity::Info:
      return "1;36";
  }
  return "1";
}

std::string where(const Report& report, uint32_t file, Mark mark) {
  if (file == Diagnostic::kNoFile) return "upcheck";
  if (!mark.known()) return terminal_safe(report.file_path(file));
  return fmt::format("{}:{}:{}", terminal_safe(report.file_path(file)), mark.line, mark.column);
}

// The source line with a caret under the column, cut to a readable width around it.
void excerpt(std::ostream& out, const std::string& line_text, Mark mark, const Style& style) {
  // Columns count code points; walk the UTF-8 to find the caret's byte offset.
  std::string shown = terminal_safe(line_text);
  size_t byte = 0;
  for (uint32_t col = 1; col < mark.column && byte < shown.size(); ++col) {
    ++byte;
    while (byte < shown.size() && (static_cast<unsigned char>(shown[byte]) & 0xC0) == 0x80) ++byte;
  }
  const size_t shown_bytes = shown.size();
  size_t caret = mark.column > 0 ? mark.column - 1 : 0;
  if (shown.size() > kMaxExcerptColumns) {
    size_t start = byte > kMaxExcerptColumns / 2 ? byte - kMaxExcerptColumns / 2 : 0;
    while (start > 0 && (static_cast<unsigned char>(shown[start]) & 0xC0) == 0x80) --start;
    size_t end = std::min(shown.size(), start + kMaxExcerptColumns);
    while (end < shown.size() && (static_cast<unsigned char>(shown[end]) & 0xC0) == 0x80) ++end;
    std::string cut = shown.substr(start, end - start);
    size_t cut_caret = 0;
    for (size_t i = start; i < byte && i < end; ++i)
      if ((static_cast<unsigned char>(shown[i]) & 0xC0) != 0x80) ++cut_caret;
    shown = (start > 0 ? "..." : "") + cut + (end < shown_bytes ? "..." : "");
    caret = cut_caret + (start > 0 ? 3 : 0);
  }
  std::string gutter = fmt::format("{:>5}", mark.line);
  out << style.paint(gutter + " | ", "2") << shown << '\n';
  out << style.paint(std::string(gutter.size(), ' ') + " | ", "2") << std::string(caret, ' ')
      << style.paint("^", "1;32") << '\n';
}

}  // namespace

// Text from the input (source lines, names and tokens quoted in messages, file names) may hold
// control characters: an escape sequence would restyle, hide or rewrite what a terminal or CI log
// shows, and a CR would overwrite the line. Each becomes one U+FFFD (a tab, one space), so that
// columns, which count code points, still line the caret up.
std::string terminal_safe(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const bool c1 = byte == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                    static_cast<unsigned char>(text[i + 1]) <= 0x9F;
    if (byte == '\t') {
      out += ' ';
    } else if (byte < 0x20 || byte == 0x7F || c1) {
      out += "\xEF\xBF\xBD";
      if (c1) ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

void write_text(const Report& report, const TextOptions& options, std::ostream& out) {
  Style style{options.color};
  for (const Diagnostic& e : report.errors) {
    out << style.paint(where(report, e.file, e.mark) + ":", "1") << ' ' << style.paint("error", "1;31") << '['
        << e.code->name << "] " << terminal_safe(e.message) << '\n';
  }
  size_t counts[3] = {0, 0, 0};
  for (const Finding& f : report.findings) {
    ++counts[static_cast<int>(f.severity)];
    std::string place = f.location ? where(report, f.location->file, f.location->mark) : "upcheck";
    out << style.paint(place + ":", "1") << ' '
        << style.paint(std::string(severity_name(f.severity)), severity_color(f.severity)) << '[' << f.rule->code << ' '
        << f.rule->name << "] " << terminal_safe(f.message) << '\n';
    // Never an excerpt from a Secret: its lines hold its data.
    bool secret = f.object && f.object->kind == "Secret";
    if (f.location && f.location->mark.known() && options.source_line && !secret) {
      if (std::optional<std::string> line = options.source_line(f.location->file, f.location->mark.line))
        excerpt(out, *line, f.location->mark, style);
    }
    if (f.subject != nullptr && !f.subject->provenance().empty())
      out << "  " << style.paint("rendered from:", "1;36") << ' ' << terminal_safe(f.subject->provenance()) << '\n';
    out << "  " << style.paint("help:", "1;36") << ' ' << f.rule->remediation << '\n';
    if (f.fix) {
      out << "  " << style.paint("fix:", "1;32") << ' ' << terminal_safe(f.fix->title);
      if (!f.fix->manual_note.empty()) out << " (" << terminal_safe(f.fix->manual_note) << ')';
      switch (f.fix->applicability) {
        case Applicability::Safe:
          out << " (`upcheck migrate` writes it)\n";
          break;
        case Applicability::Unsafe:
          out << " (unsafe: `upcheck migrate --unsafe-fixes` writes it)\n";
          break;
        case Applicability::DisplayOnly:
          out << " (`upcheck migrate` lists it in MANUAL.md)\n";
          break;
      }
    }
  }
  for (const Diagnostic& n : report.notices) {
    out << style.paint(where(report, n.file, n.mark) + ":", "1") << ' ' << style.paint("note", "1;36") << '['
        << n.code->name << "] " << terminal_safe(n.message) << '\n';
  }
  auto plural = [](size_t n, std::string_view word) { return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s"); };
  out << fmt::format("{} ({}, {}, {} info); {}; {} read\n", plural(report.findings.size(), "finding"),
                     plural(counts[0], "error"), plural(counts[1], "warning"), counts[2],
                     plural(report.errors.size(), "input error"),
                     report.snapshot != nullptr ? plural(report.snapshot->all().size(), "object") : "no objects");
}

}  // namespace upcheck
