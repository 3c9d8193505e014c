#!/usr/bin/python3
"""Makes the clustering fixtures in tests/data/cluster/: inputs (float32 .npy) and scikit-learn / scipy references.

Inputs: Gaussian blobs, plus real feature maps: activations of a few layers of a seeded, randomly initialised
torchvision ResNet-18 on skimage's sample photographs, one row per channel (flattened H*W), and ResNet-50's layer4
(2,048 maps, the size real networks give). With openTSNE installed (pip install openTSNE) the large input also gets
openTSNE's KL divergence as a second t-SNE reference.
For each input <name>.npy this writes <name>.json (scalars: k-means inertia, silhouette, t-SNE KL, eps) and
<name>.<ref>.npy arrays (labels as int64, PCA components as float32). Rerun: /usr/bin/python3 tools/make_cluster_fixtures.py (or a venv's python with openTSNE)
"""
import json
import os
import sys

import numpy as np
import scipy.cluster.hierarchy as sch
from scipy.spatial.distance import pdist
from sklearn.cluster import DBSCAN, KMeans, AgglomerativeClustering
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE
from sklearn.metrics import pairwise_distances, silhouette_score

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "cluster")


def feature_maps():
    import torch
    import torchvision
    from skimage import data, transform

    torch.manual_seed(0)
    net = torchvision.models.resnet18(weights=None).eval()
    taps = {}
    for name in ("layer1", "layer2", "layer3", "layer4"):
        getattr(net, name).register_forward_hook(lambda m, i, o, name=name: taps.__setitem__(name, o.detach()))
    out = {}
    for img_name, layer in (("astronaut", "layer1"), ("coffee", "layer2"), ("chelsea", "layer3"),
                            ("astronaut", "layer4")):
        img = getattr(data, img_name)().astype(np.float32) / 255.0
        img = transform.resize(img, (224, 224), anti_aliasing=True).astype(np.float32)
        x = torch.from_numpy(((img - [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225]).astype(np.float32))
        x = x.permute(2, 0, 1)[None].contiguous()
        with torch.no_grad():
            net(x)
        a = taps[layer][0].numpy()
        out[f"{img_name}_{layer}"] = a.reshape(a.shape[0], -1).astype(np.float32)
    return out


def feature_maps_large():
    """Maps at the sizes real networks give: a seeded, randomly initialised torchvision ResNet-50's layer4 (2,048
    maps of 7 x 7) on skimage's astronaut, the same way as feature_maps()."""
    import torch
    import torchvision
    from skimage import data, transform

    torch.manual_seed(0)
    net = torchvision.models.resnet50(weights=None).eval()
    taps = {}
    net.layer4.register_forward_hook(lambda m, i, o: taps.__setitem__("layer4", o.detach()))
    img = data.astronaut().astype(np.float32) / 255.0
    img = transform.resize(img, (224, 224), anti_aliasing=True).astype(np.float32)
    x = torch.from_numpy(((img - [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225]).astype(np.float32))
    with torch.no_grad():
        net(x.permute(2, 0, 1)[None].contiguous())
    a = taps["layer4"][0].numpy()
    return {"astronaut_resnet50_layer4": a.reshape(a.shape[0], -1).astype(np.float32)}


def opentsne_kls(x, seeds=3):
    """openTSNE 1.0.4's KL divergence on x with scikit-learn's schedule (250 iterations of exaggeration 12, then 750),
    by Barnes-Hut (theta 0.5) and by FFT interpolation; None without openTSNE (pip install openTSNE)."""
    try:
        import openTSNE
    except ImportError:
        return None
    out = {}
    for method in ("bh", "fft"):
        kls = []
        for s in range(seeds):
            emb = openTSNE.TSNE(perplexity=30, n_iter=750, early_exaggeration_iter=250, early_exaggeration=12,
                                negative_gradient_method=method, theta=0.5, initialization="pca", random_state=s,
                                n_jobs=2).fit(x)
            kls.append(float(emb.kl_divergence))
        out[method] = kls
    return out


def gap_eps(d, lo_q=0.02, hi_q=0.3):
    """An eps in the middle of the widest gap of the pairwise distances between two quantiles, so float32
    rounding in any implementation cannot move a pair across it."""
    s = np.unique(np.sort(d))
    lo, hi = np.quantile(s, lo_q), np.quantile(s, hi_q)
    s = s[(s >= lo) & (s <= hi)]
    gaps = np.diff(s) / np.maximum(s[1:], 1e-12)
    i = int(np.argmax(gaps))
    return float((s[i] + s[i + 1]) / 2), float(gaps[i])


def references(name, x, meta):
    x64 = x.astype(np.float64)
    n, d = x.shape
    ref = {"n": n, "d": d}
    # Ward at several k (scipy linkage == sklearn AgglomerativeClustering ward).
    z = sch.ward(x64)
    ks = [k for k in (2, 3, 4, 8) if k < n]
    ward = np.stack([sch.fcluster(z, k, "maxclust") - 1 for k in ks]).astype(np.int64)
    sk = AgglomerativeClustering(n_clusters=ks[-1], linkage="ward").fit(x).labels_
    assert adjusted_rand(sk, ward[-1]) == 1.0
    np.save(os.path.join(OUT, f"{name}.ward.npy"), ward)
    ref["ward_k"] = ks
    # Correlation linkage cuts (scipy, metric = 1 - Pearson).
    xc = x64 - x64.mean(axis=1, keepdims=True)
    ok = np.linalg.norm(xc, axis=1) > 0
    if ok.all():
        dc = pdist(x64, "correlation")
        corr = {}
        for method in ("single", "average", "complete"):
            zc = sch.linkage(dc, method=method)
            corr[method] = (sch.fcluster(zc, 4, "maxclust") - 1).astype(np.int64)
        np.save(os.path.join(OUT, f"{name}.corr.npy"), np.stack([corr[m] for m in ("single", "average", "complete")]))
        ref["corr_k"] = 4
    # DBSCAN, three metrics, eps inside a gap of the distances.
    dbs = []
    ref["dbscan"] = []
    for metric in ("euclidean", "cosine", "correlation"):
        if metric == "correlation" and not ok.all():
            continue
        dist = pairwise_distances(x64, metric=metric)[np.triu_indices(n, 1)]
        eps, gap = gap_eps(dist)
        lab = DBSCAN(eps=eps, min_samples=5, metric=metric, algorithm="brute").fit(x64).labels_.astype(np.int64)
        dbs.append(lab)
        ref["dbscan"].append({"metric": metric, "eps": eps, "min_samples": 5, "gap": gap,
                              "n_clusters": int(lab.max() + 1), "noise": int((lab < 0).sum())})
    np.save(os.path.join(OUT, f"{name}.dbscan.npy"), np.stack(dbs))
    # k-means best-of-10 inertia.
    ref["kmeans"] = []
    # Best-of-10 inertia varies with the seed by a few percent on real feature maps, so the reference is the
    # median over 9 seeds of scikit-learn's best-of-10 (inx is checked the same way).
    for k in (3, 8):
        runs = [float(KMeans(n_clusters=k, n_init=10, random_state=s).fit(x).inertia_) for s in range(9)]
        ref["kmeans"].append({"k": k, "inertia": float(np.median(runs)), "inertia_min": min(runs),
                              "inertia_seed0": runs[0]})
    # PCA (exact solver) components and explained variance.
    nc = min(10, n, d)
    pca = PCA(n_components=nc, svd_solver="full").fit(x64)
    np.save(os.path.join(OUT, f"{name}.pca.npy"), pca.components_.astype(np.float32))
    ref["pca_explained_variance"] = pca.explained_variance_.tolist()
    # Silhouette of the Ward k=4 labels.
    lab = ward[ks.index(4)] if 4 in ks else ward[-1]
    ref["silhouette_labels_k"] = 4 if 4 in ks else ks[-1]
    ref["silhouette_euclidean"] = float(silhouette_score(x64, lab, metric="euclidean"))
    ref["silhouette_cosine"] = float(silhouette_score(x64, lab, metric="cosine"))
    # t-SNE (sklearn 1.2 defaults: pca init, learning_rate auto, barnes_hut) final KL, a few seeds.
    if meta.get("tsne", False):
        kls = [float(TSNE(n_components=2, random_state=s, init="pca", learning_rate="auto").fit(x).kl_divergence_)
               for s in range(3)]
        ref["tsne_kl"] = kls
        ot = opentsne_kls(x) if meta.get("opentsne", False) else None
        if ot:
            ref["opentsne_kl"] = ot
        xm = minmax_rows(x)
        ref["tsne_kl_minmax_pca"] = float(TSNE(n_components=2, random_state=0, init="pca", learning_rate="auto")
                                          .fit(PCA(n_components=min(50, n, d), svd_solver="full").fit_transform(xm))
                                          .kl_divergence_)
    # The INV paper's pipeline, as the authors run it, over several seeds (t-SNE is stochastic: tests compare
    # distributions): min-max rows -> PCA(min(50, n, d)) -> t-SNE -> Ward for k = 3..8, best silhouette (ties to
    # the smaller k). Per seed: the KL divergence t-SNE reached, the chosen k, its silhouette on the embedding.
    if meta.get("paper", False):
        ref["paper_seeds"] = [paper_run(x, s) for s in range(5)]
    with open(os.path.join(OUT, f"{name}.json"), "w") as f:
        json.dump(ref, f, indent=1)


def paper_run(x, seed):
    from sklearn.cluster import AgglomerativeClustering
    n, d = x.shape
    xm = minmax_rows(x)
    red = PCA(n_components=min(50, n, d), svd_solver="full").fit_transform(xm)
    ts = TSNE(n_components=2, random_state=seed, init="pca", learning_rate="auto").fit(red)
    emb = ts.embedding_
    best = (-2.0, 0)
    for k in range(3, min(8, n - 1) + 1):
        lab = AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(emb)
        sc = float(silhouette_score(emb, lab))
        if sc > best[0]:
            best = (sc, k)
    return {"seed": seed, "kl": float(ts.kl_divergence_), "k": best[1], "silhouette": best[0]}


def minmax_rows(x):
    lo, hi = x.min(axis=1, keepdims=True), x.max(axis=1, keepdims=True)
    r = hi - lo
    return np.where(r > 0, (x - lo) / np.where(r > 0, r, 1), 0).astype(np.float32)


def adjusted_rand(a, b):
    from sklearn.metrics import adjusted_rand_score
    return adjusted_rand_score(a, b)


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(0)
    from sklearn.datasets import make_blobs
    sets = {}
    x, _ = make_blobs(n_samples=200, n_features=16, centers=5, cluster_std=1.5, random_state=0)
    sets["blobs"] = (x.astype(np.float32), {"tsne": True})
    x = rng.standard_normal((120, 49)).astype(np.float32) + np.repeat(rng.standard_normal((4, 49)) * 3, 30, axis=0)
    sets["blobs49"] = (x.astype(np.float32), {"tsne": False})
    for name, fm in feature_maps().items():
        sets[name] = (fm, {"tsne": name.endswith("layer3"), "paper": name.endswith(("layer3", "layer4"))})
    for name, fm in feature_maps_large().items():
        sets[name] = (fm, {"tsne": True, "paper": True, "opentsne": True})
    for name, (x, meta) in sets.items():
        np.save(os.path.join(OUT, f"{name}.npy"), x)
        references(name, x, meta)
        print(name, x.shape, file=sys.stderr)
    with open(os.path.join(OUT, "index.json"), "w") as f:
        json.dump(sorted(sets), f)


if __name__ == "__main__":
    main()
