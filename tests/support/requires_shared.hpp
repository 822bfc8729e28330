// The benchmark's cluster generator lives in shared/, beside the checkout (CI checks it out there),
// not in this repository. Every test that needs it asks here, so all of them skip, or fail, alike.
#pragma once

#include <filesystem>
#include <string>

namespace upcheck::testing {

// The path of FILE under shared/: UPCHECK_SHARED_DIR, else `../shared` beside the source root.
// When it is missing the test cannot run. With UPCHECK_REQUIRE_SHARED=1 (CI) that is a failure (it
// throws); otherwise the process ends with 77, meson's "skipped", so that such a test is reported
// as skipped and never as passed. Call it first, in an executable that holds only such tests.
std::filesystem::path requires_shared(const std::string& file);

}  // namespace upcheck::testing
