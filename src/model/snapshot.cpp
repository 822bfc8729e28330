#include "model/snapshot.hpp"

#include <algorithm>
#include <functional>

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
  size_t slots = 16;
  while (slots < 2 * resources_.size()) slots *= 2;
  by_key_.assign(slots, nullptr);
  std::string key;  // reused: a map copies it only for a key it has not seen
  for (const Resource& r : resources_) {
    key.assign(r.kind());
    by_kind_[key].push_back(&r);
    key += '\0';
    key += r.ns();
    by_kind_and_namespace_[key].push_back(&r);
    // The first object of a key wins, as it would in a lookup by name; duplicates across files (a
    // dump and a manifest of the same object) are both still visible in of_kind().
    const Resource*& slot = by_key_[slot_of(r.kind(), r.ns(), r.name())];
    if (slot == nullptr) slot = &r;
  }
}

size_t Snapshot::slot_of(std::string_view kind, std::string_view ns, std::string_view name) const {
  const std::hash<std::string_view> hash;
  size_t h = hash(kind);
  h ^= hash(ns) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  h ^= hash(name) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  const size_t mask = by_key_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    const Resource* r = by_key_[i];
    if (r == nullptr || (r->name() == name && r->ns() == ns && r->kind() == kind)) return i;
  }
}

std::span<const Resource* const> Snapshot::of_kind(std::string_view kind) const {
  note_kind_query(kind);
  auto it = by_kind_.find(std::string(kind));
  if (it == by_kind_.end()) return {};
  return it->second;
}

const Resource* Snapshot::find(std::string_view kind, std::string_view ns, std::string_view name) const {
  note_kind_query(kind);
  if (by_key_.empty()) return nullptr;  // a default-constructed snapshot
  return by_key_[slot_of(kind, ns, name)];
}

}  // namespace upcheck

namespace upcheck {

std::span<const Resource* const> Snapshot::of_kind_in(std::string_view kind, std::string_view ns) const {
  note_kind_query(kind);
  auto it = by_kind_and_namespace_.find(kind_namespace_key(kind, ns));
  if (it == by_kind_and_namespace_.end()) return {};
  return it->second;
}

}  // namespace upcheck
