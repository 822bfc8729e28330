#include "load/json_kernel.hpp"

#include <simdjson.h>

#include <atomic>
#include <cstdlib>

namespace upcheck::load {

static_assert(kJsonChunkPadding >= simdjson::SIMDJSON_PADDING);

namespace {

std::atomic<const JsonKernel*> active_kernel{nullptr};
// simdjson's own choice for its first stage, restored when a test switches back from fallback.
std::atomic<const simdjson::implementation*> default_first_stage{nullptr};

bool cpu_runs_haswell() {
  const simdjson::implementation* haswell = simdjson::get_available_implementations()["haswell"];
  return haswell != nullptr && haswell->supported_by_runtime_system();
}

const JsonKernel* kernel_named(std::string_view name) {
  if (name == "fallback") return json_fallback::kernel();
  if (name == "haswell" && cpu_runs_haswell()) return json_haswell::kernel();
  return nullptr;
}

// The fallback walker runs with the fallback first stage, so that forcing it exercises no SIMD
// code at all; the haswell walker keeps whatever simdjson picked (haswell, or icelake's AVX-512).
void set_first_stage(const JsonKernel& kernel) {
  const simdjson::implementation* current = simdjson::get_active_implementation();
  const simdjson::implementation* expected = nullptr;
  default_first_stage.compare_exchange_strong(expected, current);
  const simdjson::implementation* wanted =
      kernel.name == "fallback" ? simdjson::get_available_implementations()["fallback"] : default_first_stage.load();
  if (wanted != nullptr && wanted != current) simdjson::get_active_implementation() = wanted;
}

const JsonKernel& choose_kernel() {
  if (const char* forced = std::getenv("UPCHECK_JSON_KERNEL")) {
    if (const JsonKernel* kernel = kernel_named(forced)) {
      set_first_stage(*kernel);
      return *kernel;
    }
  }
  if (const JsonKernel* haswell = kernel_named("haswell")) return *haswell;
  return *json_fallback::kernel();
}

}  // namespace

const JsonKernel& active_json_kernel() {
  const JsonKernel* kernel = active_kernel.load(std::memory_order_acquire);
  if (kernel == nullptr) {
    kernel = &choose_kernel();
    active_kernel.store(kernel, std::memory_order_release);
  }
  return *kernel;
}

bool use_json_kernel(std::string_view name) {
  const JsonKernel* kernel = kernel_named(name);
  if (kernel == nullptr) return false;
  set_first_stage(*kernel);
  active_kernel.store(kernel, std::memory_order_release);
  return true;
}

}  // namespace upcheck::load
