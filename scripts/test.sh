#!/usr/bin/env bash
# The README's second command, and what CI runs (.ci/run calls this very script): install what is
# missing, build with g++ and with clang 14 under ASan and UBSan, run the whole test suite with
# both, and fuzz each libFuzzer target briefly (docs/fuzzing.md). A third, plain clang build would
# prove nothing the sanitizer build does not, and would take CI past 15 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh

export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/upcheck-ccache}"
run_suite() {  # build dir, meson setup args...
  local dir=$1; shift
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@" >/dev/null
  fi
  local log
  if ! log=$(ninja -C "$dir" ${NINJA_JOBS:+-j "$NINJA_JOBS"} 2>&1); then   # quiet when it builds, the whole story when it does not
    echo "$log" | tail -60 >&2
    return 1
  fi
  meson test -C "$dir" --print-errorlogs --num-processes 2 "${MESON_TEST_ARGS[@]}"
}

MESON_TEST_ARGS=()
# -O1: CI's builds are for testing; compile time is what bounds CI, and -O3 buys tests nothing.
echo "== g++ build and tests" >&2
run_suite build-gcc --buildtype=release -Doptimization=1
# One sanitizer build (docs/fuzzing.md) serves the whole test suite under ASan and UBSan, the
# replay of the committed corpus through each fuzzer (meson suite "fuzz"), and a short fuzzing
# run per target. -O1 and line tables only: sanitizers need no more, and it builds fast.
#
# CI's fuzzing is a fixed sequence: seed 1 and a number of inputs (about 20 s each), so a run that
# passed here passes in CI, and a red CI means a change broke something, never that this run was
# unlucky. Exploring goes on outside CI (fuzz/run.sh, docs/fuzzing.md). UPCHECK_FUZZ_SEED=random
# explores instead.
echo "== clang 14 ASan+UBSan build: tests, corpus replay, a fixed fuzzing sequence per target" >&2
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
MESON_TEST_ARGS=(--timeout-multiplier 4)
CXX=clang++-14 run_suite build-fuzz --buildtype=plain -Doptimization=1 -Dfuzzing=true
fuzz_failed=()
seed_flag=(-seed=1)
[ "${UPCHECK_FUZZ_SEED:-1}" = random ] && seed_flag=()
declare -A fuzz_runs=([fuzz_yaml_loader]=7500 [fuzz_json_loader]=7500 [fuzz_check_pipeline]=1500)
for target in fuzz_yaml_loader fuzz_json_loader fuzz_check_pipeline; do
  log=build-fuzz/meson-logs/$target-run.log
  # 120 s: a ceiling for a slow machine, where the sequence stops short rather than CI running long.
  if bash fuzz/run.sh build-fuzz "$target" 120 "${seed_flag[@]}" -runs="${fuzz_runs[$target]}" >"$log" 2>&1; then
    grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE)' "$log" | sed "s/^/$target: /" >&2 || true
  else
    tail -60 "$log" >&2
    fuzz_failed+=("$target")
  fi
done

# A plain closing line for CI: every test of both builds, counted from meson's own logs,
# and the fuzzing runs.
/usr/bin/python3 - "${fuzz_failed[*]:-}" build-gcc build-fuzz <<'PY'
import json, sys
fuzz_failed = sys.argv[1].split()
passed = failed = skipped = 0
for d in sys.argv[2:]:
    for line in open(f"{d}/meson-logs/testlog.json"):
        r = json.loads(line)["result"]
        if r in ("OK", "EXPECTEDFAIL"): passed += 1
        elif r == "SKIP": skipped += 1
        else: failed += 1
fuzz = f"fuzzing failed: {', '.join(fuzz_failed)}" if fuzz_failed else "fuzzing: 3 targets, no crash"
print(f"tests: {passed} passed, {failed} failed, {skipped} skipped; {fuzz}")
sys.exit(1 if failed or fuzz_failed else 0)
PY
