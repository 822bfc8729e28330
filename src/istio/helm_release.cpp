#include "istio/helm_release.hpp"

#include <nlohmann/json.hpp>

#include <charconv>

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <array>
#include <map>
#include <span>
#include <tuple>

#include "codec/base64.hpp"
#include "codec/gzip.hpp"
#include "model/snapshot.hpp"

namespace upcheck {
namespace {

std::string mib(size_t bytes) { return fmt::format("{} MiB", bytes >> 20); }

// --- Helm 3: the release JSON, read with simdjson's On-Demand API, so that nothing but the few
// fields upcheck keeps is ever materialised: templates, files and the user's other values are
// skipped over, never unescaped or copied.

namespace od = simdjson::ondemand;

struct PartialValues {
  HelmReleaseValues values;
  bool has_revision_tags = false;
};

// The user's values win over the chart's. Istio's charts since 1.22 nest their defaults under
// `_internal_defaults_do_not_set` (manifests/charts/istio-control/istio-discovery/values.yaml),
// which win over any left at the top of the chart's values.
HelmReleaseValues merge_values(const PartialValues& config, const PartialValues& internal, const PartialValues& chart) {
  HelmReleaseValues out;
  auto pick = [](const std::optional<std::string>& a, const std::optional<std::string>& b,
                 const std::optional<std::string>& c) {
    return a ? a : b ? b : c;
  };
  out.revision = pick(config.values.revision, internal.values.revision, chart.values.revision);
  out.default_revision =
      pick(config.values.default_revision, internal.values.default_revision, chart.values.default_revision);
  out.global_tag = pick(config.values.global_tag, internal.values.global_tag, chart.values.global_tag);
  out.global_hub = pick(config.values.global_hub, internal.values.global_hub, chart.values.global_hub);
  out.revision_tags = config.has_revision_tags     ? config.values.revision_tags
                      : internal.has_revision_tags ? internal.values.revision_tags
                                                   : chart.values.revision_tags;
  return out;
}

// A scalar as text (a number as written: `--set global.tag=1.24` stores a number); nothing for a
// container. False on malformed JSON.
bool scalar_text(od::value value, std::optional<std::string>& out) {
  od::json_type type;
  if (value.type().get(type)) return false;
  switch (type) {
    case od::json_type::string: {
      std::string_view text;
      if (value.get_string().get(text)) return false;
      out = std::string(text);
      return true;
    }
    case od::json_type::number: {
      std::string_view token = value.raw_json_token();
      while (!token.empty() &&
             (token.back() == ' ' || token.back() == '\n' || token.back() == '\r' || token.back() == '\t'))
        token.remove_suffix(1);
      out = std::string(token);
      return true;
    }
    case od::json_type::boolean: {
      bool b = false;
      if (value.get_bool().get(b)) return false;
      out = b ? "true" : "false";
      return true;
    }
    case od::json_type::null:
      out = std::string();
      return !value.is_null().error();
    default:
      return true;  // an object or array where a scalar was expected: ignored
  }
}

// The values rules read, from one values object; `nested` receives Istio's nested chart defaults.
bool read_values(od::object object, PartialValues& out, PartialValues* nested) {
  for (auto field : object) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return false;
    od::value value;
    if (field.value().get(value)) return false;
    if (key == "revision") {
      if (!scalar_text(value, out.values.revision)) return false;
    } else if (key == "defaultRevision") {
      if (!scalar_text(value, out.values.default_revision)) return false;
    } else if (key == "global") {
      od::object global;
      if (value.get_object().get(global)) continue;  // not an object: nothing of ours in it
      for (auto g : global) {
        std::string_view gkey;
        if (g.unescaped_key().get(gkey)) return false;
        od::value gvalue;
        if (g.value().get(gvalue)) return false;
        if (gkey == "tag" && !scalar_text(gvalue, out.values.global_tag)) return false;
        if (gkey == "hub" && !scalar_text(gvalue, out.values.global_hub)) return false;
      }
    } else if (key == "revisionTags") {
      od::array tags;
      if (value.get_array().get(tags)) continue;
      out.has_revision_tags = true;
      for (auto element : tags) {
        od::value tag;
        if (element.get(tag)) return false;
        std::optional<std::string> text;
        if (!scalar_text(tag, text)) return false;
        if (text) out.values.revision_tags.push_back(std::move(*text));
      }
    } else if (key == "_internal_defaults_do_not_set" && nested != nullptr) {
      od::object inner;
      if (value.get_object().get(inner)) continue;
      if (!read_values(inner, *nested, nullptr)) return false;
    }
  }
  return true;
}

bool read_string(od::value value, std::string& out) {
  std::optional<std::string> text;
  if (!scalar_text(value, text)) return false;
  out = text.value_or("");
  return true;
}

bool read_release(od::object root, HelmReleaseSummary& summary, PartialValues& config, PartialValues& internal,
                  PartialValues& chart_defaults) {
  for (auto field : root) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return false;
    od::value value;
    if (field.value().get(value)) return false;
    if (key == "name") {
      if (!read_string(value, summary.name)) return false;
    } else if (key == "namespace") {
      if (!read_string(value, summary.ns)) return false;
    } else if (key == "version") {
      int64_t revision = 0;
      if (value.get_int64().get(revision)) return false;
      summary.revision = revision;
    } else if (key == "manifest") {
      std::string_view manifest;
      if (value.get_string().get(manifest)) return false;
      summary.manifest_kinds = manifest_kinds(manifest);
    } else if (key == "info") {
      od::object info;
      if (value.get_object().get(info)) continue;
      for (auto f : info) {
        std::string_view k;
        if (f.unescaped_key().get(k)) return false;
        od::value v;
        if (f.value().get(v)) return false;
        if (k == "status" && !read_string(v, summary.status)) return false;
      }
    } else if (key == "config") {
      od::object object;
      if (value.get_object().get(object)) continue;
      if (!read_values(object, config, nullptr)) return false;
    } else if (key == "chart") {
      od::object chart;
      if (value.get_object().get(chart)) continue;
      for (auto f : chart) {
        std::string_view k;
        if (f.unescaped_key().get(k)) return false;
        od::value v;
        if (f.value().get(v)) return false;
        od::object object;
        if (k == "metadata") {
          if (v.get_object().get(object)) continue;
          for (auto m : object) {
            std::string_view mk;
            if (m.unescaped_key().get(mk)) return false;
            od::value mv;
            if (m.value().get(mv)) return false;
            if (mk == "name" && !read_string(mv, summary.chart)) return false;
            if (mk == "version" && !read_string(mv, summary.chart_version)) return false;
            if (mk == "appVersion" && !read_string(mv, summary.app_version)) return false;
          }
        } else if (k == "values") {
          if (v.get_object().get(object)) continue;
          if (!read_values(object, chart_defaults, &internal)) return false;
        }
      }
    }
  }
  return true;
}

