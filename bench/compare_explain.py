#!/usr/bin/python3
"""Explanation timings: inx (bench_explain) beside pytorch-grad-cam and the INV authors' clustering pipeline, one run.

Usage: bench/compare_explain.py [--inx build/release/bench/bench_explain] [--threads 2] [--repeats 5] [--stat min]
       [--only gradcam,paper]

Both sides use the same thread count (torch.set_num_threads and threadpoolctl for the references, OMP_NUM_THREADS
for inx), the same photographs (skimage's chelsea and coffee, short side 256, centre crop 224; inx reads them from
tests/data/explain/*.png and preprocesses them itself) and the same synthetic weights (tools/make_zoo_fixtures.py's
formula, what inx's fill_synthetic fills). Both sides are warm: the reference's CAM object is built and called once
before timing, inx's benchmark explains once before timing (oneDNN primitives made). References: the median of
--repeats runs per image, median over the images; inx: bench_explain's median (or min with --stat min) per call.
On a shared machine both sides suffer from OpenMP threads spinning while another job holds a core: prefer a quiet
machine, or OMP_WAIT_POLICY=passive for both, and say which.

 gradcam  reference: one pytorch-grad-cam GradCAM call (forward, backward from the top logit — weights require
          grad, as in a model loaded for use —, CAM, resize) on vgg16 at features.29, and on resnet50 at layer4.
          inx: BM_inv_kmeans<vgg16>/1, the whole INV explanation of the nine default layers
          features.11,13,15,18,20,22,25,27,29 with k-means (k by silhouette): forward, backward to features.11,
          guided weights, pruning, clustering, cluster maps, ranking; no pictures (target ratio <= 0.5 against the
          single-layer GradCAM); and BM_gradcam<vgg16>/1, BM_gradcam<resnet50>/1 (plain Grad-CAM, same work as the
          reference).
 paper    reference: the authors' clustering pipeline on the kept maps (tools/inv_reference.py: guided weights,
          percent, tau) of the nine vgg16 layers of one image: per layer MinMaxScaler on the rows (each map
          scaled to [0, 1]) -> PCA(min(50, n, d), random_state=0) -> TSNE(2, init="pca", learning_rate="auto",
          random_state=0) -> AgglomerativeClustering(k, linkage="ward") for k = 3..8, best silhouette_score;
          summed over the layers (the forward/backward that makes the maps is done once, outside the timing).
          inx: BM_inv_paper<vgg16>/1's wall time after the network (weighting, pruning, the paper preset, cluster
          maps: a superset of the reference's work); target: >= 20x faster.
Then images/s at batch 8 for resnet50 and the default model (gradcam and inv), and where inx's time goes.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
VGG_LAYERS = ["features.11", "features.13", "features.15", "features.18", "features.20", "features.22",
              "features.25", "features.27", "features.29"]
IMAGES = ["chelsea", "coffee"]


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="\n".join(__doc__.splitlines()[2:]))
    ap.add_argument("--inx", help="path to bench_explain (build/release/bench/bench_explain; omit to time the "
                                  "references only)")
    ap.add_argument("--threads", type=int, default=2, help="threads for both sides (default 2)")
    ap.add_argument("--repeats", type=int, default=5, help="runs per image; the median is reported (default 5)")
    ap.add_argument("--paper-repeats", type=int, default=1,
                    help="runs of the (slow) authors' pipeline per image (default 1)")
    ap.add_argument("--stat", choices=["median", "min"], default="median",
                    help="statistic over the repeats (min on a busy machine; default median)")
    ap.add_argument("--only", default="", help="comma list of gradcam,paper (default both)")
    ap.add_argument("--images", default=",".join(IMAGES), help="comma list of skimage photos (default %(default)s)")
    return ap.parse_args()


# --------------------------------------------------------------------------------------------------- inputs


def photos(names, folder):
    """{name: (png path, normalised (1,3,224,224) tensor)}: ImageNet 256/224 recipe, done once in uint8."""
    import numpy as np
    import torch
    import torchvision.transforms.functional as TF
    from PIL import Image
    from skimage import data as skdata

    out = {}
    for name in names:
        img = Image.fromarray(getattr(skdata, name)()).convert("RGB")
        img = TF.center_crop(TF.resize(img, 256, interpolation=TF.InterpolationMode.BILINEAR), 224)
        path = os.path.join(folder, f"{name}_224.png")
        img.save(path)
        t = torch.from_numpy(np.array(Image.open(path).convert("RGB"))).permute(2, 0, 1).float() / 255.0
        out[name] = (path, TF.normalize(t, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225])[None].contiguous())
    return out


def build(name):
    sys.path.insert(0, os.path.join(HERE, "..", "tools"))
    import make_zoo_fixtures as zoo
    return zoo.build(name)


# --------------------------------------------------------------------------------------------------- references


STAT = statistics.median


def median_ms(fn, repeats):
    """STAT (median, or min with --stat min) of repeats timed calls, in ms."""
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t0) * 1e3)
    return STAT(ts)


def ref_gradcam(model, layer, x, repeats):
    from pytorch_grad_cam import GradCAM
    cam = GradCAM(model=model, target_layers=[dict(model.named_modules())[layer]])
    try:
        cam(input_tensor=x, targets=None)  # warm-up
        return median_ms(lambda: cam(input_tensor=x, targets=None), repeats)
    finally:
        cam.activations_and_grads.release()


def kept_maps(model, layers, x):
    """{layer: kept maps' rows (n, H*W) float32} by INV's guided weights and tau, for the top logit."""
    import numpy as np
    sys.path.insert(0, os.path.join(HERE, "..", "tools"))
    import inv_reference as inv

    modules = dict(model.named_modules())
    store = {}

    def keep(name):
        def hook(module, inputs, output):
            output.retain_grad()
            store[name] = output
        return hook

    handles = [modules[l].register_forward_hook(keep(l)) for l in layers]
    try:
        logits = model(x)
        logits[0, int(logits[0].argmax())].backward()
    finally:
        for h in handles:
            h.remove()
    rows = {}
    for l in layers:
        a, g = store[l].detach().numpy()[0], store[l].grad.numpy()[0]
        idx = inv.kept(inv.percent(inv.guided_weights(a, g)))
        rows[l] = np.ascontiguousarray(a[idx].reshape(len(idx), -1), dtype=np.float32)
    model.zero_grad(set_to_none=True)
    return rows


def paper_pipeline(rows):
    """The authors' clustering of one layer's kept maps: (best k, its labels)."""
    import numpy as np
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.decomposition import PCA
    from sklearn.manifold import TSNE
    from sklearn.metrics import silhouette_score
    from sklearn.preprocessing import MinMaxScaler

    n, d = rows.shape
    scaled = MinMaxScaler().fit_transform(rows.T).T  # MinMaxScaler scales columns: transpose to scale each map
    red = PCA(n_components=min(50, n, d), random_state=0).fit_transform(scaled)
    emb = TSNE(n_components=2, init="pca", learning_rate="auto", random_state=0,
               perplexity=min(30.0, n - 1.0)).fit_transform(red)
    best = None
    for k in range(3, min(8, n - 1) + 1):
        lab = AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(emb)
        s = silhouette_score(emb, lab)
        if best is None or s > best[0]:
            best = (s, k, lab)
    return best[1], np.asarray(best[2])


# --------------------------------------------------------------------------------------------------- inx


def check_inx(binary):
    if not os.path.isfile(binary) or not os.access(binary, os.X_OK):
        sys.exit(f"compare_explain: --inx {binary}: no such executable (build bench_explain with the release preset)")


def run_inx(binary, name, threads, stat):
    """Runs one benchmark of bench_explain; returns its counters (ms per call, per-stage ms per image)."""
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    cmd = [binary, f"--benchmark_filter=^{re.escape(name)}/", "--benchmark_format=json"]
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        last = (p.stderr.strip().splitlines() or ["(no stderr)"])[-1]
        sys.exit(f"compare_explain: `{' '.join(cmd)}` exited {p.returncode}: {last}")
    runs = json.loads(p.stdout)["benchmarks"]
    if not runs:
        sys.exit(f"compare_explain: {binary} ran no benchmark named {name}")
    r = runs[0]
    r["time_ms"] = r[f"{stat}_ms"]
    return r


# --------------------------------------------------------------------------------------------------- main


def row(label, ref_ms, inx_ms, source, target):
    if inx_ms is None:
        print(f"{label:44s} {ref_ms:11.1f} {'-':>11s}", flush=True)
        return
    ratio = inx_ms / ref_ms
    ok = {"<=": ratio <= target[1], ">=": ref_ms / inx_ms >= target[1]}[target[0]] if target else None
    note = "" if ok is None else ("  target met" if ok else "  TARGET MISSED")
    if target and target[0] == ">=":
        note += f" (speed-up {ref_ms / inx_ms:.1f}x, target >= {target[1]:g}x)"
    elif target:
        note += f" (target ratio <= {target[1]:g})"
    src = "" if source == "stderr" else " (process)"
    print(f"{label:44s} {ref_ms:11.1f} {inx_ms:11.1f}{src} {ratio:9.3f}{note}", flush=True)


def main():
    global STAT
    args = parse_args()
    STAT = min if args.stat == "min" else statistics.median
    os.environ["OMP_NUM_THREADS"] = str(args.threads)  # before NumPy / torch / scikit-learn start their pools
    os.environ.setdefault("OPENBLAS_NUM_THREADS", str(args.threads))
    import torch
    torch.set_num_threads(args.threads)
    try:
        from threadpoolctl import threadpool_limits
        threadpool_limits(args.threads)
    except ImportError:
        pass
    try:
        import pytorch_grad_cam  # noqa: F401
    except ImportError:
        sys.exit("compare_explain: needs pytorch-grad-cam: /usr/bin/python3 -m pip install --break-system-packages "
                 "--no-deps 'grad-cam>=1.5,<1.6' ttach")
    only = set(filter(None, args.only.split(","))) or {"gradcam", "paper"}
    if args.inx:
        check_inx(args.inx)
    tmp = tempfile.mkdtemp(prefix="compare_explain_")
    try:
        imgs = photos(args.images.split(","), tmp)
        print(f"threads {args.threads}, {args.stat} of {args.repeats} repeats per image, median over images "
              f"{','.join(imgs)}, torch {torch.__version__}")
        print(f"{args.stat + ' ms per image':44s} {'reference':>11s} {'inx':>11s} {'inx/ref':>9s}")
        vgg = build("vgg16")
        breakdown = []
        if "gradcam" in only:
            ref = statistics.median(ref_gradcam(vgg, "features.29", x, args.repeats) for _, x in imgs.values())
            mine = None
            if args.inx:
                r = run_inx(args.inx, "BM_inv_kmeans<vgg16>/1", args.threads, args.stat)
                mine = r["time_ms"]
                breakdown.append(f"  inx INV vgg16 kmeans: network {r['network_ms']:.0f} ms, after it "
                                 f"{r['analysis_ms']:.0f} ms wall (weighting {r['weighting_ms']:.0f}, clustering "
                                 f"{r['clustering_ms']:.0f}, maps {r['maps_ms']:.0f} thread-ms)")
                g = run_inx(args.inx, "BM_gradcam<vgg16>/1", args.threads, args.stat)
                row("vgg16 GradCAM f.29 | inx gradcam f.29", ref, g["time_ms"], "stderr", None)
            row("vgg16 GradCAM f.29 | inx INV 9 layers kmeans", ref, mine, "stderr", ("<=", 0.5))
            r50 = build("resnet50")
            ref = statistics.median(ref_gradcam(r50, "layer4", x, args.repeats) for _, x in imgs.values())
            mine = None
            if args.inx:
                mine = run_inx(args.inx, "BM_gradcam<resnet50>/1", args.threads, args.stat)["time_ms"]
            row("resnet50 GradCAM layer4 | inx gradcam layer4", ref, mine, "stderr", None)
            del r50
        if "paper" in only:
            refs, detail = [], []
            for name, (_, x) in imgs.items():
                rows = kept_maps(vgg, VGG_LAYERS, x)
                ks = {}

                def all_layers():
                    for l, r in rows.items():
                        ks[l] = paper_pipeline(r)[0]
                refs.append(median_ms(all_layers, args.paper_repeats))
                detail.append(f"  {name}: kept maps " + " ".join(f"{l.split('.')[1]}:{len(r)}x{r.shape[1]}"
                                                               for l, r in rows.items())
                              + " | k " + " ".join(str(ks[l]) for l in VGG_LAYERS))
            ref = statistics.median(refs)
            mine = None
            if args.inx:
                r = run_inx(args.inx, "BM_inv_paper<vgg16>/1", args.threads, args.stat)
                mine = r["analysis_ms"]  # wall time of weighting + clustering + maps, a superset of the reference's
                breakdown.append(f"  inx INV vgg16 paper: network {r['network_ms']:.0f} ms, after it "
                                 f"{r['analysis_ms']:.0f} ms wall (clustering {r['clustering_ms']:.0f} thread-ms)")
            row("authors' clustering 9 layers | inx paper", ref, mine, "stderr", (">=", 20))
            print("\n".join(detail))
        if args.inx:
            r50 = run_inx(args.inx, "BM_gradcam<resnet50>/8", args.threads, args.stat)
            i50 = run_inx(args.inx, "BM_inv_kmeans<resnet50>/8", args.threads, args.stat)
            fg = run_inx(args.inx, "BM_gradcam<fmnist>/8", args.threads, args.stat)
            fi = run_inx(args.inx, "BM_inv_paper<fmnist>/8", args.threads, args.stat)
            breakdown.append(f"  inx images/s at batch 8: resnet50 gradcam {8e3 / r50['time_ms']:.1f}, resnet50 inv "
                             f"(13 layers, kmeans) {8e3 / i50['time_ms']:.2f}, fmnist gradcam "
                             f"{8e3 / fg['time_ms']:.0f}, fmnist inv (5 layers, paper) {8e3 / fi['time_ms']:.1f}")
        print("\n".join(breakdown))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
