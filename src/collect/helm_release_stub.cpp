#include "collect/helm_release_stub.hpp"

#include <zlib.h>

#include <array>

namespace upcheck::collect {
namespace {

using nlohmann::json;

constexpr size_t kMaxReleaseBytes = 64u << 20;   // a release JSON larger than this is not read
constexpr std::string_view kPrefix = "upcheck.io/helm-";

const json* find_path(const json& root, std::string_view dotted) {
  const json* node = &root;
  while (!dotted.empty()) {
    size_t dot = dotted.find('.');
    std::string key(dotted.substr(0, dot));
    dotted = dot == std::string_view::npos ? std::string_view{} : dotted.substr(dot + 1);
    if (!node->is_object()) return nullptr;
    auto it = node->find(key);
    if (it == node->end()) return nullptr;
    node = &*it;
  }
  return node;
}

void set_path(json& root, std::string_view dotted, json value) {
  json* node = &root;
  while (true) {
    size_t dot = dotted.find('.');
    std::string key(dotted.substr(0, dot));
    if (dot == std::string_view::npos) {
      (*node)[key] = std::move(value);
      return;
    }
    node = &(*node)[key];
    dotted = dotted.substr(dot + 1);
  }
}

// Scalars, or lists of scalars (revisionTags): a values path that holds a tree is not what the
// rules read, and is not copied.
bool is_kept_value(const json& v) {
  if (v.is_primitive()) return true;
  if (!v.is_array()) return false;
  for (const json& e : v)
    if (!e.is_primitive()) return false;
  return true;
}

std::string text_of(const json* v) {
  if (v == nullptr || v->is_null()) return "";
  return v->is_string() ? v->get<std::string>() : v->dump();
}

// The Secret's identity and Helm's labels; nothing else of the original is carried over.
json stub_shell(const json& secret) {
  json metadata = json::object();
  const json& original = secret.contains("metadata") ? secret["metadata"] : json::object();
  for (const char* key : {"name", "namespace", "creationTimestamp", "labels"})
    if (original.is_object() && original.contains(key)) metadata[key] = original[key];
  return {{"apiVersion", "v1"}, {"kind", "Secret"}, {"type", std::string(kHelmReleaseSecretType)},
          {"metadata", std::move(metadata)}};
}

}  // namespace

std::optional<std::string> base64_decode(std::string_view text) {
  static const std::array<int8_t, 256> kValues = [] {
    std::array<int8_t, 256> v{};
    v.fill(-1);
    std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < alphabet.size(); ++i) v[static_cast<uint8_t>(alphabet[i])] = static_cast<int8_t>(i);
    return v;
  }();
  std::string out;
  out.reserve(text.size() / 4 * 3);
  uint32_t bits = 0;
  int count = 0;
  size_t padding = 0;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == ' ' || c == '\t') continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    int8_t value = kValues[static_cast<uint8_t>(c)];
    if (value < 0 || padding > 0) return std::nullopt;   // not base64, or data after padding
    bits = (bits << 6) | static_cast<uint32_t>(value);
    if (++count == 4) {
      out += static_cast<char>((bits >> 16) & 0xFF);
      out += static_cast<char>((bits >> 8) & 0xFF);
      out += static_cast<char>(bits & 0xFF);
      bits = 0;
      count = 0;
    }
  }
  if (count == 1 || padding > 2) return std::nullopt;
  if (count == 2) out += static_cast<char>((bits >> 4) & 0xFF);
  if (count == 3) {
    out += static_cast<char>((bits >> 10) & 0xFF);
    out += static_cast<char>((bits >> 2) & 0xFF);
  }
  return out;
}

