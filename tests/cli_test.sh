#!/usr/bin/env bash
# The command line as a user's shell and CI see it: standard input, --output, exit statuses,
# usage errors, the config file, and nothing but the report on standard output.
# Usage: cli_test.sh UPCHECK_BINARY SOURCE_ROOT
set -u
up=$(realpath "$1")   # meson passes it relative to the build directory; some tests cd elsewhere
root=$(realpath "$2")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
expect_status() {  # expected, description, command...
  local want=$1 what=$2; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
  local got=$?
  if [ "$got" = "$want" ]; then pass; else fail "$what: exit $got, want $want; stderr: $(head -3 "$tmp/err")"; fi
}
contains() {  # file, text, description
  if grep -qF -- "$2" "$1"; then pass; else fail "$3: '$2' not in $1: $(head -5 "$1")"; fi
}
lacks() {
  if grep -qF -- "$2" "$1"; then fail "$3: '$2' should not be in $1"; else pass; fi
}

pilot=$root/testdata/rules/single-replica-control-plane/fires-on-one-or-unset-replicas/input.yaml
healthy=$root/testdata/e2e/healthy-control-plane/istiod.yaml

# Standard input, named with --stdin-filename or <stdin>.
"$up" check --no-config --to 1.2 -o json - <"$pilot" >"$tmp/stdin.json" 2>"$tmp/err"
[ $? = 1 ] && pass || fail "stdin: exit status"
contains "$tmp/stdin.json" '"file": "<stdin>"' "stdin is named <stdin>"
"$up" check --no-config --to 1.2 -o json --stdin-filename cluster/dump.yaml - <"$pilot" >"$tmp/named.json" 2>/dev/null
contains "$tmp/named.json" '"file": "cluster/dump.yaml"' "--stdin-filename names stdin"
# kubectl -o json on a pipe is recognised as JSON.
printf '{\n  "apiVersion": "v1",\n  "items": [],\n  "kind": "List"\n}\n' | "$up" check --no-config -o json - >"$tmp/json-stdin.json" 2>&1
contains "$tmp/json-stdin.json" '"errors": []' "JSON on stdin parses"
# The empty stdin of a failed `kubectl get ... |` is an input error, never a clean report.
false | "$up" check --no-config --to 1.2 -o json - >"$tmp/empty-stdin.json" 2>/dev/null
[ $? = 2 ] && pass || fail "empty stdin: exit status"
contains "$tmp/empty-stdin.json" '"code": "no-objects"' "empty stdin is a no-objects error"

# Exit statuses: 0 clean, 1 findings at or above --fail-on, 2 wins.
expect_status 0 "healthy cluster" "$up" check --no-config --to 1.21 "$healthy"
expect_status 1 "findings" "$up" check --no-config --to 1.2 "$pilot"
expect_status 0 "--fail-on error ignores warnings" "$up" check --no-config --to 1.2 --fail-on error "$pilot"
printf 'apiVersion: v1\nkind: [\n' >"$tmp/broken.yaml"
expect_status 2 "parse error wins over findings" "$up" check --no-config --to 1.2 "$pilot" "$tmp/broken.yaml"
contains "$tmp/out" "broken.yaml:2:8: error[yaml-syntax]" "parse error has file:line:col, at the end of the last line"
contains "$tmp/out" "AVL002" "other inputs still reported after a parse error"
for fmt in json sarif; do
  expect_status 2 "exit 2 with -o $fmt" "$up" check --no-config --to 1.2 -o $fmt "$pilot" "$tmp/broken.yaml"
done

# Usage errors: exit 2, a message on stderr, nothing on stdout.
expect_status 2 "unknown release" "$up" check --no-config --to 1.99 "$pilot"
contains "$tmp/err" "not an Istio release upcheck knows" "unknown release message"
[ -s "$tmp/out" ] && fail "usage error printed a report" || pass
expect_status 2 "unknown rule" "$up" check --no-config --select NOPE001 "$pilot"
expect_status 2 "unknown format" "$up" check --no-config -o xml "$pilot"
expect_status 2 "no input" "$up" check --no-config --to 1.2
expect_status 2 "missing file" "$up" check --no-config --to 1.2 "$tmp/nope.yaml"
contains "$tmp/out" "unreadable-input" "missing file is reported in the report"
expect_status 2 "unknown command" "$up" frobnicate

