#!/usr/bin/env bash
# Scaffolds a rule (docs/adding-a-rule.md), as Ruff's scripts/add_rule.py and clang-tidy's
# add_new_check.py do: the rule file in the shape of rules/availability/single_replica_control_plane.cpp
# with the next free code of its category, its lines in the registry (rules/all_rules.hpp,
# rules/all_rules.cpp, rules/meson.build, each in code order), and a firing and a silent fixture.
#
#   scripts/new-rule.sh NAME CATEGORY      e.g. scripts/new-rule.sh sidecar-without-limits availability
#
# NAME is the rule's kebab-case name: the pattern it flags. CATEGORY is a folder of rules/ that the
# registry test's kCategories table gives a code prefix (tests/registry_test.cpp). The check it
# writes is a placeholder that flags objects annotated `upcheck.dev/todo: NAME`, so the fixtures
# and examples pass as written; replace it, the metadata's TODOs and the fixtures together.
set -euo pipefail

usage() {
  echo "usage: $0 NAME CATEGORY   (NAME kebab-case, CATEGORY a folder of rules/)" >&2
  exit 2
}
[ $# -eq 2 ] || usage
name=$1
category=$2
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

[[ $name =~ ^[a-z][a-z0-9]*(-[a-z0-9]+)*$ ]] || { echo "$0: '$name' is not kebab-case" >&2; exit 2; }
snake=${name//-/_}
# The prefix of the category, from the one table that states it: {"AVL", "availability"}.
prefix=$(sed -nE 's/.*\{"([A-Z]+)", "'"$category"'"\}.*/\1/p' tests/registry_test.cpp)
if [ -z "$prefix" ]; then
  categories=$(grep -oE '\{"[A-Z]+", "[a-z]+"\}' tests/registry_test.cpp | cut -d'"' -f4 | tr '\n' ' ')
  echo "$0: '$category' is no category; categories: $categories(a new one needs its line in" \
    "kCategories, tests/registry_test.cpp)" >&2
  exit 2
fi
rule_file="rules/$category/$snake.cpp"
fixtures="testdata/rules/$name"
for path in "$rule_file" "$fixtures"; do
  [ ! -e "$path" ] || { echo "$0: $path already exists" >&2; exit 1; }
done
if grep -qE "^extern const Rule $snake;" rules/all_rules.hpp; then
  echo "$0: rules/all_rules.hpp already declares $snake" >&2
  exit 1
fi

# The registry as the header lists it, one "CODE snake_name" a line.
registry=$(sed -nE 's|^extern const Rule ([a-z0-9_]+); *// ([A-Z]+[0-9]+)$|\2 \1|p' rules/all_rules.hpp)
last=$(echo "$registry" | sed -nE "s/^$prefix([0-9]+) .*/\1/p" | sort -n | tail -1)
code=$(printf '%s%03d' "$prefix" $((10#${last:-0} + 1)))
# The rule the new one follows in code order; none when it comes first.
previous=$(echo "$registry" | LC_ALL=C sort | awk -v code="$code" '$1 < code { p = $2 } END { print p }')

# Writes FILE.new: FILE with LINE after the line matching AFTER (a regex), or before the first line
# matching FIRST when the new rule comes first. The three lists change together or not at all.
edited=()
insert_line() {  # FILE AFTER FIRST LINE
  local file=$1 after=$2 first=$3 line=$4
  # Through the environment: awk -v would read the patterns' backslashes as escapes.
  AFTER="$after" FIRST="$first" LINE="$line" awk '
    BEGIN { after = ENVIRON["AFTER"]; first = ENVIRON["FIRST"] }
    !done && after == "" && $0 ~ first { print ENVIRON["LINE"]; done = 1 }
    { print }
    !done && after != "" && $0 ~ after { print ENVIRON["LINE"]; done = 1 }
    END { if (!done) exit 1 }' "$file" >"$file.new" || {
    rm -f "$file.new" "${edited[@]/%/.new}"
    echo "$0: found no place for $snake in $file" >&2
    exit 1
  }
  edited+=("$file")
}

declaration=$(printf '%-51s// %s' "extern const Rule $snake;" "$code")
if [ -n "$previous" ]; then
  insert_line rules/all_rules.hpp "^extern const Rule $previous;" "" "$declaration"
  insert_line rules/all_rules.cpp "^    &rules::$previous,$" "" "    &rules::$snake,"
  insert_line rules/meson.build "^  \\['[a-z]+', '$previous'\\],$" "" "  ['$category', '$snake'],"
else
  insert_line rules/all_rules.hpp "" "^extern const Rule " "$declaration"
  insert_line rules/all_rules.cpp "" "^    &rules::" "    &rules::$snake,"
  insert_line rules/meson.build "" "^  \\['[a-z]+', '[a-z0-9_]+'\\],$" "  ['$category', '$snake'],"
fi
for file in "${edited[@]}"; do mv "$file.new" "$file"; done

# The placeholder's object, in both examples and both fixtures.
todo_object() {  # ANNOTATION_VALUE [MARKER]
  cat <<EOF
apiVersion: v1
kind: ConfigMap
metadata:
  name: todo
  namespace: default
  annotations:
    upcheck.dev/todo: $1${2:-}
EOF
}

cat >"$rule_file" <<EOF
#include <fmt/format.h>

#include "rules/all_rules.hpp"

namespace upcheck::rules {
namespace {

constexpr std::string_view kKinds[] = {"ConfigMap"};

// TODO($name): find the pattern the rule is named after. This placeholder
// flags every ConfigMap annotated \`upcheck.dev/todo: $name\`, as the scaffold's examples and
// fixtures are.
void check(const CheckContext& ctx, FindingSink& out) {
  for (const Resource* object : ctx.snapshot().of_kind("ConfigMap")) {
    if (object->annotation("upcheck.dev/todo") != "$name") continue;
    out.report(*object, "metadata.annotations[\"upcheck.dev/todo\"]",
               fmt::format("{}: TODO say what breaks in the upgrade, and when", object->display_name()));
  }
}

}  // namespace

constinit const Rule $snake{
    .info =
        {
            .code = "$code",
            .name = "$name",
            .severity = Severity::Warning,
            .title = "TODO: what the rule flags, in one line",
            .rationale =
                "TODO: why the upgrade breaks on this pattern, with sources: the istio.io page and the "
                "release it describes, istio/istio source paths with their tag, issue and PR numbers.",
            .remediation = "TODO: what to change before the upgrade.",
            .kinds = kKinds,
            .example_bad = R"($(todo_object "$name")
)",
            .example_good = R"($(todo_object "another-rule")
)",
        },
    .check = check,
};

}  // namespace upcheck::rules
EOF

mkdir -p "$fixtures/fires-on-the-placeholder" "$fixtures/ignores-what-the-placeholder-does-not-name"
{
  echo "# TODO($name): objects that show the pattern, as kubectl prints them, with an expect marker"
  echo "# for $code on every line a finding points at (as below). Rename the case after what it proves."
  todo_object "$name" "  # expect: $code"
} >"$fixtures/fires-on-the-placeholder/input.yaml"
{
  echo "# TODO($name): near misses the rule must stay silent on. Rename the case after what it proves."
  todo_object "another-rule"
} >"$fixtures/ignores-what-the-placeholder-does-not-name/input.yaml"

cat <<EOF
$code $name: wrote $rule_file and $fixtures/, and registered it in rules/all_rules.hpp,
rules/all_rules.cpp and rules/meson.build.
Next (docs/adding-a-rule.md): write the check and the metadata's TODOs, then the fixtures; build;
write the goldens and docs with \`UPCHECK_UPDATE_GOLDENS=1 meson test -C build registry $name\`,
read the diff, and run \`meson test -C build\`.
EOF
