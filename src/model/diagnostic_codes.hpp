// Every code an error or notice can carry: part of the JSON report's interface, documented in
// docs/report.md (generated from this list), checked by the tests whenever a report is read.
#pragma once

#include <algorithm>
#include <string_view>

namespace upcheck {

struct DiagnosticCode {
  std::string_view code;
  bool is_error;            // errors make the exit status 2; notices never change it
  std::string_view meaning;
};

inline constexpr DiagnosticCode kDiagnosticCodes[] = {
    // Errors: an input (or part of one) could not be read.
    {"binary-input", true, "a NUL byte in the file's first KiB: an image, archive or program, not a YAML or JSON manifest"},
    {"cluster-unauthorized", true, "collect: the cluster rejected kubectl's credentials (401); collection stopped"},
    {"cluster-unreachable", true, "collect: kubectl could not reach the API server; collection stopped"},
    {"directory-loop", true, "a symlink makes a directory contain itself; that branch is skipped"},
    {"json-syntax", true, "malformed JSON; the other items and documents are still read"},
    {"kind-forbidden", true, "collect: RBAC forbids listing a kind; it was skipped and left out of collected-kinds"},
    {"kubectl-failed", true, "collect: a kubectl run failed; what it was gathering was skipped"},
    {"kubectl-not-found", true, "collect: kubectl could not be run (not on PATH, or --kubectl names no program)"},
    {"kubectl-timeout", true, "collect: a kubectl run took longer than --timeout; it was killed and collection stopped"},
    {"limit-alias", true, "alias expansion would copy more nodes than --max-alias-nodes (a \"billion laughs\" document)"},
    {"limit-depth", true, "nesting deeper than --max-depth"},
    {"limit-document", true, "a document or List item larger than --max-document-bytes; skipped"},
    {"limit-input", true, "an input larger than --max-input-bytes after decompression (a gzip bomb?); the rest of it is not read"},
    {"limit-objects", true, "more objects than --max-objects; the rest of the input is not read"},
    {"limit-scalar", true, "a scalar larger than --max-scalar-bytes"},
    {"no-manifests", true, "a directory holds no *.yaml, *.yml or *.json file (optionally .gz)"},
    {"no-objects", true, "an empty input (an empty file, /dev/null, empty stdin, only comments or `---`) and no object in any other: nothing was analyzed"},
    {"truncated-input", true, "a kubectl List that ends before the `kind: List` kubectl writes after its items: the input was cut short (its last item is skipped)"},
    {"unreadable-input", true, "a path that cannot be opened or read (missing, no permission, truncated gzip, ...); what came before a failure is still read"},
    {"yaml-encoding", true, "bytes that are not valid UTF-8 (or control characters)"},
    {"yaml-memory", true, "the YAML parser ran out of memory"},
    {"yaml-syntax", true, "malformed YAML; the other documents and List items are still read"},
    // Notices: worth knowing, not a finding, never a change of exit status.
    {"api-target-assumed", false, "deprecated-api-version judged API versions against the newest release it knows, as --to-kubernetes (or --to) was not given"},
    {"complex-key", false, "a mapping key that is not a scalar; skipped"},
    {"diagnostics-capped", false, "more than 1,000 diagnostics of one code in one input: the rest are counted, not listed"},
    {"duplicate-directory", false, "a directory reached again through a symlink; read once"},
    {"duplicate-object", false, "the same object (API group, kind, namespace, name) given twice: the later copy, which kubectl applies last, is kept"},
    {"duplicate-key", false, "a key given twice: kubectl apply fails with strict field validation; the last value is used"},
    {"empty-input", false, "an empty input (nothing but blank lines, comments or `---`), while other inputs hold objects"},
    {"helm-release-undecodable", false, "a Helm release record whose data could not be decoded (corrupt, or over 64 MiB decompressed), in the input or while collecting: only its labels are known"},
    {"input-lacks-kind", false, "a rule needed objects of a kind the input has none of: dump them too"},
    {"installed-version-unknown", false, "a control plane (or the whole input) shows no version, and no --from: the upgrade path is not checked for it"},
    {"items-read-as-objects", false, "an object that is not a List had `items`, which were read as objects"},
    {"missing-kind", false, "an object without apiVersion or kind; skipped"},
    {"no-final-newline", false, "an input whose last line has no newline (kubectl, helm and collect always write one): it may be cut short"},
    {"no-installation-detected", false, "no Istio control plane, and no --from: version rules had nothing to judge"},
    {"not-an-object", false, "a document or list element that is not a mapping; skipped"},
    {"results-capped", false, "SARIF holds at most 25,000 results (GitHub code scanning's limit); the rest were left out"},
    {"rules-skipped", false, "rules that need --to were skipped because it was not given"},
    {"skipped-chart-source", false, "a Helm chart's source directory (it has Chart.yaml): check the output of helm template instead"},
    {"skipped-non-manifest", false, "Helm values, chart metadata or kustomize configuration found in a directory walk"},
    {"skipped-template", false, "an unrendered template ({{ }}) found in a directory walk"},
    {"unresolved-alias", false, "an alias to an anchor in another object or in a part upcheck does not keep; read as null"},
    {"version-disagreement", false, "the sources of a control plane's version disagree; the strongest is used"},
};

inline const DiagnosticCode* find_diagnostic_code(std::string_view code) {
  auto it = std::find_if(std::begin(kDiagnosticCodes), std::end(kDiagnosticCodes),
                         [&](const DiagnosticCode& c) { return c.code == code; });
  return it == std::end(kDiagnosticCodes) ? nullptr : &*it;
}

}  // namespace upcheck
