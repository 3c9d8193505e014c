#!/usr/bin/env python3
"""Writes data/labels/demo/images/: the first five Fashion-MNIST test images of each class (50 images), the fixed
image set of inx's label demo (data/labels/demo/README.md). Rerun: /usr/bin/python3 tools/make_label_demo.py"""
import gzip
import os
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from inx_models import FMNIST_CLASSES  # noqa: E402

ROOT = "/usr/share/datasets/fashion-mnist"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "labels", "demo", "images")
PER_CLASS = 5


def main():
    with gzip.open(f"{ROOT}/t10k-images-idx3-ubyte.gz") as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)
    with gzip.open(f"{ROOT}/t10k-labels-idx1-ubyte.gz") as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)
    os.makedirs(OUT, exist_ok=True)
    for name in os.listdir(OUT):
        os.remove(os.path.join(OUT, name))
    for c, cname in enumerate(FMNIST_CLASSES):
        slug = cname.lower().replace("/", "_").replace(" ", "_").replace("-", "_")
        for i in np.flatnonzero(labels == c)[:PER_CLASS]:
            Image.fromarray(images[i]).save(os.path.join(OUT, f"fmnist_{i:04d}_{slug}.png"), optimize=True)
    print(len(os.listdir(OUT)), "images in", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
