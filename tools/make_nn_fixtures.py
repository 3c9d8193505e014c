#!/usr/bin/env python3
"""Parity fixtures for inx's network engine (tests/nn): PyTorch's logits, tapped activations and gradients.

Writes tests/data/nn/<model>_weights.npz (np.savez of the state_dict, the export path users take) and
tests/data/nn/<model>_parity.npz with
  x                      input batch
  target                 the class whose logit is differentiated, per sample
  logits                 eval-mode logits
  act:<name>, grad:<name>  tapped activation and d logit[target] / d activation
  input_grad             d logit[target] / d x
  train_logits, train_loss, wgrad:<param>, after:<buffer>   one train-mode step (cross-entropy, mean)
Rerun: /usr/bin/python3 tools/make_nn_fixtures.py
"""
import gzip
import os
import sys

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import inx_models  # noqa: E402

OUT = os.path.join(HERE, "..", "tests", "data", "nn")
FMNIST = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"


def no_inplace(model):
    # In-place ReLUs would overwrite the tapped tensors; the maths is the same without them.
    for m in model.modules():
        if isinstance(m, (nn.ReLU, nn.ReLU6)):
            m.inplace = False
    return model


def randomise_bn(model, g):
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            c = m.num_features
            m.weight.data = torch.empty(c).uniform_(0.5, 1.5, generator=g)
            m.bias.data = torch.randn(c, generator=g) * 0.1
            m.running_mean = torch.randn(c, generator=g) * 0.1
            m.running_var = torch.empty(c).uniform_(0.5, 1.5, generator=g)


def fmnist_images(n):
    if os.path.exists(FMNIST):
        with gzip.open(FMNIST) as f:
            data = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28)
        return torch.from_numpy(data[:n].astype(np.float32) / 255.0)
    raise SystemExit(f"{FMNIST} is missing: apt-get install dataset-fashion-mnist")


def make(name, x, taps, seed=0):
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed + 1)
    model = no_inplace(inx_models.build(name))
    randomise_bn(model, g)
    model.eval()
    sd = {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}
    np.savez(os.path.join(OUT, f"{name}_weights.npz"), **sd)

    modules = dict(model.named_modules())
    acts = {}

    def keep(name):
        def hook(module, inputs, output):
            output.retain_grad()
            acts[name] = output
        return hook

    handles = [modules[t].register_forward_hook(keep(t)) for t in taps]
    xin = x.clone().requires_grad_(True)
    logits = model(xin)
    target = logits.argmax(1)
    target[0] = (target[0] + 1) % logits.shape[1]  # not always the top class
    logits.gather(1, target[:, None]).sum().backward()
    for h in handles:
        h.remove()
    out = {"x": x.numpy(), "target": target.numpy().astype(np.int64), "logits": logits.detach().numpy(),
           "input_grad": xin.grad.numpy()}
    for t in taps:
        out[f"act:{t}"] = acts[t].detach().numpy()
        out[f"grad:{t}"] = acts[t].grad.numpy()

    # One training step's gradients (train-mode batch norm, cross-entropy with mean reduction).
    model.train()
    model.zero_grad()
    tl = model(x)
    loss = nn.functional.cross_entropy(tl, target)
    loss.backward()
    out["train_logits"] = tl.detach().numpy()
    out["train_loss"] = np.float32(loss.item())
    for k, p in model.named_parameters():
        out[f"wgrad:{k}"] = p.grad.numpy()
    for k, b in model.named_buffers():
        if not k.endswith("num_batches_tracked"):
            out[f"after:{k}"] = b.numpy()
    np.savez(os.path.join(OUT, f"{name}_parity.npz"), **out)
    print(name, {k: v.shape for k, v in out.items() if not k.startswith(("wgrad", "after"))})


def main():
    os.makedirs(OUT, exist_ok=True)
    make("fmnist", fmnist_images(4), ["features.3", "features.12", "features.14", "features.16", "features"])


if __name__ == "__main__":
    main()
