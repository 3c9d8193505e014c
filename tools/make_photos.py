#!/usr/bin/python3
"""Writes data/photos/: four more real photographs for evaluating ImageNet models (`inx evaluate`, README's table),
beside data/samples/chelsea.png and coffee.png. Each is resized so its short side is 256 pixels (what ImageNet
preprocessing resizes to anyway) with PIL's Lanczos filter and saved as PNG. Sources and licences: data/photos/README.md.
Rerun: /usr/bin/python3 tools/make_photos.py"""
import os

from PIL import Image

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "photos")
SKIMAGE = "/usr/lib/python3/dist-packages/skimage/data"
SKLEARN = "/usr/lib/python3/dist-packages/sklearn/datasets/images"
PHOTOS = {"astronaut": f"{SKIMAGE}/astronaut.png", "rocket": f"{SKIMAGE}/rocket.jpg",
          "china": f"{SKLEARN}/china.jpg", "flower": f"{SKLEARN}/flower.jpg"}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, src in PHOTOS.items():
        im = Image.open(src).convert("RGB")
        s = 256 / min(im.size)
        im = im.resize((round(im.size[0] * s), round(im.size[1] * s)), Image.LANCZOS)
        im.save(os.path.join(OUT, f"{name}.png"), optimize=True)
        print(name, im.size)


if __name__ == "__main__":
    main()
