// The JSON walker comes in one copy per simdjson kernel, and this picks the one that runs.
//
// simdjson chooses its On-Demand kernel at compile time, from the compiler's target flags. A
// binary built with -march=native would fault on an older x86-64, so upcheck compiles the walker
// twice instead: for the haswell kernel (AVX2, in a target region of its own) and for the
// portable fallback, and picks at run time from what the CPU supports. The environment variable
// UPCHECK_JSON_KERNEL=fallback (or haswell) forces a choice, for tests and comparisons.
#pragma once

#include <string_view>

#include "load/json_event_sink.hpp"

namespace upcheck::load {

struct JsonKernel {
  std::string_view name;  // "haswell" or "fallback"
  // Walks the object or array that starts at `begin` and ends at `end` (only whitespace may
  // precede `end`); simdjson may read up to `readable_end`, at least 64 bytes further. Returns
  // false after an error (reported through the sink).
  bool (*walk_container)(JsonEventSink& sink, const char* begin, const char* end, const char* readable_end);
  // Decodes the string token [begin, end) (quotes included); `text` stays valid until the next
  // call on this thread.
  bool (*read_string)(JsonEventSink& sink, const char* begin, const char* end, const char* readable_end,
                      std::string_view& text);
};

namespace json_haswell {
const JsonKernel* kernel();  // nullptr when upcheck is not built for x86-64
}
namespace json_fallback {
const JsonKernel* kernel();
}

// The kernel in use: haswell when the CPU runs it, unless UPCHECK_JSON_KERNEL says otherwise.
const JsonKernel& active_json_kernel();
// Switches kernels (and simdjson's first stage with them); false when `name` cannot run here.
// Meant for tests: call it while no parse is running.
bool use_json_kernel(std::string_view name);

}  // namespace upcheck::load
