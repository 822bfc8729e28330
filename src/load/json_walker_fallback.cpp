// The JSON walker compiled for simdjson's portable kernel: it runs on any CPU.
#define SIMDJSON_BUILTIN_IMPLEMENTATION fallback
#include <simdjson.h>

#include <memory>
#include <string_view>

#include "load/json_kernel.hpp"

namespace upcheck::load::json_fallback {

namespace ondemand = simdjson::fallback::ondemand;
constexpr bool kFirstStageChecksText = false;
#include "load/json_walker.inl"

const JsonKernel* kernel() {
  static const JsonKernel fallback{"fallback", walk_container, read_string};
  return &fallback;
}

}  // namespace upcheck::load::json_fallback
