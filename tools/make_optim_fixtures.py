#!/usr/bin/env python3
"""Optimiser parity fixtures for inx (tests/nn/test_optim.cpp): a few steps of torch.optim.SGD and torch.optim.Adam
on fixed parameters with fixed per-step gradients.

Writes tests/data/optim/optim.npz with
  p0                         initial parameter (3, 5)
  g<k>                       the gradient given at step k (k = 0 .. STEPS-1)
  <case>                     the parameter after STEPS steps, for each case in CASES
Rerun: /usr/bin/python3 tools/make_optim_fixtures.py
"""
import os

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "optim")
STEPS = 5
CASES = {
    "sgd_plain": (torch.optim.SGD, dict(lr=0.1)),
    "sgd_momentum": (torch.optim.SGD, dict(lr=0.05, momentum=0.9)),
    "sgd_nesterov_wd": (torch.optim.SGD, dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.01)),
    "sgd_dampening": (torch.optim.SGD, dict(lr=0.05, momentum=0.9, dampening=0.3)),
    "adam": (torch.optim.Adam, dict(lr=1e-2)),
    "adam_wd_betas": (torch.optim.Adam, dict(lr=3e-3, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05)),
}


def main():
    g = torch.Generator().manual_seed(0)
    p0 = torch.randn(3, 5, generator=g)
    grads = [torch.randn(3, 5, generator=g) * (0.1 + k) for k in range(STEPS)]
    out = {"p0": p0.numpy()}
    for k, gr in enumerate(grads):
        out[f"g{k}"] = gr.numpy()
    for name, (cls, kw) in CASES.items():
        p = torch.nn.Parameter(p0.clone())
        opt = cls([p], **kw)
        for gr in grads:
            p.grad = gr.clone()
            opt.step()
        out[name] = p.detach().numpy().copy()
    os.makedirs(OUT, exist_ok=True)
    np.savez(os.path.join(OUT, "optim.npz"), **{k: v.astype(np.float32) for k, v in out.items()})


if __name__ == "__main__":
    main()
