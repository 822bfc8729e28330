#include "model/snapshot.hpp"

#include <algorithm>
#include <tuple>

namespace upcheck {
namespace {

std::string kind_namespace_key(std::string_view kind, std::string_view ns) {
  std::string key(kind);
  key += '\0';
  key += ns;
  return key;
}

}  // namespace

Snapshot::Snapshot(std::vector<SourceFile> files, std::deque<Resource> resources,
                   std::set<std::string, std::less<>> collected_kinds)
    : files_(std::move(files)), resources_(std::move(resources)), collected_kinds_(std::move(collected_kinds)) {
  by_key_.reserve(resources_.size());
  std::string key;   // reused: a map copies it only for a key it has not seen
  for (const Resource& r : resources_) {
    key.assign(r.kind());
    by_kind_[key].push_back(&r);
    key += '\0';
    key += r.ns();
    by_kind_and_namespace_[key].push_back(&r);
    // The first object of a key wins, as it would in a lookup by name; duplicates across files (a
    // dump and a manifest of the same object) are both still visible in of_kind().
    by_key_.try_emplace(ObjectKey{r.kind(), r.ns(), r.name()}, &r);
  }
}

size_t Snapshot::ObjectKeyHash::operator()(const ObjectKey& key) const noexcept {
  const std::hash<std::string_view> hash;
  size_t h = hash(key.kind);
  h ^= hash(key.ns) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  h ^= hash(key.name) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h;
}

std::span<const Resource* const> Snapshot::of_kind(std::string_view kind) const {
  auto it = by_kind_.find(std::string(kind));
  if (it == by_kind_.end()) return {};
  return it->second;
}

const Resource* Snapshot::find(std::string_view kind, std::string_view ns, std::string_view name) const {
  auto it = by_key_.find(ObjectKey{kind, ns, name});
  return it == by_key_.end() ? nullptr : it->second;
}

}  // namespace upcheck

namespace upcheck {

std::span<const Resource* const> Snapshot::of_kind_in(std::string_view kind, std::string_view ns) const {
  auto it = by_kind_and_namespace_.find(kind_namespace_key(kind, ns));
  if (it == by_kind_and_namespace_.end()) return {};
  return it->second;
}

}  // namespace upcheck