// `json` must have simdjson::SIMDJSON_PADDING bytes of capacity past its size.
HelmDecodeResult parse_padded_release(simdjson::padded_string_view json) {
  // One parser per thread: its buffers are reused from one record to the next.
  thread_local od::parser parser;
  od::document document;
  od::object root;
  HelmReleaseSummary summary;
  PartialValues config, internal, chart_defaults;
  if (parser.iterate(json).get(document) || document.get_object().get(root) ||
      !read_release(root, summary, config, internal, chart_defaults))
    return {std::nullopt, "the release is not valid JSON"};
  summary.values = merge_values(config, internal, chart_defaults);
  summary.decoded = true;
  if (summary.name.empty() && summary.chart.empty()) return {std::nullopt, "the JSON is not a Helm release"};
  return {std::move(summary), {}};
}

// --- Helm 2: protobuf hapi.release.Release, read with the wire format alone (no generated
// code): varints and length-delimited fields, the rest skipped.

class ProtoReader {
 public:
  explicit ProtoReader(std::string_view data) : data_(data) {}
  bool done() const { return pos_ >= data_.size(); }
  bool failed() const { return failed_; }

  // The next field: its number, wire type and value (a varint or the bytes of a length-delimited
  // field). False at the end or on malformed input (then failed()).
  bool next(uint32_t& field, uint32_t& wire, uint64_t& number, std::string_view& bytes) {
    if (done()) return false;
    uint64_t tag = 0;
    if (!varint(tag)) return fail();
    field = static_cast<uint32_t>(tag >> 3);
    wire = static_cast<uint32_t>(tag & 7);
    if (field == 0) return fail();
    switch (wire) {
      case 0:
        return varint(number) || fail();
      case 1:
        return skip(8);
      case 2: {
        uint64_t length = 0;
        if (!varint(length) || length > data_.size() - pos_) return fail();
        bytes = data_.substr(pos_, length);
        pos_ += length;
        return true;
      }
      case 5:
        return skip(4);
      default:  // groups (3, 4) are not used by hapi; anything else is corrupt
        return fail();
    }
  }

