#include "engine/object_copy.hpp"

namespace upcheck {
namespace {

// Set by the API server, never by the author of a manifest.
constexpr std::string_view kServerMetadata[] = {
    "resourceVersion", "uid",      "managedFields",     "creationTimestamp",
    "generation",      "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds",
};

}  // namespace

nlohmann::json copy_for_apply(nlohmann::json object) {
  if (!object.is_object()) return object;
  object.erase("status");
  auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) return object;
  for (std::string_view key : kServerMetadata) metadata->erase(std::string(key));
  if (auto annotations = metadata->find("annotations"); annotations != metadata->end()) {
    if (annotations->is_object()) annotations->erase(std::string(kLastAppliedAnnotation));
    if (annotations->is_null() || (annotations->is_object() && annotations->empty())) metadata->erase("annotations");
  }
  return object;
}

}  // namespace upcheck
