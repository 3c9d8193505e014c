#!/usr/bin/python3
"""Whole-network timings and peak memory: inx's bench_network beside PyTorch/torchvision, in one run.

Usage: bench/compare_network_torch.py --inx build/release/bench/bench_network [--threads 2] [--skip-memory]

For each benchmark (forward of resnet50, vgg16 and efficientnet_lite0 at 224x224, batch 1 and 8; the explanation
path at batch 1) the
inx binary runs that one benchmark, then PyTorch runs the same work right after it, so both see the same machine
load; both report the median over individual calls with the same thread count (OMP_NUM_THREADS for inx,
torch.set_num_threads for PyTorch). The explanation path is, for inx, forward keeping only what the data backward
needs plus data-only backward from the top logit to the tap (layer4 / features.29); for PyTorch, what Grad-CAM
tools run: forward with a hook keeping the tap's output, then logits[0, top].backward() (weights require grad, as
in a model loaded for use) — and, in a second row labelled "same work", PyTorch doing what inx does: parameters
not requiring grad, torch.autograd.grad of the top logit with respect to the tap's output only. Peak memory: each side in a fresh process builds the network, then runs one pass of
batch 1; reported are the resident size once built and the peak during the pass (VmHWM after resetting it through
/proc/self/clear_refs), and their difference, the pass's own memory.
Prints one row per benchmark with both times and the ratio inx / PyTorch (--stat min on a busy machine).
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

TAPS = {"resnet50": "layer4", "vgg16": "features.29", "efficientnet_lite0": "_blocks.15"}


def run_inx(binary, name, threads, stat):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    out = subprocess.run([binary, f"--benchmark_filter=^{re.escape(name)}$", "--benchmark_format=json"], check=True,
                         capture_output=True, text=True, env=env).stdout
    runs = json.loads(out)["benchmarks"]
    if not runs:
        sys.exit(f"compare_network_torch: {binary} ran no benchmark named {name}")
    return runs[0][f"{stat}_ms"], int(runs[0]["iterations"])


def torch_model(name):
    import torch
    import torchvision
    torch.manual_seed(0)
    if name == "efficientnet_lite0":  # the reference model the checkpoint belongs to (PyPI efficientnet-lite-pytorch)
        from efficientnet_lite_pytorch import EfficientNet
        return EfficientNet.from_name("efficientnet-lite0").eval()
    return getattr(torchvision.models, name)(weights=None).eval()


def have_efficientnet():
    try:
        import efficientnet_lite_pytorch  # noqa: F401
        return True
    except ImportError:
        print("(efficientnet_lite0 rows skipped: pip install --break-system-packages --no-deps "
              "efficientnet-lite-pytorch==0.1.0)")
        return False


def torch_explain(model, name, x):
    import torch
    store = {}
    module = dict(model.named_modules())[TAPS[name]]

    def hook(m, inputs, output):
        output.retain_grad()
        store["a"] = output

    h = module.register_forward_hook(hook)
    model.zero_grad(set_to_none=True)
    logits = model(x)
    logits[0, int(logits[0].argmax())].backward()
    h.remove()
    return store["a"].grad


def torch_explain_data(model, name, x):
    """The same work as inx's explanation path: data gradients only, down to the tap."""
    import torch
    store = {}
    module = dict(model.named_modules())[TAPS[name]]

    def hook(m, inputs, output):  # the graph starts at the tap: nothing below it is recorded
        store["a"] = output.detach().requires_grad_()
        return store["a"]

    h = module.register_forward_hook(hook)
    logits = model(x)
    h.remove()
    grad, = torch.autograd.grad(logits[0, int(logits[0].argmax())], store["a"])
    return grad


def time_torch(name, what, n, iters, stat):
    import torch
    model = torch_model(name)
    if what == "explain_data":
        for p in model.parameters():
            p.requires_grad_(False)
    x = torch.rand(n, 3, 224, 224, generator=torch.Generator().manual_seed(1)) * 2 - 1
    if what == "forward":
        def fn():
            with torch.no_grad():
                model(x)
    elif what == "explain_data":
        def fn():
            torch_explain_data(model, name, x)
    else:
        def fn():
            torch_explain(model, name, x)
    fn()  # warm-up: oneDNN primitives, allocator
    times = []
    for _ in range(iters):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times) if stat == "median" else min(times)


