#!/usr/bin/env bash
# Runs every input of testdata/, of the committed corpus and of the fixed crashes through one
# fuzzer, once each, without fuzzing: fuzz/replay.sh FUZZER TARGET FUZZ_DIR TESTDATA_DIR.
# A crash, leak, undefined behaviour or broken invariant fails it (docs/fuzzing.md).
set -euo pipefail
fuzzer=$1 target=$2 fuzz_dir=$3 testdata=$4
dirs=("$testdata")
for d in "$fuzz_dir/corpus/$target" "$fuzz_dir/regressions/$target"; do
  [ -d "$d" ] && dirs+=("$d")
done
# -runs=0: read (and so run) every input of the directories, then stop before mutating any.
# Crash reproducers, if one reappears, go to a scratch directory rather than the working tree.
artifacts=$(mktemp -d)
trap 'rm -rf "$artifacts"' EXIT
# libFuzzer's own exit status for a finding is 77, which meson takes for a skipped test.
"$fuzzer" -runs=0 -timeout=60 -error_exitcode=1 -timeout_exitcode=1 -artifact_prefix="$artifacts/" "${dirs[@]}"
