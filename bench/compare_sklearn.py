#!/usr/bin/python3
"""Side-by-side clustering timings: inx's bench_cluster against scikit-learn / NumPy on the same matrices, same run.

Usage: bench/compare_sklearn.py --inx build/release/bench/bench_cluster [--shapes 512x3136,64x49] [--threads N]
                                [--repeats R] [--only kmeans,ward,...] [--opentsne]

For each shape n x d it writes one seeded matrix (ReLU of 8 Gaussian groups plus noise, like a layer's feature maps)
to a temporary folder, runs inx's benchmarks on that file (INX_BENCH_DATA) and then the scikit-learn equivalents:
KMeans(n_clusters=8, n_init=10), DBSCAN (eps = 10% quantile of distances, min_samples=5),
AgglomerativeClustering(8, linkage="ward"), np.corrcoef, scipy average linkage on 1 - corrcoef cut to 8,
PCA(50), TSNE(2) after PCA(50), silhouette_score, and the INV paper pipeline (min-max rows -> PCA(min(50, n, d))
-> TSNE -> Ward k = 3..8 by silhouette). Both sides use the same thread count and report the median of repeats
(inx: its median_ms counter). Prints time per policy and the ratio sklearn / inx (speed-up).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np


def make_matrix(n, d):
    rng = np.random.default_rng(1)
    centres = rng.standard_normal((8, d)).astype(np.float32)
    x = centres[np.arange(n) % 8] + 0.7 * rng.standard_normal((n, d)).astype(np.float32)
    return np.maximum(x, 0).astype(np.float32)


def dbscan_eps(x):
    n = x.shape[0]
    s = [np.linalg.norm(x[i].astype(np.float64) - x[j]) for i in range(min(n, 64)) for j in range(i + 1, n, 3)]
    return float(np.partition(s, len(s) // 10)[len(s) // 10])


def sklearn_calls(x):
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform
    from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans
    from sklearn.decomposition import PCA
    from sklearn.manifold import TSNE
    from sklearn.metrics import silhouette_score

    n, d = x.shape
    eps = dbscan_eps(x)
    labels = np.arange(n) % 8

    def corr_average():
        c = np.corrcoef(x)
        dist = np.clip(1 - c, 0, 2)
        np.fill_diagonal(dist, 0)
        return fcluster(linkage(squareform(dist, checks=False), "average"), 8, "maxclust")

    def paper():
        lo, hi = x.min(1, keepdims=True), x.max(1, keepdims=True)
        xm = np.where(hi > lo, (x - lo) / np.where(hi > lo, hi - lo, 1), 0).astype(np.float32)
        red = PCA(n_components=min(50, n, d)).fit_transform(xm)
        emb = TSNE(n_components=2, init="pca", learning_rate="auto", random_state=0).fit_transform(red)
        best = None
        for k in range(3, 9):
            lab = AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(emb)
            s = silhouette_score(emb, lab)
            if best is None or s > best[0]:
                best = (s, k)
        return best

    return {
        "kmeans": lambda: KMeans(n_clusters=8, n_init=10, random_state=0).fit(x),
        "dbscan": lambda: DBSCAN(eps=eps, min_samples=5).fit(x),
        "ward": lambda: AgglomerativeClustering(n_clusters=8, linkage="ward").fit(x),
        "corrcoef": lambda: np.corrcoef(x),
        "correlation_average": corr_average,
        "pca50": lambda: PCA(n_components=min(50, n, d)).fit_transform(x),
        "tsne": lambda: TSNE(n_components=2, init="pca", learning_rate="auto", random_state=0).fit(
            PCA(n_components=min(50, n, d)).fit_transform(x)),
        "silhouette": lambda: silhouette_score(x, labels),
        "paper": paper,
    }


def opentsne_calls(x):
    """openTSNE 1.0.4 (pip install openTSNE) on the same PCA(50) input as "tsne", with scikit-learn's schedule:
    Barnes-Hut (theta 0.5) and FFT interpolation. Empty without openTSNE."""
    try:
        import openTSNE
    except ImportError:
        return {}
    from sklearn.decomposition import PCA
    n, d = x.shape
    red = PCA(n_components=min(50, n, d)).fit_transform(x)
    threads = int(os.environ.get("OMP_NUM_THREADS", "1"))

    def run(method):
        return openTSNE.TSNE(perplexity=30, n_iter=750, early_exaggeration_iter=250, early_exaggeration=12,
                             negative_gradient_method=method, theta=0.5, initialization="pca", random_state=0,
                             n_jobs=threads).fit(red)
    return {"bh": lambda: run("bh"), "fft": lambda: run("fft")}


def time_call(fn, repeats):
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(ts)


def run_inx(binary, name, n, d, folder, threads):
    # NumPy's OpenBLAS and scikit-learn's OpenMP threads busy-wait for a while after each call. Started at once,
    # inx's benchmark shares the 2 cores with them: corrcoef at n = 2048, d = 49 read 23.6 ms instead of 2.9 ms.
    time.sleep(1.0)
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), INX_BENCH_DATA=folder, INX_BENCH_SHAPES=f"{n}x{d}")
    cmd = [binary, f"--benchmark_filter=^cluster/{name}/n{n}_d{d}/", "--benchmark_format=json"]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    runs = json.loads(out)["benchmarks"]
    if not runs:
        sys.exit(f"compare_sklearn: {binary} ran no benchmark cluster/{name}/n{n}_d{d}")
    return runs[0]["median_ms"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--inx", help="path to bench_cluster (omit to time scikit-learn only)")
    ap.add_argument("--shapes", default="512x3136")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--only", default="")
    ap.add_argument("--opentsne", action="store_true",
                    help="also time openTSNE's Barnes-Hut and FFT t-SNE against inx's (needs pip install openTSNE)")
    args = ap.parse_args()
    os.environ["OMP_NUM_THREADS"] = str(args.threads)  # before NumPy / scikit-learn start their pools
    try:
        from threadpoolctl import threadpool_limits
        threadpool_limits(args.threads)
    except ImportError:
        pass
    only = set(filter(None, args.only.split(",")))
    with tempfile.TemporaryDirectory() as folder:
        print(f"{'policy':22s} {'n':>5s} {'d':>5s} {'sklearn ms':>11s} {'inx ms':>9s} {'speed-up':>9s}")
        for shape in args.shapes.split(","):
            n, d = (int(v) for v in shape.split("x"))
            x = make_matrix(n, d)
            np.save(os.path.join(folder, f"x_n{n}_d{d}.npy"), x)
            for name, fn in sklearn_calls(x).items():
                if only and name not in only:
                    continue
                ms_inx = run_inx(args.inx, name, n, d, folder, args.threads) if args.inx else float("nan")
                ms_sk = time_call(fn, args.repeats)
                print(f"{name:22s} {n:5d} {d:5d} {ms_sk:11.1f} {ms_inx:9.1f} {ms_sk / ms_inx:8.1f}x", flush=True)
                if name == "tsne" and args.opentsne:
                    for method, fn_ot in opentsne_calls(x).items():
                        ms_ot = time_call(fn_ot, args.repeats)
                        print(f"{'  openTSNE ' + method:22s} {n:5d} {d:5d} {ms_ot:11.1f} {ms_inx:9.1f} "
                              f"{ms_ot / ms_inx:8.1f}x", flush=True)


if __name__ == "__main__":
    main()
