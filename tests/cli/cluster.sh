#!/usr/bin/env bash
# `inx cluster` end to end: every policy on real feature maps (labels .npy and JSON agree, the k asked for is the k
# found), and bad input — a missing or malformed file, a flag the chosen policy cannot use, bad values — each with a
# non-zero exit, exactly one line on stderr, and no output file left behind.
# Usage: tests/cli/cluster.sh path/to/inx  (CTest test cli_cluster)
set -u
INX=${1:?usage: cluster.sh path/to/inx}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
MAPS="$ROOT/tests/data/cluster/chelsea_layer3.npy"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. "$ROOT/tests/cli/lib.sh"

ok() {  # ok NAME ARGS... : exit 0, labels and JSON written and consistent
  rm -f "$TMP/l.npy" "$TMP/c.json"
  if "$INX" cluster --input "$MAPS" --labels-out "$TMP/l.npy" --json "$TMP/c.json" "${@:2}" >"$TMP/out" 2>"$TMP/err"; then
    if /usr/bin/python3 - "$TMP/l.npy" "$TMP/c.json" "$MAPS" <<'PY'; then echo "ok   $1: $(cat "$TMP/out")"; else fail "$1: outputs disagree"; fi
import json, sys
import numpy as np
labels, j, x = np.load(sys.argv[1]), json.load(open(sys.argv[2])), np.load(sys.argv[3])
assert labels.dtype == np.int64 and labels.shape == (x.shape[0],), (labels.dtype, labels.shape)
assert labels.tolist() == j["labels"]
real = sorted(set(labels.tolist()) - {-1})
assert real == list(range(len(real))) and len(real) == j["n_clusters"], (real, j["n_clusters"])
PY
  else fail "$1: exit $?"; cat "$TMP/err"; fi
}
bad() {  # bad NAME PATTERN ARGS... : as expect_bad, and no labels or JSON written
  expect_bad "$1" "$2" "$INX" cluster --labels-out "$TMP/bad/b.npy" --json "$TMP/bad/b.json" "${@:3}"
}

ok kmeans --policy kmeans --k 4
grep -q '"n_clusters": 4' "$TMP/c.json" || fail "kmeans: k=4 not found"
ok dbscan_cosine --policy dbscan --eps 0.3 --metric cosine --min-samples 3
ok correlation --policy correlation --threshold 0.6 --linkage complete
ok ward --policy ward --k 3
grep -q '"n_clusters": 3' "$TMP/c.json" || fail "ward: k=3 not found"
ok paper --policy paper --seed 1

echo "not numpy" >"$TMP/x.npy"
/usr/bin/python3 -c "import numpy as np; np.save('$TMP/v.npy', np.zeros(5, np.float32)); a = np.ones((4, 3), np.float32); a[1, 1] = np.nan; np.save('$TMP/nan.npy', a)"
bad missing_input "nope.npy" --input "$TMP/nope.npy"
bad not_npy "x.npy" --input "$TMP/x.npy"
bad not_matrix "expected a 2-D matrix" --input "$TMP/v.npy"
bad nan_rows "row 1 holds NaN" --input "$TMP/nan.npy" --policy ward
bad metric_for_ward "--metric: policy ward does not use it" --input "$MAPS" --policy ward --metric cosine
bad eps_for_kmeans "--eps: policy kmeans does not use it" --input "$MAPS" --policy kmeans --eps 0.5
bad threshold_for_paper "--threshold: policy paper does not use it" --input "$MAPS" --policy paper --threshold 0.9
bad kmeans_cosine "kmeans uses euclidean" --input "$MAPS" --policy kmeans --metric cosine
bad dbscan_no_eps "dbscan needs eps > 0" --input "$MAPS" --policy dbscan
bad k_too_big "k <= the number of rows" --input "$MAPS" --policy kmeans --k 100000
bad unknown_policy "policy" --input "$MAPS" --policy spectral
bad bad_linkage "linkage" --input "$MAPS" --policy correlation --linkage median

finish cli_cluster
