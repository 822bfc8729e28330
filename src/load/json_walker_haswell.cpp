// The JSON walker compiled for simdjson's haswell kernel (AVX2, BMI, PCLMUL, LZCNT), inside a
// target region so that only this code uses those instructions and the rest of upcheck runs on
// any x86-64. Every header is included before the region opens: an inline function or template
// compiled inside it could be the copy the linker keeps for the whole program.
#if defined(__x86_64__) || defined(_M_AMD64)
#define SIMDJSON_BUILTIN_IMPLEMENTATION haswell
#endif
#include <simdjson.h>

#include <memory>
#include <string_view>

#include "load/json_kernel.hpp"

#if defined(__x86_64__) || defined(_M_AMD64)

SIMDJSON_TARGET_REGION("avx2,bmi,pclmul,lzcnt")
namespace upcheck::load::json_haswell {
namespace ondemand = simdjson::haswell::ondemand;
constexpr bool kFirstStageChecksText = true;
#include "load/json_walker.inl"
}  // namespace upcheck::load::json_haswell
SIMDJSON_UNTARGET_REGION

namespace upcheck::load::json_haswell {
const JsonKernel* kernel() {
  static const JsonKernel haswell{"haswell", walk_container, read_string};
  return &haswell;
}
}  // namespace upcheck::load::json_haswell

#else

namespace upcheck::load::json_haswell {
const JsonKernel* kernel() { return nullptr; }
}  // namespace upcheck::load::json_haswell

#endif
