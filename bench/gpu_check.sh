#!/usr/bin/env bash
# The GPU check (issue 11): on a machine with an NVIDIA GPU, build only the CUDA targets for that GPU's architecture
# (test_cuda, bench_cuda, the inx program), run every GPU test (GPU against CPU, TF32 off), run compute-sanitizer's
# memcheck over them, run the GPU benchmarks (and PyTorch's on the same GPU where it is installed), run `inx classify`
# and `inx explain` with --device cuda beside --device cpu, and write the logs and a results table to OUTDIR. Meant
# to finish within 8 minutes on 16 cores; every step has its own time limit.
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
  timeout 300 cmake --build "$build" --target test_cuda -j "$JOBS" > "$OUT/build.log" 2>&1; then
  row "build test_cuda (sm_${arch:-80,90})" ok $((SECONDS - t0))
else
  row "build test_cuda" "FAILED (see configure.log, build.log)" $((SECONDS - t0))
  exit 1
fi
# The benchmark and the program build in the background while the tests run.
(timeout 360 cmake --build "$build" --target bench_cuda inx_cli -j "$JOBS" > "$OUT/build_more.log" 2>&1
 echo $? > "$OUT/build_more.rc") &
more_pid=$!

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
wait $more_pid
if [ "$(cat "$OUT/build_more.rc" 2>/dev/null)" != 0 ]; then
  row "build bench_cuda, inx" "FAILED (see build_more.log)" 0
  exit 1
fi
if [ -z "$arch" ]; then
  row "GPU benchmarks, inx --device cuda" "not run (no GPU)" 0
  exit $rc
fi

t0=$SECONDS
NVIDIA_TF32_OVERRIDE=0 timeout 150 "$build/bench/bench_cuda" --benchmark_repetitions=5 \
  --benchmark_report_aggregates_only=true --benchmark_out="$OUT/bench_cuda.json" --benchmark_out_format=json \
  > "$OUT/bench_cuda.log" 2>&1
brc=$?
row "bench_cuda" "$([ $brc -eq 0 ] && echo ok || echo "FAILED (exit $brc)")" $((SECONDS - t0))
[ $brc -eq 0 ] || rc=1
timeout 120 python3 bench/compare_torch_gpu.py > "$OUT/torch_gpu.json" 2> "$OUT/torch_gpu.log"
trc=$?
python3 - "$OUT/bench_cuda.json" "$OUT/torch_gpu.json" "$trc" >> "$table" <<'PY' || rc=1
import json, sys
inx = {b["run_name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"] if b.get("aggregate_name") == "median"}
torch = json.load(open(sys.argv[2])) if sys.argv[3] == "0" else {}
ref = {"BM_Resnet50Forward/1": "resnet50_forward_b1_ms", "BM_Resnet50Forward/64": "resnet50_forward_b64_ms",
       "BM_Resnet50GradCamNetworkPass/1": "resnet50_gradcam_b1_ms",
       "BM_Resnet50GradCamNetworkPass/64": "resnet50_gradcam_b64_ms"}
for name, b in inx.items():
    ms = b["real_time"] if b["time_unit"] == "ms" else b["real_time"] / 1e6
    key = name.replace("/real_time", "")
    extra = ", ".join(f"{k} {b[k]:.0f}" for k in ("images/s", "GFLOP/s") if k in b)
    vs = ""
    if key in ref and ref[key] in torch:
        vs = f"; PyTorch {torch[ref[key]]:.2f} ms, inx / PyTorch {ms / torch[ref[key]]:.2f}"
    print(f"| {key} (median of 5) | {ms:.2f} ms{', ' + extra if extra else ''}{vs} | |")
if not torch:
    print("| PyTorch on the GPU | not run (see torch_gpu.log) | |")
PY

t0=$SECONDS
inx=$build/bin/inx
boot=data/samples/fmnist_0000_ankle_boot.png
if timeout 60 "$inx" classify --model fmnist --image "$boot" --device cuda --top 3 > "$OUT/classify_cuda.txt" 2>&1 &&
  timeout 60 "$inx" classify --model fmnist --image "$boot" --device cpu --top 3 > "$OUT/classify_cpu.txt" 2>&1 &&
  [ "$(cut -c 17- "$OUT/classify_cuda.txt")" = "$(cut -c 17- "$OUT/classify_cpu.txt")" ]; then
  row "inx classify --device cuda" "ok: the CPU's top 3" $((SECONDS - t0))
else
  row "inx classify --device cuda" "FAILED (see classify_*.txt)" $((SECONDS - t0))
  rc=1
fi
t0=$SECONDS
if timeout 120 "$inx" explain --image "$boot" --image data/samples/fmnist_0002_trouser.png --device cuda \
    --out "$OUT/explain_cuda" > "$OUT/explain_cuda.log" 2>&1; then
  row "inx explain --device cuda (2 fmnist images)" "ok: $OUT/explain_cuda/report.html" $((SECONDS - t0))
else
  row "inx explain --device cuda" "FAILED (see explain_cuda.log)" $((SECONDS - t0))
  rc=1
fi
exit $rc
