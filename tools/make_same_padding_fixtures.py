#!/usr/bin/env python3
"""PyTorch fixtures for TensorFlow-style SAME padding in inx's convolution (tests/nn/test_same_padding.cpp).

The reference is what EfficientNet-Lite's PyTorch port does: pad each spatial axis by
  total = max((ceil(in / stride) - 1) * stride + (k - 1) * dilation + 1 - in, 0)
with total // 2 before and the rest after (F.pad), then an unpadded F.conv2d. Cases cover odd and even sizes,
stride 1 and 2, depthwise groups, an even kernel and dilation.

Writes tests/data/nn/same_padding.npz with, per case i:
  <i>:params   int64 [stride, dilation, groups, has_bias]
  <i>:x, <i>:w, <i>:b (when has_bias), <i>:dy   inputs; dy is the output gradient
  <i>:y, <i>:dx, <i>:dw, <i>:db (when has_bias)  forward output and gradients of sum(y * dy)
Rerun: /usr/bin/python3 tools/make_same_padding_fixtures.py
"""
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "nn")

# (n, c, h, w, out, k, stride, dilation, groups, bias)
CASES = [
    (2, 3, 8, 8, 4, 3, 2, 1, 1, True),    # even size, stride 2: 0 before, 1 after
    (2, 3, 7, 9, 4, 3, 2, 1, 1, False),   # odd sizes, stride 2: symmetric
    (1, 4, 10, 11, 4, 5, 2, 1, 4, False),  # depthwise 5x5, stride 2, even and odd
    (1, 4, 9, 9, 4, 5, 1, 1, 4, True),    # depthwise 5x5, stride 1
    (2, 2, 6, 7, 3, 4, 1, 1, 1, True),    # even kernel: 1 before, 2 after
    (1, 3, 8, 7, 5, 3, 2, 2, 1, True),    # dilation 2, stride 2
    (1, 2, 2, 3, 3, 5, 2, 1, 1, False),   # input smaller than the kernel
]


def same_pad(x, k, stride, dilation):
    pads = []
    for size in (x.shape[3], x.shape[2]):  # F.pad wants the last axis first
        out = math.ceil(size / stride)
        total = max((out - 1) * stride + (k - 1) * dilation + 1 - size, 0)
        pads += [total // 2, total - total // 2]
    return F.pad(x, pads)


def main():
    g = torch.Generator().manual_seed(0)
    out = {}
    for i, (n, c, h, w, o, k, s, d, gr, bias) in enumerate(CASES):
        # Inputs are rounded to float32 first, so the float64 reference sees exactly what inx reads.
        r = lambda *shape, scale=1.0: (torch.randn(*shape, generator=g) * scale).double().requires_grad_(True)
        x, wt = r(n, c, h, w), r(o, c // gr, k, k, scale=0.3)
        b = r(o, scale=0.1) if bias else None
        y = F.conv2d(same_pad(x, k, s, d), wt, b, stride=s, dilation=d, groups=gr)
        assert y.shape[2:] == (math.ceil(h / s), math.ceil(w / s))
        dy = torch.randn(y.shape, generator=g).double()
        (y * dy).sum().backward()
        f32 = lambda t: t.detach().numpy().astype(np.float32)
        out[f"{i}:params"] = np.array([s, d, gr, int(bias)], dtype=np.int64)
        out[f"{i}:x"], out[f"{i}:w"], out[f"{i}:dy"] = f32(x), f32(wt), f32(dy)
        out[f"{i}:y"], out[f"{i}:dx"], out[f"{i}:dw"] = f32(y), f32(x.grad), f32(wt.grad)
        if bias:
            out[f"{i}:b"], out[f"{i}:db"] = f32(b), f32(b.grad)
    os.makedirs(OUT, exist_ok=True)
    np.savez_compressed(os.path.join(OUT, "same_padding.npz"), **out)
    print("wrote", len(CASES), "cases")


if __name__ == "__main__":
    main()
