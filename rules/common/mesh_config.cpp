#include "rules/common/mesh_config.hpp"

#include "load/yaml_text.hpp"
#include "rules/common/embedded_yaml.hpp"

namespace upcheck::rules {

Mark MeshConfig::position(NodeRef node) const { return embedded_position(*config_map, "data.mesh", node.mark()); }

std::vector<MeshConfig> mesh_configs(const Snapshot& snapshot) {
  std::vector<MeshConfig> out;
  for (const Resource* config_map : snapshot.of_kind("ConfigMap")) {
    std::string_view name = config_map->name();
    if (name != "istio" && name.substr(0, 6) != "istio-") continue;
    NodeRef text = config_map->root()["data"]["mesh"];
    if (!text.is_scalar()) continue;
    std::optional<Tree> tree = load::parse_yaml_text(text.text());
    if (!tree || !tree->root().is_map()) continue;
    MeshConfig config;
    config.config_map = config_map;
    config.tree = std::make_unique<Tree>(std::move(*tree));
    out.push_back(std::move(config));
  }
  return out;
}

NodeRef mesh_field(NodeRef mesh, std::string_view camel_name, std::string_view snake_name) {
  NodeRef value = mesh.get(camel_name);
  return value.valid() ? value : mesh.get(snake_name);
}

}  // namespace upcheck::rules
