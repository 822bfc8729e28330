#include "fix/apply_script.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "fix/kubectl_command.hpp"
#include "fix/migration_text.hpp"

namespace upcheck::fix {
namespace {

constexpr std::string_view kHeader = R"sh(#
# Each stage first checks every step (a dry run of each, and a diff of what it changes) and changes
# nothing if one fails; then applies, verifies, patches, runs commands, and deletes what was
# replaced last of all.
#
# Requirements: bash and kubectl, with the cluster's context current. The checks run on the API
# server (a server-side dry run, seen by the admission webhooks) with kubectl 1.18 or later on
# Kubernetes 1.13 or later. Where that cannot work (an older kubectl; Kubernetes 1.11, or 1.12
# with dry run off; an admission webhook that refuses dry runs, as Istio 1.1's validation webhook
# does, having no sideEffects), the script says why and checks with kubectl's own validation
# instead: a client-side dry run, which no webhook sees, and no `kubectl diff`.
#
# The first run records its kube-context in .upcheck-context, and a later run on another context
# stops (add --accept-context when it is the same cluster under a new name). Running a finished
# stage again changes nothing: applies and merge patches are idempotent, deletions ignore objects
# that are already gone, and a step that writes an existing object again carries the dump's
# resourceVersion, so it stops at the checks once that object has changed (by this stage or by
# anyone since the dump) rather than revert the change.
set -euo pipefail
cd "$(dirname "$0")"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
)sh";

// The bash functions every stage checks its steps with (see the header above for why).
constexpr std::string_view kCheckFunctions = R"sh(
# How steps are checked: on the API server while the cluster allows it, else by kubectl alone
# (--dry-run=client, or the plain --dry-run of kubectl before 1.18).
DRY_RUN=--dry-run=server

# Checks the rest of the run with kubectl's own validation, saying why.
check_locally() {
  echo "note: $1; checking the steps with kubectl's own validation instead (a client-side dry run, which no admission webhook sees, and no kubectl diff)" >&2
  if [ "$DRY_RUN" = --dry-run=server ]; then DRY_RUN=--dry-run=client; fi
}

# The minor release of "clientVersion" or "serverVersion" in `kubectl version -o json` on stdin.
minor_of() { sed -n "/\"$1\"/,/}/s/.*\"minor\": *\"\([0-9]*\).*/\1/p" | head -n 1; }

# A server-side dry run needs kubectl 1.18 (--dry-run=server) and Kubernetes 1.13 (1.12 has it
# off by default, 1.11 has none).
choose_dry_run() {
  local versions client server
  versions=$(kubectl version -o json 2>/dev/null || true)
  client=$(minor_of clientVersion <<<"$versions")
  server=$(minor_of serverVersion <<<"$versions")
  if [ -n "$client" ] && [ "$client" -lt 18 ]; then
    DRY_RUN=--dry-run
    check_locally "kubectl 1.$client has no server-side dry run (it needs kubectl 1.18)"
  elif [ -n "$server" ] && [ "$server" -lt 13 ]; then
    check_locally "Kubernetes 1.$server serves no dry run by default (it needs Kubernetes 1.13)"
  fi
}

# Whether kubectl's errors (in the file $1) say that the cluster cannot do a server-side dry run
# at all, rather than that a step is wrong; if so, checks by kubectl alone from now on.
server_refused_dry_run() {
  case "$(cat "$1")" in
    *"does not support dry run"*)
      check_locally "an admission webhook refuses server-side dry runs (Istio 1.1's pilot.validation.istio.io declares no sideEffects)" ;;
    *"dryRun alpha feature is disabled"*)
      check_locally "the API server has server-side dry run switched off (Kubernetes 1.12)" ;;
    *"doesn't support dry-run"*)
      check_locally "the API server cannot dry-run these objects" ;;
    *) return 1 ;;
  esac
}

