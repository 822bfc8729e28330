// Helm release records: the Secrets (Helm 3's default driver), ConfigMaps (Helm 3's configmap
// driver) and Tiller ConfigMaps (Helm 2) in which Helm stores what it installed.
//
// A record holds the whole release: chart, templates, the user's values (which may hold
// passwords) and the rendered manifest. upcheck never keeps that. The loader decodes the record
// once, at the end of the object, into a short summary (chart, versions, status, the handful of
// values rules read, the apiVersion/kind pairs of the manifest) kept in the object's tree under
// `upcheck.io/helm-release`, a key no Kubernetes object has; the raw data is dropped with the rest
// of the object's scratch tree.
//
// Encodings (helm/helm v3 pkg/storage/driver/util.go, encodeRelease/decodeRelease): the release
// is JSON, gzip'd (best compression), then base64 (StdEncoding); records written before Helm
// compressed them are plain JSON, told apart by gzip's magic bytes 1f 8b 08. The Secret driver
// stores that string as the Secret's `data.release` bytes, which the API server shows base64'd
// again (pkg/storage/driver/secrets.go, newSecretsObject); the ConfigMap driver stores it as text
// (cfgmaps.go). Helm 2's Tiller stored gzip'd protobuf `hapi.release.Release` the same way in
// ConfigMaps labelled OWNER=TILLER (helm/helm v2 pkg/storage/driver/cfgmaps.go, _proto/hapi/).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/resource.hpp"
#include "model/tree.hpp"

namespace upcheck {

class Snapshot;

// The key of the summary in a release record's tree.
inline constexpr std::string_view kHelmReleaseKey = "upcheck.io/helm-release";

enum class HelmStorage : uint8_t {
  Secret,            // Helm 3: Secret of type helm.sh/release.v1 (data base64'd twice)
  ConfigMap,         // Helm 3 --storage configmap (data base64'd once)
  TillerConfigMap,   // Helm 2: ConfigMap labelled OWNER=TILLER (gzip'd protobuf)
  TillerSecret,      // Helm 2 --storage=secret: the same in a Secret (data base64'd again)
};
inline bool is_tiller(HelmStorage storage) {
  return storage == HelmStorage::TillerConfigMap || storage == HelmStorage::TillerSecret;
}
std::string_view helm_storage_name(HelmStorage storage);

// One apiVersion/kind pair of the release's rendered manifest: the only thing kept of it.
struct HelmManifestKind {
  std::string api_version;
  std::string kind;
  std::string template_path;   // `# Source:` of its first document ("istiod/templates/pdb.yaml")
  uint32_t count = 0;          // documents with this pair
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
  bool decoded = false;        // false: only the record's labels are known (superseded, undecodable)
  std::string name;            // release name
  std::string ns;              // release namespace
  std::string chart;           // chart name ("istiod")
  std::string chart_version;   // "1.20.3"
  std::string app_version;
  int64_t revision = 0;        // Helm's release version (1, 2, ...)
  std::string status;          // "deployed", "superseded", "failed"... (Tiller: "deployed", "deleted"...)
  HelmReleaseValues values;
  std::vector<HelmManifestKind> manifest_kinds;
};

// Decoding, on the bytes of `data.release`. Every failure is a message that never quotes the
// data. Outputs larger than kMaxDecodedReleaseBytes are refused, so a gzip bomb costs nothing.
inline constexpr size_t kMaxDecodedReleaseBytes = 64u << 20;
// At most this many distinct apiVersion/kind pairs are kept of one manifest.
inline constexpr size_t kMaxManifestKinds = 512;

struct HelmDecodeResult {
  std::optional<HelmReleaseSummary> summary;
  std::string error;   // why not, when summary is empty
};

// Standard base64 (RFC 4648 with padding; line breaks and spaces skipped, as a YAML block scalar
// may fold them in). Empty on any other byte or a bad length.
std::optional<std::string> decode_base64(std::string_view text, size_t max_output = kMaxDecodedReleaseBytes);
// The gzip stream inflated, or `data` unchanged when it does not start with gzip's magic bytes
// (Helm's own test). Empty, with `error` set, when corrupt or larger than `max_output`.
std::optional<std::string> gunzip_if_gzip(std::string data, std::string& error,
                                          size_t max_output = kMaxDecodedReleaseBytes);

// `data.release` of a Helm 3 record: base64 twice for a Secret, once for a ConfigMap.
HelmDecodeResult decode_helm3_release(std::string_view data_release, HelmStorage storage);
// `data.release` of a Tiller record: base64 (twice in a Secret), gzip, protobuf hapi.release.Release.
HelmDecodeResult decode_tiller_release(std::string_view data_release, HelmStorage storage = HelmStorage::TillerConfigMap);
// A release Secret as `upcheck collect` writes it: no data, the summary in `upcheck.io/helm-*`
// annotations (docs/collect.md, stub format v1). Nothing when the annotations are not a v1 stub.
// A stub carries no manifest, so `manifest_kinds` stays empty.
std::optional<HelmReleaseSummary> summary_from_collect_stub(NodeRef annotations);
// The pieces, for tests and for records built by hand.
HelmDecodeResult parse_helm3_release_json(std::string_view json);
HelmDecodeResult parse_tiller_release_proto(std::string_view bytes);
// apiVersion/kind of each document of a rendered manifest (top-level keys only).
std::vector<HelmManifestKind> manifest_kinds(std::string_view manifest);

// Writes the summary as the value of kHelmReleaseKey (the caller has written the key), every node
// at `mark`.
void write_helm_summary(const HelmReleaseSummary& summary, TreeBuilder& out, Mark mark);

// A release record as rules see it.
struct HelmRelease {
  const Resource* record = nullptr;   // the Secret or ConfigMap
  HelmReleaseSummary summary;
  const std::string& name() const { return summary.name; }
  const std::string& ns() const { return summary.ns; }
  // "release istiod in istio-system (chart istiod-1.20.3, revision 2)"
  std::string describe() const;
};

// The summary the loader kept in a record, if it is one.
std::optional<HelmRelease> helm_release_of(const Resource& record);
// Every release record in the snapshot (Secrets and both kinds of ConfigMaps), ordered by
// namespace, release name and revision.
std::vector<HelmRelease> helm_releases(const Snapshot& snapshot);
// The newest revision of each release: what Helm considers installed. Older revisions (Helm
// keeps ten) describe what was, and judging them is the false positive Pluto and kube-no-trouble
// users report (FairwindsOps/pluto#329, doitintl/kube-no-trouble#469). Releases whose newest
// revision was uninstalled (kept with --keep-history) are left out.
std::vector<HelmRelease> current_helm_releases(const Snapshot& snapshot);

}  // namespace upcheck
