#include "collect/helm_release_stub.hpp"

#include "istio/helm_release.hpp"
#include "model/tree_json.hpp"

namespace upcheck::collect {
namespace {

using nlohmann::json;

// The Secret's identity and Helm's labels; nothing else of the original is carried over.
json stub_shell(const json& secret) {
  json metadata = json::object();
  const json& original = secret.contains("metadata") ? secret["metadata"] : json::object();
  for (const char* key : {"name", "namespace", "creationTimestamp", "labels"})
    if (original.is_object() && original.contains(key)) metadata[key] = original[key];
  return {{"apiVersion", "v1"},
          {"kind", "Secret"},
          {"type", std::string(kHelmReleaseSecretType)},
          {"metadata", std::move(metadata)}};
}

// Every revision is decoded, superseded ones too (the loader reads those from their labels alone):
// a snapshot holds what the records held.
std::optional<HelmReleaseSummary> decode(const json& secret, std::string& error) {
  const Tree record = tree_from_json(secret);
  NodeRef data = record.root()["data"]["release"];
  if (!data.is_scalar()) {
    error = "the Secret has no data.release";
    return std::nullopt;
  }
  HelmDecodeResult decoded = decode_release(data.text(), HelmStorage::Secret);
  if (!decoded.summary) {
    error = std::move(decoded.error);
    return std::nullopt;
  }
  if (decoded.summary->ns.empty()) decoded.summary->ns = record.root()["metadata"]["namespace"].text();
  return decoded.summary;
}

}  // namespace

bool is_helm_release_secret(const json& secret) {
  if (!secret.is_object() || secret.value("type", "") != kHelmReleaseSecretType) return false;
  const json& metadata = secret.value("metadata", json::object());
  const json& labels = metadata.is_object() ? metadata.value("labels", json::object()) : json::object();
  return labels.is_object() && labels.value("owner", json()) == "helm";
}

json helm_release_stub(const json& secret, std::string& error) {
  json stub = stub_shell(secret);
  json& annotations = stub["metadata"]["annotations"];
  std::optional<HelmReleaseSummary> summary = decode(secret, error);
  if (!summary) {
    annotations[std::string(kCollectStubMarker)] = "v1";
    annotations[std::string(kCollectStubDecodeError)] = error;
    return stub;
  }
  for (auto& [key, value] : collect_stub_annotations(*summary)) annotations[key] = std::move(value);
  return stub;
}

}  // namespace upcheck::collect
