// Gathers a cluster's objects for `upcheck collect` through kubectl: asks what may be listed,
// lists each kind into the snapshot (wholly or not at all), finds the Istio kinds by discovery,
// and turns Helm release Secrets into stubs. It knows which kinds the rules read; the command
// line is collect_command's.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "collect/kubectl.hpp"
#include "collect/snapshot_file.hpp"
#include "model/diagnostic_codes.hpp"

namespace upcheck::collect {

class ClusterCollector {
 public:
  ClusterCollector(const Kubectl& kubectl, std::ostream& err, unsigned chunk_size)
      : kubectl_(kubectl), err_(err), chunk_size_(chunk_size) {}

  // Whether kubectl runs and reaches the cluster at all; false: nothing can be collected.
  bool probe();
  void collect_into(SnapshotFile& snapshot);
  nlohmann::json list_metadata() const;
  bool had_errors() const { return errors_; }
  std::vector<std::string> collected_kinds() const;
  std::vector<std::string> skipped_kinds() const;

 private:
  // One list request: a kind in all namespaces or in one, maybe narrowed by selectors.
  struct ListRequest {
    std::string kind;
    std::string resource;
    std::string ns;                      // empty: all namespaces
    std::vector<std::string> selectors;  // extra kubectl arguments (-l, --field-selector)
    bool quote_kubectl_errors = true;    // false for Secrets: say why, never echo output
    std::function<std::optional<nlohmann::json>(nlohmann::json&&)> keep;  // nullopt: not written
  };

  struct IstioResource {
    std::string group;
    std::string plural;
    std::string kind;
  };

  enum class Access { Allowed, Denied, Unknown, Stop };

  void error(const DiagnosticCode* code, const std::string& message) {
    err_ << "upcheck collect: error[" << code->name << "]: " << message << '\n';
    errors_ = true;
  }
  void note(const std::string& message) { err_ << "upcheck collect: " << message << '\n'; }
  // Reports a failed run; a failure that every later call would repeat stops the collection.
  void report_failure(const KubectlResult& r, const std::string& what, bool quote_kubectl = true);
  void mark(const std::string& kind, bool complete) {
    auto [it, inserted] = kinds_.emplace(kind, complete);
    if (!inserted) it->second = it->second && complete;
  }

  using AccessQuestion = std::pair<std::string, std::string>;  // resource, namespace ("" for all)
  // Asks kubectl about several resources at once (a few runs in parallel): each run costs a
  // process start and a round trip, and there are dozens.
  void ask_access(const std::vector<AccessQuestion>& questions);
  Access can_list(const std::string& kind, const std::string& resource, const std::string& ns);
  bool collect(const ListRequest& request);
  // Lists several kinds (all namespaces, no selectors) with one kubectl run, as `get a,b,c`:
  // Istio has a dozen kinds and most clusters few objects of each. Falls back to one run per kind
  // when the joint run fails, so that a failure is pinned on its kind.
  void collect_together(const std::vector<ListRequest>& requests);
  void discover_istio_resources();
  std::vector<std::string> configmap_namespaces() const;

  const Kubectl& kubectl_;
  std::ostream& err_;
  unsigned chunk_size_;
  SnapshotFile* snapshot_ = nullptr;
  bool errors_ = false;
  bool stopped_ = false;
  std::string server_version_;
  nlohmann::json api_groups_ = nlohmann::json::array();
  std::vector<IstioResource> istio_resources_;
  std::set<std::string> control_plane_namespaces_;
  std::set<std::string> namespaces_;
  std::map<std::string, bool> kinds_;  // kind -> every request for it succeeded
  std::map<AccessQuestion, KubectlResult> access_answers_;
  std::vector<std::string> skipped_other_;  // what was skipped that is not a kind (discovery)
};

}  // namespace upcheck::collect