 private:
  bool varint(uint64_t& out) {
    out = 0;
    for (int shift = 0; shift < 64 && pos_ < data_.size(); shift += 7) {
      auto byte = static_cast<uint8_t>(data_[pos_++]);
      out |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return true;
    }
    return false;
  }
  bool skip(size_t n) {
    if (n > data_.size() - pos_) return fail();
    pos_ += n;
    return true;
  }
  bool fail() {
    failed_ = true;
    return false;
  }

  std::string_view data_;
  size_t pos_ = 0;
  bool failed_ = false;
};

// hapi.release.Status.Code (_proto/hapi/release/status.proto), lower-cased.
std::string_view tiller_status(uint64_t code) {
  static constexpr std::array<std::string_view, 9> kNames = {"unknown",         "deployed",        "deleted",
                                                             "superseded",      "failed",          "deleting",
                                                             "pending_install", "pending_upgrade", "pending_rollback"};
  return code < kNames.size() ? kNames[code] : "unknown";
}

// Reads one embedded message field by field; false when it is malformed.
template <typename OnField>
bool read_message(std::string_view bytes, OnField on_field) {
  ProtoReader reader(bytes);
  uint32_t field = 0, wire = 0;
  uint64_t number = 0;
  std::string_view value;
  while (reader.next(field, wire, number, value))
    if (!on_field(field, wire, number, value)) return false;
  return !reader.failed();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// A top-level scalar as YAML would read it: comments and quotes removed.
std::string_view scalar_value(std::string_view s) {
  s = trim(s);
  if (!s.empty() && (s.front() == '"' || s.front() == '\'')) {
    char quote = s.front();
    size_t end = s.find(quote, 1);
    return end == std::string_view::npos ? s.substr(1) : s.substr(1, end - 1);
  }
  if (size_t hash = s.find(" #"); hash != std::string_view::npos) s = trim(s.substr(0, hash));
  return s;
}

}  // namespace

std::string_view helm_storage_name(HelmStorage storage) {
  switch (storage) {
    case HelmStorage::Secret:
      return "Secret";
    case HelmStorage::ConfigMap:
      return "ConfigMap";
    case HelmStorage::TillerConfigMap:
      return "TillerConfigMap";
    case HelmStorage::TillerSecret:
      return "TillerSecret";
  }
  return "Secret";
}

std::optional<std::string> gunzip_if_gzip(std::string data, std::string& error, size_t max_output) {
  if (!codec::starts_with_gzip_magic(data)) {
    if (data.size() <= max_output) return data;
    error = "larger than " + mib(max_output);
    return std::nullopt;
  }
  return codec::gunzip(data, max_output, error);
}

HelmDecodeResult parse_helm3_release_json(std::string_view json) {
  simdjson::padded_string padded(json);
  return parse_padded_release(padded);
}

