#!/usr/bin/env bash
# scripts/new-rule.sh, run in a scratch copy of what it reads and edits: the rule gets the next free
# code of its category, the three registry lists stay in code order and agree, the fixtures have a
# firing and a silent case, and the rule file compiles against today's engine. (That the result
# builds and passes the registry and fixture tests takes a whole build, about 5 minutes on 2 cores:
# docs/adding-a-rule.md says how that was proved.)
#
# Usage: new_rule_test.sh SOURCE_ROOT BUILD_ROOT C++-COMPILER-COMMAND...
set -euo pipefail
root=$1 build=$2
shift 2
cxx=("$@")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/tests" "$tmp/testdata/rules"
cp -r "$root/rules" "$root/scripts" "$tmp/"
cp "$root/tests/registry_test.cpp" "$tmp/tests/"
cd "$tmp"

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# "CODE snake_name" per rule, in the order of each of the three lists.
header_order() { sed -nE 's|^extern const Rule ([a-z0-9_]+); *// ([A-Z]+[0-9]+)$|\2 \1|p' rules/all_rules.hpp; }
array_order() { sed -nE 's|^    &rules::([a-z0-9_]+),$|\1|p' rules/all_rules.cpp; }
meson_order() { sed -nE "s|^  \\['([a-z]+)', '([a-z0-9_]+)'\\],$|\\2|p" rules/meson.build; }

check_registry() {  # CODE SNAKE FOLDER: the new rule is in all three lists, in code order
  local code=$1 snake=$2 folder=$3
  header_order | grep -qx "$code $snake" || fail "all_rules.hpp does not declare $snake as $code"
  header_order | LC_ALL=C sort -c 2>/dev/null || fail "all_rules.hpp is not sorted by code"
  [ "$(header_order | cut -d' ' -f2)" = "$(array_order)" ] || fail "all_rules.cpp's order is not all_rules.hpp's"
  [ "$(header_order | cut -d' ' -f2)" = "$(meson_order)" ] || fail "rules/meson.build's order is not all_rules.hpp's"
  grep -qx "  \\['$folder', '$snake'\\]," rules/meson.build || fail "rules/meson.build does not list $folder/$snake"
}

check_rule() {  # NAME FOLDER CODE
  local name=$1 folder=$2 code=$3 snake=${1//-/_}
  local file=rules/$folder/$snake.cpp
  [ -f "$file" ] || { fail "$file was not written"; return; }
  grep -qF ".code = \"$code\"," "$file" || fail "$file does not have code $code"
  grep -qF ".name = \"$name\"," "$file" || fail "$file does not have name $name"
  grep -qF "constinit const Rule $snake{" "$file" || fail "$file does not define $snake"
  check_registry "$code" "$snake" "$folder"
  local fires silent
  fires=$(grep -lF "# expect: $code" testdata/rules/"$name"/*/input.yaml | wc -l)
  silent=$(grep -LF "# expect:" testdata/rules/"$name"/*/input.yaml | wc -l)
  [ "$fires" -ge 1 ] || fail "testdata/rules/$name has no firing case"
  [ "$silent" -ge 1 ] || fail "testdata/rules/$name has no silent case"
  # A marker in a comment line would expect a finding on the comment.
  ! grep -nE '^[[:space:]]*#.*#[[:space:]]*expect:' testdata/rules/"$name"/*/input.yaml ||
    fail "testdata/rules/$name has a marker on a comment line"
}

compiles() {  # FILE: the scaffold keeps up with the engine's API
  # The include paths of the build: src/, rules/ (in this copy), the root (for layer-prefixed
  # includes) and the build directory (generated headers).
  "${cxx[@]}" -std=c++20 -fsyntax-only -Wall -Wextra -Wpedantic -Werror -I "$root/src" -I rules -I . -I "$root" \
    -I "$build" "$1" ||
    fail "$1 does not compile"
}

next_code() {  # PREFIX: the code the next rule of that prefix gets
  local last
  last=$(header_order | sed -nE "s/^$1([0-9]+) .*/\\1/p" | sort -n | tail -1)
  printf '%s%03d' "$1" $((10#${last:-0} + 1))
}

# A rule in a category that has rules: it follows them.
code=$(next_code AVL)
bash scripts/new-rule.sh example-check availability >/dev/null || fail "new-rule.sh example-check availability failed"
check_rule example-check availability "$code"
compiles rules/availability/example_check.cpp

# The first rule of a new category comes first in code order when its prefix does.
mkdir rules/aaa
sed -i 's|{"API", "api"},|{"AAA", "aaa"}, {"API", "api"},|' tests/registry_test.cpp
bash scripts/new-rule.sh first-of-its-kind aaa >/dev/null || fail "new-rule.sh first-of-its-kind aaa failed"
check_rule first-of-its-kind aaa AAA001
[ "$(header_order | head -1)" = "AAA001 first_of_its_kind" ] || fail "AAA001 is not the registry's first rule"

# Refusals change nothing.
snapshot() { find rules testdata -type f -print0 | sort -z | xargs -0 md5sum; }
before=$(snapshot)
for args in "example-check availability" "Not-Kebab availability" "another-one no-such-category" "too-few"; do
  # shellcheck disable=SC2086
  if bash scripts/new-rule.sh $args >/dev/null 2>&1; then fail "new-rule.sh $args succeeded"; fi
done
[ "$before" = "$(snapshot)" ] || fail "a refused new-rule.sh changed files"

[ "$failures" -eq 0 ] && echo "new-rule.sh: scaffolds as the registry test wants"
exit $((failures > 0))
