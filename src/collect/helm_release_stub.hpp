// Helm 3 release Secrets, decoded at collect time so that no release payload (which holds every
// value the user gave Helm, passwords included, and the rendered manifest) reaches the snapshot.
// What is kept is a stub: the Secret's identity and Helm's labels, the release summary in
// `upcheck.io/helm-*` annotations, and no `data`. docs/collect.md describes the stub (format v1).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace upcheck::collect {

inline constexpr std::string_view kHelmReleaseSecretType = "helm.sh/release.v1";

// The values paths the rules read, stored with their effective value (the user's, else the chart's
// default). Extend the list when a rule needs more; never store whole values trees.
inline constexpr std::string_view kHelmValuesKept[] = {"revision", "global.tag", "global.hub", "defaultRevision",
                                                       "revisionTags"};

// True for a Secret Helm 3 stores a release in (type helm.sh/release.v1, label owner=helm).
bool is_helm_release_secret(const nlohmann::json& secret);

// The stub for a Helm release Secret as `kubectl get -o json` prints it. Never throws: a payload
// that cannot be decoded gives a stub with `upcheck.io/helm-decode-error` and `error` set (a
// message that never quotes the payload).
nlohmann::json helm_release_stub(const nlohmann::json& secret, std::string& error);

// The release object inside `data.release`: Kubernetes' base64, over Helm's base64, over gzip
// (when the payload starts with gzip's magic bytes), over JSON (Helm's
// pkg/storage/driver/util.go, decodeRelease). Exposed for the tests.
std::optional<nlohmann::json> decode_helm_release(std::string_view data_release, std::string& error);

std::optional<std::string> base64_decode(std::string_view text);
// At most `max_bytes` of output; nullopt for a corrupt stream or one that inflates beyond it.
std::optional<std::string> gunzip(std::string_view bytes, size_t max_bytes);

}  // namespace upcheck::collect
