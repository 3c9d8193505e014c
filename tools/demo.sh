#!/usr/bin/env bash
# README's first command: sets up the machine, builds inx (release) and runs the main job on the bundled default
# model — classify sample Fashion-MNIST images with data/models/fmnist.npz (trained by inx itself), then cluster
# the activations of the model's last convolutional block with the INV paper's preset.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
cmake --preset release > /dev/null
cmake --build --preset release --target inx_cli
inx=build/release/bin/inx
out=${INX_DEMO_OUT:-out/demo}
mkdir -p "$out"

echo
echo "== inx classify: the default Fashion-MNIST model on one sample image of each class"
for img in data/samples/*.png; do
  printf '%-40s ' "$(basename "$img")"
  "$inx" classify --model fmnist --image "$img" --top 1 | tail -n 1
done
"$inx" classify --model fmnist --image data/samples/fmnist_0000_ankle_boot.png --top 3 --json "$out/classify.json"
echo "wrote $out/classify.json"

echo
echo "== inx classify --maps: the 128 feature maps of the last conv block (features.16) for the ankle boot"
"$inx" classify --model fmnist --image data/samples/fmnist_0000_ankle_boot.png --top 1 \
  --maps features.16 --maps-out "$out/maps_features16.npy" > /dev/null
echo "wrote $out/maps_features16.npy (128 x 49: one row per 7x7 map)"

echo
echo "== inx cluster --policy paper: INV's clustering of those maps (min-max, PCA, t-SNE, Ward, k by silhouette)"
"$inx" cluster --policy paper --input "$out/maps_features16.npy" --labels-out "$out/clusters.npy" \
  --json "$out/clusters.json"
echo "wrote $out/clusters.npy and $out/clusters.json"
echo
echo "(The explanation step — Grad-CAM weights per cluster, merged saliency maps, rendering — is not written yet.)"
