#!/usr/bin/env python3
"""Writes data/samples/fmnist_<index>_<class>.png: the first Fashion-MNIST test image of each class, as the
sample inputs of README's demo and of the command-line tests. Rerun: /usr/bin/python3 tools/make_samples.py"""
import gzip
import os
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from inx_models import FMNIST_CLASSES  # noqa: E402

ROOT = "/usr/share/datasets/fashion-mnist"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "samples")


def main():
    with gzip.open(f"{ROOT}/t10k-images-idx3-ubyte.gz") as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)
    with gzip.open(f"{ROOT}/t10k-labels-idx1-ubyte.gz") as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)
    os.makedirs(OUT, exist_ok=True)
    for c, name in enumerate(FMNIST_CLASSES):
        i = int(np.argmax(labels == c))
        slug = name.lower().replace("/", "_").replace(" ", "_").replace("-", "_")
        Image.fromarray(images[i]).save(os.path.join(OUT, f"fmnist_{i:04d}_{slug}.png"))
    print(sorted(os.listdir(OUT)))


if __name__ == "__main__":
    main()
