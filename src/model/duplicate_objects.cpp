#include "model/duplicate_objects.hpp"

#include <fmt/format.h>

#include <functional>
#include <string_view>
#include <unordered_map>

namespace upcheck {
namespace {

// Views into the objects' own text: no string is copied per object.
struct ObjectKey {
  std::string_view group, kind, ns, name;
  friend bool operator==(const ObjectKey&, const ObjectKey&) = default;
};

struct ObjectKeyHash {
  size_t operator()(const ObjectKey& k) const {
    const std::hash<std::string_view> hash;
    size_t h = hash(k.kind);
    for (std::string_view part : {k.group, k.ns, k.name}) h ^= hash(part) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    return h;
  }
};

}  // namespace

std::vector<Diagnostic> drop_duplicate_objects(const std::vector<SourceFile>& files, std::deque<Resource>& resources) {
  std::unordered_map<ObjectKey, size_t, ObjectKeyHash> last;  // each key's last copy
  last.reserve(resources.size());
  bool any_duplicate = false;
  for (size_t i = 0; i < resources.size(); ++i) {
    const Resource& r = resources[i];
    if (r.name().empty()) continue;
    auto [it, inserted] = last.try_emplace(ObjectKey{r.group(), r.kind(), r.ns(), r.name()}, i);
    if (!inserted) {
      it->second = i;
      any_duplicate = true;
    }
  }
  std::vector<Diagnostic> notices;
  if (!any_duplicate) return notices;

  std::deque<Resource> kept;
  for (size_t i = 0; i < resources.size(); ++i) {
    Resource& r = resources[i];
    if (!r.name().empty()) {
      const Resource& winner = resources[last.at(ObjectKey{r.group(), r.kind(), r.ns(), r.name()})];
      if (&winner != &r) {
        const std::string where = winner.file() == r.file()
                                      ? fmt::format("line {}", winner.position().line)
                                      : fmt::format("{}:{}", files.at(winner.file()).path, winner.position().line);
        notices.push_back({r.file(), r.position(), &kDuplicateObject,
                           fmt::format("{} is given again at {}; that later copy is the one kubectl applies last, "
                                       "so this one is ignored",
                                       r.display_name(), where)});
        continue;
      }
    }
    kept.push_back(std::move(r));
  }
  // The keys viewed the dropped objects' text: done with them before the old deque goes.
  last.clear();
  resources = std::move(kept);
  return notices;
}

}  // namespace upcheck
