#!/usr/bin/env bash
# Runs one libFuzzer harness over its corpus: run.sh NAME BINARY CORPUS_ROOT [libFuzzer flags...]
# The corpus (CORPUS_ROOT/NAME) starts from the seeds below (committed fixtures, the broken-file corpus, the
# regressions) and keeps what the fuzzer adds. A finding is written to CORPUS_ROOT/NAME-findings/ and fails the run;
# copy it into tests/data/io/regressions/ with a regression test (README.md here).
#   long run:  bash tests/fuzz/run.sh png build/fuzz/tests/fuzz/fuzz_png build/fuzz/corpus -max_total_time=1800
set -euo pipefail
name=$1 bin=$2 root=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
d=$src/tests/data
case $name in
  npy) seeds=("$d"/io/npy/*.npy "$d"/io/broken/*.npy "$d"/io/image/*.npy) ;;
  npz) seeds=("$d"/io/npz/*.npz "$d"/io/broken/*.npz "$d"/io/npz/weights_folder/*.npy) ;;
  idx) seeds=("$d"/io/idx/* "$d"/io/broken/*.idx "$d"/io/broken/*.idx.gz) ;;
  png) seeds=("$d"/io/image/*.png "$d"/io/broken/*.png "$src"/data/samples/fmnist_*.png) ;;
  jpeg) seeds=("$d"/io/image/*.jpg "$d"/io/broken/*.jpg "$d"/io/regressions/*.jpg) ;;
  weights) seeds=("$d"/io/broken/*.npz) ;;
  labels) seeds=("$d"/labels/seeds/*.labels) ;;
  report) seeds=("$d"/labels/seeds/*.report "$d"/cli/no_maps_report/report.json) ;;
  embeddings) seeds=("$d"/labels/seeds/*.embeddings) ;;
  *) echo "run.sh: unknown harness '$name' (npy, npz, idx, png, jpeg, weights, labels, report, embeddings)" >&2
     exit 2 ;;
esac
corpus=$root/$name
findings=$root/$name-findings
mkdir -p "$corpus" "$findings"
if [ -z "$(ls -A "$corpus")" ]; then
  for f in "${seeds[@]}"; do
    [ -f "$f" ] && cp "$f" "$corpus/seed-$(basename "$f")"
  done
fi
# The weights harness writes valid weights of its own model as a seed.
if [ "$name" = weights ] && [ ! -e "$corpus/seed-fuzz-model.npz" ]; then
  empty=$(mktemp -d)
  INX_FUZZ_SEED_OUT="$corpus/seed-fuzz-model.npz" "$bin" -runs=0 "$empty" >/dev/null 2>&1 || true
  rmdir "$empty"
fi
# Regression inputs are run on every start, not only when the corpus is new.
extra=()
[ -d "$d/io/regressions" ] && extra+=("$d/io/regressions")
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
exec "$bin" -artifact_prefix="$findings/" -timeout=20 -rss_limit_mb=3072 -max_len=1048576 -print_final_stats=1 \
  "$@" "$corpus" "${extra[@]}"