def status_kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1])
    return -1


def torch_peak_memory(name, what):
    """Runs in a fresh process (--torch-peak-memory): prints the same JSON as bench_network --peak-memory."""
    import torch
    model = torch_model(name)
    x = torch.rand(1, 3, 224, 224, generator=torch.Generator().manual_seed(1)) * 2 - 1
    rss = status_kb("VmRSS:")
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    if what == "explain":
        torch_explain(model, name, x)
    else:
        with torch.no_grad():
            model(x)
    print(json.dumps({"model": name, "pass": what, "rss_model_kb": rss, "peak_kb": status_kb("VmHWM:")}))


def peak_memory(cmd, threads):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--inx", help="path to bench_network")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--skip-memory", action="store_true")
    ap.add_argument("--stat", choices=["median", "min"], default="median",
                    help="median of the calls, or the least disturbed call (min) on a busy machine")
    ap.add_argument("--torch-peak-memory", nargs=2, metavar=("MODEL", "PASS"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    import torch
    torch.set_num_threads(args.threads)
    if args.torch_peak_memory:
        torch_peak_memory(*args.torch_peak_memory)
        return
    if not args.inx:
        ap.error("--inx is required")

    print(f"{'benchmark':<72}{'inx ms':>10}{'torch ms':>10}{'ratio':>8}   ({args.stat}; threads={args.threads})")
    rows = [("forward", name, n) for name, n in [("resnet50", 1), ("resnet50", 8), ("vgg16", 1), ("vgg16", 8)]]
    rows += [("explain", "resnet50", 1), ("explain_data", "resnet50", 1), ("explain", "vgg16", 1),
             ("explain_data", "vgg16", 1)]
    models = ["resnet50", "vgg16"]
    if have_efficientnet():
        rows += [("forward", "efficientnet_lite0", 1), ("forward", "efficientnet_lite0", 8),
                 ("explain", "efficientnet_lite0", 1), ("explain_data", "efficientnet_lite0", 1)]
        models.append("efficientnet_lite0")
    listed = subprocess.run([args.inx, "--benchmark_list_tests=true"], check=True, capture_output=True,
                            text=True).stdout.split()
    ratios = {}
    for what, name, n in rows:
        inx_what = "explain" if what == "explain_data" else what  # inx runs the same benchmark for both rows
        bench = next(b for b in listed if b.startswith(f"{inx_what}/{name}/{n}/"))
        inx_ms, iters = run_inx(args.inx, bench, args.threads, args.stat)
        torch_ms = time_torch(name, what, n, iters, args.stat)
        r = inx_ms / torch_ms
        ratios.setdefault(what, []).append(r)
        label = f"{inx_what}/{name}/n{n}"
        if what == "explain":
            label += f" ({TAPS[name]}; torch: full backward, weight grads)"
        elif what == "explain_data":
            label += f" ({TAPS[name]}; torch: same work, data grads to the tap)"
        print(f"{label:<72}{inx_ms:>10.1f}{torch_ms:>10.1f}{r:>8.2f}", flush=True)
    for what, rs in ratios.items():
        print(f"median ratio {what}: {statistics.median(rs):.2f}")

    if args.skip_memory:
        return
    print(f"\n{'peak memory (MiB)':<24}{'side':>6}{'built':>8}{'peak':>8}{'pass':>8}")
    for name in models:
        for what in ("forward", "explain"):
            for side, cmd in (("inx", [args.inx, "--peak-memory", name, what]),
                              ("torch", [sys.executable, os.path.abspath(__file__), "--threads", str(args.threads),
                                         "--torch-peak-memory", name, what])):
                m = peak_memory(cmd, args.threads)
                built, peak = m["rss_model_kb"] / 1024, m["peak_kb"] / 1024
                print(f"{name + ' ' + what:<24}{side:>6}{built:>8.0f}{peak:>8.0f}{peak - built:>8.0f}", flush=True)


if __name__ == "__main__":
    main()
