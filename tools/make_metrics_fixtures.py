#!/usr/bin/python3
"""Fixtures for inx's metrics part: every metric computed by tools/metrics_reference.py (the definitions, in PyTorch)
and AD/IC by torchcam's own ClassificationMetric, on inx's trained Fashion-MNIST model and the bundled samples.

Reference tools: Debian's python3-torch, python3-scipy, python3-skimage, python3-opencv; torchcam 0.5 from PyPI:
  /usr/bin/python3 -m pip install --break-system-packages --no-deps "torchcam>=0.5,<0.6"
Rerun: /usr/bin/python3 tools/make_metrics_fixtures.py

Model: tools/inx_models.py's fmnist with data/models/fmnist.npz. Inputs: the ten data/samples/fmnist_*.png as the
network sees them (pixel / 255, no normalisation), (10, 1, 28, 28). For each image six maps:
  0 grad-cam of features.16 (7x7)   1 a seeded uniform random 7x7   2 a 28x28 map quantised to 4 levels (ties)
  3 a constant 7x7                   4 a 14x14 map with negative values  5 the occlusion-sensitivity map (28x28)
The explained class is the prediction, except item 1 of each image, which explains class (pred + 3) % 10.

Writes tests/data/metrics/fmnist.npz:
  x (10,1,28,28) float32; map:<i>:<j> float32; cls (10,6) int64
  rise_kernel (11,11) float64; blur:<i> (1,28,28) float32 the insertion start of image i
  del:<i>:<j>, ins:<i>:<j> (29,) float64 curves at the default step (28); del_auc, ins_auc (10,6) float64
  del5:<i>:<j>, ins5:<i>:<j> (158,) float64 curves at step 5; del5_auc, ins5_auc (10,6)
  y, o (10,6) float64 probabilities on the input and the masked input; ad, ic, ag (10,6) float64 percent
  torchcam_ad, torchcam_ic () float64: torchcam's ClassificationMetric summary over all 60 items, in percent
  up:<i>:<j> (28,28) float32 map j of image i upsampled (torch interpolate, bilinear, align_corners=False)
  sp:<i>:<j>, ss:<i>:<j> () float64: Spearman (abs-max) and SSIM (min-max) of up:<i>:<j> against up:<i>:0
    (scipy.stats.spearmanr, skimage structural_similarity)
  sobel:<i> (28,28) float32 (cv2.Sobel)
  reset_order: the modules Quantus' MPRT re-initialises, top-down, joined by ',' (uint8 bytes of the string)
"""
import glob
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import inx_models  # noqa: E402
import metrics_reference as ref  # noqa: E402

OUT = os.path.join(ROOT, "tests", "data", "metrics")


def model():
    net = inx_models.fmnist()
    w = np.load(os.path.join(ROOT, "data", "models", "fmnist.npz"))
    net.load_state_dict({k: torch.as_tensor(w[k]) for k in w.files}, strict=False)
    return net.eval()


def inputs():
    from PIL import Image
    files = sorted(glob.glob(os.path.join(ROOT, "data", "samples", "fmnist_*.png")))
    xs = [np.asarray(Image.open(f).convert("L"), np.float32)[None] / np.float32(255) for f in files]
    return np.stack(xs)


def gradcam(net, x, cls):
    store = {}
    layer = net.features[16]
    h1 = layer.register_forward_hook(lambda m, i, o: store.__setitem__("a", o))
    xt = torch.as_tensor(x)[None].requires_grad_(False)
    logits = net(xt)
    a = store["a"]
    g, = torch.autograd.grad(logits[0, cls], a)
    h1.remove()
    w = g[0].mean(dim=(1, 2))
    return torch.relu((w[:, None, None] * a[0]).sum(0)).detach().numpy().astype(np.float32)


