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
  for (const Resource& r : resources_) {
    by_kind_[std::string(r.kind())].push_back(&r);
    by_kind_and_namespace_[kind_namespace_key(r.kind(), r.ns())].push_back(&r);
    by_key_.push_back(&r);
  }
  // The first object of a key wins, as it would in a lookup by name; duplicates across files (a
  // dump and a manifest of the same object) are both still visible in of_kind().
  std::stable_sort(by_key_.begin(), by_key_.end(), [](const Resource* a, const Resource* b) {
    return std::tuple(a->kind(), a->ns(), a->name()) < std::tuple(b->kind(), b->ns(), b->name());
  });
}

std::span<const Resource* const> Snapshot::of_kind(std::string_view kind) const {
  auto it = by_kind_.find(std::string(kind));
  if (it == by_kind_.end()) return {};
  return it->second;
}

const Resource* Snapshot::find(std::string_view kind, std::string_view ns, std::string_view name) const {
  const auto key = std::tuple(kind, ns, name);
  auto it = std::lower_bound(by_key_.begin(), by_key_.end(), key, [](const Resource* r, const auto& k) {
    return std::tuple(r->kind(), r->ns(), r->name()) < k;
  });
  if (it == by_key_.end() || std::tuple((*it)->kind(), (*it)->ns(), (*it)->name()) != key) return nullptr;
  return *it;
}

}  // namespace upcheck

namespace upcheck {

std::span<const Resource* const> Snapshot::of_kind_in(std::string_view kind, std::string_view ns) const {
  auto it = by_kind_and_namespace_.find(kind_namespace_key(kind, ns));
  if (it == by_kind_and_namespace_.end()) return {};
  return it->second;
}

}  // namespace upcheck
