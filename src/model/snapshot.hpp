// Everything the loader read, indexed for the queries rules make. Immutable once built.
#pragma once

#include <deque>
#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/kind_queries.hpp"
#include "model/resource.hpp"

namespace upcheck {

// An input file as the user named it (directory walks join the relative path); never made
// absolute, so reports stay the same on every machine.
struct SourceFile {
  std::string path;
  bool from_stdin = false;
};

class Snapshot {
 public:
  Snapshot() = default;
  Snapshot(std::vector<SourceFile> files, std::deque<Resource> resources,
           std::set<std::string, std::less<>> collected_kinds = {});
  Snapshot(Snapshot&&) = default;
  Snapshot& operator=(Snapshot&&) = default;

  const std::vector<SourceFile>& files() const { return files_; }
  const std::string& file_path(uint32_t file) const { return files_.at(file).path; }
  const std::deque<Resource>& all() const {
    note_kind_query(kEveryKind);
    return resources_;
  }
  // Objects of a kind, in input order.
  std::span<const Resource* const> of_kind(std::string_view kind) const;
  // Objects of a kind in one namespace, in input order: what keeps per-object joins (a Service's
  // pods, a namespace's budgets) linear on a cluster with thousands of namespaces.
  std::span<const Resource* const> of_kind_in(std::string_view kind, std::string_view ns) const;
  const Resource* find(std::string_view kind, std::string_view ns, std::string_view name) const;
  bool has_kind(std::string_view kind) const { return !of_kind(kind).empty(); }
  // Kinds that `upcheck collect` gathered, so an empty kind can be told from a missing one.
  const std::set<std::string, std::less<>>& collected_kinds() const { return collected_kinds_; }
  // True when the input shows the kind: objects of it, or a collector that gathered it.
  bool covers_kind(std::string_view kind) const {
    return has_kind(kind) || collected_kinds_.count(kind) != 0;  // has_kind notes the query
  }

 private:
  std::vector<SourceFile> files_;
  std::deque<Resource> resources_;  // a deque: the indexes point into it
  std::unordered_map<std::string, std::vector<const Resource*>> by_kind_;
  std::unordered_map<std::string, std::vector<const Resource*>> by_kind_and_namespace_;  // "kind\0ns"
  // The first object of each (kind, namespace, name), in an open-addressing table of at least
  // twice as many slots as objects (16 bytes an object): building it and looking up in it cost the
  // same per object at any size, where a sorted vector cost n log n. Empty slots are null.
  std::vector<const Resource*> by_key_;
  // The slot holding the object of this key, or the empty slot where it would go.
  size_t slot_of(std::string_view kind, std::string_view ns, std::string_view name) const;
  std::set<std::string, std::less<>> collected_kinds_;
};

}  // namespace upcheck
