#include "istio/revisions.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

#include "model/label_selector.hpp"

namespace upcheck {
namespace {

constexpr std::string_view kInjectorSuffix = "sidecar-injector.istio.io";
constexpr size_t kMaxRevisionLength = 63;

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool is_alnum_lower(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// A webhook's selector: absent or null selects everything, as the API server defaults it.
bool webhook_selects(NodeRef selector, NodeRef labels) {
  if (!selector.valid() || selector.is_null()) return true;
  return selector_matches(selector, labels, EmptySelector::MatchesAll);
}

// The revision whose istiod a webhook calls: the configuration's istio.io/rev label (every chart
// since 1.6 sets it), else the service it calls (`istiod-<rev>`; `istiod`, `istio-pilot` and the
// pre-1.5 `istio-sidecar-injector` are the unrevisioned control plane).
std::string webhook_revision(const Resource& configuration, std::string_view service_name) {
  if (auto rev = configuration.label("istio.io/rev"); rev && !rev->empty()) return std::string(*rev);
  constexpr std::string_view kIstiod = "istiod-";
  if (service_name.substr(0, kIstiod.size()) == kIstiod && service_name.size() > kIstiod.size())
    return std::string(service_name.substr(kIstiod.size()));
  return "default";
}

// sidecar.istio.io/inject values the injector reads as "no" (strconv.ParseBool's false forms, and
// the y/n forms it also accepted).
bool says_no(std::string_view value) {
  return value == "false" || value == "False" || value == "FALSE" || value == "n" || value == "no" || value == "off" ||
         value == "0" || value == "f" || value == "F";
}

bool says_yes(std::string_view value) {
  return value == "true" || value == "True" || value == "TRUE" || value == "y" || value == "yes" || value == "on" ||
         value == "1" || value == "t" || value == "T";
}

std::string requested_by(NodeRef ns_labels, NodeRef pod_labels) {
  if (NodeRef v = ns_labels["istio-injection"]; v.valid()) return fmt::format("istio-injection={}", v.text());
  if (NodeRef v = ns_labels["istio.io/rev"]; v.valid()) return fmt::format("istio.io/rev={}", v.text());
  if (NodeRef v = pod_labels["istio.io/rev"]; v.valid()) return fmt::format("pod label istio.io/rev={}", v.text());
  if (NodeRef v = pod_labels["sidecar.istio.io/inject"]; v.valid())
    return fmt::format("pod label sidecar.istio.io/inject={}", v.text());
  return "no injection label";
}

}  // namespace

bool InjectorWebhook::selects(NodeRef namespace_labels, NodeRef pod_labels) const {
  return webhook_selects(namespace_selector, namespace_labels) && webhook_selects(object_selector, pod_labels);
}

bool is_valid_revision_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxRevisionLength) return false;
  if (!is_alnum_lower(name.front()) || !is_alnum_lower(name.back())) return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return is_alnum_lower(c) || c == '-'; });
}