HelmDecodeResult parse_tiller_release_proto(std::string_view bytes) {
  HelmReleaseSummary summary;
  summary.storage = HelmStorage::TillerConfigMap;
  auto metadata = [&](uint32_t field, uint32_t wire, uint64_t, std::string_view value) {
    if (wire != 2) return true;
    if (field == 1) summary.chart = std::string(value);
    if (field == 4) summary.chart_version = std::string(value);
    if (field == 13) summary.app_version = std::string(value);
    return true;
  };
  auto chart = [&](uint32_t field, uint32_t wire, uint64_t, std::string_view value) {
    return field != 1 || wire != 2 || read_message(value, metadata);
  };
  auto status = [&](uint32_t field, uint32_t wire, uint64_t number, std::string_view) {
    if (field == 1 && wire == 0) summary.status = std::string(tiller_status(number));
    return true;
  };
  auto info = [&](uint32_t field, uint32_t wire, uint64_t, std::string_view value) {
    return field != 1 || wire != 2 || read_message(value, status);
  };
  auto release = [&](uint32_t field, uint32_t wire, uint64_t number, std::string_view value) {
    if (wire == 0 && field == 7) summary.revision = static_cast<int64_t>(number);
    if (wire != 2) return true;
    switch (field) {
      case 1:
        summary.name = std::string(value);
        return true;
      case 2:
        return read_message(value, info);
      case 3:
        return read_message(value, chart);
      case 5:
        summary.manifest_kinds = manifest_kinds(value);
        return true;
      case 8:
        summary.ns = std::string(value);
        return true;
      default:
        return true;  // config (user values), hooks
    }
  };
  if (!read_message(bytes, release)) return {std::nullopt, "the release is not a valid protobuf message"};
  if (summary.name.empty() && summary.chart.empty())
    return {std::nullopt, "the protobuf message is not a Helm release"};
  summary.decoded = true;
  return {std::move(summary), {}};
}

std::optional<HelmReleaseSummary> summary_from_collect_stub(NodeRef annotations) {
  if (annotations[kCollectStubMarker].text() != "v1") return std::nullopt;
  if (annotations[kCollectStubDecodeError].valid()) return std::nullopt;
  HelmReleaseSummary s;
  s.storage = HelmStorage::Secret;
  s.decoded = true;
  s.name = annotations["upcheck.io/helm-release"].text();
  s.chart = annotations["upcheck.io/helm-chart"].text();
  s.chart_version = annotations["upcheck.io/helm-chart-version"].text();
  s.app_version = annotations["upcheck.io/helm-app-version"].text();
  s.status = annotations["upcheck.io/helm-status"].text();
  std::string_view revision = annotations["upcheck.io/helm-revision"].text();
  std::from_chars(revision.data(), revision.data() + revision.size(), s.revision);
  auto values = nlohmann::json::parse(annotations["upcheck.io/helm-values"].text(), nullptr, false);
  if (values.is_object()) {
    auto text = [](const nlohmann::json& v) -> std::optional<std::string> {
      if (v.is_string()) return v.get<std::string>();
      if (v.is_number() || v.is_boolean()) return v.dump();
      return std::nullopt;
    };
    if (auto it = values.find("revision"); it != values.end()) s.values.revision = text(*it);
    if (auto it = values.find("defaultRevision"); it != values.end()) s.values.default_revision = text(*it);
    if (auto global = values.find("global"); global != values.end() && global->is_object()) {
      if (auto it = global->find("tag"); it != global->end()) s.values.global_tag = text(*it);
      if (auto it = global->find("hub"); it != global->end()) s.values.global_hub = text(*it);
    }
    if (auto tags = values.find("revisionTags"); tags != values.end() && tags->is_array())
      for (const auto& tag : *tags)
        if (auto t = text(tag)) s.values.revision_tags.push_back(*t);
  }
  return s;
}

std::vector<std::pair<std::string, std::string>> collect_stub_annotations(const HelmReleaseSummary& s) {
  nlohmann::json values = nlohmann::json::object();  // keys sorted, as nlohmann keeps them
  if (s.values.revision) values["revision"] = *s.values.revision;
  if (s.values.default_revision) values["defaultRevision"] = *s.values.default_revision;
  if (s.values.global_tag) values["global"]["tag"] = *s.values.global_tag;
  if (s.values.global_hub) values["global"]["hub"] = *s.values.global_hub;
  if (!s.values.revision_tags.empty()) values["revisionTags"] = s.values.revision_tags;
  std::vector<std::pair<std::string, std::string>> out;
  auto add = [&](std::string_view name, std::string value) {
    if (!value.empty()) out.emplace_back("upcheck.io/helm-" + std::string(name), std::move(value));
  };
  add("app-version", s.app_version);
  add("chart", s.chart);
  add("chart-version", s.chart_version);
  add("release", s.name);
  add("release-stub", "v1");
  add("revision", s.revision != 0 ? std::to_string(s.revision) : std::string());
  add("status", s.status);
  add("values", values.dump());
  return out;
}

