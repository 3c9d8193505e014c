#!/usr/bin/env bash
# `inx explain` end to end: the default run (no flags), every output option, a folder of images, a zoo model with
# synthetic weights, the report against its JSON schema and in a real browser, and every bad input the issue names —
# each bad one must exit non-zero with exactly one line on stderr and leave nothing behind in the output folder.
# Usage: tests/cli/explain.sh path/to/inx [artefact-dir]  (CTest test cli_explain; the browser screenshot is kept in
# artefact-dir, default: a temporary folder)
set -u
INX=${1:?usage: explain.sh path/to/inx [artefact-dir]}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TMP=$(mktemp -d)
ART=${2:-$TMP}
mkdir -p "$ART"
trap 'rm -rf "$TMP"' EXIT
CAT="$ROOT/tests/data/models/chelsea_180x240.png"
SCHEMA="$ROOT/tests/data/explain/report_schema.json"
. "$ROOT/tests/cli/lib.sh"

ok() { expect_ok "$1" "$INX" explain "${@:2}"; }  # ok NAME ARGS...
bad() { expect_bad "$1" "$2" "$INX" explain --quiet "${@:3}"; }  # bad NAME PATTERN ARGS...
# check_report DIR METHOD EXTRA_PY : schema, every file the report names exists, per-method invariants
check_report() {
  /usr/bin/python3 - "$1" "$2" "$SCHEMA" <<'PY' || fail "report in $1"
import json, os, sys
import numpy as np
d, method, schema = sys.argv[1], sys.argv[2], sys.argv[3]
j = json.load(open(os.path.join(d, "report.json")))
try:
    import jsonschema
    jsonschema.validate(j, json.load(open(schema)))
except ImportError:
    print("note: python3-jsonschema missing, schema not checked")
assert j["method"] == method, j["method"]
names = []
for im in j["images"]:
    names += [im["input_png"], im["sheet_png"]]
    for l in im["layers"]:
        C, H, W = l["shape"]
        assert len(l["channel_weights"]) == C
        names.append(l["cam_png"])
        if l["cam_npy"]:
            cam = np.load(os.path.join(d, l["cam_npy"]))
            assert cam.shape == (H, W) and cam.dtype == np.float32 and (cam >= 0).all(), (cam.shape, cam.dtype)
        if method == "inv":
            assert abs(sum(l["channel_weights"]) - 100) < 1e-3, sum(l["channel_weights"])
            ws = [c["weight"] for c in l["clusters"]]
            assert ws == sorted(ws, reverse=True), ws
            for c in l["clusters"]:
                assert set(c["channels"]) <= set(l["kept"])
                assert abs(sum(l["channel_weights"][k] for k in c["channels"]) - c["weight"]) < 1e-6
                names.append(c["png"])
                if c["npy"]:
                    m = np.load(os.path.join(d, c["npy"]))
                    assert m.shape == tuple(im["input_size"]) and m.min() == 0 and m.max() == 1, (m.shape, m.min())
        else:
            assert l["clusters"] == [], "only inv clusters"
for n in names:
    p = os.path.join(d, n)
    assert open(p, "rb").read(8) == b"\x89PNG\r\n\x1a\n", p
left = [f for f in os.listdir(d) if f.startswith(".inx-staging") or ".tmp" in f]
assert not left, left
print(f"report ok: {len(j['images'])} images, {len(names)} pictures")
PY
}

# The default run: a bundled Fashion-MNIST image with the default model and the paper's clustering.
ok default --out "$TMP/default" --npy
check_report "$TMP/default" inv
grep -q "Ankle boot" "$TMP/out" || fail "default: the ankle boot is not classified as one"
[ "$(ls "$TMP/default"/0000_*/ | grep -c '_c[0-9]*\.png$')" -ge 5 ] || fail "default: fewer than 5 cluster overlays"

# The page in a real browser: every picture loads, no console errors; the screenshot is kept.
/usr/bin/python3 "$ROOT/tests/browser/check_report.py" "$TMP/default/report.html" "$ART/report_fmnist.png"
case $? in
  0) echo "ok   browser (screenshot $ART/report_fmnist.png)" ;;
  77) echo "skip browser: no chromium/selenium" ;;
  *) fail "browser check of report.html" ;;
esac

# A folder of images in batches; progress goes to stderr, one line per 10 % when stderr is not a terminal.
ok folder --image "$ROOT/data/samples" --batch 4 --cluster kmeans --reveal --no-html --out "$TMP/folder"
check_report "$TMP/folder" inv
[ ! -e "$TMP/folder/report.html" ] || fail "folder: --no-html wrote report.html"
[ "$(grep -c 'images/s' "$TMP/err")" -ge 3 ] || { fail "folder: no progress lines on stderr"; cat "$TMP/err"; }
[ "$(find "$TMP/folder" -name '*_reveal_q*.png' | wc -l)" -ge 60 ] || fail "folder: reveal masks missing"
nimg=$(find "$ROOT/data/samples" -maxdepth 1 -name '*.png' | wc -l)
[ "$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['images']))" "$TMP/folder/report.json")" = "$nimg" ] ||
  fail "folder: expected $nimg images (every PNG of data/samples) in the report"

