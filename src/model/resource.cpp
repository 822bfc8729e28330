#include "model/resource.hpp"

#include <stdexcept>

namespace upcheck {

Resource::Resource(Tree tree, uint32_t file, Mark position) : tree_(std::move(tree)), file_(file), position_(position) {
  NodeRef r = tree_.root();
  auto index_of = [](NodeRef n) { return n.is_scalar() ? n.index() : 0u; };
  api_version_ = index_of(r["apiVersion"]);
  kind_ = index_of(r["kind"]);
  ns_ = index_of(r["metadata"]["namespace"]);
  name_ = index_of(r["metadata"]["name"]);
}

Resource::Resource(TreeBuilder& document, uint32_t file, Mark position, const DigestedAnnotations& digested,
                   std::string_view provenance) {
  // Scalars after the root's subtree: their text goes into the tree's one allocation.
  auto store = [&document](std::string_view text) -> uint32_t {
    if (text.empty()) return 0;
    document.scalar(text, ScalarStyle::Quoted, {});
    return document.last_index();
  };
  const uint32_t last_applied = store(digested.last_applied_api_version);
  const uint32_t injected_revision = store(digested.injected_revision);
  const uint32_t source = store(provenance);
  *this = Resource(document.finish(), file, position);
  last_applied_api_version_ = last_applied;
  injected_revision_ = injected_revision;
  provenance_ = source;
}

void Resource::set_helm_release(HelmReleaseSummary summary, Mark position) {
  helm_release_ = std::make_unique<const DecodedRelease>(DecodedRelease{std::move(summary), position});
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
  std::string_view v = api_version();
  auto slash = v.find('/');
  return slash == std::string_view::npos ? std::string_view{} : v.substr(0, slash);
}

std::string_view Resource::version() const {
  std::string_view v = api_version();
  auto slash = v.find('/');
  return slash == std::string_view::npos ? v : v.substr(slash + 1);
}

ObjectRef Resource::ref() const {
  return {std::string(api_version()), std::string(kind()), std::string(ns()), std::string(name())};
}

std::string Resource::display_name() const {
  std::string out(kind());
  out += ' ';
  if (!ns().empty()) {
    out += ns();
    out += '/';
  }
  out += name().empty() ? std::string_view("<unnamed>") : name();
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
  return sizeof(Resource) + tree_.memory_bytes() + (helm_release_ ? sizeof(DecodedRelease) : 0);
}

}  // namespace upcheck
