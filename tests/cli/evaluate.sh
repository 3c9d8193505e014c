#!/usr/bin/env bash
# `inx evaluate` end to end: a run on the bundled Fashion-MNIST samples with every method and metric, its files
# (metrics.json against its schema and against itself, metrics.csv, curves.png), the Sobel baseline's scores against
# tools/metrics_reference.py run on the same images in PyTorch, options (--step, --layers, --idx, --metrics,
# --method), and every bad input — each bad one must exit non-zero with exactly one line on stderr and leave nothing
# in the output folder.
# Usage: tests/cli/evaluate.sh path/to/inx  (CTest test cli_evaluate)
set -u
INX=${1:?usage: evaluate.sh path/to/inx}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
SCHEMA="$ROOT/tests/data/evaluate/metrics_schema.json"
IDX=/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz
. "$ROOT/tests/cli/lib.sh"
mkdir -p "$TMP/img"
cp "$ROOT"/data/samples/fmnist_000[0-4]*.png "$ROOT"/data/samples/fmnist_0008*.png "$TMP/img/"

ok() { expect_ok "$1" "$INX" evaluate --quiet "${@:2}"; }  # ok NAME ARGS...
bad() { expect_bad "$1" "$2" "$INX" evaluate --quiet --out "$TMP/bad" "${@:3}"; }  # bad NAME PATTERN ARGS...

# 1. Every method and metric on five samples (0000, 0001, 0002, 0004, 0008).
ok "all methods and metrics" --image "$TMP/img" --out "$TMP/all"
cp "$TMP/out" "$TMP/all_table"
for f in metrics.json metrics.csv curves.png; do [ -s "$TMP/all/$f" ] || fail "all: $f missing"; done
ls -A "$TMP/all" | grep -q staging && fail "all: a staging folder was left behind"
grep -q "^gradcam@features.16 " "$TMP/all_table" || fail "all: no gradcam row in the table"
grep -q "^sobel " "$TMP/all_table" || fail "all: no sobel row in the table"
/usr/bin/python3 - "$TMP/all" "$SCHEMA" <<'PY' || fail "all: metrics.json"
import csv, json, math, os, sys
d, schema = sys.argv[1], sys.argv[2]
j = json.load(open(os.path.join(d, "metrics.json")))
try:
    import jsonschema
    jsonschema.validate(j, json.load(open(schema)))
except ImportError:
    print("note: python3-jsonschema missing, schema not checked")
methods = j["methods"]
assert methods == ["gradcam@features.16", "gradcampp@features.16", "xgradcam@features.16", "hirescam@features.16",
                   "layercam@features.16", "inv-top@features.16", "inv-mean@features.16", "random", "sobel"], methods
keys = [m["key"] for m in j["metrics"]]
assert keys == ["deletion", "insertion", "ad", "ic", "ag", "sanity_spearman", "sanity_ssim"], keys
n = len(j["images"])
assert n == 5, n
for m in methods:  # the summary is the mean and sample std of the per-image scores
    for k in keys:
        v = [im["scores"][m][k] for im in j["images"]]
        mean = sum(v) / n
        std = math.sqrt(sum((x - mean) ** 2 for x in v) / (n - 1))
        s = j["summary"][m][k]
        assert abs(s["mean"] - mean) < 1e-9 and abs(s["std"] - std) < 1e-9 and s["n"] == n, (m, k, s, mean, std)
    c = j["curves"][m]
    assert len(c["deletion"]) == 29 and len(c["insertion"]) == 29, m  # 28 steps of 28 pixels, plus the start
    # the mean curve's trapezoid area is the mean AUC
    auc = (sum(c["deletion"]) - c["deletion"][0] / 2 - c["deletion"][-1] / 2) / 28
    assert abs(auc - j["summary"][m]["deletion"]["mean"]) < 1e-9, (m, auc)
# a map that ignores the model does not change when the model is randomised; Grad-CAM's does
for m in ("random", "sobel"):
    assert abs(j["summary"][m]["sanity_spearman"]["mean"] - 1) < 1e-12, m
assert j["summary"]["gradcam@features.16"]["sanity_spearman"]["mean"] < 0.5
assert len(j["sanity"]["modules"]) == 11 and j["sanity"]["modules"][0] == "classifier", j["sanity"]["modules"]
# on a network whose head is global average pooling and one linear layer, the gradient is the same at every pixel:
# Grad-CAM, XGrad-CAM and HiRes-CAM give the same map up to rounding, hence the same scores (AG, which divides by
# 1 - Y, to 1e-4)
for k in keys:
    a = j["summary"]["gradcam@features.16"][k]["mean"]
    for m in ("xgradcam@features.16", "hirescam@features.16"):
        assert abs(j["summary"][m][k]["mean"] - a) < 1e-4 * max(1, abs(a)), (m, k, j["summary"][m][k]["mean"], a)
rows = list(csv.DictReader(open(os.path.join(d, "metrics.csv"))))
assert len(rows) == n * len(methods), len(rows)
for r in rows:
    im = next(i for i in j["images"] if i["image"] == r["image"])
    for k in keys:
        assert abs(float(r[k]) - im["scores"][r["method"]][k]) <= 1e-7 * max(1, abs(float(r[k]))), (r, k)
from PIL import Image
w, h = Image.open(os.path.join(d, "curves.png")).size
assert w > 900 and h > 300, (w, h)
PY

