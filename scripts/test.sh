#!/usr/bin/env bash
# The README's second command, and what CI runs (.ci/run calls this very script): install what is
# missing, build with g++ and with clang 14, and run the whole test suite with both.
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
  if ! log=$(ninja -C "$dir" 2>&1); then   # quiet when it builds, the whole story when it does not
    echo "$log" | tail -60 >&2
    return 1
  fi
  meson test -C "$dir" --print-errorlogs --num-processes 2 "${MESON_TEST_ARGS[@]}"
}

MESON_TEST_ARGS=()
# -O1: CI's builds are for testing; compile time is what bounds CI, and -O3 buys tests nothing.
echo "== g++ build and tests" >&2
run_suite build-gcc --buildtype=release -Doptimization=1
echo "== clang 14 build and tests" >&2
CXX=clang++-14 run_suite build-clang --buildtype=release -Doptimization=1

# A plain closing line for CI: every test of both builds, counted from meson's own logs.
/usr/bin/python3 - build-gcc build-clang <<'PY'
import json, sys
passed = failed = skipped = 0
for d in sys.argv[1:]:
    for line in open(f"{d}/meson-logs/testlog.json"):
        r = json.loads(line)["result"]
        if r in ("OK", "EXPECTEDFAIL"): passed += 1
        elif r == "SKIP": skipped += 1
        else: failed += 1
print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
PY
