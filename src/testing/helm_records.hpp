// Helm release records built the way Helm and kubectl write them, for tests: Helm 3's release
// JSON (json.Marshal of pkg/release.Release: struct field order, <>& escaped), gzip'd at best
// compression and base64'd (pkg/storage/driver/util.go encodeRelease), in a Secret's data (base64
// again, as the API server shows `data`) or a ConfigMap's; and Helm 2's protobuf
// hapi.release.Release in a Tiller ConfigMap.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace upcheck::testing {

struct HelmReleaseSpec {
  std::string name = "istiod";
  std::string ns = "istio-system";
  std::string chart = "istiod";
  std::string chart_version = "1.20.3";
  std::string app_version = "1.20.3";
  int revision = 1;
  std::string status = "deployed";                                   // Helm 3 status; Tiller specs use DEPLOYED etc.
  nlohmann::ordered_json config = nlohmann::ordered_json::object();  // the user's values
  nlohmann::ordered_json chart_values = nlohmann::ordered_json::object();  // the chart's values.yaml
  std::string manifest;                                                    // the rendered documents, `---` separated
  std::vector<std::pair<std::string, std::string>> templates;              // chart template name -> text
};

// pkg/release.Release as json.Marshal writes it.
std::string helm3_release_json(const HelmReleaseSpec& spec);
// The string Helm stores (gzip unless `compressed` is false, then base64).
std::string helm3_encoded_release(const HelmReleaseSpec& spec, bool compressed = true);
// `kubectl get secret -o yaml` of the release's Secret (keys sorted, data base64'd again), or of
// its ConfigMap under --storage configmap. `extra_labels` lines go under metadata.labels.
std::string helm3_secret_yaml(const HelmReleaseSpec& spec, bool compressed = true);
std::string helm3_configmap_yaml(const HelmReleaseSpec& spec);
// The same with `data.release` given verbatim (corrupt, huge...).
std::string helm3_secret_yaml_with_data(const HelmReleaseSpec& spec, std::string_view data_release);

// hapi.release.Release (Helm 2) in protobuf wire format, and the Tiller ConfigMap holding it.
std::string tiller_release_proto(const HelmReleaseSpec& spec);
std::string tiller_configmap_yaml(const HelmReleaseSpec& spec);

}  // namespace upcheck::testing