std::optional<HelmStorage> release_record_storage(NodeRef root, std::string_view kind) {
  NodeRef labels = root["metadata"]["labels"];
  if (kind == "Secret" && root["type"].text() == "helm.sh/release.v1") return HelmStorage::Secret;
  if (kind == "ConfigMap" && labels["owner"].text() == "helm" &&
      root["metadata"]["name"].text().substr(0, 19) == "sh.helm.release.v1.")
    return HelmStorage::ConfigMap;
  if (kind == "ConfigMap" && labels["OWNER"].text() == "TILLER") return HelmStorage::TillerConfigMap;
  if (kind == "Secret" && labels["OWNER"].text() == "TILLER") return HelmStorage::TillerSecret;
  return std::nullopt;
}

std::optional<HelmReleaseSummary> read_release_record(NodeRef root, std::string_view kind, std::string& error) {
  std::optional<HelmStorage> storage = release_record_storage(root, kind);
  if (!storage) return std::nullopt;

  const bool tiller = is_tiller(*storage);
  NodeRef labels = root["metadata"]["labels"];
  HelmReleaseSummary summary;
  summary.storage = *storage;
  summary.name = labels[tiller ? "NAME" : "name"].text();
  // The label is quoted ("3"): read its text whatever its style.
  std::string_view revision = labels[tiller ? "VERSION" : "version"].text();
  std::from_chars(revision.data(), revision.data() + revision.size(), summary.revision);
  for (char c : labels[tiller ? "STATUS" : "status"].text())
    summary.status.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
  if (!tiller) summary.ns = root["metadata"]["namespace"].text();

  std::string_view data = root["data"]["release"].text();
  if (data.empty() && *storage == HelmStorage::Secret)
    if (std::optional<HelmReleaseSummary> stub = summary_from_collect_stub(root["metadata"]["annotations"])) {
      if (stub->ns.empty()) stub->ns = summary.ns;
      if (stub->name.empty()) stub->name = summary.name;
      return stub;
    }
  if (summary.status == "superseded" || data.empty()) return summary;
  HelmDecodeResult decoded = decode_release(data, *storage);
  if (!decoded.summary) {
    error = std::move(decoded.error);
    return summary;
  }
  if (!tiller && decoded.summary->ns.empty()) decoded.summary->ns = summary.ns;
  return decoded.summary;
}

HelmDecodeResult decode_release(std::string_view data_release, HelmStorage storage) {
  return is_tiller(storage) ? decode_tiller_release(data_release, storage)
                            : decode_helm3_release(data_release, storage);
}

HelmDecodeResult decode_helm3_release(std::string_view data_release, HelmStorage storage) {
  std::optional<std::string> bytes = codec::decode_base64(data_release, kMaxDecodedReleaseBytes);
  if (bytes && storage == HelmStorage::Secret) bytes = codec::decode_base64(*bytes, kMaxDecodedReleaseBytes);
  if (!bytes) return {std::nullopt, "data.release is not base64"};
  std::string error;
  std::optional<std::string> json = gunzip_if_gzip(std::move(*bytes), error);
  if (!json) return {std::nullopt, "the release is " + error};
  json->reserve(json->size() + simdjson::SIMDJSON_PADDING);
  HelmDecodeResult result =
      parse_padded_release(simdjson::padded_string_view(json->data(), json->size(), json->capacity()));
  if (result.summary) result.summary->storage = storage;
  return result;
}

