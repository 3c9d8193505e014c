#!/usr/bin/env bash
# `inx classify` end to end: good runs (text and --json output) and every bad input the issue names — each bad one
# must exit non-zero with exactly one line on stderr that names the problem.
# Usage: tests/cli/classify.sh path/to/inx  (run from anywhere; CTest test cli_classify)
set -u
INX=${1:?usage: classify.sh path/to/inx}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CAT="$ROOT/tests/data/models/chelsea_180x240.png"
BOOT="$ROOT/data/samples/fmnist_0000_ankle_boot.png"
FMNIST_W="$ROOT/tests/data/nn/fmnist_weights.npz"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. "$ROOT/tests/cli/lib.sh"

ok() { expect_ok "$1" "$INX" classify "${@:2}"; }  # ok NAME ARGS...
bad() { expect_bad "$1" "$2" "$INX" classify "${@:3}"; }  # bad NAME PATTERN ARGS...

ok fmnist_text --model fmnist --weights "$FMNIST_W" --image "$BOOT" --top 3
grep -q "Ankle boot\|T-shirt\|Trouser\|Pullover\|Dress\|Coat\|Sandal\|Shirt\|Sneaker\|Bag" "$TMP/out" ||
  { echo "FAIL fmnist_text: no class name in output"; fails=$((fails + 1)); }
[ "$(grep -c '^  ' "$TMP/out")" -eq 3 ] || { echo "FAIL fmnist_text: expected 3 class lines"; fails=$((fails + 1)); }

# An RGB photograph of another size for fmnist: converted to grayscale and resized to 28x28.
ok fmnist_rgb_photo --model fmnist --weights "$FMNIST_W" --image "$CAT" --json "$TMP/f.json"
ok resnet18_json --model resnet18 --synthetic-weights --image "$CAT" --image "$CAT" --top 5 --json "$TMP/r.json"
python3 - "$TMP/r.json" <<'PY' || fails=$((fails + 1))
import json, math, sys
j = json.load(open(sys.argv[1]))
assert j["model"] == "resnet18" and len(j["results"]) == 2, j.keys()
r = j["results"][0]
assert len(r["logits"]) == 1000 and len(r["top"]) == 5
assert r["logits"] == j["results"][1]["logits"], "the same image twice gives the same logits"
m = max(r["logits"]); z = sum(math.exp(v - m) for v in r["logits"])
for t in r["top"]:
    assert abs(t["prob"] - math.exp(r["logits"][t["class"]] - m) / z) < 1e-6
    assert isinstance(t["name"], str) and t["name"]
assert [t["prob"] for t in r["top"]] == sorted([t["prob"] for t in r["top"]], reverse=True)
print("ok   resnet18_json: valid JSON, softmax probabilities, sorted top 5")
PY

bad unknown_model "unknown; expected one of fmnist, vgg16, vgg16_bn, resnet18, resnet50, mobilenet_v2, efficientnet_lite0" \
  --model resnet101 --weights "$FMNIST_W" --image "$CAT"
ok maps_out --model fmnist --weights "$FMNIST_W" --image "$BOOT" --maps features.16 --maps-out "$TMP/maps.npy"
if command -v /usr/bin/python3 >/dev/null && /usr/bin/python3 -c "import numpy" 2>/dev/null; then
  /usr/bin/python3 -c "import numpy as n, sys; a = n.load(sys.argv[1]); assert a.shape == (128, 49) and a.dtype == n.float32 and (a >= 0).all(), a.shape" "$TMP/maps.npy" ||
    { echo "FAIL maps_out: expected a 128 x 49 float32 matrix of ReLU outputs"; fails=$((fails + 1)); }
fi
bad maps_unknown_layer "tap 'features.99': no module" --model fmnist --weights "$FMNIST_W" --image "$BOOT" --maps features.99 --maps-out "$TMP/m2.npy"
bad maps_without_out "--maps and --maps-out go together" --model fmnist --weights "$FMNIST_W" --image "$BOOT" --maps features.16
bad maps_two_images "--maps-out: expected exactly one --image, got 2" --model fmnist --weights "$FMNIST_W" --image "$BOOT" --image "$BOOT" --maps features.16 --maps-out "$TMP/m3.npy"
bad grayscale_to_imagenet "expected an RGB image \(3 channels\), found 1 channel" \
  --model resnet18 --synthetic-weights --image "$BOOT"
