// What upcheck keeps of a Helm release record: a short summary (chart, versions, status, the
// handful of values rules read, the apiVersion/kind pairs of the manifest), never the release
// itself, which holds the user's values (passwords too) and the rendered manifest. Plain data: the
// loader decodes records into it (helm_release.hpp) and a Resource carries it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace upcheck {

enum class HelmStorage : uint8_t {
  Secret,           // Helm 3: Secret of type helm.sh/release.v1 (data base64'd twice)
  ConfigMap,        // Helm 3 --storage configmap (data base64'd once)
  TillerConfigMap,  // Helm 2: ConfigMap labelled OWNER=TILLER (gzip'd protobuf)
  TillerSecret,     // Helm 2 --storage=secret: the same in a Secret (data base64'd again)
};
inline bool is_tiller(HelmStorage storage) {
  return storage == HelmStorage::TillerConfigMap || storage == HelmStorage::TillerSecret;
}

// One apiVersion/kind pair of the release's rendered manifest: the only thing kept of it.
struct HelmManifestKind {
  std::string api_version;
  std::string kind;
  std::string template_path;  // `# Source:` of its first document ("istiod/templates/pdb.yaml")
  uint32_t count = 0;         // documents with this pair
  friend bool operator==(const HelmManifestKind&, const HelmManifestKind&) = default;
};

// The values rules read: the user's (`config`) where set, else the chart's default.
struct HelmReleaseValues {
  std::optional<std::string> revision;          // istiod/gateway `revision`
  std::optional<std::string> global_tag;        // `global.tag`
  std::optional<std::string> global_hub;        // `global.hub`
  std::optional<std::string> default_revision;  // base chart `defaultRevision`
  std::vector<std::string> revision_tags;       // istiod `revisionTags`
  friend bool operator==(const HelmReleaseValues&, const HelmReleaseValues&) = default;
};

struct HelmReleaseSummary {
  HelmStorage storage = HelmStorage::Secret;
  bool decoded = false;       // false: only the record's labels are known (superseded, undecodable)
  std::string name;           // release name
  std::string ns;             // release namespace
  std::string chart;          // chart name ("istiod")
  std::string chart_version;  // "1.20.3"
  std::string app_version;
  int64_t revision = 0;  // Helm's release version (1, 2, ...)
  std::string status;    // "deployed", "superseded", "failed"... (Tiller: "deployed", "deleted"...)
  HelmReleaseValues values;
  std::vector<HelmManifestKind> manifest_kinds;
  friend bool operator==(const HelmReleaseSummary&, const HelmReleaseSummary&) = default;
};

}  // namespace upcheck
