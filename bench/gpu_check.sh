#!/usr/bin/env bash
# The GPU check (issue 11): on a machine with an NVIDIA GPU, build only the CUDA targets for that GPU's architecture,
# run every GPU test (GPU against CPU, TF32 off), run compute-sanitizer's memcheck over them, and write the logs and a
# results table to OUTDIR. Meant to finish in minutes on 16 cores; every step has its own time limit.
# Usage: bench/gpu_check.sh OUTDIR
# Without a GPU it still builds and runs test_cuda (the kernel bodies run on the host; GPU tests skip) and says so.
set -uo pipefail
OUT=${1:?usage: bench/gpu_check.sh OUTDIR}
cd "$(dirname "$0")/.."
mkdir -p "$OUT"
export PATH=$PATH:/usr/local/cuda/bin
JOBS=$(nproc)
table="$OUT/results.md"
echo "| step | result | seconds |" > "$table"
echo "|---|---|---|" >> "$table"
row() { echo "| $1 | $2 | $3 |" >> "$table"; echo "gpu_check: $1: $2 ($3 s)"; }

if ! command -v nvcc > /dev/null; then
  row "nvcc" "not found: the CUDA backend cannot be built here" 0
  exit 1
fi
arch=""
if command -v nvidia-smi > /dev/null && nvidia-smi > "$OUT/nvidia-smi.txt" 2>&1; then
  arch=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader | head -1 | tr -d '. ')
  row "GPU" "$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | head -1) (sm_$arch)" 0
else
  row "GPU" "none found (nvidia-smi failed or absent): GPU tests will skip" 0
fi

t0=$SECONDS
build=build/gpu-check
if timeout 300 cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DINX_CUDA=ON \
    -DCMAKE_CUDA_ARCHITECTURES="${arch:-80;90}" > "$OUT/configure.log" 2>&1 &&
  timeout 420 cmake --build "$build" --target test_cuda -j "$JOBS" > "$OUT/build.log" 2>&1; then
  row "build test_cuda (sm_${arch:-80,90})" ok $((SECONDS - t0))
else
  row "build test_cuda" "FAILED (see configure.log, build.log)" $((SECONDS - t0))
  exit 1
fi

t0=$SECONDS
# TF32 stays off: inx's cuBLAS handle uses CUBLAS_DEFAULT_MATH unless asked; NVIDIA_TF32_OVERRIDE=0 makes sure.
NVIDIA_TF32_OVERRIDE=0 timeout 180 "$build/tests/cuda/test_cuda" --gtest_output="xml:$OUT/test_cuda.xml" \
  > "$OUT/test_cuda.log" 2>&1
rc=$?
summary=$(grep -E "^\[  (PASSED|FAILED|SKIPPED) *\] [0-9]+ tests?(,|\.)" "$OUT/test_cuda.log" | sed 's/[][]//g; s/  */ /g' |
  tr '\n' ' ')
row "test_cuda" "$([ $rc -eq 0 ] && echo ok || echo "FAILED (exit $rc)"): $summary" $((SECONDS - t0))

if [ -n "$arch" ] && command -v compute-sanitizer > /dev/null; then
  t0=$SECONDS
  NVIDIA_TF32_OVERRIDE=0 timeout 300 compute-sanitizer --tool memcheck --error-exitcode 3 \
    "$build/tests/cuda/test_cuda" --gtest_brief=1 > "$OUT/memcheck.log" 2>&1
  mrc=$?
  row "compute-sanitizer memcheck" "$([ $mrc -eq 0 ] && echo "ok: no errors" || echo "FAILED (exit $mrc)")" \
    $((SECONDS - t0))
  [ $mrc -eq 0 ] || rc=1
else
  row "compute-sanitizer memcheck" "not run (no GPU or no compute-sanitizer)" 0
fi
row "GPU benchmarks" "none yet: the CUDA backend has no benchmark suite" 0
exit $rc