# --output writes the report to a file; stdout stays empty.
expect_status 1 "--output" "$up" check --no-config --to 1.2 -o sarif --output "$tmp/r.sarif" "$pilot"
contains "$tmp/r.sarif" '"version": "2.1.0"' "--output wrote SARIF"
[ -s "$tmp/out" ] && fail "--output also printed to stdout" || pass

# --output never replaces an input, however it is named (a link, a file of a walked directory);
# migrate --out refuses a directory that holds an input. Usage errors: nothing is written.
mkdir -p "$tmp/self/dir"
cp "$pilot" "$tmp/self/dump.yaml"
cp "$pilot" "$tmp/self/dir/walked.yaml"
ln -s dump.yaml "$tmp/self/link.yaml"
expect_status 2 "--output over the input" "$up" check --no-config --to 1.2 -o json --output "$tmp/self/dump.yaml" "$tmp/self/dump.yaml"
contains "$tmp/err" "that is the input" "--output over the input says why"
expect_status 2 "--output over the input by a link" "$up" check --no-config --to 1.2 -o json --output "$tmp/self/link.yaml" "$tmp/self/dump.yaml"
expect_status 2 "--output over a walked file" "$up" check --no-config --to 1.2 -o json --output "$tmp/self/dir/walked.yaml" "$tmp/self/dir"
expect_status 2 "plan --output over the input" "$up" plan --no-config --to 1.22 --method canary --output "$tmp/self/dump.yaml" "$tmp/self/dump.yaml"
contains "$tmp/err" "that is the input" "plan --output over the input says why"
cmp -s "$pilot" "$tmp/self/dump.yaml" && pass || fail "--output replaced the input"
cmp -s "$pilot" "$tmp/self/dir/walked.yaml" && pass || fail "--output replaced a walked input"
expect_status 2 "migrate --out holding the input" "$up" migrate --no-config --to 1.2 --out "$tmp/self" "$tmp/self/dir/walked.yaml"
contains "$tmp/err" "holds the input" "migrate --out holding the input says why"
[ -e "$tmp/self/apply.sh" ] && fail "migrate wrote beside its input" || pass

# SARIF names a file outside --sarif-root by a file:// URI (RFC 8089), a file under it relatively.
mkdir -p "$tmp/elsewhere dir" "$tmp/sarifroot"
cp "$pilot" "$tmp/elsewhere dir/pilot.yaml"
"$up" check --no-config --to 1.2 -o sarif --sarif-root "$tmp/sarifroot" "$tmp/elsewhere dir/pilot.yaml" >"$tmp/outside.sarif" 2>/dev/null
contains "$tmp/outside.sarif" "\"uri\": \"file://$tmp/elsewhere%20dir/pilot.yaml\"" "SARIF: file:// URI outside the root"
"$up" check --no-config --to 1.2 -o sarif --sarif-root "$tmp" "$tmp/elsewhere dir/pilot.yaml" >"$tmp/inside.sarif" 2>/dev/null
contains "$tmp/inside.sarif" '"uri": "elsewhere%20dir/pilot.yaml"' "SARIF: relative URI under the root"

# No colour when stdout is not a terminal, unless asked.
"$up" check --no-config --to 1.2 "$pilot" >"$tmp/plain.txt" 2>/dev/null
lacks "$tmp/plain.txt" $'\x1b[' "no escape codes on a pipe"
"$up" check --no-config --to 1.2 --color always "$pilot" >"$tmp/color.txt" 2>/dev/null
contains "$tmp/color.txt" $'\x1b[' "--color always colours"

