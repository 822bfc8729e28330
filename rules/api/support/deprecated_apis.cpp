#include "rules/api/support/deprecated_apis.hpp"

#include <optional>

#include "model/version.hpp"

namespace upcheck::rules {
namespace {

bool names_kind(std::string_view kinds, std::string_view kind) {
  while (!kinds.empty()) {
    size_t comma = kinds.find(',');
    if (kinds.substr(0, comma) == kind) return true;
    kinds = comma == std::string_view::npos ? std::string_view{} : kinds.substr(comma + 1);
  }
  return false;
}

}  // namespace

const DeprecatedApi* find_deprecated_api(std::string_view api_version, std::string_view kind) {
  const DeprecatedApi* any_kind = nullptr;
  for (const DeprecatedApi& row : kDeprecatedApis) {
    if (row.group_version != api_version) continue;
    if (row.kinds == "*")
      any_kind = &row;
    else if (names_kind(row.kinds, kind))
      return &row;
  }
  return any_kind;
}

std::string_view newest_release_in_table(ApiComponent component) {
  std::string_view newest;
  std::optional<Version> newest_version;
  for (const DeprecatedApi& row : kDeprecatedApis) {
    if (row.component != component) continue;
    for (std::string_view release : {row.deprecated_in, row.removed_in}) {
      std::optional<Version> v = Version::parse(release);
      if (v && (!newest_version || *newest_version < *v)) {
        newest_version = v;
        newest = release;
      }
    }
  }
  return newest;
}

}  // namespace upcheck::rules
