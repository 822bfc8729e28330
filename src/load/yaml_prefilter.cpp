#include "load/yaml_prefilter.hpp"

#include <cstring>
#include <vector>

#include "load/annotation_digest.hpp"
#include "load/keep_policy.hpp"
#include "load/yaml_line_breaks.hpp"

namespace upcheck::load {
namespace {

struct Frame {
  int indent = 0;  // column of the key (or of the "- " of an element)
  const KeepNode* keep = nullptr;
  std::string_view key;  // empty for sequence elements
  bool element = false;
};

// A key line's parts: `key: rest` or `key:`.
struct KeyLine {
  std::string_view key;
  std::string_view rest;  // after ": ", trimmed; empty for a block value
  bool ok = false;
};

KeyLine split_key(std::string_view content) {
  KeyLine k;
  if (content.empty() || content[0] == '"' || content[0] == '\'' || content[0] == '{' || content[0] == '[' ||
      content[0] == '?' || content[0] == '&' || content[0] == '*' || content[0] == '!' || content[0] == '|' ||
      content[0] == '>')
    return k;  // quoted or complex keys, flow collections, properties: not kubectl's plain layout
  size_t colon = content.find(": ");
  if (colon == std::string_view::npos) {
    if (content.back() != ':') return k;
    colon = content.size() - 1;
    k.key = content.substr(0, colon);
  } else {
    k.key = content.substr(0, colon);
    k.rest = content.substr(colon + 2);
    while (!k.rest.empty() && k.rest.front() == ' ') k.rest.remove_prefix(1);
  }
  if (k.key.empty() || k.key.find(" #") != std::string_view::npos) return k;
  k.ok = true;
  return k;
}

// Whether a value opens a quoted scalar that the line does not close. libyaml lets its next lines
// sit at any indentation, even the key's own, so no reading by indentation can follow it.
bool opens_unclosed_quote(std::string_view value) {
  if (value.empty() || (value[0] != '\'' && value[0] != '"')) return false;
  const char quote = value[0];
  for (size_t i = 1; i < value.size(); ++i) {
    if (quote == '"' && value[i] == '\\') {
      ++i;  // an escape: the next character closes nothing
    } else if (value[i] == quote) {
      if (quote == '\'' && i + 1 < value.size() && value[i + 1] == '\'') {
        ++i;  // '' is a quote inside single quotes
        continue;
      }
      return false;
    }
  }
  return true;
}

std::string_view trim_line_end(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.remove_suffix(1);
  return s;
}

class Prefilter {
 public:
  Prefilter(std::string_view in, std::string& out, std::vector<size_t>& item_offsets)
      : in_(in), out_(out), item_offsets_(item_offsets) {}

  void run() {
    out_.reserve(in_.size());
    if (has_libyaml_only_line_breaks(in_)) odd_breaks_ = libyaml_only_line_breaks(in_);
    size_t pos = 0;
    while (pos < in_.size()) {
      const char* start = in_.data() + pos;
      const void* nl = std::memchr(start, '\n', in_.size() - pos);
      size_t length = nl == nullptr ? in_.size() - pos : static_cast<size_t>(static_cast<const char*>(nl) - start) + 1;
      pos = line(pos, length);
    }
  }

 private:
  // Handles the line at `pos`; returns where the next unhandled line starts.
  size_t line(size_t pos, size_t length) {
    std::string_view text = in_.substr(pos, length);
    std::string_view body = trim_line_end(text);
    if (!body.empty() && body[0] == '-' && (body.size() == 1 || body[1] == ' ')) {
      start_item();
      disabled_ = holds_odd_break(pos);
      item_offsets_.push_back(out_.size());
      return structural(pos, text, body, 0);
    }
    if (disabled_ || body.empty()) return copy(pos, text);
    int indent = static_cast<int>(body.find_first_not_of(' '));
    if (indent < 0) return copy(pos, text);
    // A comment changes no structure, whatever its indentation.
    if (body[static_cast<size_t>(indent)] == '#') return skip_indent_ >= 0 ? blank(pos, text) : copy(pos, text);
    if (skip_indent_ >= 0) {
      bool dash = body[static_cast<size_t>(indent)] == '-' &&
                  (body.size() == static_cast<size_t>(indent) + 1 || body[static_cast<size_t>(indent) + 1] == ' ');
      if (indent > skip_indent_ || (indent == skip_indent_ && dash && skip_same_indent_dashes_))
        return blank(pos, text);
      skip_indent_ = -1;
    }
    if (opaque_indent_ >= 0) {
      if (indent > opaque_indent_) return copy(pos, text);
      opaque_indent_ = -1;
    }
    if (body[static_cast<size_t>(indent)] == '\t' || body.find('\t') != std::string_view::npos) {
      disabled_ = true;
      return copy(pos, text);
    }
    return structural(pos, text, body, indent);
  }

