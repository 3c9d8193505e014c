#!/usr/bin/env python3
"""Makes the fixtures of inx's render tests (tests/data/render): colours from matplotlib's colour maps and Gaussian
blurs from OpenCV, the implementations users already trust. Deterministic; rerun with
/usr/bin/python3 tools/make_render_fixtures.py (needs Debian's python3-matplotlib and python3-opencv).

colormap.npz: x (float32, including 0, 1, 0.999, every bin edge's neighbours, negatives, > 1, +-inf and NaN) and,
  per map name, matplotlib.colormaps[name](x)[:, :3] as float32.
glyphs.npz: per weight (regular, bold), a (95, line height, 40) uint8 array: Pillow's own rendering of each printable
  ASCII glyph, white on black, its line box's top at row 0 and its pen at column 8 (size and line box as in
  include/inx/render/font_atlas.hpp, which tools/make_font_atlas.py made from the same fonts).
blur.npz: per case i, in_i (float32 (H, W) or (C, H, W)), sigma_i (float64 scalar), out_i = cv2.GaussianBlur(in_i,
  (0, 0), sigmaX=sigma_i) (three channels go through OpenCV together, as an H x W x 3 image), and kernel_i =
  cv2.getGaussianKernel(ksize, sigma_i, cv2.CV_32F) with OpenCV's float-image ksize = round(8 sigma + 1) | 1.
"""
import io
import os
import zipfile

import re

import cv2
import matplotlib
import numpy as np
from PIL import Image, ImageDraw, ImageFont

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "tests", "data", "render"))
ATLAS = os.path.normpath(os.path.join(HERE, "..", "include", "inx", "render", "font_atlas.hpp"))
FONTS = {"regular": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
         "bold": "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"}
COLORMAPS = ["jet", "viridis", "turbo"]


def save_npz(path, arrays):
    """np.savez with fixed member timestamps, so a rerun writes the same bytes."""
    tmp = path + ".tmp"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for key in sorted(arrays):
            b = io.BytesIO()
            np.save(b, np.asarray(arrays[key]))
            info = zipfile.ZipInfo(key + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, b.getvalue())
    os.replace(tmp, path)


def colormap_inputs():
    rng = np.random.default_rng(1)
    f = np.float32
    edges = np.arange(257, dtype=np.float64) / 256  # bin edges k / 256
    up = np.nextafter(edges.astype(f), f(np.inf))
    down = np.nextafter(edges.astype(f), f(-np.inf))
    special = np.array([0, 1, 0.999, 0.5, 1e-8, -1e-8, -0.001, -0.5, -1, -100, 1.0001, 1.5, 2, 100, 1e30, -1e30,
                        np.inf, -np.inf, np.nan, 255.5 / 256, 1 - 2 ** -24], dtype=f)
    x = np.concatenate([special, edges.astype(f)[::8], up[::5], down[::5], rng.random(150, dtype=f),
                        rng.uniform(-0.2, 1.2, 40).astype(f)])
    return x.astype(f)


def make_colormaps():
    x = colormap_inputs()
    out = {"x": x}
    for name in COLORMAPS:
        out[name] = matplotlib.colormaps[name](x)[:, :3].astype(np.float32)
    save_npz(os.path.join(ROOT, "colormap.npz"), out)
    return len(x)


def blur_cases():
    rng = np.random.default_rng(2)
    r = lambda *s: rng.random(s, dtype=np.float32)
    impulse = np.zeros((15, 21), np.float32)
    impulse[7, 10] = 1
    edge = np.zeros((12, 12), np.float32)
    edge[:, 6:] = 1
    return [
        (r(1, 1), 1.0), (r(1, 1), 3.0),                       # one pixel: reflect-101 repeats it
        (r(2, 3), 0.5), (r(2, 3), 1.0), (r(2, 3), 5.0),       # kernels far wider than the image
        (r(1, 7), 2.0), (r(7, 1), 2.0), (r(3, 3), 10.0),
        (impulse, 1.3), (impulse, 0.1), (impulse, 0.05),      # the kernel itself; 3 taps; 1 tap (identity)
        (edge, 1.0),
        (r(16, 20), 0.3), (r(16, 20), 0.8), (r(16, 20), 2.5),
        (r(28, 28), 2.0), (r(57, 64), 4.0), (r(7, 7) * 100 - 50, 1.7),
        (r(3, 9, 13), 1.5), (r(3, 2, 2), 2.0),                # multi-channel, through OpenCV as H x W x 3
        (r(2, 6, 5), 1.2),                                    # two channels, each on its own
    ]


def blur(img, sigma):
    if img.ndim == 2:
        return cv2.GaussianBlur(img, (0, 0), sigmaX=sigma)
    if img.shape[0] == 3:
        hwc = np.ascontiguousarray(img.transpose(1, 2, 0))
        return np.ascontiguousarray(cv2.GaussianBlur(hwc, (0, 0), sigmaX=sigma).reshape(hwc.shape).transpose(2, 0, 1))
    return np.stack([cv2.GaussianBlur(np.ascontiguousarray(c), (0, 0), sigmaX=sigma) for c in img])


def make_blurs():
    out = {}
    cases = blur_cases()
    for i, (img, sigma) in enumerate(cases):
        ksize = int(round(sigma * 8 + 1)) | 1
        out[f"in_{i}"] = img
        out[f"sigma_{i}"] = np.float64(sigma)
        out[f"out_{i}"] = blur(img, sigma).astype(np.float32)
        out[f"kernel_{i}"] = cv2.getGaussianKernel(ksize, sigma, cv2.CV_32F).ravel()
        assert out[f"out_{i}"].shape == img.shape
    save_npz(os.path.join(ROOT, "blur.npz"), out)
    return len(cases)


def atlas_constant(text, name):
    return int(re.search(rf"inline constexpr int {name} = (\d+);", text).group(1))


def make_glyphs():
    text = open(ATLAS).read()
    size, ascent = atlas_constant(text, "font_pixel_size"), atlas_constant(text, "font_ascent")
    line = atlas_constant(text, "font_line_height")
    out = {}
    for weight, path in FONTS.items():
        font = ImageFont.truetype(path, size)
        cells = []
        for code in range(32, 127):
            img = Image.new("L", (40, line), 0)
            ImageDraw.Draw(img).text((8, ascent), chr(code), font=font, fill=255, anchor="ls")
            cells.append(np.asarray(img, dtype=np.uint8))
        out[weight] = np.stack(cells)
    save_npz(os.path.join(ROOT, "glyphs.npz"), out)


def main():
    os.makedirs(ROOT, exist_ok=True)
    n = make_colormaps()
    m = make_blurs()
    make_glyphs()
    print(f"{ROOT}: {n} colour map inputs (matplotlib {matplotlib.__version__}), "
          f"{m} blur cases (OpenCV {cv2.__version__})")


if __name__ == "__main__":
    main()
