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
