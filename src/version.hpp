// The build's version and links, from meson (meson_options.txt).
#pragma once

#include <string_view>

#include "version_config.h"

namespace upcheck {

inline constexpr std::string_view kVersion = UPCHECK_VERSION;
inline constexpr std::string_view kDocsBaseUrl = UPCHECK_DOCS_BASE_URL;
inline constexpr std::string_view kHomepage = UPCHECK_HOMEPAGE;

}  // namespace upcheck
