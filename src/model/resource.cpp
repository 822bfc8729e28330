#include "model/resource.hpp"

#include <stdexcept>

namespace upcheck {

Resource::Resource(Tree tree, uint32_t file, Mark position)
    : tree_(std::move(tree)), file_(file), position_(position) {
  NodeRef r = tree_.root();
  api_version_ = r["apiVersion"].text();
  kind_ = r["kind"].text();
  ns_ = r["metadata"]["namespace"].text();
  name_ = r["metadata"]["name"].text();
}

std::optional<std::string_view> Resource::label(std::string_view key) const {
  NodeRef v = labels().get(key);
  if (!v.valid()) return std::nullopt;
  return v.text();
}

std::optional<std::string_view> Resource::annotation(std::string_view key) const {
  NodeRef v = annotations().get(key);
  if (!v.valid()) return std::nullopt;
  return v.text();
}

std::string_view Resource::group() const {
  auto slash = api_version_.find('/');
  return slash == std::string_view::npos ? std::string_view{} : api_version_.substr(0, slash);
}

std::string_view Resource::version() const {
  auto slash = api_version_.find('/');
  return slash == std::string_view::npos ? api_version_ : api_version_.substr(slash + 1);
}

ObjectRef Resource::ref() const {
  return {std::string(api_version_), std::string(kind_), std::string(ns_), std::string(name_)};
}

std::string Resource::display_name() const {
  std::string out(kind_);
  out += ' ';
  if (!ns_.empty()) {
    out += ns_;
    out += '/';
  }
  out += name_.empty() ? std::string_view("<unnamed>") : name_;
  return out;
}

Mark Resource::locate(std::string_view field_path) const {
  std::vector<PathSegment> segments;
  try {
    segments = parse_field_path(field_path);
  } catch (const std::invalid_argument&) {
    return position_;
  }
  NodeRef current = root();
  NodeRef located;
  for (const PathSegment& segment : segments) {
    if (segment.index) {
      current = current.at(*segment.index);
      located = current;
    } else {
      located = current.key_node(segment.key);
      current = current.get(segment.key);
    }
    if (!current.valid()) return position_;
  }
  return located.valid() && located.mark().known() ? located.mark() : position_;
}

size_t Resource::memory_bytes() const {
  return sizeof(Resource) + tree_.memory_bytes() + provenance_.capacity() +
         last_applied_api_version_.capacity();
}

}  // namespace upcheck
