#!/usr/bin/python3
"""Plain-NumPy reference of INV's five per-layer steps (Bianchi et al., IJCAI 2024), independent of inx's C++ code.

Used by tools/make_explain_fixtures.py (tests/data/explain/inv_steps.npz) and reusable by benchmarks. For one image
and one layer with activation A (K,H,W) and gradient G = d logit[target] / d A (K,H,W):

  0. guided_weights: alpha_k = sum over the H*W pixels of G where A > 0 and G > 0, divided by H*W
  1. percent:        w_k = 100 * alpha_k / sum(alpha)            (all zeros when sum(alpha) == 0)
  2. tau / kept:     keep maps with w_k > tau(K); tau = 0.175 (K >= 512), 0.35 (K >= 256), 0.7 (K >= 128),
                     1.4 (K >= 64), else 76.8 / K
  3. (clustering of the kept maps' rows, flattened A_k, is the caller's choice: labels 0..k-1 per kept map)
  4. cluster_maps:   A_C = sum_{k in C} w_k U(A_k) / sum_{k in C} w_k, U = bilinear upsampling to the network input
                     size with half-pixel centres (torch.nn.functional.interpolate(mode="bilinear",
                     align_corners=False, antialias=False)); then min-max scaled to [0, 1] (zeros if max == min);
                     w_C = sum_{k in C} w_k
  5. filter_rank:    drop clusters with w_C < max(max_C w_C / 3, mean_C w_C / 2); rank the rest by w_C, heaviest
                     first (ties: lower label first)

Everything is computed in float64. U is linear, so cluster_maps upsamples the weighted mean of the cluster's maps
(one resize per cluster) instead of every map: the same numbers up to rounding (the fixture script checks this).
"""
import numpy as np


def guided_weights(act, grad):
    """Step 0. alpha (K,) = mean over all H*W pixels of G * [A > 0] * [G > 0]."""
    a = np.asarray(act, np.float64)
    g = np.asarray(grad, np.float64)
    k = a.shape[0]
    masked = np.where((a > 0) & (g > 0), g, 0.0).reshape(k, -1)
    return masked.sum(1) / masked.shape[1]


def percent(alpha):
    """Step 1. w (K,) = 100 * alpha / sum(alpha); zeros when the sum is 0."""
    alpha = np.asarray(alpha, np.float64)
    s = alpha.sum()
    return np.zeros_like(alpha) if s == 0 else 100.0 * alpha / s


def tau(k):
    """Step 2's threshold (percent) for a layer with k maps."""
    if k >= 512:
        return 0.175
    if k >= 256:
        return 0.35
    if k >= 128:
        return 0.7
    if k >= 64:
        return 1.4
    return 76.8 / k


def kept(w):
    """Step 2. int64 indices (ascending) of the maps with w_k > tau(K)."""
    w = np.asarray(w, np.float64)
    return np.flatnonzero(w > tau(w.shape[0])).astype(np.int64)


def _axis_weights(n_in, n_out):
    """(n_out, n_in) matrix of 1-D linear interpolation with half-pixel centres, clamped at the borders
    (PyTorch's align_corners=False; no antialiasing)."""
    m = np.zeros((n_out, n_in))
    scale = n_in / n_out
    for o in range(n_out):
        src = max((o + 0.5) * scale - 0.5, 0.0)
        i0 = min(int(np.floor(src)), n_in - 1)
        i1 = min(i0 + 1, n_in - 1)
        l1 = src - i0
        m[o, i0] += 1.0 - l1
        m[o, i1] += l1
    return m


def upsample(maps, size):
    """U: bilinear resize of (..., H, W) maps to size = (H_out, W_out), half-pixel centres, no antialiasing."""
    maps = np.asarray(maps, np.float64)
    ry = _axis_weights(maps.shape[-2], size[0])
    rx = _axis_weights(maps.shape[-1], size[1])
    return np.einsum("oh,...hw,pw->...op", ry, maps, rx)


def minmax(m):
    """Scale to [0, 1]; zeros if max == min."""
    lo, hi = m.min(), m.max()
    return np.zeros_like(m) if hi == lo else (m - lo) / (hi - lo)


def cluster_maps(act, w, kept_idx, labels, size):
    """Step 4. For clusters 0..max(labels): (maps (k, H_out, W_out) min-max scaled A_C, weights (k,) w_C).

    act (K,H,W) raw activations; w (K,) percent weights; kept_idx the kept maps; labels one cluster label per kept
    map; size the network's input size (H_out, W_out). A cluster whose weights sum to 0 gets the plain mean."""
    a = np.asarray(act, np.float64)[kept_idx]
    wk = np.asarray(w, np.float64)[kept_idx]
    labels = np.asarray(labels)
    n = int(labels.max()) + 1
    maps = np.zeros((n,) + tuple(size))
    weights = np.zeros(n)
    for c in range(n):
        sel = labels == c
        weights[c] = wk[sel].sum()
        if not sel.any():
            continue
        mean = (np.tensordot(wk[sel], a[sel], 1) / weights[c]) if weights[c] > 0 else a[sel].mean(0)
        maps[c] = minmax(upsample(mean, size))
    return maps, weights


def cluster_maps_literal(act, w, kept_idx, labels, size):
    """Step 4 exactly as written (upsample every map, then the weighted mean); slower, same numbers."""
    a = upsample(np.asarray(act, np.float64)[kept_idx], size)
    wk = np.asarray(w, np.float64)[kept_idx]
    labels = np.asarray(labels)
    n = int(labels.max()) + 1
    maps = np.zeros((n,) + tuple(size))
    for c in range(n):
        sel = labels == c
        maps[c] = minmax(np.tensordot(wk[sel], a[sel], 1) / wk[sel].sum())
    return maps


def filter_rank(cluster_weight):
    """Step 5. int64 labels of the clusters with w_C >= max(max w_C / 3, mean w_C / 2), heaviest first."""
    cw = np.asarray(cluster_weight, np.float64)
    bar = max(cw.max() / 3.0, cw.mean() / 2.0)
    keep = np.flatnonzero(cw >= bar)
    order = np.lexsort((keep, -cw[keep]))  # by weight descending, then label ascending
    return keep[order].astype(np.int64)


def explain_layer(act, grad, cluster, size):
    """Steps 0-5 for one layer; cluster(rows (n, H*W) float64) -> labels 0..k-1. Returns a dict of every step."""
    alpha = guided_weights(act, grad)
    w = percent(alpha)
    idx = kept(w)
    rows = np.asarray(act, np.float64)[idx].reshape(len(idx), -1)
    labels = np.asarray(cluster(rows), np.int64)
    maps, cw = cluster_maps(act, w, idx, labels, size)
    return {"alpha": alpha, "w": w, "tau": tau(len(w)), "kept": idx, "labels": labels,
            "cluster_weight": cw, "cluster_map": maps, "ranked": filter_rank(cw)}
