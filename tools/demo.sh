#!/usr/bin/env bash
# README's first command: sets up the machine, builds inx (release) and runs the main job with the bundled default
# model (data/models/fmnist.npz, trained by inx itself): `inx explain` on sample Fashion-MNIST images — per layer the
# feature maps are pruned, clustered with the INV paper's preset and merged into ranked, weighted saliency maps —
# writing pictures, report.json and report.html to out/demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
cmake --preset release > /dev/null
cmake --build --preset release --target inx_cli
inx=build/release/bin/inx
out=${INX_DEMO_OUT:-out/demo}

echo
echo "== inx explain: the default model on three sample images (INV, paper clustering)"
"$inx" explain --image data/samples/fmnist_0000_ankle_boot.png --image data/samples/fmnist_0002_trouser.png \
  --image data/samples/fmnist_0018_bag.png --out "$out"
echo
echo "Open $out/report.html in a browser (file://$(pwd)/$out/report.html);"
echo "each image's contact sheet is $out/<image>/sheet.png."
