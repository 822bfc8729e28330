// The mesh config: ConfigMap `istio` (or `istio-<revision>`) in a control-plane namespace, whose
// `data.mesh` is itself YAML text. Parsed here once per rule with positions that map back to the
// lines of the dump.
#pragma once

#include <memory>
#include <vector>

#include "model/snapshot.hpp"

namespace upcheck::rules {

struct MeshConfig {
  const Resource* config_map = nullptr;
  std::unique_ptr<Tree> tree;  // the parsed `mesh` text; on the heap so NodeRefs survive moves
  NodeRef root() const { return tree ? tree->root() : NodeRef{}; }
  // Where a node of the mesh text sits in the input: its own line inside a `mesh: |` block, else
  // the `mesh:` key (quoted text, as in every JSON dump).
  Mark position(NodeRef node) const;
};

// Every ConfigMap named `istio` or `istio-<revision>` with a `data.mesh` key that parses as YAML,
// in input order. A mesh text that does not parse is skipped: Istio would refuse it too.
std::vector<MeshConfig> mesh_configs(const Snapshot& snapshot);

// A key of the mesh config in either spelling Istio accepted: protobuf's JSON name
// (`mtlsExcludedServices`) or the proto field name (`mtls_excluded_services`).
NodeRef mesh_field(NodeRef mesh, std::string_view camel_name, std::string_view snake_name);

}  // namespace upcheck::rules