bad too_small "expected at least 32x32 pixels, found 8x8" \
  --model mobilenet_v2 --synthetic-weights --image "$ROOT/tests/data/cli/tiny_rgb_8x8.png"
bad other_architecture "missing.*another architecture" --model resnet18 --weights "$FMNIST_W" --image "$CAT"
bad nan_weights "features.0.weight' contains NaN or Inf" \
  --model fmnist --weights "$ROOT/tests/data/cli/nan_weights.npz" --image "$BOOT"
# Hostile images: the fuzzer's JPEG that made stb_image read out of bounds, a truncated JPEG (tests/data/io/regressions).
bad evidence_jpeg "stb_jpeg_huffman_oob.jpg.*JPEG" --model fmnist --weights "$FMNIST_W" \
  --image "$ROOT/tests/data/io/regressions/stb_jpeg_huffman_oob.jpg"
bad truncated_jpeg "Bogus Huffman table definition" --model fmnist --weights "$FMNIST_W" \
  --image "$ROOT/tests/data/io/regressions/skimage_truncated.jpg"
# Weights the loader accepts (finite) that overflow: an error naming the module, not printed probabilities.
if /usr/bin/python3 -c "import numpy" 2>/dev/null; then
  /usr/bin/python3 - "$FMNIST_W" "$TMP/overflow.npz" <<'PY'
import numpy as np, sys
w = dict(np.load(sys.argv[1]))
w["features.7.weight"] = np.full_like(w["features.7.weight"], 3e38)
np.savez(sys.argv[2], **w)
PY
  bad overflow_weights "output of module 'features.7' holds NaN or Inf" --model fmnist --weights "$TMP/overflow.npz" \
    --image "$BOOT"
fi
bad missing_image "no such file|cannot open" --model fmnist --weights "$FMNIST_W" --image "$TMP/none.png"
bad not_an_image "expected a PNG or JPEG" --model fmnist --weights "$FMNIST_W" --image "$FMNIST_W"
bad no_weights_imagenet "has no weights of its own" --model vgg16 --image "$CAT"
bad top_range "--top: expected 1 to 10" --model fmnist --weights "$FMNIST_W" --image "$BOOT" --top 11
bad json_bad_input "expected an RGB image" --model resnet18 --synthetic-weights --image "$BOOT" --json "$TMP/none.json"
# --device: a wrong name; cuda where this machine (or this build) has no usable GPU says why and how to run on the
# CPU, and where it has one gives the CPU's top classes; auto runs anywhere.
bad device_unknown "--device: expected cpu, cuda or auto, got 'gpu'" --model fmnist --weights "$FMNIST_W" --image "$BOOT" --device gpu
ok device_auto --model fmnist --weights "$FMNIST_W" --image "$BOOT" --device auto --top 3
cp "$TMP/out" "$TMP/auto.out"
if "$INX" classify --model fmnist --weights "$FMNIST_W" --image "$BOOT" --device cuda --top 3 > "$TMP/cuda.out" 2> "$TMP/cuda.err"; then
  if [ "$(cut -c 17- "$TMP/cuda.out")" = "$(cut -c 17- "$TMP/auto.out")" ]; then echo "ok   device_cuda: the GPU's top 3 classes are the CPU's"
  else echo "FAIL device_cuda: top classes differ from the CPU's"; fails=$((fails + 1)); fi
elif [ "$(wc -l < "$TMP/cuda.err")" -eq 1 ] && grep -q "^inx: --device cuda: .*; run with --device cpu" "$TMP/cuda.err"; then
  echo "ok   device_cuda: no GPU here: $(cat "$TMP/cuda.err")"
else
  echo "FAIL device_cuda: expected the GPU's classes or one line saying why not, got:"; cat "$TMP/cuda.err"; fails=$((fails + 1))
fi

# No --weights for fmnist: the shipped weights, or a clear error while they are not there yet.
if [ -e "$ROOT/data/models/fmnist.npz" ]; then
  ok fmnist_shipped --model fmnist --image "$BOOT"
else
  bad fmnist_shipped_missing "shipped weights .* are missing" --model fmnist --image "$BOOT"
fi
[ ! -e "$TMP/none.json" ] || { echo "FAIL: a JSON file was left behind"; fails=$((fails + 1)); }
[ ! -e "$TMP/m2.npy" ] || { echo "FAIL: a maps file was left behind"; fails=$((fails + 1)); }

finish cli_classify