# 2. The Sobel baseline scored by the Python reference on the same images and model (needs PyTorch).
if /usr/bin/python3 -c "import torch, cv2" 2>/dev/null; then
  /usr/bin/python3 - "$TMP/all" "$ROOT" <<'PY' || fail "sobel against tools/metrics_reference.py"
import json, os, sys
import numpy as np
import torch
d, root = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(root, "tools"))
import inx_models, metrics_reference as ref
from PIL import Image
net = inx_models.fmnist()
w = np.load(os.path.join(root, "data", "models", "fmnist.npz"))
net.load_state_dict({k: torch.as_tensor(w[k]) for k in w.files}, strict=False)
net.eval()
j = json.load(open(os.path.join(d, "metrics.json")))
for im in j["images"]:
    x = np.asarray(Image.open(im["image"]).convert("L"), np.float32)[None] / np.float32(255)
    c = im["class_index"]
    m = ref.sobel(x)
    s = im["scores"]["sobel"]
    _, dauc = ref.rise_curve(net, x, m, c, "deletion")
    _, iauc = ref.rise_curve(net, x, m, c, "insertion")
    y, o = ref.confidence(net, x, m, c)
    assert abs(dauc - s["deletion"]) < 1e-4 and abs(iauc - s["insertion"]) < 1e-4, (im["image"], dauc, iauc, s)
    assert abs(ref.ad(y, o) - s["ad"]) < 1e-2 and abs(ref.ag(y, o) - s["ag"]) < 1e-2, (im["image"], s)
print("sobel scores match the reference on", len(j["images"]), "images")
PY
else
  echo "note: PyTorch or OpenCV missing: the reference cross-check is skipped"
fi

# 3. Options.
ok "step, two layers, two methods, two metrics" --image "$TMP/img" --out "$TMP/opt" --step 100 \
  --layers features.12,features.16 --method gradcam,inv --metrics deletion,ad
/usr/bin/python3 - "$TMP/opt" <<'PY' || fail "options: metrics.json"
import json, os, sys
j = json.load(open(os.path.join(sys.argv[1], "metrics.json")))
assert j["step"] == 100 and [m["key"] for m in j["metrics"]] == ["deletion", "ad"], j["metrics"]
assert j["methods"] == ["gradcam@features.12", "gradcam@features.16", "inv-top@features.12", "inv-mean@features.12",
                        "inv-top@features.16", "inv-mean@features.16"], j["methods"]
assert all(len(c["deletion"]) == 9 and "insertion" not in c for c in j["curves"].values())  # ceil(784/100) + 1
assert "sanity" not in j
PY
if [ -r "$IDX" ]; then
  ok "idx" --idx "$IDX" --idx-offset 100 --idx-count 40 --method gradcam,random --metrics insertion,ic --batch 16 \
    --out "$TMP/idx"
  /usr/bin/python3 -c "
import json, sys
j = json.load(open('$TMP/idx/metrics.json'))
assert len(j['images']) == 40 and j['images'][0]['image'].endswith('#100'), j['images'][0]['image']
" || fail "idx: metrics.json"
else
  echo "note: $IDX missing (dataset-fashion-mnist): --idx not tested"
fi
ok "synthetic resnet18, one photograph" --model resnet18 --synthetic-weights --image "$ROOT/data/samples/chelsea.png" \
  --method gradcam,sobel --metrics deletion,ag --step 12544 --out "$TMP/resnet"

# 4. Bad input.
bad "unknown metric" "--metrics: unknown 'faithfulness'; expected some of deletion, insertion" \
  --image "$TMP/img" --metrics deletion,faithfulness
bad "unknown method" "--method: unknown 'gradcam\+\+'" --image "$TMP/img" --method gradcam++
bad "metric twice" "--metrics: 'ad' is given twice" --image "$TMP/img" --metrics ad,ad
bad "step 0" "--step: expected 1 to the input's 784 pixels \(28 x 28\), got 0" --image "$TMP/img" --step 0
bad "step too large" "--step: expected 1 to the input's 784 pixels" --image "$TMP/img" --step 785
bad "batch 0" "--batch: expected 1 to 4096" --image "$TMP/img" --batch 0
bad "no image" "--image or --idx: expected at least one image" --method gradcam
bad "missing image" "--image .*nope.png: no such file" --image "$TMP/nope.png"
bad "not an image" "README.md.*expected a PNG or JPEG image" --image "$ROOT/README.md"
bad "unknown layer" "layer 'features.99': no module of this network has that name" --image "$TMP/img" \
  --layers features.99 --method gradcam
bad "not a feature map" "layer 'classifier'.*is not a feature map" --image "$TMP/img" --layers classifier \
  --method gradcam
bad "unknown model" "unknown model 'resnet9'|'resnet9'" --model resnet9 --image "$TMP/img"
bad "weights missing" "nope.npz" --image "$TMP/img" --weights "$TMP/nope.npz"
bad "idx missing" "nope.idx" --idx "$TMP/nope.idx"
if [ -r "$IDX" ]; then
  bad "idx count too large" "--idx-count: 20 images from 9990 run past the 10000 images" --idx "$IDX" \
    --idx-offset 9990 --idx-count 20
fi
bad "unknown flag" "--bogus" --image "$TMP/img" --bogus

finish cli_evaluate