# An object the migration writes again (an edited DestinationRule) carries the resourceVersion of
# the dump, so applying it over a version changed since fails instead of reverting that change.
explain_conflict() {
  case "$(cat "$1")" in
    *"the object has been modified"*)
      echo "apply.sh: an object changed since the dump upcheck read, or this stage has run already: dump the cluster again and run upcheck migrate again" >&2 ;;
  esac
}

# `kubectl apply -f FILE`, explaining a conflict.
apply_file() {
  local status=0
  kubectl apply -f "$1" 2>"$scratch/errors" || status=$?
  cat "$scratch/errors" >&2
  if [ "$status" -ne 0 ]; then explain_conflict "$scratch/errors"; fi
  return "$status"
}

# `kubectl VERB ARGS...` as a dry run; its output passes through.
dry_run() {
  local verb=$1 status=0
  shift
  if [ "$DRY_RUN" = --dry-run=server ]; then
    kubectl "$verb" --dry-run=server "$@" 2>"$scratch/errors" || status=$?
    cat "$scratch/errors" >&2
    if [ "$status" -eq 0 ]; then return 0; fi
    server_refused_dry_run "$scratch/errors" || { explain_conflict "$scratch/errors"; return "$status"; }
  fi
  kubectl "$verb" "$DRY_RUN" "$@"
}

# What applying a file changes: kubectl diff, itself a server-side dry run, exits 1 when it finds
# differences (what a migration has) and above 1 when it failed.
diff_step() {
  local status=0
  if [ "$DRY_RUN" = --dry-run=server ]; then
    kubectl diff -f "$1" 2>"$scratch/errors" || status=$?
    cat "$scratch/errors" >&2
    if [ "$status" -le 1 ]; then return 0; fi
    server_refused_dry_run "$scratch/errors" || { explain_conflict "$scratch/errors"; return "$status"; }
  fi
  echo "note: no diff of $1 without a server-side dry run" >&2
}

# What a merge patch ($1) of an object (the other arguments) changes: the live object against the
# one the patch's dry run returns. (`kubectl diff -f` of a patch file would show an apply of a
# partial object instead, which is not what `kubectl patch --type merge` does.)
check_patch() {
  local patch=$1
  shift
  kubectl get "$@" -o yaml >"$scratch/live.yaml"
  dry_run patch "$@" --type merge -p "$patch" -o yaml >"$scratch/patched.yaml"
  echo "== $* after the patch:"
  diff -u "$scratch/live.yaml" "$scratch/patched.yaml" || [ $? -eq 1 ]
}

# kubectl before 1.18 has no dry run of a delete: it lists the objects instead.
check_delete() {
  if [ "$DRY_RUN" = --dry-run ]; then
    kubectl get --ignore-not-found -f "$1"
  else
    dry_run delete --ignore-not-found -f "$1"
  fi
}

# The cluster this migration is for: the kube-context of its first run, recorded beside the
# script. A later run on another context stops before it checks anything, unless told that the
# context is new but the cluster the same (--accept-context, which records the new one).
check_context() {
  local current recorded
  current=$(kubectl config current-context 2>/dev/null || true)
  if [ -f .upcheck-context ] && [ "$accept_context" != yes ]; then
    recorded=$(cat .upcheck-context)
    if [ "$current" != "$recorded" ]; then
      echo "apply.sh: this migration ran on kube-context '$recorded' and the current one is '$current': switch back (kubectl config use-context '$recorded'), or, if it is the same cluster, run again with --accept-context" >&2
      exit 2
    fi
  fi
  printf '%s\n' "$current" >.upcheck-context
}
)sh";

// "now" or "1.2": what `./apply.sh` takes to run the stage.
std::string argument(const Stage& stage) { return stage.release.empty() ? "now" : stage.release; }

// "stage_before_1_2": the stage's bash function.
std::string function_name(const Stage& stage) {
  std::string out = "stage_" + stage_label(stage);
  std::replace(out.begin(), out.end(), '-', '_');
  std::replace(out.begin(), out.end(), '.', '_');
  return out;
}

