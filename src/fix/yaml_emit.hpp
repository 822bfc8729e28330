// JSON values as block YAML, through yaml-cpp's emitter: what `upcheck migrate` writes.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace upcheck::fix {

// One YAML document (no `---`), ending in a newline. Keys come out sorted (nlohmann::json's
// order), so the output is the same on every run, and apiVersion, kind, metadata, spec lead as
// kubectl prints them. Strings that a YAML 1.1 or 1.2 reader would take for a number, boolean or
// null ("1.2", "on", "null", "0x1F") are double-quoted so they stay strings; multi-line strings
// become literal blocks when a literal block reproduces them exactly, double-quoted otherwise.
std::string to_yaml(const nlohmann::json& value);

// Whether a plain scalar with this text would be read as something other than a string by
// kubectl's YAML 1.1 reader or a YAML 1.2 one.
bool reads_as_non_string(std::string_view text);

}  // namespace upcheck::fix