def occlusion(net, x, cls, patch=4):
    """Occlusion sensitivity: the probability drop when a patch x patch square (stride 1) around each pixel is 0."""
    _, h, w = x.shape
    base = ref.probs(net, torch.as_tensor(x)[None], cls, 1)[0]
    imgs = []
    for i in range(h):
        for j in range(w):
            z = x.copy()
            z[:, max(0, i - patch // 2): i + patch // 2, max(0, j - patch // 2): j + patch // 2] = 0
            imgs.append(z)
    p = ref.probs(net, torch.as_tensor(np.stack(imgs)), cls, 256)
    return (base - p).reshape(h, w).astype(np.float32)


class FixedMaps:
    """A torchcam CAM extractor that returns given maps (already normalised), so torchcam's metric scores them."""

    def __init__(self, net, maps):
        self.model, self.maps = net, maps

    def __call__(self, class_idx=None, scores=None, normalized=True, **kw):
        return [torch.as_tensor(self.maps)]

    def fuse_cams(self, cams):
        return cams[0]

    def _hooks_off(self):
        import contextlib
        return contextlib.nullcontext()


def main():
    torch.manual_seed(0)
    net = model()
    xs = inputs()
    n = xs.shape[0]
    out = {"x": xs, "rise_kernel": ref.rise_kernel()}
    with torch.no_grad():
        pred = net(torch.as_tensor(xs)).argmax(1).numpy()
    rng = np.random.default_rng(7)
    cls = np.zeros((n, 6), np.int64)
    maps = {}
    for i in range(n):
        c = int(pred[i])
        cls[i] = c
        cls[i, 1] = (c + 3) % 10
        q = np.floor(rng.random((28, 28)) * 4).astype(np.float32)
        maps[i] = [gradcam(net, xs[i], c), rng.random((7, 7)).astype(np.float32), q,
                   np.full((7, 7), 0.25, np.float32), (rng.random((14, 14)) - 0.5).astype(np.float32),
                   occlusion(net, xs[i], c)]
        for j, m in enumerate(maps[i]):
            out[f"map:{i}:{j}"] = m
        out[f"blur:{i}"] = ref.rise_blur(xs[i]).numpy()
        out[f"sobel:{i}"] = ref.sobel(xs[i])
    out["cls"] = cls
    for key, step in (("", None), ("5", 5)):
        dauc, iauc = np.zeros((n, 6)), np.zeros((n, 6))
        for i in range(n):
            for j in range(6):
                p, a = ref.rise_curve(net, xs[i], maps[i][j], int(cls[i, j]), "deletion", step)
                out[f"del{key}:{i}:{j}"], dauc[i, j] = p, a
                p, a = ref.rise_curve(net, xs[i], maps[i][j], int(cls[i, j]), "insertion", step)
                out[f"ins{key}:{i}:{j}"], iauc[i, j] = p, a
        out[f"del{key}_auc"], out[f"ins{key}_auc"] = dauc, iauc
    y, o = np.zeros((n, 6)), np.zeros((n, 6))
    for i in range(n):
        for j in range(6):
            y[i, j], o[i, j] = ref.confidence(net, xs[i], maps[i][j], int(cls[i, j]))
    out["y"], out["o"] = y, o
    out["ad"] = np.vectorize(ref.ad)(y, o)
    out["ic"] = np.vectorize(ref.ic)(y, o)
    out["ag"] = np.vectorize(ref.ag)(y, o)

    # torchcam's own metric on the same maps (normalised as inx normalises them), one update per map index j
    from functools import partial
    from torchcam.metrics import ClassificationMetric
    total_drop = total_inc = 0.0
    for j in range(6):
        mj = np.stack([ref.minmax_mask(maps[i][j]) for i in range(n)])
        metric = ClassificationMetric(FixedMaps(net, mj), partial(torch.softmax, dim=-1))
        metric.update(torch.as_tensor(xs), class_idx=[int(c) for c in cls[:, j]])
        s = metric.summary()
        total_drop += s["avg_drop"] * n
        total_inc += s["conf_increase"] * n
    out["torchcam_ad"] = np.float64(100 * total_drop / (6 * n))
    out["torchcam_ic"] = np.float64(100 * total_inc / (6 * n))

    for i in range(n):
        base = ref.upsample(maps[i][0], 28, 28)
        for j in range(6):
            m = ref.upsample(maps[i][j], 28, 28)
            out[f"up:{i}:{j}"] = m
            out[f"sp:{i}:{j}"] = np.float64(ref.spearman(ref.abs_max(base), ref.abs_max(m)))
            out[f"ss:{i}:{j}"] = np.float64(ref.ssim(ref.minmax(base), ref.minmax(m)))
    out["reset_order"] = np.frombuffer(",".join(ref.reset_order(net)).encode(), np.uint8)
    os.makedirs(OUT, exist_ok=True)
    np.savez_compressed(os.path.join(OUT, "fmnist.npz"), **out)
    print("wrote", os.path.join(OUT, "fmnist.npz"), len(out), "arrays; torchcam AD %.4f IC %.4f, reference AD %.4f IC %.4f"
          % (out["torchcam_ad"], out["torchcam_ic"], out["ad"].mean(), out["ic"].mean()))


if __name__ == "__main__":
    main()
