#!/usr/bin/env bash
# The label chain end to end on the shipped demo (tools/demo_labels.sh: explain -> labeling.html -> global), its
# global.json against the schema and its known answers, both pages in Chromium (the game played by keyboard and
# mouse, its exported records fed back into `inx global`), and every bad input: each must exit non-zero with one
# line on stderr and leave nothing behind.
# Usage: tests/cli/global.sh path/to/inx [artefact-dir]  (CTest test cli_global)
set -u
INX=${1:?usage: global.sh path/to/inx [artefact-dir]}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
ART=${2:-$TMP}
mkdir -p "$ART"
DEMO=$ROOT/data/labels/demo
. "$ROOT/tests/cli/lib.sh"

if bash "$ROOT/tools/demo_labels.sh" "$INX" "$TMP/demo" >"$TMP/demo.out" 2>"$TMP/demo.err"; then
  echo "ok   demo chain: $(head -1 "$TMP/demo.out")"
else
  fail "demo chain:"; cat "$TMP/demo.err"
fi
R=("$TMP"/demo/explain/class{0,1,2,3,4,5,6,7,8,9})
G=$TMP/demo/global/global.json

/usr/bin/python3 - "$G" "$ROOT/tests/data/labels/global_schema.json" <<'PY' || fails=$((fails + 1))
import json, sys
g = json.load(open(sys.argv[1]))
try:
    import jsonschema
    jsonschema.validate(g, json.load(open(sys.argv[2])))
except ImportError:
    print("(jsonschema missing: schema not checked)")
assert g["records"] == 300, g["records"]
assert len(g["classes"]) == 10 and all(c["images"] == 5 and c["labelled_images"] == 5 for c in g["classes"])
by = {c["class_name"]: {l["layer"]: l["labels"] for l in c["layers"]} for c in g["classes"]}
top = lambda cls, layer: by[cls][layer][0]["label"]
# Known answers of the demo's labels (data/labels/demo/labels.json): what the words say the deep layer looks at.
assert top("Trouser", "features.16") == "gap", top("Trouser", "features.16")
assert top("Bag", "features.16") in ("handle", "top"), top("Bag", "features.16")
assert top("Ankle boot", "features.16") in ("heel", "toe"), top("Ankle boot", "features.16")
for c in g["classes"]:
    for l in c["layers"]:
        s = [x["score"] for x in l["labels"]]
        assert s == sorted(s, reverse=True), (c["class_name"], l["layer"], s)
print("ok   global.json: schema, 300 records, 10 classes x 5 images, the demo's known top labels, sorted scores")
PY
for f in global.html examples; do [ -e "$TMP/demo/global/$f" ] || fail "global: no $f"; done
[ -z "$(ls -A "$TMP/demo/global" | grep -v '^global\.\(json\|html\)$\|^examples$')" ] || fail "global: unexpected files"

# Both pages in a real browser. The game's exported records go back into inx global.
B=$ROOT/tests/browser
/usr/bin/python3 "$B/check_report.py" "$TMP/demo/global/global.html" "$ART/global_fmnist.png" "section[id^=class-]"
case $? in 0) ;; 77) echo "skip global.html in the browser" ;; *) fail "global.html in the browser" ;; esac
/usr/bin/python3 "$B/play_labeling.py" "$TMP/demo/labeling.html" "$ART/labeling_fmnist.png" "$TMP/played.json"
rc=$?
case $rc in
  0)
    "$INX" global --reports "${R[@]}" --labels "$TMP/played.json" --texts-out "$TMP/played_texts.txt" >/dev/null &&
      [ -s "$TMP/played_texts.txt" ] && echo "ok   the game's export reads back as label records" ||
      fail "the game's export does not read back" ;;
  77) echo "skip labeling.html in the browser" ;;
  *) fail "labeling.html in the browser" ;;
esac

bad() { expect_bad "$1" "$2" "$INX" "${@:3}"; }  # bad NAME PATTERN ARGS...
E=(--embeddings "$DEMO/embeddings.npy" --vocab "$DEMO/vocab.txt")
printf 'image,layer,cluster,text,level,guess\nnope.png,features.5,0,heel,0,\n' >"$TMP/unknown.csv"
bad unknown_image 'unknown.csv line 2: image "nope.png" is in none of the reports' \
  global --reports "${R[@]}" --labels "$TMP/unknown.csv" "${E[@]}" --out "$TMP/bad"
printf 'image,layer,cluster,text,level,guess\nfmnist_0002_trouser.png,features.5,9,legs,0,\n' >"$TMP/rank.csv"
bad unknown_cluster 'line 2: layer "features.5" of image ".*" has [0-9]+ cluster\(s\), no rank 9' \
  global --reports "${R[@]}" --labels "$TMP/rank.csv" "${E[@]}" --out "$TMP/bad"
printf 'image,layer,cluster,text,level,guess\nfmnist_0002_trouser.png,features.5,0,purple elephant,0,\n' >"$TMP/new.csv"
bad text_without_row 'new.csv line 2: text "purple elephant" has no row in embeddings' \
  global --reports "${R[@]}" --labels "$TMP/new.csv" "${E[@]}" --out "$TMP/bad"
head -5 "$DEMO/vocab.txt" >"$TMP/short_vocab.txt"
bad vocab_mismatch 'rows but 5 vocabulary lines' \
  global --reports "${R[@]}" --labels "$DEMO/labels.json" --embeddings "$DEMO/embeddings.npy" \
  --vocab "$TMP/short_vocab.txt" --out "$TMP/bad"
printf 'image,layer,cluster,text,level,guess\n' >"$TMP/empty.csv"
bad empty_labels 'no records \(an empty label set explains nothing\)' \
  global --reports "${R[@]}" --labels "$TMP/empty.csv" "${E[@]}" --out "$TMP/bad"
bad no_report 'report .*report.json.*: cannot open' \
  global --reports "$TMP/nowhere" --labels "$DEMO/labels.json" "${E[@]}" --out "$TMP/bad"
bad no_embeddings '--embeddings and --vocab: both needed' \
  global --reports "${R[@]}" --labels "$DEMO/labels.json" --out "$TMP/bad"
mkdir -p "$TMP/badrep"
printf '{"model": "fmnist", "images": [{"image": "x.png", "class": "three"}]}' >"$TMP/badrep/report.json"
bad bad_report 'report.json.*\$.images\[0\].class must be an integer' \
  global --reports "$TMP/badrep" --labels "$DEMO/labels.json" "${E[@]}" --out "$TMP/bad"
bad label_page_without_maps 'no reveal masks and no .npy maps' label-page --reports "$ROOT/tests/data/cli/no_maps_report" \
  --out "$TMP/bad/labeling.html"

# A class without labels: its section says so (records only for class 1's images).
/usr/bin/python3 - "$DEMO/labels.json" "$TMP/one_class.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
j["records"] = [r for r in j["records"] if "trouser" in r["image"]]
json.dump(j, open(sys.argv[2], "w"))
PY
if "$INX" global --reports "${R[@]}" --labels "$TMP/one_class.json" "${E[@]}" --out "$TMP/one" --quiet 2>"$TMP/err" &&
   grep -q "No labels for this class yet" "$TMP/one/global.html"; then
  echo "ok   a class without labels: the page says so"
else
  fail "a class without labels:"; cat "$TMP/err"
fi

finish cli_global
