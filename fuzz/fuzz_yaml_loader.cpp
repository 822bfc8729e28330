// libFuzzer target: any bytes through the loader's YAML path (gzip detection, the splitter, the
// List-item prefilter, libyaml, the object assembler, the keep policy), as `upcheck check` reads
// a file. Besides crashes, leaks and undefined behaviour it finds loads that disagree: the same
// bytes must give the same objects and notices however they are cut into chunks, and with the
// prefilter off.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "load/loader.hpp"
#include "load_summary.hpp"

using namespace upcheck;

namespace {

load::LoadResult load_bytes(std::string_view bytes, size_t chunk_bytes) {
  return fuzz::load_in_chunks("fuzz.yaml", bytes, chunk_bytes);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  ::unsetenv("UPCHECK_NO_PREFILTER");
  const load::LoadResult whole = load_bytes(bytes, size_t{1} << 20);
  fuzz::check_invariants(whole, bytes);

  // A chunk of a few dozen bytes: every document and List item is a chunk of its own.
  const load::LoadResult cut = load_bytes(bytes, 48);
  fuzz::check_invariants(cut, bytes);
  ::setenv("UPCHECK_NO_PREFILTER", "1", 1);
  const load::LoadResult unfiltered = load_bytes(bytes, size_t{1} << 20);
  ::unsetenv("UPCHECK_NO_PREFILTER");
  fuzz::check_invariants(unfiltered, bytes);

  // Cutting the input into chunks must neither add nor hide an error, and the prefilter must not
  // add one (it may hide one in what it drops). Where an error stopped the parser, what is read
  // after it depends on where the parser started again: the rest is compared for clean loads.
  if (whole.errors.empty() != cut.errors.empty())
    fuzz::require_same("errors in one chunk and in tiny chunks", fuzz::summarize(whole, true),
                       fuzz::summarize(cut, true));
  if (unfiltered.errors.empty() && !whole.errors.empty())
    fuzz::require_same("errors with and without the List-item prefilter", fuzz::summarize(whole, true),
                       fuzz::summarize(unfiltered, true));
  if (whole.errors.empty() && cut.errors.empty())
    fuzz::require_same("loads in one chunk and in tiny chunks", fuzz::summarize(whole, true),
                       fuzz::summarize(cut, true));
  if (whole.errors.empty() && unfiltered.errors.empty())
    fuzz::require_same("loads with and without the List-item prefilter", fuzz::summarize(whole, true),
                       fuzz::summarize(unfiltered, true));
  return 0;
}