# .upcheck.yaml is found from the working directory upward; flags win over it.
mkdir -p "$tmp/repo/sub"
printf 'to: "1.2"\nfail-on: error\n' >"$tmp/repo/.upcheck.yaml"
(cd "$tmp/repo/sub" && "$up" check "$pilot" >/dev/null 2>&1)
[ $? = 0 ] && pass || fail "config file fail-on: error should make warnings pass"
(cd "$tmp/repo/sub" && "$up" check --fail-on warning "$pilot" >/dev/null 2>&1)
[ $? = 1 ] && pass || fail "--fail-on should win over the config file"
printf 'bogus: 1\n' >"$tmp/bad.yaml"
expect_status 2 "bad config" "$up" check --config "$tmp/bad.yaml" "$pilot"
contains "$tmp/err" "unknown setting 'bogus'" "bad config names the setting"
# A rule option's value is checked against its type when the config is read (it used to become 0).
printf 'rules:\n  single-replica-control-plane:\n    min-replicas: two\n' >"$tmp/bad-option.yaml"
expect_status 2 "bad rule option value" "$up" check --config "$tmp/bad-option.yaml" --to 1.2 "$pilot"
contains "$tmp/err" "option min-replicas of rule single-replica-control-plane must be an integer, not 'two'" \
  "a bad option value names the option, the rule and the type it wants"

# Suppression by annotation.
python3 - "$pilot" "$tmp/suppressed.yaml" <<'PY'
import sys
text = open(sys.argv[1]).read()
text = text.replace("metadata:\n  name: istio-galley", "metadata:\n  annotations:\n    upcheck.io/ignore: AVL002\n  name: istio-galley")
open(sys.argv[2], "w").write(text)
PY
"$up" check --no-config --to 1.2 -o json "$tmp/suppressed.yaml" >"$tmp/supp.json" 2>/dev/null
python3 - "$tmp/supp.json" >"$tmp/supp.txt" <<'PY'
import json, sys
for f in json.load(open(sys.argv[1]))["findings"]:
    print(f["rule"], f["object"]["name"])
PY
lacks "$tmp/supp.txt" "single-replica-control-plane istio-galley" "upcheck.io/ignore silences the rule on that object"
contains "$tmp/supp.txt" "single-replica-control-plane istiod" "other objects still reported"

# rules, explain, --version.
expect_status 0 "rules" "$up" rules
contains "$tmp/out" "missing-pod-disruption-budget" "rules lists rules"
expect_status 0 "explain by code" "$up" explain avl001
contains "$tmp/out" "minAvailable" "explain shows the rule"
expect_status 2 "explain unknown" "$up" explain nope
expect_status 0 "--version" "$up" --version
contains "$tmp/out" "upcheck " "--version prints the version"

# plan: the runbook on stdout, exit 1 while a blocking finding stands, 2 for usage errors.
example=$root/examples/istio-1.20-canary-cluster.yaml
expect_status 1 "plan with blocking findings" "$up" plan --no-config --to 1.21.2 --method canary "$example"
contains "$tmp/out" "kubectl label namespace shop istio-injection- istio.io/rev=1-21-2" "plan moves the namespace"
lacks "$tmp/out" "upcheck: " "plan prints nothing but the runbook on stdout"
expect_status 1 "plan -o json" "$up" plan --no-config --to 1.21.2 --method canary -o json "$example"
contains "$tmp/out" '"exitCode": 1' "plan -o json summarizes the exit status"
"$up" plan --no-config --to 1.21.2 --method canary --stdin-filename cluster.yaml - <"$example" >"$tmp/stdin-runbook.md" 2>/dev/null
contains "$tmp/stdin-runbook.md" '`cluster.yaml`' "plan reads standard input"
expect_status 2 "plan without --method" "$up" plan --no-config --to 1.21.2 "$example"
expect_status 2 "plan of an unknown release" "$up" plan --no-config --to 1.99 --method canary "$example"
expect_status 2 "plan for a release before canaries" "$up" plan --no-config --to 1.5 --method canary "$example"
contains "$tmp/err" "Istio 1.6" "plan says why"
# .upcheck.yaml's format is check's: plan keeps writing Markdown.
mkdir -p "$tmp/planrepo"
printf 'format: sarif\nmethod: canary\n' >"$tmp/planrepo/.upcheck.yaml"
(cd "$tmp/planrepo" && "$up" plan --to 1.21.2 "$example" >"$tmp/out" 2>"$tmp/err")
[ $? = 1 ] && pass || fail "plan with check's config: $(head -3 "$tmp/err")"
contains "$tmp/out" "# Upgrade runbook" "plan ignores the config's report format and takes its method"
expect_status 0 "plan --help" "$up" plan --help
contains "$tmp/out" "--remove-revision" "plan --help lists the plan options"

echo "cli: $passed passed, $failed failed"
[ "$failed" = 0 ]
