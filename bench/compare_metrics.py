#!/usr/bin/python3
"""Faithfulness-metric timings: inx (bench_metrics) beside PyTorch doing the same work, one run.

Usage: bench/compare_metrics.py [--inx build/release/bench/bench_metrics] [--threads 2] [--batch 32] [--repeats 3]
       [--models resnet50,efficientnet_lite0]

The work: deletion plus insertion (RISE, issue #9) of one 224x224 photograph (skimage's chelsea, as
tests/data/explain/chelsea.png, short side 256, centre crop 224) and one map: 225 + 225 perturbed inputs, sent through
the network --batch at a time. PyTorch runs tools/metrics_reference.py's rise_curve (the definitions: it builds the
perturbed inputs, then forwards them in batches of --batch under torch.no_grad, eval mode) on torchvision's resnet50
and the PyPI package efficientnet-lite-pytorch's EfficientNet-Lite0, seeded random weights (the values do not change
the work). inx runs BM_deletion_insertion<model>/<batch> with synthetic weights. Both sides use --threads threads
(torch.set_num_threads, OMP_NUM_THREADS) and are warm (one untimed run first). Reported: the median of --repeats runs
per side and the ratio inx / PyTorch (target <= 0.8). On a shared machine OpenMP threads that spin while another
job holds a core slow both sides: prefer a quiet machine, or OMP_WAIT_POLICY=passive for both, and say which.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def torch_side(model_name, batch, threads, repeats):
    import numpy as np
    import torch
    from PIL import Image
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    import metrics_reference as ref
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    if model_name == "resnet50":
        import torchvision
        net = torchvision.models.resnet50(weights=None)
        mean, std = np.array([0.485, 0.456, 0.406]), np.array([0.229, 0.224, 0.225])
    else:
        from efficientnet_lite_pytorch import EfficientNet
        net = EfficientNet.from_name("efficientnet-lite0")
        mean, std = np.full(3, 127 / 255), np.full(3, 128 / 255)
    net.eval()
    im = Image.open(os.path.join(ROOT, "tests", "data", "explain", "chelsea.png")).convert("RGB")
    s = 256 / min(im.size)
    im = im.resize((round(im.size[0] * s), round(im.size[1] * s)), Image.BILINEAR)
    w, h = im.size
    im = im.crop(((w - 224) // 2, (h - 224) // 2, (w - 224) // 2 + 224, (h - 224) // 2 + 224))
    x = ((np.asarray(im, np.float32) / 255 - mean) / std).astype(np.float32).transpose(2, 0, 1).copy()
    m = np.random.default_rng(0).random((7, 7)).astype(np.float32)

    def once():
        ref.rise_curve(net, x, m, 281, "deletion", batch_size=batch)
        ref.rise_curve(net, x, m, 281, "insertion", batch_size=batch)

    once()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        once()
        times.append(1e3 * (time.perf_counter() - t0))
    return statistics.median(times)


def inx_side(exe, model_name, batch, threads, repeats):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    with tempfile.NamedTemporaryFile(suffix=".json") as f:
        subprocess.run([exe, f"--benchmark_filter=BM_deletion_insertion<{model_name}>/{batch}/",
                        f"--benchmark_repetitions={repeats}", "--benchmark_min_time=0.1",
                        f"--benchmark_out={f.name}", "--benchmark_out_format=json"],
                       env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        runs = [b for b in json.load(open(f.name))["benchmarks"] if b.get("run_type") == "iteration"]
    if not runs:
        raise SystemExit(f"bench_metrics has no BM_deletion_insertion<{model_name}>/{batch} (build it with that batch)")
    return statistics.median(b["median_ms"] for b in runs)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="\n".join(__doc__.splitlines()[2:]))
    ap.add_argument("--inx", default=os.path.join(ROOT, "build", "release", "bench", "bench_metrics"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--models", default="resnet50,efficientnet_lite0")
    a = ap.parse_args()
    print(f"deletion + insertion, one 224x224 image and one map (450 forwards, batch {a.batch}), {a.threads} threads, "
          f"median of {a.repeats}; OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', 'unset')}")
    print(f"{'model':<20} {'PyTorch ms':>11} {'inx ms':>9} {'inx/PyTorch':>12}")
    for name in a.models.split(","):
        t = torch_side(name, a.batch, a.threads, a.repeats)
        i = inx_side(a.inx, name, a.batch, a.threads, a.repeats)
        print(f"{name:<20} {t:>11.0f} {i:>9.0f} {i / t:>12.2f}")


if __name__ == "__main__":
    main()
