// libFuzzer target: any bytes through the loader's JSON path (the block scanner and splitter,
// simdjson On-Demand walking, the object assembler), as `upcheck check` reads a `kubectl get -o
// json` dump. Besides crashes, leaks and undefined behaviour it finds loads that disagree: the
// haswell and fallback kernels must read the same objects and notices and fail the same items,
// and the result must not depend on how the input is cut into chunks.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "load/json_kernel.hpp"
#include "load/loader.hpp"
#include "load_summary.hpp"

using namespace upcheck;

namespace {

load::LoadResult load_bytes(std::string_view bytes, size_t chunk_bytes) {
  return fuzz::load_in_chunks("fuzz.json", bytes, chunk_bytes);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  load::use_json_kernel("fallback");
  const load::LoadResult fallback = load_bytes(bytes, size_t{1} << 20);
  fuzz::check_invariants(fallback, bytes);
  const load::LoadResult cut = load_bytes(bytes, 48);
  fuzz::check_invariants(cut, bytes);
  if (load::use_json_kernel("haswell")) {
    const load::LoadResult haswell = load_bytes(bytes, size_t{1} << 20);
    fuzz::check_invariants(haswell, bytes);
    // The same objects, notices and errors; an error's message and position are simdjson's own,
    // and on broken bytes its kernels may name a different fault (an open string, a bad
    // structure) a line apart. Known differences of that kind are evened out before either runs
    // (JsonEventSink::reads_alike_in_both_kernels) and pinned by the kernels test.
    fuzz::require_same("the haswell and fallback kernels",
                       fuzz::summarize(fallback, false) + fuzz::error_codes(fallback),
                       fuzz::summarize(haswell, false) + fuzz::error_codes(haswell));
  }
  if (fallback.errors.empty() && cut.errors.empty())
    fuzz::require_same("loads in one chunk and in tiny chunks", fuzz::summarize(fallback, true),
                       fuzz::summarize(cut, true));
  return 0;
}
