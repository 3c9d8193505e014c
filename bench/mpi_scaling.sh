#!/usr/bin/env bash
# Strong scaling of `mpirun -np N inx ...` on one machine, and the MPI layer's overhead: each workload in four ways,
# REPEATS times each (median wall seconds):
#   plain 1x1   no mpirun, OMP_NUM_THREADS=1
#   plain 1x2   no mpirun, OMP_NUM_THREADS=2           (one process, both cores)
#   mpirun 1x1  mpirun -np 1, OMP_NUM_THREADS=1        (the layer's overhead against plain 1x1)
#   mpirun 2x1  mpirun -np 2, OMP_NUM_THREADS=1        (two ranks, one core each)
# and checks that every way wrote the same report / metrics (tests/cli/json_close.py).
# Usage: bench/mpi_scaling.sh path/to/inx [REPEATS]   (needs the MPI layer and mpirun; 2 cores are enough)
set -euo pipefail
INX=${1:?usage: mpi_scaling.sh path/to/inx [REPEATS]}
REPEATS=${2:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
MPI=(mpirun -q --bind-to none --mca btl self,vader -x OMP_NUM_THREADS)
IDX=/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz

# 24 photographs for EfficientNet-Lite0 (the 6 shipped ones, 4 times over under other names).
mkdir -p "$TMP/photos"
for k in 1 2 3 4; do
  for f in "$ROOT"/data/photos/*.png "$ROOT"/data/samples/chelsea.png "$ROOT"/data/samples/coffee.png; do
    cp "$f" "$TMP/photos/$k-$(basename "$f")"
  done
done

declare -A WORK=(
  [explain_fmnist_50]="explain --image $ROOT/data/labels/demo/images --quiet"
  [explain_efficientnet_24]="explain --model efficientnet_lite0 --image $TMP/photos --quiet"
  [evaluate_fmnist_64]="evaluate --idx $IDX --idx-count 64 --quiet"
)
result() { case $1 in explain*) echo report.json ;; *) echo metrics.json ;; esac; }

median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
time_of() {  # time_of OUT COMMAND... : wall seconds of one run
  local t0 t1
  t0=$(date +%s.%N)
  "${@:2}" --out "$1" >/dev/null
  t1=$(date +%s.%N)
  awk "BEGIN {print $t1 - $t0}"
}

printf "%-26s %10s %10s %11s %11s %9s %9s %9s\n" workload "plain 1x1" "plain 1x2" "mpirun 1x1" "mpirun 2x1" \
  "overhead" "2x1/1x1" "2x1/1x2"
for w in explain_fmnist_50 explain_efficientnet_24 evaluate_fmnist_64; do
  read -r -a args <<<"${WORK[$w]}"
  declare -A med=()
  for way in plain11 plain12 mpi11 mpi21; do
    ts=()
    for ((r = 0; r < REPEATS; r++)); do
      out="$TMP/$w-$way"
      case $way in
        plain11) ts+=("$(OMP_NUM_THREADS=1 time_of "$out" "$INX" "${args[@]}")") ;;
        plain12) ts+=("$(OMP_NUM_THREADS=2 time_of "$out" "$INX" "${args[@]}")") ;;
        mpi11) ts+=("$(OMP_NUM_THREADS=1 time_of "$out" "${MPI[@]}" -np 1 "$INX" "${args[@]}")") ;;
        mpi21) ts+=("$(OMP_NUM_THREADS=1 time_of "$out" "${MPI[@]}" -np 2 "$INX" "${args[@]}")") ;;
      esac
    done
    med[$way]=$(printf "%s\n" "${ts[@]}" | median)
    [ "$way" = plain11 ] || python3 "$ROOT/tests/cli/json_close.py" "$TMP/$w-plain11/$(result "$w")" \
      "$TMP/$w-$way/$(result "$w")" >/dev/null || { echo "$w: $way wrote a different $(result "$w")" >&2; exit 1; }
  done
  printf "%-26s %10.2f %10.2f %11.2f %11.2f %8.1f%% %8.2fx %8.2fx\n" "$w" "${med[plain11]}" "${med[plain12]}" \
    "${med[mpi11]}" "${med[mpi21]}" "$(awk "BEGIN {print (${med[mpi11]} / ${med[plain11]} - 1) * 100}")" \
    "$(awk "BEGIN {print ${med[plain11]} / ${med[mpi21]}}")" "$(awk "BEGIN {print ${med[plain12]} / ${med[mpi21]}}")"
  unset med
done
echo "(median of $REPEATS runs, wall seconds; 2x1/1x1 and 2x1/1x2: speed-up of two ranks over one process)"