  void start_item() {
    frames_.clear();
    frames_.push_back({0, &keep_everything(), {}, true});
    api_version_ = {};
    kind_ = {};
    disabled_ = false;
    skip_indent_ = -1;
    opaque_indent_ = -1;
  }

  // Whether the item starting at `item_start` holds a line break only libyaml counts. Items come
  // in order, so the search for the next break resumes where the last one stopped.
  bool holds_odd_break(size_t item_start) {
    while (next_odd_break_ < odd_breaks_.size() && odd_breaks_[next_odd_break_] < item_start) ++next_odd_break_;
    if (next_odd_break_ == odd_breaks_.size()) return false;
    return odd_breaks_[next_odd_break_] < next_item_start(item_start);
  }

  // The next line that starts an item ("-" at column 0, then a blank or the line's end), or the end.
  size_t next_item_start(size_t from) const {
    for (size_t nl = in_.find('\n', from); nl != std::string_view::npos; nl = in_.find('\n', nl + 1)) {
      const size_t at = nl + 1;
      if (at < in_.size() && in_[at] == '-' &&
          (at + 1 == in_.size() || in_[at + 1] == ' ' || in_[at + 1] == '\n' || in_[at + 1] == '\r'))
        return at;
    }
    return in_.size();
  }

  size_t structural(size_t pos, std::string_view text, std::string_view body, int indent) {
    std::string_view content = body.substr(static_cast<size_t>(indent));
    if (frames_.empty()) return copy(pos, text);  // lines before the first item
    if (content[0] == '-' && (content.size() == 1 || content[1] == ' ')) {
      // A sequence element at `indent`; its mapping's first key may follow on the same line.
      while (frames_.size() > 1 &&
             (frames_.back().indent > indent || (frames_.back().indent == indent && frames_.back().element)))
        frames_.pop_back();
      const KeepNode* parent = frames_.back().keep;
      const KeepNode* element = indent == 0 ? frames_.back().keep : parent->child("*");
      if (indent != 0) {
        if (element == nullptr) {  // the whole element is dropped, but not its siblings
          skip_indent_ = indent;
          skip_same_indent_dashes_ = false;
          return blank(pos, text);
        }
        frames_.push_back({indent, element, {}, true});
      }
      std::string_view rest = content.size() > 1 ? content.substr(2) : std::string_view{};
      size_t extra = rest.find_first_not_of(' ');
      if (rest.empty() || extra == std::string_view::npos) return copy(pos, text);
      rest.remove_prefix(extra);
      return key_line(pos, text, indent + 2 + static_cast<int>(extra), rest, true);
    }
    while (frames_.size() > 1 && frames_.back().indent >= indent) frames_.pop_back();
    return key_line(pos, text, indent, content, false);
  }