std::string suggest_revision_name(std::string_view name) {
  std::string out;
  for (char c : name) {
    char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (is_alnum_lower(lower))
      out += lower;
    else if (!out.empty() && out.back() != '-')
      out += '-';  // '.', '_', '/' and the like become one dash
  }
  if (out.size() > kMaxRevisionLength) out.resize(kMaxRevisionLength);
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

RevisionIndex::RevisionIndex(const Snapshot& snapshot, const IstioInstallation& istio) : istio_(istio) {
  for (const Resource* configuration : snapshot.of_kind("MutatingWebhookConfiguration")) {
    // admissionregistration.k8s.io/v1beta1 defaulted failurePolicy to Ignore, v1 to Fail.
    bool default_fail = configuration->api_version() != "admissionregistration.k8s.io/v1beta1";
    size_t index = 0;
    for (NodeRef webhook : configuration->root()["webhooks"].elements()) {
      std::string_view name = webhook["name"].text();
      if (ends_with(name, kInjectorSuffix)) {
        InjectorWebhook w;
        w.configuration = configuration;
        w.index = index;
        w.name = std::string(name);
        NodeRef service = webhook["clientConfig"]["service"];
        w.service_namespace = std::string(service["namespace"].text());
        w.service_name = std::string(service["name"].text());
        w.revision = webhook_revision(*configuration, w.service_name);
        w.tag = std::string(configuration->label("istio.io/tag").value_or(""));
        std::string_view policy = webhook["failurePolicy"].text();
        w.fails_closed = policy.empty() ? default_fail : policy == "Fail";
        w.namespace_selector = webhook["namespaceSelector"];
        w.object_selector = webhook["objectSelector"];
        webhooks_.push_back(std::move(w));
      }
      ++index;
    }
  }
  // The API server calls mutating webhook configurations in name order.
  std::stable_sort(webhooks_.begin(), webhooks_.end(), [](const InjectorWebhook& a, const InjectorWebhook& b) {
    return a.configuration->name() < b.configuration->name();
  });

  for (const ControlPlane& plane : istio_.control_planes) revisions_.push_back(plane.revision);
  for (const InjectorWebhook& w : webhooks_) {
    if (w.tag.empty())
      revisions_.push_back(w.revision);
    else
      tags_.emplace(w.tag, w.revision);
  }
  std::sort(revisions_.begin(), revisions_.end());
  revisions_.erase(std::unique(revisions_.begin(), revisions_.end()), revisions_.end());

  TreeBuilder builder;
  builder.begin_map({});
  builder.scalar("istio-injection", ScalarStyle::Plain, {});
  builder.scalar("enabled", ScalarStyle::Plain, {});
  builder.end();
  enabled_namespace_ = builder.finish();

  if (has_webhooks()) {
    Injection injection = this->injection(enabled_namespace_.root(), NodeRef{}, NodeRef{});
    if (injection) {
      default_revision_ = injection.revision;
      default_webhook_ = injection.webhook;
    }
  } else if (serves("default")) {
    default_revision_ = "default";
  }
}

bool RevisionIndex::knows_tags() const {
  if (has_webhooks()) return true;
  if (istio_.control_planes.empty()) return false;
  const Version first_with_tags{1, 10, std::nullopt, {}};
  return std::all_of(istio_.control_planes.begin(), istio_.control_planes.end(), [&](const ControlPlane& plane) {
    std::optional<VersionEvidence> v = plane.version();
    return v && v->version.minor_only() < first_with_tags;
  });
}

bool RevisionIndex::serves(std::string_view revision) const {
  return std::binary_search(revisions_.begin(), revisions_.end(), revision, std::less<>{});
}

std::optional<std::string> RevisionIndex::resolve(std::string_view name) const {
  if (serves(name)) return std::string(name);
  if (auto tag = tags_.find(name); tag != tags_.end()) return tag->second;
  if (name == "default" && default_revision_) return default_revision_;
  return std::nullopt;
}

const ControlPlane* RevisionIndex::control_plane(std::string_view revision) const {
  auto find = [&](std::string_view rev) -> const ControlPlane* {
    for (const ControlPlane& plane : istio_.control_planes)
      if (plane.revision == rev) return &plane;
    return nullptr;
  };
  if (const ControlPlane* plane = find(revision)) return plane;
  if (std::optional<std::string> target = resolve(revision); target && *target != revision) return find(*target);
  return nullptr;
}

std::string RevisionIndex::describe() const {
  if (revisions_.empty() && tags_.empty()) return "no revision";
  std::string out = fmt::format("revision{} {}", revisions_.size() == 1 ? "" : "s", fmt::join(revisions_, ", "));
  if (revisions_.empty()) out = "no revision";
  if (!tags_.empty()) {
    std::vector<std::string> tags;
    for (const auto& [tag, revision] : tags_) tags.push_back(fmt::format("{} -> {}", tag, revision));
    out += fmt::format("; tag{} {}", tags.size() == 1 ? "" : "s", fmt::join(tags, ", "));
  }
  return out;
}

Injection RevisionIndex::injection(NodeRef ns_labels, NodeRef pod_labels, NodeRef pod_annotations) const {
  // The injector itself honours the annotation; the label form is excluded by the object selectors.
  if (NodeRef annotation = pod_annotations["sidecar.istio.io/inject"]; annotation.valid() && says_no(annotation.text()))
    return {};
  if (NodeRef label = pod_labels["sidecar.istio.io/inject"]; label.valid() && says_no(label.text())) return {};

  if (has_webhooks()) {
    for (const InjectorWebhook& w : webhooks_)
      if (w.selects(ns_labels, pod_labels)) return {w.revision, requested_by(ns_labels, pod_labels), &w, true};
    return {};
  }

  // No webhooks in the input: the selectors every chart since 1.6 renders. istio-injection wins
  // ("it takes precedence over the istio.io/rev label for backward compatibility", istio.io
  // Canary Upgrades), and any value but "enabled" keeps every injector away; a namespace's
  // istio.io/rev wins over a pod's (istio/istio#37088).
  auto chosen = [&](std::string_view name, std::string requested) -> Injection {
    std::optional<std::string> revision = resolve(name);
    return {revision.value_or(std::string(name)), std::move(requested), nullptr, revision.has_value()};
  };
  if (NodeRef v = ns_labels["istio-injection"]; v.valid()) {
    if (v.text() != "enabled") return {};
    return chosen("default", "istio-injection=enabled");
  }
  if (NodeRef v = ns_labels["istio.io/rev"]; v.valid())
    return chosen(v.text(), fmt::format("istio.io/rev={}", v.text()));
  if (NodeRef v = pod_labels["istio.io/rev"]; v.valid())
    return chosen(v.text(), fmt::format("pod label istio.io/rev={}", v.text()));
  NodeRef inject = pod_labels["sidecar.istio.io/inject"];
  if (!inject.valid()) inject = pod_annotations["sidecar.istio.io/inject"];
  if (inject.valid() && says_yes(inject.text()))
    return chosen("default", fmt::format("sidecar.istio.io/inject={}", inject.text()));
  return {};
}

std::optional<Binding> RevisionIndex::bound_revision(const Resource& pod, const Resource* ns) const {
  if (auto rev = pod.annotation("istio.io/rev"); rev && !rev->empty())
    return Binding{std::string(*rev), "annotation istio.io/rev"};
  if (std::string_view revision = pod.injected_revision(); !revision.empty())
    return Binding{std::string(revision), "revision in sidecar.istio.io/status"};
  // An injected pod whose status names no revision was injected before 1.11, when the injector
  // wrote the revision it used into the pod's istio.io/rev label.
  if (pod.annotation("sidecar.istio.io/status"))
    if (auto rev = pod.label("istio.io/rev"); rev && !rev->empty())
      return Binding{std::string(*rev), "label istio.io/rev"};
  Injection injection = this->injection(ns != nullptr ? ns->labels() : NodeRef{}, pod.labels(), NodeRef{});
  if (!injection) return std::nullopt;
  return Binding{injection.revision, injection.requested};
}

std::optional<IstioProxy> find_istio_proxy(NodeRef pod_spec, std::string_view spec_path) {
  size_t index = 0;
  for (NodeRef container : pod_spec["containers"].elements()) {
    if (container["name"].text() == "istio-proxy")
      return IstioProxy{container, fmt::format("{}.containers[{}]", spec_path, index), false,
                        parse_image(container["image"].text())};
    ++index;
  }
  index = 0;
  for (NodeRef container : pod_spec["initContainers"].elements()) {
    if (container["name"].text() == "istio-proxy" && container["restartPolicy"].text() == "Always")
      return IstioProxy{container, fmt::format("{}.initContainers[{}]", spec_path, index), true,
                        parse_image(container["image"].text())};
    ++index;
  }
  return std::nullopt;
}

}  // namespace upcheck