std::optional<std::string> gunzip(std::string_view bytes, size_t max_bytes) {
  z_stream stream{};
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) return std::nullopt;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  std::string out;
  int status = Z_OK;
  std::array<char, 65536> chunk{};
  while (status == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(chunk.data());
    stream.avail_out = static_cast<uInt>(chunk.size());
    status = inflate(&stream, Z_NO_FLUSH);
    if (status != Z_OK && status != Z_STREAM_END) break;
    out.append(chunk.data(), chunk.size() - stream.avail_out);
    if (out.size() > max_bytes) status = Z_MEM_ERROR;
    else if (status == Z_OK && stream.avail_in == 0 && stream.avail_out != 0) status = Z_DATA_ERROR;  // truncated
  }
  inflateEnd(&stream);
  if (status != Z_STREAM_END) return std::nullopt;
  return out;
}

bool is_helm_release_secret(const json& secret) {
  if (!secret.is_object() || secret.value("type", "") != kHelmReleaseSecretType) return false;
  const json* owner = find_path(secret, "metadata.labels.owner");
  return owner != nullptr && owner->is_string() && owner->get<std::string>() == "helm";
}

std::optional<json> decode_helm_release(std::string_view data_release, std::string& error) {
  std::optional<std::string> stored = base64_decode(data_release);   // Kubernetes' encoding of the bytes
  if (!stored) {
    error = "data.release is not base64";
    return std::nullopt;
  }
  std::optional<std::string> payload = base64_decode(*stored);       // Helm's own encoding
  if (!payload) {
    error = "the release is not base64 inside the Secret's data";
    return std::nullopt;
  }
  // Releases stored before Helm compressed them are plain JSON; the rest start with gzip's magic.
  if (payload->size() >= 3 && static_cast<uint8_t>((*payload)[0]) == 0x1f &&
      static_cast<uint8_t>((*payload)[1]) == 0x8b && static_cast<uint8_t>((*payload)[2]) == 0x08) {
    std::optional<std::string> inflated = gunzip(*payload, kMaxReleaseBytes);
    if (!inflated) {
      error = "the release is not valid gzip, or inflates beyond 64 MiB";
      return std::nullopt;
    }
    payload = std::move(inflated);
  }
  json release = json::parse(*payload, nullptr, false);
  if (release.is_discarded() || !release.is_object()) {
    error = "the release is not a JSON object";
    return std::nullopt;
  }
  return release;
}

json helm_release_stub(const json& secret, std::string& error) {
  json stub = stub_shell(secret);
  json& annotations = stub["metadata"]["annotations"];
  annotations[std::string(kPrefix) + "release-stub"] = "v1";

  const json* data = find_path(secret, "data.release");
  std::optional<json> release;
  if (data == nullptr || !data->is_string())
    error = "the Secret has no data.release";
  else
    release = decode_helm_release(data->get_ref<const std::string&>(), error);
  if (!release) {
    annotations[std::string(kPrefix) + "decode-error"] = error;
    return stub;
  }

  auto annotate = [&](std::string_view name, const std::string& value) {
    if (!value.empty()) annotations[std::string(kPrefix) + std::string(name)] = value;
  };
  annotate("release", text_of(find_path(*release, "name")));
  annotate("chart", text_of(find_path(*release, "chart.metadata.name")));
  annotate("chart-version", text_of(find_path(*release, "chart.metadata.version")));
  annotate("app-version", text_of(find_path(*release, "chart.metadata.appVersion")));
  annotate("revision", text_of(find_path(*release, "version")));
  annotate("status", text_of(find_path(*release, "info.status")));

  json values = json::object();
  const json* user_values = find_path(*release, "config");
  const json* chart_values = find_path(*release, "chart.values");
  for (std::string_view path : kHelmValuesKept) {
    const json* v = user_values != nullptr ? find_path(*user_values, path) : nullptr;
    if (v == nullptr && chart_values != nullptr) v = find_path(*chart_values, path);
    if (v != nullptr && is_kept_value(*v)) set_path(values, path, *v);
  }
  annotations[std::string(kPrefix) + "values"] = values.dump();
  return stub;
}

}  // namespace upcheck::collect
