#!/usr/bin/env bash
# The label demo, explain -> labels -> global, offline: explains the 50 demo images (data/labels/demo/images, five per
# class) for their true class at three layers, writes the labelling game for them, and builds the global explanation
# from the shipped label records and their precomputed embeddings (data/labels/demo/README.md).
# Usage: tools/demo_labels.sh path/to/inx OUT_DIR
set -euo pipefail
inx=${1:?usage: demo_labels.sh path/to/inx OUT_DIR}
out=${2:?usage: demo_labels.sh path/to/inx OUT_DIR}
root=$(cd "$(dirname "$0")/.." && pwd)
demo=$root/data/labels/demo
classes=(t_shirt_top trouser pullover dress coat sandal shirt sneaker bag ankle_boot)
mkdir -p "$out"
reports=()
for c in "${!classes[@]}"; do
  images=()
  for f in "$demo"/images/fmnist_*_"${classes[$c]}".png; do images+=(--image "$f"); done
  "$inx" explain --model fmnist "${images[@]}" --class "$c" --layers features.5,features.9,features.16 \
    --npy --no-html --quiet --out "$out/explain/class$c" > /dev/null
  reports+=("$out/explain/class$c")
done
"$inx" label-page --reports "${reports[@]}" --out "$out/labeling.html"
"$inx" global --reports "${reports[@]}" --labels "$demo/labels.json" --embeddings "$demo/embeddings.npy" \
  --vocab "$demo/vocab.txt" --out "$out/global"