std::string stage_function(const Stage& stage, std::span<const StepFile> files) {
  auto files_of = [&](StepKind kind) {
    std::vector<std::string> names;
    for (const StepFile& f : files)
      if (f.release == stage.release && f.kind == kind) names.push_back(f.name);
    return names;
  };
  std::vector<std::string> creates = files_of(StepKind::Create), deletes = files_of(StepKind::Delete);
  std::string s = fmt::format("\n# {}\n{}() {{\n", stage_time(stage), function_name(stage));
  s += "  check_context\n  echo '== checking every step; nothing changes yet'\n  choose_dry_run\n";
  for (const std::string& f : creates) s += fmt::format("  dry_run apply -f {}\n  diff_step {}\n", f, f);
  for (const PatchStep& p : stage.patches)
    s += fmt::format("  check_patch {} {}\n", quoted_patch(p.merge_patch), object_arguments(p.target));
  for (const std::string& f : deletes) s += fmt::format("  check_delete {}\n", f);
  std::string applying, patching;
  if (!creates.empty()) {
    applying += "  echo '== applying'\n";
    for (const std::string& f : creates) applying += fmt::format("  apply_file {}\n", f);
    applying += "  echo '== verifying that every object exists'\n";
    for (const std::string& f : creates) applying += fmt::format("  kubectl get -f {}\n", f);
  }
  if (!stage.patches.empty()) {
    patching += "  echo '== patching'\n";
    for (const PatchStep& p : stage.patches) patching += "  " + patch_command(p.target, p.merge_patch) + "\n";
  }
  s += stage.patches_first ? patching + applying : applying + patching;
  if (!stage.commands.empty()) {
    s += "  echo '== running commands'\n";
    for (const CommandStep& c : stage.commands) {
      for (const std::string& l : resolution_lines(c.resolves)) s += "  # " + l + "\n";
      s += "  " + c.command + "\n";
    }
  }
  if (!deletes.empty()) {
    s += "  echo '== deleting what was replaced'\n";
    if (!creates.empty())
      s += "  # Let the control plane see the replacements before the originals go (Istio's own\n"
           "  # RbacConfig conversion waits 15 s).\n"
           "  sleep \"${UPCHECK_SETTLE_SECONDS:-15}\"\n";
    for (const std::string& f : deletes) s += fmt::format("  kubectl delete --ignore-not-found -f {}\n", f);
  }
  s += "}\n";
  return s;
}

}  // namespace

std::string render_apply_script(const MigrationPlan& plan, std::span<const StepFile> files,
                                std::string_view tool_version) {
  const std::vector<Stage>& stages = plan.stages;
  if (stages.empty()) return {};
  std::string s;
  s += "#!/usr/bin/env bash\n";
  s += fmt::format("# Written by `upcheck migrate` (upcheck {}). Read the step files before running it.\n",
                   tool_version);
  s += "#\n# Run one stage at a time, each at its time:\n";
  for (const Stage& stage : stages) s += fmt::format("#   ./apply.sh {:<6} {}\n", argument(stage), stage_time(stage));
  s += kHeader;
  s += kCheckFunctions;
  for (const Stage& stage : stages) s += stage_function(stage, files);
  s += "\nusage() {\n  echo \"usage: $0 STAGE [--accept-context], STAGE one of (in this order):";
  for (const Stage& stage : stages) {
    s += ' ';
    s += argument(stage);
  }
  s += "\" >&2\n  exit 2\n}\n\n";
  s += "stage=\naccept_context=no\nfor arg in \"$@\"; do\n  case \"$arg\" in\n    --accept-context) accept_context=yes "
       ";;\n"
       "    *) if [ -n \"$stage\" ]; then usage; fi; stage=$arg ;;\n  esac\ndone\n";
  // With a single stage there is nothing to choose; with several the script refuses to guess.
  std::string fallback = stages.size() == 1 ? argument(stages.front()) : "";
  s += fmt::format("case \"${{stage:-{}}}\" in\n", fallback);
  for (const Stage& stage : stages) s += fmt::format("  {}) {} ;;\n", argument(stage), function_name(stage));
  s += "  *) usage ;;\nesac\n";
  return s;
}

}  // namespace upcheck::fix
