// JSON values as YAML in kubectl's layout: block style, keys sorted, sequences at their key's
// indentation, each List item starting with "- " at column 0 (the layout upcheck's loader cuts
// into items for parallel parsing). Every string reads back as the same string with any YAML 1.1
// or 1.2 reader: plain only when it cannot be taken for anything else, a literal block for
// multi-line text that survives one unchanged, double quotes otherwise.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace upcheck::collect {

// Appends one List item: "- " and the object's first key, then its other keys indented by two.
void append_yaml_list_item(std::string& out, const nlohmann::json& object);

// Appends `key: value` lines at `indent` for each entry of a JSON object.
void append_yaml_mapping(std::string& out, const nlohmann::json& object, int indent);

// How a string is written as a scalar (no trailing newline for quoted and plain ones; a literal
// block's lines are indented by `indent` + 2). Exposed for the unit tests.
std::string yaml_scalar(const std::string& text, int indent);

}  // namespace upcheck::collect
