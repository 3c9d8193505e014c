#!/usr/bin/python3
"""Side-by-side convolution timings: inx's bench_conv against PyTorch on the same shapes, in the same run.

Usage: bench/compare_torch.py --inx build/release/bench/bench_conv [--threads N] [--min-time S] [--filter REGEX]

For every benchmark the inx binary lists (by default conv_fwd/ and conv_bwd_data/ on the VGG-16 and ResNet-50
shapes), the shape is parsed back from the benchmark name, the inx binary is run on that one benchmark
(--benchmark_format=json) and PyTorch runs the same operation right after it, so both see the same machine load.
Both sides report the median over individual calls (inx: the median_ms counter; PyTorch: median of repeats), with
the same thread count (OMP_NUM_THREADS for inx, torch.set_num_threads for PyTorch); with --rounds R each side keeps
its best of R alternating measurements. Prints one row per shape with both times and the ratio inx / PyTorch, then a
Markdown table and the median ratio per pass.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

import torch
import torch.nn.functional as F

NAME = re.compile(r"^(?P<pass>[a-z_]+)/(?P<net>[a-z0-9]+)/n(?P<n>\d+)_c(?P<c>\d+)_h(?P<h>\d+)_w(?P<w>\d+)_o(?P<o>\d+)"
                  r"_k(?P<kh>\d+)x(?P<kw>\d+)_s(?P<sh>\d+)x(?P<sw>\d+)_p(?P<ph>\d+)x(?P<pw>\d+)"
                  r"_d(?P<dh>\d+)x(?P<dw>\d+)_g(?P<g>\d+)")
TORCH_PASSES = {"conv_fwd", "conv_bwd_data", "conv_bwd_weights"}


def list_benchmarks(binary, pattern):
    out = subprocess.run([binary, "--benchmark_list_tests=true", f"--benchmark_filter={pattern}"], check=True,
                         capture_output=True, text=True).stdout
    return [line.strip() for line in out.splitlines() if line.strip()]


def run_inx(binary, name, threads, min_time, stat):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    cmd = [binary, f"--benchmark_filter=^{re.escape(name)}$", "--benchmark_format=json",
           f"--benchmark_min_time={min_time}"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    runs = json.loads(out)["benchmarks"]
    if not runs:
        sys.exit(f"compare_torch: {binary} ran no benchmark named {name}")
    return runs[0][f"{stat}_ms"]


def torch_call(m, passname, op):
    n, c, h, w, o = (int(m[k]) for k in ("n", "c", "h", "w", "o"))
    kh, kw, g = int(m["kh"]), int(m["kw"]), int(m["g"])
    stride, pad, dil = (int(m["sh"]), int(m["sw"])), (int(m["ph"]), int(m["pw"])), (int(m["dh"]), int(m["dw"]))
    gen = torch.Generator().manual_seed(1)
    x = torch.rand(n, c, h, w, generator=gen) * 2 - 1
    wt = torch.rand(o, c // g, kh, kw, generator=gen) * 2 - 1
    b = torch.rand(o, generator=gen) * 2 - 1
    y = F.conv2d(x, wt, b, stride, pad, dil, g)
    dy = torch.rand(y.shape, generator=gen) * 2 - 1
    if passname == "conv_fwd":
        if op == "mkldnn":  # PyTorch's oneDNN convolution, which F.conv2d skips for 1x1 kernels on one thread
            return lambda: torch.ops.aten.mkldnn_convolution(x, wt, b, list(pad), list(stride), list(dil), g)
        return lambda: F.conv2d(x, wt, b, stride, pad, dil, g)
    mask = [True, False, False] if passname == "conv_bwd_data" else [False, True, True]
    bias_sizes = None if passname == "conv_bwd_data" else [o]
    # The op autograd itself calls for Conv2d's backward.
    return lambda: torch.ops.aten.convolution_backward(dy, x, wt, bias_sizes, stride, pad, dil, False, [0, 0], g,
                                                       mask)


def time_torch(fn, target_s, stat):
    with torch.no_grad():
        for _ in range(3):  # warm-up: oneDNN primitive creation, allocator
            fn()
        t0 = time.perf_counter()
        fn()
        first = time.perf_counter() - t0
        reps = max(7, min(300, int(target_s / max(first, 1e-6))))
        times = []
        for _ in range(reps):
            t0 = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times) if stat == "median" else min(times)


def gflop(m):
    n, o, c, kh, kw, g = (int(m[k]) for k in ("n", "o", "c", "kh", "kw", "g"))
    h, w = int(m["h"]), int(m["w"])
    oh = (h + 2 * int(m["ph"]) - int(m["dh"]) * (kh - 1) - 1) // int(m["sh"]) + 1
    ow = (w + 2 * int(m["pw"]) - int(m["dw"]) * (kw - 1) - 1) // int(m["sw"]) + 1
    return 2.0 * n * o * oh * ow * (c // g) * kh * kw * 1e-9


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--inx", required=True, help="path to the bench_conv binary")
    ap.add_argument("--threads", type=int, default=os.cpu_count(), help="threads for both sides (default: all)")
    ap.add_argument("--min-time", type=float, default=0.05, help="inx --benchmark_min_time per shape, seconds")
    ap.add_argument("--filter", default="^conv_fwd/|^conv_bwd_data/", help="regex over inx benchmark names")
    ap.add_argument("--stat", choices=("median", "min"), default="median",
                    help="per-call statistic compared on both sides (min is the least disturbed call)")
    ap.add_argument("--rounds", type=int, default=1,
                    help="measure each shape this many times, alternating inx and PyTorch, and keep each side's "
                         "best round (the least disturbed one on a shared machine)")
    ap.add_argument("--torch-op", choices=("auto", "mkldnn"), default="auto",
                    help="PyTorch forward op: F.conv2d as users call it (auto), or aten.mkldnn_convolution")
    ap.add_argument("--json", help="also write the rows to this JSON file")
    args = ap.parse_args()
    if not os.access(args.inx, os.X_OK):
        sys.exit(f"compare_torch: --inx {args.inx}: expected an executable bench_conv binary, found none")

    torch.set_num_threads(args.threads)
    print(f"threads={args.threads} torch={torch.__version__} mkldnn={torch.backends.mkldnn.is_available()} "
          f"stat={args.stat} rounds={args.rounds} torch_op={args.torch_op}", flush=True)
    rows = []
    for name in list_benchmarks(args.inx, args.filter):
        m = NAME.match(name)
        if not m or m["pass"] not in TORCH_PASSES:
            continue
        fn = torch_call(m, m["pass"], args.torch_op)
        t_inx, t_torch = float("inf"), float("inf")
        for _ in range(max(1, args.rounds)):
            t_inx = min(t_inx, run_inx(args.inx, name, args.threads, args.min_time, args.stat))
            t_torch = min(t_torch, time_torch(fn, max(0.2, args.min_time * 2), args.stat))
        shape = name.split("/")[2]
        rows.append(dict(pass_=m["pass"], net=m["net"], shape=shape, inx_ms=t_inx, torch_ms=t_torch,
                         ratio=t_inx / t_torch, gflop=gflop(m)))
        r = rows[-1]
        print(f"{r['pass_']:14s} {r['net']:9s} {shape:50s} inx {t_inx:8.3f} ms {r['gflop'] / t_inx * 1e3:6.1f} GF/s"
              f" | torch {t_torch:8.3f} ms {r['gflop'] / t_torch * 1e3:6.1f} GF/s | ratio {r['ratio']:.2f}",
              flush=True)
    if not rows:
        sys.exit(f"compare_torch: no benchmark of {args.inx} matched --filter {args.filter}")
    print()
    print(f"| pass | net | shape | inx ms | PyTorch ms | inx/PyTorch |")
    print(f"|---|---|---|---:|---:|---:|")
    for r in rows:
        print(f"| {r['pass_']} | {r['net']} | {r['shape']} | {r['inx_ms']:.3f} | {r['torch_ms']:.3f} | {r['ratio']:.2f} |")
    print()
    for p in sorted({r["pass_"] for r in rows}):
        ratios = [r["ratio"] for r in rows if r["pass_"] == p]
        tot_inx = sum(r["inx_ms"] for r in rows if r["pass_"] == p)
        tot_torch = sum(r["torch_ms"] for r in rows if r["pass_"] == p)
        print(f"{p}: median ratio {statistics.median(ratios):.2f} over {len(ratios)} shapes "
              f"(min {min(ratios):.2f}, max {max(ratios):.2f}); summed time inx {tot_inx:.1f} ms, "
              f"PyTorch {tot_torch:.1f} ms")
    if args.json:
        with open(args.json + ".tmp", "w") as f:
            json.dump(rows, f, indent=1)
        os.replace(args.json + ".tmp", args.json)


if __name__ == "__main__":
    main()
