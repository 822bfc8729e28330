// Helm release records: the Secrets (Helm 3's default driver), ConfigMaps (Helm 3's configmap
// driver) and Tiller ConfigMaps (Helm 2) in which Helm stores what it installed.
//
// A record holds the whole release: chart, templates, the user's values (which may hold
// passwords) and the rendered manifest. upcheck never keeps that. The loader decodes the record
// once, at the end of the object (read_release_record), into a HelmReleaseSummary that the
// Resource carries; the raw data is dropped with the rest of the object's scratch tree. `upcheck
// collect` decodes a record with the same code and writes the summary as a stub (docs/collect.md),
// which reads back as the same summary.
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
#include <utility>
#include <vector>

#include "model/helm_release_summary.hpp"
#include "model/resource.hpp"
#include "model/tree.hpp"

namespace upcheck {

class Snapshot;

std::string_view helm_storage_name(HelmStorage storage);

// Decoding, on the bytes of `data.release`. Every failure is a message that never quotes the
// data. Outputs larger than kMaxDecodedReleaseBytes are refused, so a gzip bomb costs nothing.
inline constexpr size_t kMaxDecodedReleaseBytes = 64u << 20;
// At most this many distinct apiVersion/kind pairs are kept of one manifest.
inline constexpr size_t kMaxManifestKinds = 512;

struct HelmDecodeResult {
  std::optional<HelmReleaseSummary> summary;
  std::string error;  // why not, when summary is empty
};

// The gzip stream inflated, or `data` unchanged when it does not start with gzip's magic bytes
// (Helm's own test). Empty, with `error` set, when corrupt or larger than `max_output`.
std::optional<std::string> gunzip_if_gzip(std::string data, std::string& error,
                                          size_t max_output = kMaxDecodedReleaseBytes);

// Which kind of Helm release record a Secret or ConfigMap (of apiVersion v1) is, by its type,
// labels and name as Helm's drivers write them; nothing for any other object.
std::optional<HelmStorage> release_record_storage(NodeRef root, std::string_view kind);
// What a release record holds: its `data.release` decoded; else (a superseded record, whose
// revision no longer describes what is installed; one without data; one that cannot be decoded,
// with `error` set) what its labels say. A collect stub gives the summary it carries. Nothing for
// any other object.
std::optional<HelmReleaseSummary> read_release_record(NodeRef root, std::string_view kind, std::string& error);
// `data.release` decoded as `storage` stores it.
HelmDecodeResult decode_release(std::string_view data_release, HelmStorage storage);
// `data.release` of a Helm 3 record: base64 twice for a Secret, once for a ConfigMap.
HelmDecodeResult decode_helm3_release(std::string_view data_release, HelmStorage storage);
// `data.release` of a Tiller record: base64 (twice in a Secret), gzip, protobuf hapi.release.Release.
HelmDecodeResult decode_tiller_release(std::string_view data_release,
                                       HelmStorage storage = HelmStorage::TillerConfigMap);
// A release Secret as `upcheck collect` writes it: no data, the summary in `upcheck.io/helm-*`
// annotations (docs/collect.md, stub format v1). Nothing when the annotations are not a v1 stub.
// A stub carries no manifest, so `manifest_kinds` stays empty.
std::optional<HelmReleaseSummary> summary_from_collect_stub(NodeRef annotations);
// The stub's annotations for a decoded summary, as (key, value) pairs in key order:
// summary_from_collect_stub reads them back as `summary`, less its manifest kinds.
std::vector<std::pair<std::string, std::string>> collect_stub_annotations(const HelmReleaseSummary& summary);
inline constexpr std::string_view kCollectStubMarker = "upcheck.io/helm-release-stub";
inline constexpr std::string_view kCollectStubDecodeError = "upcheck.io/helm-decode-error";
// The pieces, for tests and for records built by hand.
HelmDecodeResult parse_helm3_release_json(std::string_view json);
HelmDecodeResult parse_tiller_release_proto(std::string_view bytes);
// apiVersion/kind of each document of a rendered manifest (top-level keys only).
std::vector<HelmManifestKind> manifest_kinds(std::string_view manifest);

// A release record as rules see it.
struct HelmRelease {
  const Resource* record = nullptr;  // the Secret or ConfigMap
  HelmReleaseSummary summary;
  const std::string& name() const { return summary.name; }
  const std::string& ns() const { return summary.ns; }
  // "release istiod in istio-system (chart istiod-1.20.3, revision 2)"
  std::string describe() const;
};

// The summary the loader decoded of a record (Resource::helm_release), if it is one.
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
