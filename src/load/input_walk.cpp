#include "load/input_walk.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <map>
#include <set>
#include <utility>

namespace upcheck::load {
namespace {

bool ends_with_ci(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  return std::equal(suffix.begin(), suffix.end(), s.end() - static_cast<std::ptrdiff_t>(suffix.size()),
                    [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
}

std::string join(const std::string& dir, const std::string& name) {
  if (dir == ".") return name;
  if (!dir.empty() && dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

// Files in a manifest directory that are not manifests: Helm values and chart metadata, kustomize
// configuration. Read as objects they would only produce noise.
bool is_known_non_manifest(std::string_view name) {
  if (name == "Chart.yaml" || name == "Chart.lock" || name == "kustomization.yaml" || name == "kustomization.yml" ||
      name == "Kustomization")
    return true;
  return name.substr(0, 6) == "values" && (ends_with_ci(name, ".yaml") || ends_with_ci(name, ".yml"));
}

using DirId = std::pair<dev_t, ino_t>;

class Walker {
 public:
  explicit Walker(WalkResult& out) : out_(out) {}

  // Returns the number of manifest files found below `display`.
  size_t walk_directory(const std::string& display, const std::string& open, std::set<DirId>& ancestors) {
    struct stat st {};
    if (::stat(open.c_str(), &st) != 0) {
      out_.issues.push_back({display, &kUnreadableInput, std::string("cannot read: ") + std::strerror(errno)});
      return 0;
    }
    DirId id{st.st_dev, st.st_ino};
    if (ancestors.count(id) != 0) {
      out_.issues.push_back(
          {display, &kDirectoryLoop, "directory loop through symlinks: this directory contains itself; skipped"});
      return 0;
    }
    // Symlinks can lead to one directory along many paths: a few dozen of them, each pointing
    // twice at the next, make millions. Each directory is read once.
    auto [walked, first_time] = walked_.emplace(id, Walked{display, 0});
    if (!first_time) {
      out_.issues.push_back(
          {display, &kDuplicateDirectory,
           "the same directory as " + walked->second.display + " (through a symlink), already read; skipped"});
      return walked->second.found;  // found already, under the other path
    }
    DIR* dir = ::opendir(open.c_str());
    if (dir == nullptr) {
      out_.issues.push_back({display, &kUnreadableInput, std::string("cannot read: ") + std::strerror(errno)});
      return 0;
    }
    std::vector<std::string> names;
    while (dirent* entry = ::readdir(dir)) {
      std::string name = entry->d_name;
      if (name.empty() || name[0] == '.') continue;  // hidden entries, "." and ".."
      names.push_back(std::move(name));
    }
    ::closedir(dir);
    std::sort(names.begin(), names.end());
    if (std::binary_search(names.begin(), names.end(), std::string("Chart.yaml"))) {
      out_.issues.push_back({display, &kSkippedChartSource,
                             "a Helm chart's source, not rendered manifests; skipped (check the output of "
                             "`helm template` instead)"});
      return 0;
    }
    ancestors.insert(id);
    size_t found = 0;
    for (const std::string& name : names) {
      std::string child_display = join(display, name);
      std::string child_open = join(open, name);
      struct stat cst {};
      if (::stat(child_open.c_str(), &cst) != 0) {
        // A dangling symlink or an entry that vanished since the listing.
        out_.issues.push_back({child_display, &kUnreadableInput, std::string("cannot read: ") + std::strerror(errno)});
        continue;
      }
      if (S_ISDIR(cst.st_mode)) {
        found += walk_directory(child_display, child_open, ancestors);
      } else if (S_ISREG(cst.st_mode) && is_manifest_name(name)) {
        if (is_known_non_manifest(name)) {
          out_.issues.push_back({child_display, &kSkippedNonManifest,
                                 "Helm values, chart metadata or kustomize configuration, not a manifest; skipped"});
          continue;
        }
        out_.files.push_back({child_display, child_open, true});
        ++found;
      }
    }
    ancestors.erase(id);
    walked_[id].found = found;
    return found;
  }

 private:
  struct Walked {
    std::string display;  // the path it was read under
    size_t found = 0;     // manifests below it
  };
  WalkResult& out_;
  std::map<DirId, Walked> walked_;
};

}  // namespace

bool is_manifest_name(std::string_view name) {
  if (ends_with_ci(name, ".gz")) name.remove_suffix(3);
  return ends_with_ci(name, ".yaml") || ends_with_ci(name, ".yml") || ends_with_ci(name, ".json");
}

WalkResult expand_inputs(const std::vector<std::string>& paths, const std::string& stdin_name) {
  WalkResult out;
  Walker walker(out);
  for (const std::string& path : paths) {
    if (path == "-") {
      out.files.push_back({stdin_name.empty() ? "<stdin>" : stdin_name, "-", false});
      continue;
    }
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      out.issues.push_back({path, &kUnreadableInput, std::string("cannot read: ") + std::strerror(errno)});
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      std::set<DirId> ancestors;
      size_t before = out.issues.size();
      size_t found = walker.walk_directory(path, path, ancestors);
      bool skipped_whole = out.issues.size() > before && out.issues[before].path == path;
      if (found == 0 && !skipped_whole)
        out.issues.push_back(
            {path, &kNoManifests, "no manifests (*.yaml, *.yml, *.json, optionally .gz) in this directory"});
      continue;
    }
    out.files.push_back({path, path, false});  // a file named explicitly is read whatever its name
  }
  return out;
}

}  // namespace upcheck::load
