#include "testing/helm_records.hpp"

#include "codec/base64.hpp"
#include "codec/gzip.hpp"

#include <stdexcept>

namespace upcheck::testing {
namespace {

// json.Marshal escapes these for HTML safety; nlohmann does not.
std::string go_json_escapes(std::string text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '<')
      out += "\\u003c";
    else if (c == '>')
      out += "\\u003e";
    else if (c == '&')
      out += "\\u0026";
    else
      out.push_back(c);
  }
  return out;
}

// Status codes of hapi.release.Status.Code.
uint64_t tiller_code(std::string_view status) {
  constexpr std::string_view kNames[] = {"UNKNOWN",  "DEPLOYED",        "DELETED",         "SUPERSEDED",      "FAILED",
                                         "DELETING", "PENDING_INSTALL", "PENDING_UPGRADE", "PENDING_ROLLBACK"};
  for (uint64_t i = 0; i < std::size(kNames); ++i)
    if (kNames[i] == status) return i;
  return 0;
}

void varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void field_varint(std::string& out, uint32_t field, uint64_t v) {
  varint(out, (static_cast<uint64_t>(field) << 3) | 0);
  varint(out, v);
}

void field_bytes(std::string& out, uint32_t field, std::string_view bytes) {
  varint(out, (static_cast<uint64_t>(field) << 3) | 2);
  varint(out, bytes.size());
  out.append(bytes);
}

std::string metadata_yaml(const HelmReleaseSpec& spec, std::string_view labels, std::string_view name) {
  return "metadata:\n"
         "  creationTimestamp: \"2024-03-01T10:00:00Z\"\n"
         "  labels:\n" +
         std::string(labels) + "  name: " + std::string(name) + "\n  namespace: " + spec.ns +
         "\n  resourceVersion: \"48213\"\n  uid: 6f1c2b9e-0d5a-4c1e-9a43-5b2f7d81c0aa\n";
}

std::string helm3_labels(const HelmReleaseSpec& spec) {
  return "    modifiedAt: \"1709287200\"\n    name: " + spec.name + "\n    owner: helm\n    status: " + spec.status +
         "\n    version: \"" + std::to_string(spec.revision) + "\"\n";
}

}  // namespace

std::string helm3_release_json(const HelmReleaseSpec& spec) {
  using ordered = nlohmann::ordered_json;
  ordered release;
  release["name"] = spec.name;
  release["info"] = {{"first_deployed", "2024-03-01T10:00:00.123456789Z"},
                     {"last_deployed", "2024-03-01T10:00:00.123456789Z"},
                     {"deleted", ""},
                     {"description", spec.revision == 1 ? "Install complete" : "Upgrade complete"},
                     {"status", spec.status},
                     {"notes",
                      "\"istiod\" successfully installed!\n\nTo learn more about the release, try:\n"
                      "  $ helm status istiod -n istio-system\n"}};
  ordered templates = ordered::array();
  for (const auto& [name, text] : spec.templates)
    templates.push_back({{"name", name}, {"data", codec::encode_base64(text)}});
  release["chart"] = {{"metadata",
                       {{"name", spec.chart},
                        {"home", "https://istio.io"},
                        {"sources", {"https://github.com/istio/istio"}},
                        {"version", spec.chart_version},
                        {"description", "Helm chart for istio control plane"},
                        {"keywords", {"istio", "istiod", "istio-discovery"}},
                        {"icon", "https://istio.io/latest/favicons/android-192x192.png"},
                        {"apiVersion", "v2"},
                        {"appVersion", spec.app_version}}},
                      {"lock", nullptr},
                      {"templates", templates},
                      {"values", spec.chart_values},
                      {"schema", nullptr},
                      {"files", ordered::array()}};
  release["config"] = spec.config;
  release["manifest"] = spec.manifest;
  release["version"] = spec.revision;
  release["namespace"] = spec.ns;
  return go_json_escapes(release.dump());
}

std::string helm3_encoded_release(const HelmReleaseSpec& spec, bool compressed) {
  std::string json = helm3_release_json(spec);
  return codec::encode_base64(compressed ? codec::gzip_best(json) : json);
}

std::string helm3_secret_yaml_with_data(const HelmReleaseSpec& spec, std::string_view data_release) {
  return "apiVersion: v1\ndata:\n  release: " + std::string(data_release) + "\nkind: Secret\n" +
         metadata_yaml(spec, helm3_labels(spec),
                       "sh.helm.release.v1." + spec.name + ".v" + std::to_string(spec.revision)) +
         "type: helm.sh/release.v1\n";
}

std::string helm3_secret_yaml(const HelmReleaseSpec& spec, bool compressed) {
  return helm3_secret_yaml_with_data(spec, codec::encode_base64(helm3_encoded_release(spec, compressed)));
}

std::string helm3_configmap_yaml(const HelmReleaseSpec& spec) {
  return "apiVersion: v1\ndata:\n  release: " + helm3_encoded_release(spec) + "\nkind: ConfigMap\n" +
         metadata_yaml(spec, helm3_labels(spec),
                       "sh.helm.release.v1." + spec.name + ".v" + std::to_string(spec.revision));
}

std::string tiller_release_proto(const HelmReleaseSpec& spec) {
  std::string metadata;
  field_bytes(metadata, 1, spec.chart);
  field_bytes(metadata, 2, "https://istio.io");
  field_bytes(metadata, 4, spec.chart_version);
  field_bytes(metadata, 5, "Helm chart for all istio components");
  field_bytes(metadata, 10, "v1");
  field_bytes(metadata, 13, spec.app_version);
  std::string chart;
  field_bytes(chart, 1, metadata);
  for (const auto& [name, text] : spec.templates) {
    std::string tmpl;
    field_bytes(tmpl, 1, name);
    field_bytes(tmpl, 2, text);
    field_bytes(chart, 2, tmpl);
  }
  std::string chart_values;
  field_bytes(chart_values, 1, spec.chart_values.dump());
  field_bytes(chart, 4, chart_values);
  std::string status;
  field_varint(status, 1, tiller_code(spec.status));
  std::string timestamp;
  field_varint(timestamp, 1, 1551434400);
  std::string info;
  field_bytes(info, 1, status);
  field_bytes(info, 2, timestamp);
  field_bytes(info, 3, timestamp);
  std::string config;
  field_bytes(config, 1, spec.config.dump());
  std::string release;
  field_bytes(release, 1, spec.name);
  field_bytes(release, 2, info);
  field_bytes(release, 3, chart);
  field_bytes(release, 4, config);
  field_bytes(release, 5, spec.manifest);
  field_varint(release, 7, static_cast<uint64_t>(spec.revision));
  field_bytes(release, 8, spec.ns);
  return release;
}

std::string tiller_configmap_yaml(const HelmReleaseSpec& spec) {
  std::string labels = "    MODIFIED_AT: \"1551434400\"\n    NAME: " + spec.name +
                       "\n    OWNER: TILLER\n    STATUS: " + spec.status + "\n    VERSION: \"" +
                       std::to_string(spec.revision) + "\"\n";
  HelmReleaseSpec in_kube_system = spec;
  in_kube_system.ns = "kube-system";
  return "apiVersion: v1\ndata:\n  release: " + codec::encode_base64(codec::gzip_best(tiller_release_proto(spec))) +
         "\nkind: ConfigMap\n" +
         metadata_yaml(in_kube_system, labels, spec.name + ".v" + std::to_string(spec.revision));
}

}  // namespace upcheck::testing
