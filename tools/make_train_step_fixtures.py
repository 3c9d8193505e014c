#!/usr/bin/python3
"""Fixtures for one training step of the residual networks against PyTorch (issue #13 item 2): torchvision's resnet18
(BasicBlock, with and without a downsample projection) and resnet50 (Bottleneck), every tensor filled by
tools/make_zoo_fixtures.py's `synthetic` formula (C++: models::fill_synthetic), in train mode (batch statistics,
running statistics updated with momentum 0.1), on a seeded input (2, 3, 64, 64). The loss is sum(w * logits) for a
fixed seeded w, so d(loss)/d(logits) = w. Rerun: /usr/bin/python3 tools/make_train_step_fixtures.py

Gradients are far too large to commit whole (resnet50: 25 M values), so per parameter the fixture keeps 97 elements at
fixed, evenly spread flat indices (index i * (n - 1) // 96), the tensor's L2 norm and its largest |value|; running
statistics are kept whole. Writes tests/data/models/train_step_<model>.npz:
  x (2, 3, 64, 64) float32; w (2, 1000) float32; logits (2, 1000) float32
  grad_idx:<name> int64 (97,), grad:<name> float32 (97,), grad_norm:<name> float64 (), grad_max:<name> float64 ()
  running_mean:<bn>, running_var:<bn> float32 after the step
"""
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_zoo_fixtures as zoo  # noqa: E402

OUT = os.path.join(HERE, "..", "tests", "data", "models")


def make(name):
    torch.manual_seed(0)
    model = zoo.build(name).train()
    g = torch.Generator().manual_seed(1)
    x = torch.rand(2, 3, 64, 64, generator=g) * 2 - 1
    w = torch.rand(2, 1000, generator=g) * 2 - 1
    logits = model(x)
    (logits * w).sum().backward()
    out = {"x": x.numpy(), "w": w.numpy(), "logits": logits.detach().numpy()}
    for k, p in model.named_parameters():
        gr = p.grad.detach().numpy().reshape(-1).astype(np.float64)
        idx = np.array([i * (gr.size - 1) // 96 for i in range(97)], np.int64)
        out[f"grad_idx:{k}"] = idx
        out[f"grad:{k}"] = gr[idx].astype(np.float32)
        out[f"grad_norm:{k}"] = np.float64(np.sqrt((gr * gr).sum()))
        out[f"grad_max:{k}"] = np.float64(np.abs(gr).max())
    for k, b in model.named_buffers():
        if k.endswith(("running_mean", "running_var")):
            out[k.replace(".running_", ":running_")] = b.numpy().astype(np.float32)
    np.savez_compressed(os.path.join(OUT, f"train_step_{name}.npz"), **out)
    print(name, len(out), "arrays")


if __name__ == "__main__":
    for n in ("resnet18", "resnet50"):
        make(n)
