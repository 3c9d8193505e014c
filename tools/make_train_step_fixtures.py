#!/usr/bin/python3
"""Fixtures for one training step against PyTorch (issue #13 item 2): torchvision's resnet18 (BasicBlock, with and
without a downsample projection) and mobilenet_v2 on (2, 3, 64, 64), torchvision's InvertedResidual alone (three
shapes, below; mobilenet_v2 with its classifier's dropout at p = 0, since the two sides draw different masks), and
torchvision's Bottleneck block alone, 64 -> 256 at stride 1
and 256 -> 512 at stride 2, both with their downsample projection, on (2, C, 8, 8); every tensor filled by
tools/make_zoo_fixtures.py's `synthetic` formula (C++: models::fill_synthetic), in train mode (batch statistics,
running statistics updated with momentum 0.1), on a seeded input. The loss is sum(w * output) for a fixed seeded w,
so d(loss)/d(output) = w. (A whole resnet50 is not compared element by element: through 50 layers of float32, a
few pre-ReLU values within rounding of 0 flip their masks between implementations, and the flips grow into
differences of a few per cent in the lowest layers' gradients; the blocks alone have no such amplification.) Rerun: /usr/bin/python3 tools/make_train_step_fixtures.py

Gradients are far too large to commit whole (resnet50: 25 M values), so per parameter the fixture keeps 97 elements at
fixed, evenly spread flat indices (index i * (n - 1) // 96), the tensor's L2 norm and its largest |value|; running
statistics are kept whole. Writes tests/data/models/train_step_<name>.npz, name in resnet18, bottleneck, bottleneck_s2, inverted_residual,
inverted_residual_s2, inverted_residual_t1 (torchvision's InvertedResidual, MobileNetV2's block) and mobilenet_v2:
  x float32 the input; w float32 d(loss)/d(output); logits float32 the output
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


def make_block(name, block, in_shape):
    """One residual block alone (state_dict names without a prefix), same procedure as make()."""
    torch.manual_seed(0)
    for m in block.modules():
        if isinstance(m, torch.nn.ReLU):
            m.inplace = False
    block.load_state_dict({k: (torch.from_numpy(zoo.synthetic(k, tuple(v.shape))) if v.dtype == torch.float32
                                else v) for k, v in block.state_dict().items()})
    block.train()
    g = torch.Generator().manual_seed(1)
    x = torch.rand(*in_shape, generator=g) * 2 - 1
    y = block(x)
    w = torch.rand(*y.shape, generator=g) * 2 - 1
    (y * w).sum().backward()
    out = {"x": x.numpy(), "w": w.numpy(), "logits": y.detach().numpy()}
    add_grads(out, block)
    np.savez_compressed(os.path.join(OUT, f"train_step_{name}.npz"), **out)
    print(name, len(out), "arrays")


def add_grads(out, model):
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


def make(name, side):
    torch.manual_seed(0)
    model = zoo.build(name).train()
    for m in model.modules():  # mobilenet_v2's classifier dropout: p = 0, as the test's inx twin has it
        if isinstance(m, torch.nn.Dropout):
            m.p = 0.0
    g = torch.Generator().manual_seed(1)
    x = torch.rand(2, 3, side, side, generator=g) * 2 - 1
    w = torch.rand(2, 1000, generator=g) * 2 - 1
    logits = model(x)
    (logits * w).sum().backward()
    out = {"x": x.numpy(), "w": w.numpy(), "logits": logits.detach().numpy()}
    add_grads(out, model)
    np.savez_compressed(os.path.join(OUT, f"train_step_{name}.npz"), **out)
    print(name, len(out), "arrays")


if __name__ == "__main__":
    from torch import nn
    from torchvision.models.resnet import Bottleneck
    make("resnet18", 64)
    make_block("bottleneck", Bottleneck(64, 64, 1, nn.Sequential(nn.Conv2d(64, 256, 1, bias=False),
                                                                 nn.BatchNorm2d(256))), (2, 64, 8, 8))
    make_block("bottleneck_s2", Bottleneck(256, 128, 2, nn.Sequential(nn.Conv2d(256, 512, 1, stride=2, bias=False),
                                                                      nn.BatchNorm2d(512))), (2, 256, 8, 8))
    # MobileNetV2's block: expand 6 with the residual connection, expand 6 at stride 2, and expand 1 (no expansion
    # conv), as features.2-3, features.4 and features.1 of mobilenet_v2 use them; and the whole mobilenet_v2.
    from torchvision.models.mobilenetv2 import InvertedResidual
    make_block("inverted_residual", InvertedResidual(24, 24, 1, 6), (2, 24, 8, 8))
    make_block("inverted_residual_s2", InvertedResidual(16, 24, 2, 6), (2, 16, 8, 8))
    make_block("inverted_residual_t1", InvertedResidual(32, 16, 1, 1), (2, 32, 8, 8))
    make("mobilenet_v2", 64)
