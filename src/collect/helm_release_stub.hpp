// Helm 3 release Secrets, decoded at collect time so that no release payload (which holds every
// value the user gave Helm, passwords included, and the rendered manifest) reaches the snapshot.
// What is kept is a stub: the Secret's identity and Helm's labels, the release summary in
// `upcheck.io/helm-*` annotations, and no `data`. The record is decoded by the loader's own
// decoder and the summary written by model/helm_release.hpp (collect_stub_annotations), so the
// loader reads the stub back as the summary it would have decoded. docs/collect.md describes the
// stub (format v1).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace upcheck::collect {

inline constexpr std::string_view kHelmReleaseSecretType = "helm.sh/release.v1";

// True for a Secret Helm 3 stores a release in (type helm.sh/release.v1, label owner=helm).
bool is_helm_release_secret(const nlohmann::json& secret);

// The stub for a Helm release Secret as `kubectl get -o json` prints it. Never throws: a payload
// that cannot be decoded gives a stub with `upcheck.io/helm-decode-error` and `error` set (a
// message that never quotes the payload).
nlohmann::json helm_release_stub(const nlohmann::json& secret, std::string& error);

}  // namespace upcheck::collect
