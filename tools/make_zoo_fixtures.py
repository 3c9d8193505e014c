#!/usr/bin/env python3
"""Parity fixtures for inx's model zoo (tests/models): PyTorch's eval logits, tapped activations and gradients for
vgg16, vgg16_bn, resnet18, resnet50 and mobilenet_v2 on a real photograph.

No weights are written: both sides fill every state_dict tensor from the same counter-based formula (`synthetic`
below; C++: include/inx/models/synthetic.hpp), so even resnet50 and vgg16 need no committed weights.

  value[i] = offset + scale * v(i),  v(i) = (h(key ^ h(i)) >> 9) * 2^-22 - 1  in [-1, 1)
  h = lowbias32 (a 32-bit integer hash), key = FNV-1a 32 of the tensor's state_dict name
  conv / linear weights: offset 0, scale sqrt(6 / fan_in) (He uniform, so ReLU stacks keep activations O(1))
  batch-norm weight and running_var: offset 1, scale 0.25;  biases and running_mean: offset 0, scale 0.1

The input is skimage.data.chelsea() cut to 180x240 (written as chelsea_180x240.png for the C++ preprocessing test),
resized (shorter side 146, bilinear with antialias) and centre-cropped to 128x128 — the ImageNet 256/224 recipe at
128 pixels, which keeps the fixtures small (~2.5 MB) and the tests fast — then normalised with ImageNet's mean/std.

Writes tests/data/models/
  chelsea_180x240.png   the source image
  input.npz             x (1,3,128,128) as torchvision's transforms make it
  state_dict_keys.txt   "# model" then "key (shape)" per state_dict entry (num_batches_tracked left out)
  <model>.npz           logits, target, act:<tap>, grad:<tap> (d logit[target] / d act), logits_batch2 (x and its
                        mirror image), input_grad (resnet18 only)
and tests/data/cli/ (inputs of the `inx classify` test, tests/cli/classify.sh)
  tiny_rgb_8x8.png      too small for an ImageNet model
  nan_weights.npz       fmnist's first tensor (features.0.weight) holding a NaN
Rerun: /usr/bin/python3 tools/make_zoo_fixtures.py
"""
import math
import os

import numpy as np
import torch
import torchvision
import torchvision.transforms.functional as TF
from PIL import Image
from skimage import data as skdata
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "models")
MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
TAPS = {
    "resnet18": ["layer4", "layer4.1.conv2", "layer4.0.downsample.0", "layer3.1"],
    "resnet50": ["layer4", "layer4.2.conv3", "layer3.5.bn2", "layer4.0.downsample.1"],
    "vgg16": ["features.29", "features.28", "classifier.4"],
    "vgg16_bn": ["features.42", "features.40"],
    "mobilenet_v2": ["features.18", "features.17.conv.2", "features.16", "features.16.conv.1.0"],
}


def _h(x):
    x = x.astype(np.uint32)
    x ^= x >> np.uint32(16)
    x *= np.uint32(0x7FEB352D)
    x ^= x >> np.uint32(15)
    x *= np.uint32(0x846CA68B)
    x ^= x >> np.uint32(16)
    return x


def _fnv1a(s):
    h = 0x811C9DC5
    for b in s.encode():
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def synthetic(name, shape):
    n = int(np.prod(shape, dtype=np.int64))
    u = _h(np.uint32(_fnv1a(name)) ^ _h(np.arange(n, dtype=np.uint32)))
    v = (u >> np.uint32(9)).astype(np.float64) * 2.0 ** -22 - 1.0
    if len(shape) >= 2:
        off, scale = 0.0, math.sqrt(6.0 / (n // shape[0]))
    elif name.endswith("weight") or name.endswith("running_var"):
        off, scale = 1.0, 0.25
    else:
        off, scale = 0.0, 0.1
    return (off + scale * v).astype(np.float32).reshape(shape)


def build(name):
    model = getattr(torchvision.models, name)(weights=None)
    for m in model.modules():  # in-place ReLUs would overwrite tapped tensors; the maths is the same without them
        if isinstance(m, (nn.ReLU, nn.ReLU6)):
            m.inplace = False
    sd = {k: (torch.from_numpy(synthetic(k, tuple(v.shape))) if v.dtype == torch.float32 else v)
          for k, v in model.state_dict().items()}
    model.load_state_dict(sd)
    return model.eval()


def preprocess(img_u8, short=146, crop=128):
    t = torch.from_numpy(img_u8).permute(2, 0, 1).float() / 255.0
    t = TF.resize(t, short, interpolation=TF.InterpolationMode.BILINEAR, antialias=True)
    t = TF.center_crop(t, crop)
    return TF.normalize(t, MEAN, STD)[None]


def make(name, x):
    model = build(name)
    modules = dict(model.named_modules())
    acts = {}

    def keep(tap):
        def hook(module, inputs, output):
            output.retain_grad()
            acts[tap] = output
        return hook

    handles = [modules[t].register_forward_hook(keep(t)) for t in TAPS[name]]
    xin = x.clone().requires_grad_(True)
    logits = model(xin)
    target = logits.argmax(1)
    logits.gather(1, target[:, None]).sum().backward()
    for h in handles:
        h.remove()
    out = {"logits": logits.detach().numpy(), "target": target.numpy().astype(np.int64)}
    if name == "resnet18":
        out["input_grad"] = xin.grad.numpy()
    for t in TAPS[name]:
        out[f"act:{t}"] = acts[t].detach().numpy()
        out[f"grad:{t}"] = acts[t].grad.numpy()
    with torch.no_grad():
        out["logits_batch2"] = model(torch.cat([x, x.flip(3)])).numpy()
    np.savez_compressed(os.path.join(OUT, f"{name}.npz"), **out)
    print(name, "max |logit|", float(logits.abs().max()), "target", int(target[0]),
          {k: v.shape for k, v in out.items() if k.startswith("act:")})


def make_cli_fixtures():
    cli = os.path.join(OUT, "..", "cli")
    os.makedirs(cli, exist_ok=True)
    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 256, (8, 8, 3), dtype=np.uint8)).save(os.path.join(cli, "tiny_rgb_8x8.png"))
    w = synthetic("features.0.weight", (32, 1, 3, 3))
    w[3, 0, 1, 1] = np.nan
    np.savez(os.path.join(cli, "nan_weights.npz"), **{"features.0.weight": w})


def main():
    torch.set_num_threads(2)
    make_cli_fixtures()
    os.makedirs(OUT, exist_ok=True)
    img = skdata.chelsea()[60:240, 100:340]
    assert img.shape == (180, 240, 3)
    Image.fromarray(img).save(os.path.join(OUT, "chelsea_180x240.png"), optimize=True)
    # The PNG round trip is lossless; preprocess what the C++ test will read.
    img = np.array(Image.open(os.path.join(OUT, "chelsea_180x240.png")).convert("RGB"))
    x = preprocess(img)
    np.savez_compressed(os.path.join(OUT, "input.npz"), x=x.numpy())
    with open(os.path.join(OUT, "state_dict_keys.txt"), "w") as f:
        for name in TAPS:
            f.write(f"# {name}\n")
            for k, v in getattr(torchvision.models, name)(weights=None).state_dict().items():
                if not k.endswith("num_batches_tracked"):
                    f.write(f"{k} ({', '.join(map(str, v.shape))})\n")
    for name in TAPS:
        make(name, x)


if __name__ == "__main__":
    main()
