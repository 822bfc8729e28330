// Base64 as Kubernetes and Helm write it: the standard alphabet with padding (RFC 4648, Go's
// base64.StdEncoding). Helm release records are base64 twice over; `collect` and the loader read
// them, tests write them.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace upcheck::codec {

// The bytes `text` encodes. Line breaks and spaces are skipped (a YAML block scalar may fold them
// in); any other byte outside the alphabet, a bad length or data after the padding gives nothing,
// and so does an output that would be longer than `max_output`.
std::optional<std::string> decode_base64(std::string_view text, size_t max_output);

std::string encode_base64(std::string_view bytes);

}  // namespace upcheck::codec