HelmDecodeResult decode_tiller_release(std::string_view data_release, HelmStorage storage) {
  std::optional<std::string> bytes = codec::decode_base64(data_release, kMaxDecodedReleaseBytes);
  if (bytes && storage == HelmStorage::TillerSecret) bytes = codec::decode_base64(*bytes, kMaxDecodedReleaseBytes);
  if (!bytes) return {std::nullopt, "data.release is not base64"};
  std::string error;
  std::optional<std::string> proto = gunzip_if_gzip(std::move(*bytes), error);
  if (!proto) return {std::nullopt, "the release is " + error};
  HelmDecodeResult result = parse_tiller_release_proto(*proto);
  if (result.summary) result.summary->storage = storage;
  return result;
}

std::vector<HelmManifestKind> manifest_kinds(std::string_view manifest) {
  std::vector<HelmManifestKind> out;
  std::string_view api_version, kind, source;
  auto finish_document = [&] {
    if (!api_version.empty() && !kind.empty()) {
      auto same = std::find_if(out.begin(), out.end(), [&](const HelmManifestKind& k) {
        return k.api_version == api_version && k.kind == kind;
      });
      if (same != out.end())
        ++same->count;
      else if (out.size() < kMaxManifestKinds)
        out.push_back({std::string(api_version), std::string(kind), std::string(source), 1});
    }
    api_version = kind = source = {};
  };
  while (!manifest.empty()) {
    size_t newline = manifest.find('\n');
    std::string_view line = manifest.substr(0, newline);
    manifest = newline == std::string_view::npos ? std::string_view{} : manifest.substr(newline + 1);
    if (line.substr(0, 3) == "---") {
      finish_document();
    } else if (line.substr(0, 10) == "# Source: ") {
      source = trim(line.substr(10));
    } else if (line.substr(0, 11) == "apiVersion:") {
      api_version = scalar_value(line.substr(11));
    } else if (line.substr(0, 5) == "kind:") {
      kind = scalar_value(line.substr(5));
    }
  }
  finish_document();
  return out;
}

std::string HelmRelease::describe() const {
  std::string chart = summary.chart.empty() ? std::string("chart unknown")
                                            : fmt::format("chart {}-{}", summary.chart, summary.chart_version);
  return fmt::format("release {} in {} ({}, revision {})", summary.name,
                     summary.ns.empty() ? std::string(record->ns()) : summary.ns, chart, summary.revision);
}

std::optional<HelmRelease> helm_release_of(const Resource& record) {
  const HelmReleaseSummary* summary = record.helm_release();
  if (summary == nullptr) return std::nullopt;
  return HelmRelease{&record, *summary};
}

std::vector<HelmRelease> helm_releases(const Snapshot& snapshot) {
  std::vector<HelmRelease> out;
  for (std::string_view kind : {"Secret", "ConfigMap"})
    for (const Resource* r : snapshot.of_kind(kind))
      if (std::optional<HelmRelease> release = helm_release_of(*r)) out.push_back(std::move(*release));
  std::stable_sort(out.begin(), out.end(), [](const HelmRelease& a, const HelmRelease& b) {
    return std::tuple(a.record->ns(), std::string_view(a.summary.name), a.summary.revision) <
           std::tuple(b.record->ns(), std::string_view(b.summary.name), b.summary.revision);
  });
  return out;
}

std::vector<HelmRelease> current_helm_releases(const Snapshot& snapshot) {
  std::map<std::tuple<std::string, std::string, HelmStorage>, HelmRelease> newest;
  for (HelmRelease& r : helm_releases(snapshot)) {
    auto key = std::tuple(std::string(r.record->ns()), r.summary.name, r.summary.storage);
    auto it = newest.find(key);
    if (it == newest.end())
      newest.emplace(std::move(key), std::move(r));
    else if (r.summary.revision >= it->second.summary.revision)
      it->second = std::move(r);
  }
  std::vector<HelmRelease> out;
  for (auto& entry : newest) {
    const std::string& status = entry.second.summary.status;
    if (status == "uninstalled" || status == "uninstalling" || status == "deleted" || status == "deleting") continue;
    out.push_back(std::move(entry.second));
  }
  return out;
}

}  // namespace upcheck
