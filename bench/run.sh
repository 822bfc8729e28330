#!/usr/bin/env bash
# upcheck's benchmarks, the numbers docs/performance.md records:
#   bench/run.sh [--quick] [--write-docs] [UPCHECK_BINARY]
# Runs ../shared/bench/compare.sh (upcheck against a bare libyaml / simdjson parse of the same dump)
# for YAML and JSON with one and two threads, then linearity (per-byte cost at 100 MB and 1 GiB),
# many small files against one file, and a gzip'd dump. --quick uses small inputs (a smoke run
# for `meson test --benchmark`). Dumps are cached in $BENCH_TMP (default /tmp/upcheck-bench).
# Needs: python3, GNU time, libyaml-dev, libsimdjson-dev (scripts/install-deps.sh installs them).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
quick=0 write_docs=0 up=""
for a in "$@"; do
  case "$a" in
    --quick) quick=1 ;;
    --write-docs) write_docs=1 ;;
    *) up=$a ;;
  esac
done
up=${up:-$root/build/upcheck}
up=$(cd "$(dirname "$up")" && pwd)/$(basename "$up")
shared=$root/../shared/bench
[ -f "$shared/compare.sh" ] || { echo "bench: $shared/compare.sh is missing (shared/ must sit beside the checkout)" >&2; exit 2; }
export BENCH_TMP=${BENCH_TMP:-/tmp/upcheck-bench}
mkdir -p "$BENCH_TMP"
if ((quick)); then ns_yaml=60 ns_json=40 ns_small=100 ns_big=600 runs=3; else ns_yaml=1200 ns_json=1200 ns_small=640 ns_big=6400 runs=5; fi
gen() {  # namespaces format file
  [ -s "$3" ] || python3 "$shared/gen_cluster.py" --namespaces "$1" --deployments 10 --pods 2 --format "$2" >"$3"
}
measure() {  # $runs runs: "best_wall median_wall median_cpu worst_peak_rss_kib" (seconds, KiB)
  : >"$BENCH_TMP/runs.txt"
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %U %S %M" -o "$BENCH_TMP/t.out" "$@" >/dev/null 2>&1 || true
    tail -1 "$BENCH_TMP/t.out" >>"$BENCH_TMP/runs.txt"   # time adds a line when the exit status is not 0
  done
  python3 - "$BENCH_TMP/runs.txt" <<'PY'
import statistics, sys
runs = [list(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
wall = [r[0] for r in runs]
cpu = [r[1] + r[2] for r in runs]
print(min(wall), statistics.median(wall), statistics.median(cpu), int(max(r[3] for r in runs)))
PY
}
rows=()
row() { rows+=("$1"); echo "$1"; }

for fmt in yaml json; do
  ns=$ns_yaml; [ "$fmt" = json ] && ns=$ns_json
  for jobs in 1 2; do
    line=$(UPCHECK_ARGS="--jobs $jobs" bash "$shared/compare.sh" "$up" "$ns" "$fmt" | tail -4)
    echo "$line" >&2
    ratio=$(echo "$line" | grep '^ratio')
    floor=$(echo "$line" | grep '^floor' | sed 's/.*best //')
    mine=$(echo "$line" | grep '^upcheck' | sed 's/.*best //')
    row "| $fmt, $ns namespaces, --jobs $jobs | $floor | $mine | ${ratio#ratio } |"
  done
done

# Linearity: seconds per MB at a small and a large input, one thread.
small="$BENCH_TMP/linear-$ns_small.yaml"; big="$BENCH_TMP/linear-$ns_big.yaml"
gen "$ns_small" yaml "$small"; gen "$ns_big" yaml "$big"
read -r _ w_small c_small k_small < <(measure "$up" check --to 1.2 -o json --jobs 1 "$small")
read -r _ w_big c_big k_big < <(measure "$up" check --to 1.2 -o json --jobs 1 "$big")
mb_small=$(python3 -c "import os; print(os.path.getsize('$small')/1e6)")
mb_big=$(python3 -c "import os; print(os.path.getsize('$big')/1e6)")
# Medians of $runs runs; CPU seconds (user + system) are what a busy machine disturbs least.
row "$(python3 -c "
a=$c_small/$mb_small; b=$c_big/$mb_big; wa=$w_small/$mb_small; wb=$w_big/$mb_big
print('| linear: %.0f MB vs %.0f MB, --jobs 1, medians | %.2f ms/MB CPU (%.2f wall) | %.2f ms/MB CPU (%.2f wall) | CPU cost ratio %.2f (wall %.2f), RSS %.0f vs %.0f MiB |' % (\
  $mb_small, $mb_big, a*1000, wa*1000, b*1000, wb*1000, b/a, wb/wa, $k_small/1024, $k_big/1024))")"

# Many small files: the same objects, one file each, against one List.
# 220 namespaces give about 10,500 objects: the first 10,000 become the files.
one="$BENCH_TMP/files-one.yaml"; dir="$BENCH_TMP/files-many"
if ((quick)); then gen 40 yaml "$one"; else gen 220 yaml "$one"; fi
if [ ! -d "$dir" ]; then
  mkdir -p "$dir"
  python3 - "$one" "$dir" <<'PY'
import sys
lines = open(sys.argv[1]).read().split("\n")
items, cur = [], None
for l in lines[2:]:
    if l.startswith("- "):
        cur = [l[2:]]; items.append(cur)
    elif l.startswith("  ") and cur is not None:
        cur.append(l[2:])
    elif l and not l.startswith(" "):
        break
for i, item in enumerate(items[:10000]):
    open(f"{sys.argv[2]}/{i:05d}.yaml", "w").write("\n".join(item) + "\n")
PY
fi
count=$(ls "$dir" | wc -l)
python3 - "$dir" "$BENCH_TMP/files-same.yaml" <<'PY'
import os, sys
d = sys.argv[1]
with open(sys.argv[2], "w") as out:
    for name in sorted(os.listdir(d)):
        out.write("---\n" + open(os.path.join(d, name)).read())
PY
read -r s_dir _ _ k_dir < <(measure "$up" check --to 1.2 -o json "$dir")
read -r s_file _ _ k_file < <(measure "$up" check --to 1.2 -o json "$BENCH_TMP/files-same.yaml")
row "$(python3 -c "print('| %d files vs the same objects in one file | %.2f s | %.2f s | ratio %.2f |' % ($count, $s_file, $s_dir, $s_dir/max($s_file,0.001)))")"

# gzip'd input streams through zlib with no temporary file.
gz="$BENCH_TMP/dump-$ns_yaml.yaml.gz"
[ -s "$gz" ] || gzip -c "$BENCH_TMP/dump-$ns_yaml.yaml" >"$gz"
read -r s_gz _ _ k_gz < <(measure "$up" check --to 1.2 -o json "$gz")
mb=$(python3 -c "import os; print(os.path.getsize('$BENCH_TMP/dump-$ns_yaml.yaml')/1e6)")
row "$(python3 -c "print('| gzip, %.0f MB uncompressed | | %.2f s | rss=%.2f of uncompressed |' % ($mb, $s_gz, $k_gz*1024/($mb*1e6)))")"

if ((write_docs)); then
  {
    cat "$root/docs/performance.intro.md"
    echo
    echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/{print $2}') GiB, upcheck $("$up" --version | cut -d' ' -f2)."
    echo
    echo "| input | floor (bare parse) | upcheck | ratio |"
    echo "| --- | --- | --- | --- |"
    printf '%s\n' "${rows[@]}"
  } >"$root/docs/performance.md"
  echo "wrote docs/performance.md" >&2
fi
