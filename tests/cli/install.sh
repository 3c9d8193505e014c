#!/usr/bin/env bash
# The installed `inx` on its own: `cmake --install` of the runtime component (the program and share/inx) into a
# temporary prefix, the prefix moved elsewhere, then the program run from an empty folder without INX_DATA_DIR:
# `inx version` names the moved prefix's data, `inx classify` and `inx explain` (no flags: the bundled image and the
# default model) work, also with the source and build trees hidden (unshare -m, where allowed), and with share/inx
# removed the program fails with one line instead of reading the source tree.
# Usage: tests/cli/install.sh BUILD_DIR   (CTest test cli_install; the build must hold bin/inx)
set -u
BUILD=${1:?usage: install.sh BUILD_DIR}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_ABS=$(cd "$BUILD" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0
fail() { echo "FAIL $*"; fails=$((fails + 1)); }

if ! cmake --install "$BUILD" --prefix "$TMP/prefix" --component runtime >"$TMP/install.log" 2>&1; then
  cat "$TMP/install.log"
  echo "FAIL cmake --install"
  exit 1
fi
for f in bin/inx share/inx/classes/fmnist.txt share/inx/classes/imagenet.txt share/inx/models/fmnist.npz \
  share/inx/samples/fmnist_0000_ankle_boot.png share/inx/labels/stopwords_en.txt share/inx/labels/demo/labels.json \
  share/inx/tools/fetch_efficientnet.py; do
  [ -e "$TMP/prefix/$f" ] || fail "not installed: $f"
done
[ ! -e "$TMP/prefix/share/inx/models/efficientnet_lite0.npz" ] || fail "fetched weights were installed as data"
cp "$TMP/prefix/share/inx/samples/fmnist_0000_ankle_boot.png" "$TMP/boot.png"
mv "$TMP/prefix" "$TMP/moved"
inx=$TMP/moved/bin/inx
mkdir "$TMP/empty"
cd "$TMP/empty" || exit 1
unset INX_DATA_DIR
export INX_USER_DATA_DIR=$TMP/user  # no fetched weights: only what the install ships

"$inx" version >"$TMP/version" 2>&1 || fail "inx version: exit $?"
grep -q "^data: *$TMP/moved/share/inx (the install this program belongs to)" "$TMP/version" ||
  { fail "inx version: data is not the moved prefix's"; cat "$TMP/version"; }
grep -q "fmnist: $TMP/moved/share/inx/models/fmnist.npz" "$TMP/version" ||
  { fail "inx version: fmnist's weights are not the installed ones"; cat "$TMP/version"; }
grep -q "^commit: *[0-9a-f]\{12\}\|^commit: *unknown" "$TMP/version" || fail "inx version: no commit line"
grep -q "^oneDNN: *[0-9]" "$TMP/version" || fail "inx version: no oneDNN version"
echo "ok   version: $(grep '^data:' "$TMP/version")"

if "$inx" classify --model fmnist --image "$TMP/moved/share/inx/samples/fmnist_0000_ankle_boot.png" \
  >"$TMP/out" 2>"$TMP/err"; then
  grep -q "Ankle boot" "$TMP/out" && echo "ok   classify" || { fail "classify: the boot is not an ankle boot"; cat "$TMP/out"; }
else
  fail "classify: exit $?"
  cat "$TMP/err"
fi
if "$inx" explain --quiet --out ex >"$TMP/out" 2>"$TMP/err"; then
  [ -s ex/report.json ] && [ -s ex/report.html ] && echo "ok   explain (no flags) from an empty folder" ||
    fail "explain: no report in ./ex"
else
  fail "explain: exit $?"
  cat "$TMP/err"
fi
[ -z "$(ls -A "$TMP/user" 2>/dev/null)" ] || fail "the programs wrote into the user data folder"

# The source and build trees out of reach (a private mount namespace with empty folders over them), where the
# machine allows it: the installed program still classifies.
if unshare -m true 2>/dev/null; then
  if unshare -m sh -c 'mount -t tmpfs none "$2" && mount -t tmpfs none "$1" && [ -z "$(ls -A "$1")" ] &&
      "$3" classify --model fmnist --image "$4"' sh "$ROOT" "$BUILD_ABS" "$inx" "$TMP/boot.png" >"$TMP/out" 2>"$TMP/err" &&
    grep -q "Ankle boot" "$TMP/out"; then
    echo "ok   classify with the source and build trees hidden"
  else
    fail "classify with the source and build trees hidden"
    cat "$TMP/out" "$TMP/err"
  fi
else
  echo "skip hidden trees: unshare -m is not allowed here (the no-fallback check below still runs)"
fi

# Without its data the installed program says so in one line; it does not fall back to the source tree.
rm -rf "$TMP/moved/share/inx"
"$inx" classify --model fmnist --image "$TMP/boot.png" >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc -eq 1 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] &&
  grep -q "data folder not found: $TMP/moved/share/inx.*INX_DATA_DIR" "$TMP/err"; then
  echo "ok   no data: $(cat "$TMP/err")"
else
  fail "no data: exit $rc, expected one line naming $TMP/moved/share/inx:"
  cat "$TMP/err"
fi

[ $fails -eq 0 ] && echo "all install checks passed"
exit $((fails > 0))
