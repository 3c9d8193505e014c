"""A reference implementation, in PyTorch and NumPy, of the definitions inx's metrics part follows
(include/inx/metrics/, docs/evaluate.md). Written from the definitions, independently of the C++ code, so the
fixtures of tools/make_metrics_fixtures.py check the C++ against them.

  model(x) -> logits for a batch (N, C, H, W); x an input (C, H, W); m a map (h, w); c the class index.
"""
import math

import numpy as np
import torch
import torch.nn.functional as F


def probs(model, batch, cls, batch_size):
    """softmax(model(batch))[:, cls] in float64, batch_size inputs per forward."""
    out = []
    with torch.no_grad():
        for i in range(0, batch.shape[0], batch_size):
            logits = model(batch[i:i + batch_size]).double()
            out.append(torch.softmax(logits, dim=1)[:, cls])
    return torch.cat(out).numpy()


def upsample(m, h, w):
    """Bilinear, half-pixel centres (align_corners=False), no antialias."""
    t = torch.as_tensor(np.asarray(m, dtype=np.float32))[None, None]
    if t.shape[-2:] == (h, w):
        return t[0, 0].numpy()
    return F.interpolate(t, size=(h, w), mode="bilinear", align_corners=False)[0, 0].numpy()


def rise_kernel():
    """RISE's gkern(11, 5): scipy's gaussian_filter of a centred 11x11 unit impulse, sigma 5."""
    from scipy.ndimage import gaussian_filter
    inp = np.zeros((11, 11))
    inp[5, 5] = 1
    return gaussian_filter(inp, 5)


def rise_blur(x):
    """Each channel of x (C, H, W) convolved with the RISE kernel, zero padding 5."""
    c = x.shape[0]
    k = torch.as_tensor(rise_kernel(), dtype=torch.float64)[None, None].repeat(c, 1, 1, 1)
    return F.conv2d(torch.as_tensor(x, dtype=torch.float64)[None], k, padding=5, groups=c)[0].float()


def rise_curve(model, x, m, cls, mode, step=None, batch_size=64):
    """Deletion or insertion: n + 1 probabilities and the trapezoid AUC."""
    c, h, w = x.shape
    hw = h * w
    step = step or w
    n = math.ceil(hw / step)
    order = np.argsort(-upsample(m, h, w).reshape(-1), kind="stable")
    x = torch.as_tensor(x)
    if mode == "deletion":
        start, finish = x.clone(), torch.zeros_like(x)
    else:
        start, finish = rise_blur(x.numpy()), x.clone()
    imgs = []
    cur = start.reshape(c, hw).clone()
    fin = finish.reshape(c, hw)
    for s in range(n + 1):
        if s > 0:
            idx = torch.as_tensor(order[(s - 1) * step: s * step])
            cur[:, idx] = fin[:, idx]
        imgs.append(cur.reshape(c, h, w).clone())
    p = probs(model, torch.stack(imgs), cls, batch_size)
    auc = (p.sum() - p[0] / 2 - p[-1] / 2) / n
    return p, auc


def minmax_mask(m):
    m = np.asarray(m, dtype=np.float32)
    m = m - m.min()
    return m / (m.max() + np.float32(1e-8))


def confidence(model, x, m, cls):
    """(Y, O): the class probability on x and on x times its normalised, upsampled map."""
    _, h, w = x.shape
    mask = torch.as_tensor(upsample(minmax_mask(m), h, w))
    x = torch.as_tensor(x)
    p = probs(model, torch.stack([x, mask[None] * x]), cls, 2)
    return p[0], p[1]


def ad(y, o):
    return 100.0 * max(0.0, y - o) / (y + 1e-7)


def ic(y, o):
    return 100.0 if o > y else 0.0


def ag(y, o):
    return 100.0 * max(0.0, o - y) / (1.0 - y + 1e-8)


def spearman(a, b):
    from scipy.stats import spearmanr
    if np.ptp(a) == 0 or np.ptp(b) == 0:
        return 0.0
    return float(spearmanr(np.asarray(a).ravel(), np.asarray(b).ravel()).correlation)


def ssim(a, b):
    from skimage.metrics import structural_similarity
    both = np.concatenate([np.ravel(a), np.ravel(b)]).astype(np.float64)
    rng = float(both.max() - both.min()) or 1.0
    return float(structural_similarity(np.asarray(a, np.float64), np.asarray(b, np.float64), data_range=rng))


def abs_max(m):
    a = np.abs(np.asarray(m, np.float32))
    return a / a.max() if a.max() > 0 else a


def minmax(m):
    m = np.asarray(m, np.float32)
    s = m.max() - m.min()
    return (m - m.min()) / s if s > 0 else np.zeros_like(m)


def sobel(x):
    """Sobel magnitude of the channel mean (float64), OpenCV's 3x3 kernels and default border (reflect 101)."""
    import cv2
    g = np.asarray(x, np.float64).mean(axis=0)
    gx = cv2.Sobel(g, cv2.CV_64F, 1, 0, ksize=3)
    gy = cv2.Sobel(g, cv2.CV_64F, 0, 1, ksize=3)
    return np.sqrt(gx * gx + gy * gy).astype(np.float32)


def reset_order(model):
    """The modules Quantus' MPRT re-initialises, in its top-down order: those with reset_parameters, reversed."""
    return [name for name, mod in model.named_modules() if hasattr(mod, "reset_parameters")][::-1]