# --labeling: the game for every kept cluster, pictures inline.
ok labeling --image "$ROOT/data/samples/fmnist_0018_bag.png" --labeling --out "$TMP/labeling"
/usr/bin/python3 - "$TMP/labeling/labeling.html" "$TMP/labeling/report.json" <<'PY' || fails=$((fails + 1))
import json, re, sys
page, report = open(sys.argv[1], encoding="utf-8").read(), json.load(open(sys.argv[2]))
data = json.loads(re.search(r'<script type="application/json" id="data">(.*?)</script>', page, re.S).group(1))
want = sum(1 for im in report["images"] for l in im["layers"] for c in l["clusters"] if not c["constant"])
assert len(data["cards"]) == want, (len(data["cards"]), want)
assert all(len(c["reveals"]) == 6 and all(r.startswith("data:image/png;base64,") for r in c["reveals"])
           for c in data["cards"])
assert data["classes"][8] == "Bag" and data["cards"][0]["truth"] == report["images"][0]["class"]
print(f"ok   labeling.html: {want} cards, six inline reveal pictures each")
PY

# Each other clustering policy and each method of the Grad-CAM family.
for c in dbscan correlation ward; do
  ok "cluster_$c" --cluster "$c" --out "$TMP/c_$c"
  check_report "$TMP/c_$c" inv
done
for m in gradcam gradcampp xgradcam hirescam layercam; do
  ok "method_$m" --method "$m" --npy --out "$TMP/m_$m"
  check_report "$TMP/m_$m" "$m"
done

# An ImageNet zoo model on a photograph (synthetic weights: the maps are meaningless, the pipeline is real).
ok resnet18 --model resnet18 --synthetic-weights --image "$CAT" --layers layer3,layer4 --cluster kmeans --out "$TMP/r18"
check_report "$TMP/r18" inv
# The real pretrained EfficientNet-Lite0, where tools/fetch_efficientnet.py has fetched it: a cat is a cat.
if "$INX" version | grep -q "efficientnet_lite0: /"; then
  ok efficientnet_lite0 --model efficientnet_lite0 --image "$ROOT/data/samples/chelsea.png" --out "$TMP/eff"
  check_report "$TMP/eff" inv
  grep -qiE "tabby|tiger cat|Egyptian cat" "$TMP/out" || { fail "efficientnet_lite0: chelsea is not a cat"; cat "$TMP/out"; }
else
  echo "skip efficientnet_lite0: its weights are not fetched ($("$INX" version | grep -o "efficientnet_lite0: .*"))"
fi
ok explicit_class --image "$ROOT/data/samples/fmnist_0002_trouser.png" --class 3 --out "$TMP/cls"
grep -q '"class": 3' "$TMP/cls/report.json" || fail "explicit_class: class 3 not explained"

# Bad input: one line, non-zero exit, nothing half-written.
echo "not an image" >"$TMP/fake.png"
mkdir -p "$TMP/empty"
touch "$TMP/a_file"
bad unknown_layer "layer 'features.99'.*features.16" --layers features.99 --out "$TMP/bad"
bad not_a_feature_map "classifier.*not a feature map" --layers classifier --out "$TMP/bad"
bad class_range "--class.*\[0, 10\)" --class 10 --out "$TMP/bad"
bad unreadable_image "fake.png.*PNG or JPEG" --image "$TMP/fake.png" --out "$TMP/bad"
bad missing_image "nope.png.*no such file" --image "$TMP/nope.png" --out "$TMP/bad"
bad empty_folder "empty.*no PNG or JPEG" --image "$TMP/empty" --out "$TMP/bad"
bad batch_zero "--batch.*got 0" --batch 0 --out "$TMP/bad"
bad unwritable_out "--out .*a_file/sub.*cannot create" --out "$TMP/a_file/sub"
bad unknown_model "model 'resnet7'.*expected one of" --model resnet7 --out "$TMP/bad"
bad no_weights "--weights.*no weights of its own" --model resnet18 --image "$CAT" --out "$TMP/bad"
bad bad_method "method" --method gradcam+ --out "$TMP/bad"
bad too_small "expected at least 32x32" --model resnet18 --synthetic-weights --image "$ROOT/tests/data/cli/tiny_rgb_8x8.png" --out "$TMP/bad"
bad gray_for_rgb "expected an RGB image" --model resnet18 --synthetic-weights --image "$ROOT/data/samples/fmnist_0000_ankle_boot.png" --out "$TMP/bad"
# A failing image in the middle of a batch leaves no half report either.
bad fails_midway "fake.png" --image "$ROOT/data/samples/fmnist_0000_ankle_boot.png" --image "$TMP/fake.png" --out "$TMP/bad"

# inx layers lists names and shapes; default layers are marked.
if "$INX" layers --model vgg16 >"$TMP/out" 2>"$TMP/err" && grep -qE '^\* features.29 +\(512, 14, 14\)' "$TMP/out" &&
  grep -qE 'classifier.6 +\(1000\) +\(not a feature map\)' "$TMP/out"; then echo "ok   layers_vgg16"; else
  fail "layers_vgg16"; head -5 "$TMP/out" "$TMP/err"; fi
if "$INX" layers --model fmnist --size 56,56 >"$TMP/out" 2>&1 && grep -qE 'features.16 +\(128, 14, 14\)' "$TMP/out"; then
  echo "ok   layers_size"; else fail "layers_size"; cat "$TMP/out"; fi
if ! "$INX" layers --model resnet18 --size 0,5 >"$TMP/out" 2>"$TMP/err" && [ "$(wc -l <"$TMP/err")" -eq 1 ]; then
  echo "ok   layers_bad_size: $(cat "$TMP/err")"; else fail "layers_bad_size"; cat "$TMP/err"; fi

finish cli_explain
