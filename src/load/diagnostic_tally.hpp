// Lists the first kListedDiagnosticsPerCode diagnostics of each code and counts the rest, so
// that what bad input costs in memory and in the report is bounded by the number of codes, not
// by the number of broken documents.
#pragma once

#include <cstddef>
#include <map>
#include <vector>

#include "load/limits.hpp"
#include "model/diagnostic.hpp"

namespace upcheck::load {

class DiagnosticTally {
 public:
  // Appends `d` to `list`, or only counts it when its code has been listed often enough.
  void add(std::vector<Diagnostic>& list, Diagnostic d) {
    Counts& counts = by_code_[d.code];
    if (counts.listed < kListedDiagnosticsPerCode) {
      ++counts.listed;
      list.push_back(std::move(d));
    } else {
      ++counts.unlisted;
    }
  }
  void count_unlisted(const DiagnosticCode* code, size_t n) {
    if (n != 0) by_code_[code].unlisted += n;
  }
  // Calls f(code, count) for each code with diagnostics left out, in code order.
  template <typename F>
  void for_each_unlisted(F f) const {
    for (const auto& entry : by_code_)
      if (entry.second.unlisted != 0) f(entry.first, entry.second.unlisted);
  }
  bool empty() const { return by_code_.empty(); }
  void clear() { by_code_.clear(); }

 private:
  struct Counts {
    size_t listed = 0;
    size_t unlisted = 0;
  };
  // In the order of the codes' names, as the report lists what was left out.
  struct ByName {
    bool operator()(const DiagnosticCode* a, const DiagnosticCode* b) const { return a->name < b->name; }
  };
  std::map<const DiagnosticCode*, Counts, ByName> by_code_;
};

}  // namespace upcheck::load
