#!/usr/bin/env bash
# README's first command: sets up the machine, builds inx (release) and runs the main job with the bundled default
# model (data/models/fmnist.npz, trained by inx itself): `inx explain` on sample Fashion-MNIST images — per layer the
# feature maps are pruned, clustered with the INV paper's preset and merged into ranked, weighted saliency maps —
# writing pictures, report.json and report.html to out/demo/; then a photograph with the pretrained EfficientNet-Lite0
# (fetched by tools/setup.sh) into out/demo/photo/; then the label demo (tools/demo_labels.sh): the global
# explanation of every class from the shipped label records, and the labelling game, into out/demo/labels/.
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
if "$inx" version | grep -q "efficientnet_lite0: /"; then
  echo
  echo "== inx explain: a photograph (skimage's chelsea) with the pretrained EfficientNet-Lite0"
  "$inx" explain --model efficientnet_lite0 --image data/samples/chelsea.png --out "$out/photo"
  photo="and $out/photo/report.html"
else
  echo
  echo "(EfficientNet-Lite0's weights are not there — tools/fetch_efficientnet.py fetches them — so no photograph.)"
  photo=""
fi
echo
echo "== INV's second half: people's words on the cluster maps of 50 images, aggregated per class (data/labels/demo)"
bash tools/demo_labels.sh "$inx" "$out/labels" | tail -n +2
echo
abs=$(cd "$out" && pwd)
echo "Open $out/report.html $photo in a browser (file://$abs/report.html);"
echo "each image's contact sheet is <out>/<image>/sheet.png. The class-level explanation is"
echo "$out/labels/global/global.html, and $out/labels/labeling.html is the game that collects the words."
