// How a migration step is spelled for kubectl and the shell: apply.sh runs these commands, and the
// step files and MANUAL.md show them.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

#include "model/resource.hpp"

namespace upcheck::fix {

// "deployment.v1.apps", "service": the fully qualified resource name kubectl takes for a kind,
// so that kinds of the same name in two API groups cannot be confused.
std::string kubectl_type(const ObjectRef& object);

// A word for the shell, single-quoted when it needs quoting.
std::string shell_quote(std::string_view word);

// `TYPE NAME [-n NS]`: the object for `kubectl get`, `kubectl patch`, each word quoted as needed.
std::string object_arguments(const ObjectRef& object);

// The merge patch as one quoted shell word: `'{"spec":{"replicas":2}}'`.
std::string quoted_patch(const nlohmann::json& merge_patch);

// `kubectl patch TYPE NAME [-n NS] --type merge -p 'PATCH'`.
std::string patch_command(const ObjectRef& target, const nlohmann::json& merge_patch);

}  // namespace upcheck::fix