  size_t key_line(size_t pos, std::string_view text, int indent, std::string_view content, bool after_dash) {
    KeyLine k = split_key(content);
    if (k.ok && opens_unclosed_quote(k.rest)) {
      disabled_ = true;
      return copy(pos, text);
    }
    if (!k.ok) {
      if (after_dash) {  // a scalar element ("- foo"): continuation lines below belong to it
        opaque_indent_ = indent - 2;
        return copy(pos, text);
      }
      disabled_ = true;
      return copy(pos, text);
    }
    const Frame& parent = frames_.back();
    const bool at_root = frames_.size() == 1;
    if (at_root && (k.key == "apiVersion" || k.key == "kind")) {
      (k.key == "apiVersion" ? api_version_ : kind_) = k.rest;
      // The kind decides what is kept of the keys still to come. A ConfigMap's `data` comes
      // before its name: those stay whole, for the assembler to decide.
      if (!api_version_.empty() && !kind_.empty() && kind_ != "ConfigMap")
        frames_.front().keep = &reading_keep_policy(api_group_of(api_version_), kind_);
    }
    if (k.key == kLastAppliedAnnotation && frames_.size() == 3 && frames_[1].key == "metadata" &&
        frames_[2].key == "annotations" && !k.rest.empty() && (k.rest[0] == '|' || k.rest[0] == '>'))
      return last_applied(pos, text, indent);
    if (at_root && k.key == "items") {
      // A List nested in the List: its items are objects with kinds of their own.
      disabled_ = true;
      return copy(pos, text);
    }
    const KeepNode* child = parent.keep->child(k.key);
    // metadata.uid is dropped by the assembler, which notes only that it was there (an object
    // from a live cluster): the line must reach it.
    const bool object_uid = frames_.size() == 2 && frames_[1].key == "metadata" && k.key == "uid" && !k.rest.empty();
    if (child == nullptr && !object_uid) {
      // The value's lines are blanked; the key stays, without its value, for the assembler to
      // drop. So a mapping whose every key is dropped stays a mapping (an empty one, where it
      // starts), as without the prefilter, rather than becoming null; and so does an element
      // after a "- ".
      skip_indent_ = indent;
      skip_same_indent_dashes_ = true;  // a block sequence value sits at the key's own indent
      out_.append(text.substr(0, static_cast<size_t>(indent) + k.key.size() + 1));
      out_.push_back('\n');
      return pos + text.size();
    }
    if (!k.rest.empty()) {
      char c = k.rest[0];
      if (c == '&' || c == '*' || c == '!') {
        disabled_ = true;
        return copy(pos, text);
      }
      // An inline value: lines indented below it continue it (a folded or quoted scalar, or a
      // block scalar's content).
      opaque_indent_ = indent;
      return copy(pos, text);
    }
    frames_.push_back({indent, child, k.key, false});
    return copy(pos, text);
  }

  // Replaces the annotation's block with its apiVersion alone, in JSON the assembler reads the same
  // way; the body (a Secret's holds its data) never reaches the parser.
  size_t last_applied(size_t pos, std::string_view text, int indent) {
    size_t next = pos + text.size();
    std::string body;
    std::vector<size_t> block_lines;
    while (next < in_.size()) {
      size_t end = in_.find('\n', next);
      size_t length = end == std::string_view::npos ? in_.size() - next : end - next + 1;
      std::string_view l = trim_line_end(in_.substr(next, length));
      size_t ind = l.find_first_not_of(' ');
      if (!l.empty() && (ind == std::string_view::npos || static_cast<int>(ind) <= indent)) break;
      body.append(l.empty() ? std::string_view{} : l.substr(ind));
      block_lines.push_back(length);
      next += length;
    }
    std::string_view api_version = last_applied_api_version(body);
    bool safe = api_version.find_first_of("'\"\\\n") == std::string_view::npos;
    out_.append(static_cast<size_t>(indent), ' ');
    out_.append(kLastAppliedAnnotation);
    if (safe) {
      out_.append(": '{\"apiVersion\":\"").append(api_version).append("\"}'\n");
    } else {
      out_.append(": ''\n");
    }
    for (size_t i = 0; i < block_lines.size(); ++i) out_.push_back('\n');
    return next;
  }

  size_t copy(size_t pos, std::string_view text) {
    out_.append(text);
    return pos + text.size();
  }

  size_t blank(size_t pos, std::string_view text) {
    if (!text.empty() && text.back() == '\n') out_.push_back('\n');
    return pos + text.size();
  }

  std::string_view in_;
  std::string& out_;
  std::vector<size_t>& item_offsets_;
  std::vector<Frame> frames_;
  std::string_view api_version_;
  std::string_view kind_;
  bool disabled_ = false;
  std::vector<size_t> odd_breaks_;  // offsets of line breaks only libyaml counts, ascending
  size_t next_odd_break_ = 0;
  int skip_indent_ = -1;
  bool skip_same_indent_dashes_ = false;
  int opaque_indent_ = -1;
};

}  // namespace

void prefilter_list_items(std::string_view items, std::string& out, std::vector<size_t>& item_offsets) {
  out.clear();
  item_offsets.clear();
  Prefilter(items, out, item_offsets).run();
}

}  // namespace upcheck::load
