#!/usr/bin/env bash
# Fuzzes one target for a while, niced (docs/fuzzing.md):
#   fuzz/run.sh BUILD_DIR TARGET SECONDS [OUTPUT_CORPUS_DIR] [libFuzzer flags...]
# Seeds: every input of testdata/, the committed corpus (fuzz/corpus/TARGET) and the fixed crashes
# (fuzz/regressions/TARGET). New inputs go to OUTPUT_CORPUS_DIR (default: a scratch directory);
# a crash, leak or timeout stops the run, leaves its input in BUILD_DIR/fuzz-artifacts/ and fails.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$1 target=$2 seconds=$3
shift 3
output=""
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  output=$1
  shift
fi
fuzzer="$build/fuzz/$target"
[ -x "$fuzzer" ] || { echo "fuzz/run.sh: no $fuzzer: build with -Dfuzzing=true (docs/fuzzing.md)" >&2; exit 2; }
case $target in
  fuzz_json_loader) dict="$root/fuzz/json.dict" ;;
  *) dict="$root/fuzz/yaml.dict" ;;
esac
scratch=""
if [ -z "$output" ]; then
  scratch=$(mktemp -d)
  output=$scratch
fi
mkdir -p "$output" "$build/fuzz-artifacts"
seeds=("$root/fuzz/corpus/$target" "$root/fuzz/regressions/$target" "$root/testdata")
existing=()
for d in "${seeds[@]}"; do [ -d "$d" ] && existing+=("$d"); done
status=0
# -max_len: the kubectl dumps in testdata are 100-300 KB; mutating inputs that size is slow and
# finds little that 64 KiB does not. -timeout: one input taking 10 s is a hang to report.
nice -n 19 "$fuzzer" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
  -dict="$dict" -print_final_stats=1 -artifact_prefix="$build/fuzz-artifacts/$target-" \
  "$@" "$output" "${existing[@]}" || status=$?
[ -n "$scratch" ] && rm -rf "$scratch"
exit $status
