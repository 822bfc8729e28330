// Every code an error or notice can carry: part of the JSON report's interface, documented in
// docs/report.md (generated from this list), checked by the tests whenever a report is read.
#pragma once

#include <algorithm>
#include <string_view>

namespace upcheck {

struct DiagnosticCode {
  std::string_view name;  // "yaml-syntax": what reports print; never rename one
  bool is_error;          // errors make the exit status 2; notices never change it
  std::string_view meaning;
};

// Producers name these constants (`{file, mark, &kYamlSyntax, message}`), so a misspelt code fails
// to compile; a Diagnostic points at its entry.

// Errors: an input (or part of one) could not be read, or a rule failed.
inline constexpr DiagnosticCode kBinaryInput{
    "binary-input", true,
    "a NUL byte in the file's first KiB: an image, archive or program, not a YAML or JSON manifest"};
inline constexpr DiagnosticCode kClusterUnauthorized{
    "cluster-unauthorized", true, "collect: the cluster rejected kubectl's credentials (401); collection stopped"};
inline constexpr DiagnosticCode kClusterUnreachable{
    "cluster-unreachable", true, "collect: kubectl could not reach the API server; collection stopped"};
inline constexpr DiagnosticCode kDirectoryLoop{"directory-loop", true,
                                               "a symlink makes a directory contain itself; that branch is skipped"};
inline constexpr DiagnosticCode kInternalError{
    "internal-error", true,
    "a rule failed (a bug in upcheck): its findings are left out, the other rules still report"};
inline constexpr DiagnosticCode kJsonSyntax{"json-syntax", true,
                                            "malformed JSON; the other items and documents are still read"};
inline constexpr DiagnosticCode kKindForbidden{
    "kind-forbidden", true, "collect: RBAC forbids listing a kind; it was skipped and left out of collected-kinds"};
inline constexpr DiagnosticCode kKubectlFailed{"kubectl-failed", true,
                                               "collect: a kubectl run failed; what it was gathering was skipped"};
inline constexpr DiagnosticCode kKubectlNotFound{
    "kubectl-not-found", true, "collect: kubectl could not be run (not on PATH, or --kubectl names no program)"};
inline constexpr DiagnosticCode kKubectlTimeout{
    "kubectl-timeout", true, "collect: a kubectl run took longer than --timeout; it was killed and collection stopped"};
inline constexpr DiagnosticCode kLimitAlias{
    "limit-alias", true,
    "alias expansion would copy more nodes than --max-alias-nodes (a \"billion laughs\" document)"};
inline constexpr DiagnosticCode kLimitDepth{"limit-depth", true, "nesting deeper than --max-depth"};
inline constexpr DiagnosticCode kLimitDocument{"limit-document", true,
                                               "a document or List item larger than --max-document-bytes; skipped"};
inline constexpr DiagnosticCode kLimitInput{
    "limit-input", true,
    "an input larger than --max-input-bytes after decompression (a gzip bomb?); the rest of it is not read"};
inline constexpr DiagnosticCode kLimitObjects{"limit-objects", true,
                                              "more objects than --max-objects; the rest of the input is not read"};
inline constexpr DiagnosticCode kLimitScalar{"limit-scalar", true, "a scalar larger than --max-scalar-bytes"};
inline constexpr DiagnosticCode kNoManifests{"no-manifests", true,
                                             "a directory holds no *.yaml, *.yml or *.json file (optionally .gz)"};
inline constexpr DiagnosticCode kNoObjects{"no-objects", true,
                                           "an empty input (an empty file, /dev/null, empty stdin, only comments or "
                                           "`---`) and no object in any other: nothing was analyzed"};
inline constexpr DiagnosticCode kTruncatedInput{"truncated-input", true,
                                                "a kubectl List that ends before the `kind: List` kubectl writes after "
                                                "its items: the input was cut short (its last item is skipped)"};
inline constexpr DiagnosticCode kUnreadableInput{"unreadable-input", true,
                                                 "a path that cannot be opened or read (missing, no permission, "
                                                 "truncated gzip, ...); what came before a failure is still read"};
inline constexpr DiagnosticCode kYamlEncoding{"yaml-encoding", true,
                                              "bytes that are not valid UTF-8 (or control characters)"};
inline constexpr DiagnosticCode kYamlMemory{"yaml-memory", true, "the YAML parser ran out of memory"};
inline constexpr DiagnosticCode kYamlSyntax{"yaml-syntax", true,
                                            "malformed YAML; the other documents and List items are still read"};
// Notices: worth knowing, not a finding, never a change of exit status.
inline constexpr DiagnosticCode kApiTargetAssumed{"api-target-assumed", false,
                                                  "deprecated-api-version judged API versions against the newest "
                                                  "release it knows, as --to-kubernetes (or --to) was not given"};
inline constexpr DiagnosticCode kComplexKey{"complex-key", false, "a mapping key that is not a scalar; skipped"};
inline constexpr DiagnosticCode kDiagnosticsCapped{
    "diagnostics-capped", false,
    "more than 1,000 diagnostics of one code in one input: the rest are counted, not listed"};
inline constexpr DiagnosticCode kDuplicateDirectory{"duplicate-directory", false,
                                                    "a directory reached again through a symlink; read once"};
inline constexpr DiagnosticCode kDuplicateKey{
    "duplicate-key", false,
    "a key given twice: kubectl apply fails with strict field validation; the last value is used"};
inline constexpr DiagnosticCode kDuplicateObject{"duplicate-object", false,
                                                 "the same object (API group, kind, namespace, name) given twice: the "
                                                 "later copy, which kubectl applies last, is kept"};
inline constexpr DiagnosticCode kEmptyInput{
    "empty-input", false,
    "an empty input (nothing but blank lines, comments or `---`), while other inputs hold objects"};
inline constexpr DiagnosticCode kHelmReleaseUndecodable{
    "helm-release-undecodable", false,
    "a Helm release record whose data could not be decoded (corrupt, or over 64 MiB decompressed), in the input or "
    "while collecting: only its labels are known"};
inline constexpr DiagnosticCode kInputLacksKind{"input-lacks-kind", false,
                                                "a rule needed objects of a kind the input has none of: dump them too"};
inline constexpr DiagnosticCode kInstalledVersionUnknown{
    "installed-version-unknown", false,
    "a control plane (or the whole input) shows no version, and no --from: the upgrade path is not checked for it"};
inline constexpr DiagnosticCode kItemsReadAsObjects{
    "items-read-as-objects", false, "an object that is not a List had `items`, which were read as objects"};
inline constexpr DiagnosticCode kMissingKind{"missing-kind", false, "an object without apiVersion or kind; skipped"};
inline constexpr DiagnosticCode kNoFinalNewline{
    "no-final-newline", false,
    "an input whose last line has no newline (kubectl, helm and collect always write one): it may be cut short"};
inline constexpr DiagnosticCode kNoInstallationDetected{
    "no-installation-detected", false, "no Istio control plane, and no --from: version rules had nothing to judge"};
inline constexpr DiagnosticCode kNotAnObject{"not-an-object", false,
                                             "a document or list element that is not a mapping; skipped"};
inline constexpr DiagnosticCode kResultsCapped{
    "results-capped", false,
    "SARIF holds at most 25,000 results (GitHub code scanning's limit); the rest were left out"};
inline constexpr DiagnosticCode kRulesSkipped{"rules-skipped", false,
                                              "rules that need --to were skipped because it was not given"};
inline constexpr DiagnosticCode kSkippedChartSource{
    "skipped-chart-source", false,
    "a Helm chart's source directory (it has Chart.yaml): check the output of helm template instead"};
inline constexpr DiagnosticCode kSkippedNonManifest{
    "skipped-non-manifest", false, "Helm values, chart metadata or kustomize configuration found in a directory walk"};
inline constexpr DiagnosticCode kSkippedTemplate{"skipped-template", false,
                                                 "an unrendered template ({{ }}) found in a directory walk"};
inline constexpr DiagnosticCode kUnresolvedAlias{
    "unresolved-alias", false,
    "an alias to an anchor in another object or in a part upcheck does not keep; read as null"};
inline constexpr DiagnosticCode kVersionDisagreement{
    "version-disagreement", false, "the sources of a control plane's version disagree; the strongest is used"};

// Every code, in the order docs/report.md lists them.
inline constexpr const DiagnosticCode* kDiagnosticCodes[] = {
    &kBinaryInput,
    &kClusterUnauthorized,
    &kClusterUnreachable,
    &kDirectoryLoop,
    &kInternalError,
    &kJsonSyntax,
    &kKindForbidden,
    &kKubectlFailed,
    &kKubectlNotFound,
    &kKubectlTimeout,
    &kLimitAlias,
    &kLimitDepth,
    &kLimitDocument,
    &kLimitInput,
    &kLimitObjects,
    &kLimitScalar,
    &kNoManifests,
    &kNoObjects,
    &kTruncatedInput,
    &kUnreadableInput,
    &kYamlEncoding,
    &kYamlMemory,
    &kYamlSyntax,
    &kApiTargetAssumed,
    &kComplexKey,
    &kDiagnosticsCapped,
    &kDuplicateDirectory,
    &kDuplicateKey,
    &kDuplicateObject,
    &kEmptyInput,
    &kHelmReleaseUndecodable,
    &kInputLacksKind,
    &kInstalledVersionUnknown,
    &kItemsReadAsObjects,
    &kMissingKind,
    &kNoFinalNewline,
    &kNoInstallationDetected,
    &kNotAnObject,
    &kResultsCapped,
    &kRulesSkipped,
    &kSkippedChartSource,
    &kSkippedNonManifest,
    &kSkippedTemplate,
    &kUnresolvedAlias,
    &kVersionDisagreement,
};

// The entry named `name` (when reading a report back, as the tests do); null if there is none.
inline const DiagnosticCode* find_diagnostic_code(std::string_view name) {
  auto it = std::find_if(std::begin(kDiagnosticCodes), std::end(kDiagnosticCodes),
                         [&](const DiagnosticCode* c) { return c->name == name; });
  return it == std::end(kDiagnosticCodes) ? nullptr : *it;
}

}  // namespace upcheck
