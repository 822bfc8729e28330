// Strings that nearly every Kubernetes object repeats (field names, API versions, enum values).
// A tree refers to them by index instead of holding a copy: on a 57,000-object dump that is a
// sixth of the memory the objects take.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace upcheck {

// The index of `text` in the table, when it is there.
std::optional<uint32_t> common_string_index(std::string_view text);
std::string_view common_string(uint32_t index);

}  // namespace upcheck
