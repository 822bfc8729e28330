// Reads every input the user named into objects, errors and notices.
#pragma once

#include <deque>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "load/limits.hpp"
#include "model/diagnostic.hpp"
#include "model/resource.hpp"
#include "model/snapshot.hpp"

namespace upcheck::load {

struct LoadOptions {
  LoadLimits limits;
  unsigned jobs = 1;              // parser threads
  std::string stdin_filename;     // how reports name "-"; "<stdin>" when empty
  size_t chunk_bytes = 1u << 20;  // unit of parallel work
  // Called now and then with (bytes read, objects so far, total bytes or 0) for a progress line.
  std::function<void(uint64_t, size_t, uint64_t)> progress;
};

struct LoadResult {
  std::vector<SourceFile> files;
  std::deque<Resource> resources;  // input order; a deque so that growing never moves them
  std::vector<Diagnostic> errors;  // each makes the exit status 2
  std::vector<Diagnostic> notices;
  std::set<std::string, std::less<>> collected_kinds;
};

// Never throws for bad input: every problem becomes an error with the file (and, where there is
// one, the line and column), and every other input is still read. The result is the same for
// any number of jobs.
LoadResult load_inputs(const std::vector<std::string>& paths, const LoadOptions& options);

// The same for one input already in memory (gzip or not), reported as `name`: what the fuzzers
// feed the loader.
LoadResult load_buffer(const std::string& name, std::string_view bytes, const LoadOptions& options);

}  // namespace upcheck::load
