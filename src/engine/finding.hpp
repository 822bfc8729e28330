// What a rule reports: a finding on an object (or on the upgrade plan), where it is, and the fix.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "model/resource.hpp"
#include "model/tree.hpp"

namespace upcheck {

struct RuleInfo;
enum class Severity : uint8_t { Error, Warning, Info };

// A place in an input file.
struct Location {
  uint32_t file = 0;
  Mark mark;
  friend auto operator<=>(const Location&, const Location&) = default;
};

// Whether a fix can be applied without a person reading it first (as Ruff's Applicability).
enum class Applicability : uint8_t {
  Safe,         // applying it keeps behaviour the same
  Unsafe,       // it changes live behaviour (e.g. traffic that is mTLS today stops being)
  DisplayOnly,  // shown to guide a change that must be made at the source (Helm, GitOps)
};

// A merge patch (RFC 7386) for an object that already exists, e.g. a namespace's labels.
struct FixPatch {
  ObjectRef target;
  nlohmann::json merge_patch;
};

// Fixes are data; `upcheck migrate` turns them into ordered YAML files and an apply script.
struct Fix {
  std::string title;
  Applicability applicability = Applicability::Safe;
  std::vector<nlohmann::json> apply;  // objects to create or replace, in order
  std::vector<FixPatch> patches;      // changes to objects that stay
  std::vector<ObjectRef> remove;      // deleted only after everything above is applied
  std::vector<std::string> commands;  // shell commands to run after applying (restarts)
  // The release the fix must be applied before ("1.2"): migrations are staged per upgrade hop.
  std::string stage;
  // Why the fix cannot simply be applied (the object is owned by Helm, Argo CD or Flux).
  std::string manual_note;
};

struct Finding {
  const RuleInfo* rule = nullptr;  // never null once reported
  Severity severity = Severity::Warning;
  std::string message;
  std::optional<ObjectRef> object;   // empty for a finding on the plan itself
  std::optional<Location> location;  // empty only when nothing in the input shows the problem
  std::optional<Fix> fix;
  // Tells apart findings of one rule on one object (a port, a host) in fingerprints and
  // de-duplication; empty when one finding per object is the most there can be.
  std::string discriminator;
  // The object the finding is on (for suppression annotations and provenance).
  const Resource* subject = nullptr;
};

}  // namespace upcheck
