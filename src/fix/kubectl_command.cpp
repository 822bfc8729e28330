#include "fix/kubectl_command.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace upcheck::fix {

std::string kubectl_type(const ObjectRef& object) {
  std::string kind = object.kind;
  std::transform(kind.begin(), kind.end(), kind.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  auto slash = object.api_version.find('/');
  if (slash == std::string::npos) return kind;  // the core group: "v1"
  return fmt::format("{}.{}.{}", kind, object.api_version.substr(slash + 1), object.api_version.substr(0, slash));
}

std::string shell_quote(std::string_view word) {
  bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == '/' || c == ':' ||
           c == '=' || c == ',';
  });
  if (plain) return std::string(word);
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string object_arguments(const ObjectRef& object) {
  std::string out = fmt::format("{} {}", kubectl_type(object), shell_quote(object.name));
  if (!object.ns.empty()) out += " -n " + shell_quote(object.ns);
  return out;
}

std::string quoted_patch(const nlohmann::json& merge_patch) {
  return shell_quote(merge_patch.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::string patch_command(const ObjectRef& target, const nlohmann::json& merge_patch) {
  return fmt::format("kubectl patch {} --type merge -p {}", object_arguments(target), quoted_patch(merge_patch));
}

}  // namespace upcheck::fix
