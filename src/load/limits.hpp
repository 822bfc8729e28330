// Bounds on what one input may cost, so that no bytes can hang upcheck or exhaust memory.
// The defaults are far above any real cluster: a Kubernetes object is at most ~1.5 MiB in etcd,
// and etcd's whole database at most 8 GiB.
#pragma once

#include <cstddef>
#include <cstdint>

namespace upcheck::load {

struct LoadLimits {
  size_t max_depth = 512;                         // nested collections in one document
  size_t max_scalar_bytes = 16u << 20;            // one scalar
  size_t max_document_bytes = 64u << 20;          // one YAML document, List item or JSON item
  size_t max_alias_nodes = 100'000;               // nodes copied by alias expansion, per object
  size_t max_objects = 10'000'000;                // objects in the whole input
  uint64_t max_input_bytes = uint64_t{32} << 30;  // one input, after decompression (a gzip bomb)

  // Upper bounds for the flags: beyond them the limits stop protecting anything. Trees are
  // walked recursively (pruning, rules, reports, migrations): 1,000 levels stay far from the end
  // of a thread's stack, even in the sanitizer build, where 10,000 overflowed it. Kubernetes
  // objects nest a few dozen levels.
  static constexpr size_t kMaxDepthCeiling = 1'000;
  // Chunks address their bytes with 32-bit offsets.
  static constexpr size_t kMaxDocumentBytesCeiling = size_t{1} << 31;
};

// Of each diagnostic code, one input lists this many; the rest are counted in one notice. Input
// made of millions of tiny broken documents then costs a count, not millions of messages.
inline constexpr size_t kListedDiagnosticsPerCode = 1000;

}  // namespace upcheck::load
