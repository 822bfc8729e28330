// What the loader fuzzers compare between two loads of the same bytes, and the invariants every
// load must keep, whatever the bytes.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "load/loader.hpp"

namespace upcheck::fuzz {

// The bytes loaded as one input named `name` (its extension picks nothing: the bytes do), on one
// thread, cut into chunks of about `chunk_bytes`.
load::LoadResult load_in_chunks(std::string_view name, std::string_view bytes, size_t chunk_bytes);

// Every kept node with its position, every notice and every collected kind, one line each.
// Errors only when asked: after an error, what is read depends on where the parser started again.
std::string summarize(const load::LoadResult& result, bool with_errors);

// The codes of the errors, in order, without their positions and messages.
std::string error_codes(const load::LoadResult& result);

// Aborts (a finding for libFuzzer) when a load broke a promise: objects without kind or
// apiVersion, positions outside the input, diagnostics of unknown codes or without file.
void check_invariants(const load::LoadResult& result, std::string_view input);

// Aborts with both summaries when two loads that must agree do not.
void require_same(const std::string& what, const std::string& a, const std::string& b);

}  // namespace upcheck::fuzz
