#include "cli/config_file.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <set>
#include <stdexcept>

namespace upcheck::cli {
namespace {

const std::set<std::string> kScalarKeys = {
    "to",          "from",  "method",     "to-kubernetes", "revision",         "remove-revision",    "fail-on",
    "color",       "jobs",  "sarif-root", "max-depth",     "max-scalar-bytes", "max-document-bytes", "max-alias-nodes",
    "max-objects", "format"};
const std::set<std::string> kListKeys = {"select", "ignore"};

std::string where(const std::string& path, const YAML::Node& node) {
  return fmt::format("{}:{}:{}", path, node.Mark().line + 1, node.Mark().column + 1);
}

}  // namespace

std::optional<std::string> find_config_file(const std::string& start) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path dir = fs::absolute(start, ec).lexically_normal();
  if (ec) return std::nullopt;
  for (;;) {
    fs::path candidate = dir / ".upcheck.yaml";
    std::error_code missing;  // a directory without one is the usual case, not an error
    if (fs::is_regular_file(candidate, missing)) return candidate.string();
    if (!dir.has_parent_path() || dir.parent_path() == dir) return std::nullopt;
    dir = dir.parent_path();
  }
}

ConfigFile read_config_file(const std::string& path) {
  ConfigFile config;
  config.path = path;
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    throw std::runtime_error(fmt::format("{}:{}:{}: {}", path, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  if (root.IsNull()) return config;
  if (!root.IsMap()) throw std::runtime_error(fmt::format("{}: the config file must be a mapping", where(path, root)));
  for (const auto& entry : root) {
    std::string key = entry.first.as<std::string>();
    const YAML::Node& value = entry.second;
    if (kScalarKeys.count(key) != 0) {
      if (!value.IsScalar())
        throw std::runtime_error(fmt::format("{}: {} must be a single value", where(path, value), key));
      config.scalars[key] = value.as<std::string>();
    } else if (kListKeys.count(key) != 0) {
      if (value.IsScalar()) {
        config.lists[key].push_back(value.as<std::string>());
      } else if (value.IsSequence()) {
        for (const auto& item : value) config.lists[key].push_back(item.as<std::string>());
      } else {
        throw std::runtime_error(
            fmt::format("{}: {} must be a list of rule codes, names or categories", where(path, value), key));
      }
    } else if (key == "rules") {
      if (!value.IsMap())
        throw std::runtime_error(fmt::format("{}: rules must map rule names to their options", where(path, value)));
      for (const auto& rule : value) {
        if (!rule.second.IsMap())
          throw std::runtime_error(fmt::format("{}: options of {} must be a mapping", where(path, rule.second),
                                               rule.first.as<std::string>()));
        for (const auto& option : rule.second)
          config.rules[rule.first.as<std::string>()][option.first.as<std::string>()] = option.second.as<std::string>();
      }
    } else {
      throw std::runtime_error(fmt::format("{}: unknown setting '{}'", where(path, entry.first), key));
    }
  }
  return config;
}

}  // namespace upcheck::cli
