#!/usr/bin/env bash
# inx's Debian packages end to end (a CI step; needs root and a built release tree):
#   1. cpack -G DEB in the build folder: inx_<v>_<arch>.deb (program + data) and libinx-dev_<v>_all.deb (headers,
#      CMake package, inx.pc);
#   2. their file lists and Depends checked with dpkg-deb;
#   3. both installed with dpkg -i into this machine's root, the installed /usr/bin/inx run from an empty folder
#      (version, classify, explain with no flags), pkg-config and find_package resolved against /usr;
#   4. both removed again (also when a check fails), leaving no /usr/share/inx behind.
# Usage: bash tools/check_deb.sh [BUILD_DIR]   (default build/release)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build/release}" && pwd)
out=$build/packages
tmp=$(mktemp -d)
installed=0
cleanup() {
  if [ $installed -eq 1 ]; then dpkg -r libinx-dev inx > /dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
  echo "check_deb: $*" >&2
  exit 1
}

echo "-- 1. cpack -G DEB"
rm -rf "$out"
(cd "$build" && cpack -G DEB -B "$out" > "$tmp/cpack.log" 2>&1) || { cat "$tmp/cpack.log"; fail "cpack failed"; }
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
runtime=$(ls "$out"/inx_*.deb)
dev=$(ls "$out"/libinx-dev_*.deb)
ls -l "$runtime" "$dev" | awk '{print "   " $5 " bytes  " $NF}'

echo "-- 2. file lists and dependencies (dpkg-deb)"
dpkg-deb -c "$runtime" | awk '{print $NF}' | sed 's|^\./|/|' > "$tmp/runtime.files"
dpkg-deb -c "$dev" | awk '{print $NF}' | sed 's|^\./|/|' > "$tmp/dev.files"
for f in /usr/bin/inx /usr/share/inx/classes/fmnist.txt /usr/share/inx/classes/imagenet.txt \
  /usr/share/inx/models/fmnist.npz /usr/share/inx/samples/fmnist_0000_ankle_boot.png \
  /usr/share/inx/labels/stopwords_en.txt /usr/share/inx/labels/demo/embeddings.npy \
  /usr/share/inx/tools/fetch_efficientnet.py; do
  grep -qx "$f" "$tmp/runtime.files" || fail "$runtime lacks $f"
done
! grep -q "efficientnet_lite0.npz\|/usr/include" "$tmp/runtime.files" || fail "$runtime holds fetched weights or headers"
for f in /usr/share/pkgconfig/inx.pc /usr/lib/cmake/inx/inxConfig.cmake /usr/lib/cmake/inx/inxTargets.cmake \
  /usr/lib/cmake/inx/inxDependencies.cmake /usr/include/inx/inx.hpp; do
  grep -qx "$f" "$tmp/dev.files" || fail "$dev lacks $f"
done
headers=$(cd "$root/include" && find inx -type f | wc -l)
packaged=$(grep -c '^/usr/include/inx/.*\.hpp$' "$tmp/dev.files" || true)
[ "$packaged" -eq "$headers" ] || fail "$dev holds $packaged headers, the source tree $headers"
! grep -q "^/usr/bin\|^/usr/share/inx" "$tmp/dev.files" || fail "$dev holds the program or its data"
rdeps=$(dpkg-deb -f "$runtime" Depends)
echo "   inx Depends: $rdeps"
for lib in libc6 libstdc++6 libgomp1 libdnnl libspng0 libturbojpeg0 libutf8proc zlib1g; do
  echo "$rdeps" | grep -q "$lib" || fail "inx's Depends lacks $lib (dpkg-shlibdeps)"
done
ddeps=$(dpkg-deb -f "$dev" Depends)
echo "   libinx-dev Depends: $ddeps"
for pkg in libdnnl-dev libxtensor-dev libspng-dev libturbojpeg0-dev libutf8proc-dev nlohmann-json3-dev zlib1g-dev; do
  echo "$ddeps" | grep -q "$pkg" || fail "libinx-dev's Depends lacks $pkg"
done
[ "$(dpkg-deb -f "$dev" Architecture)" = all ] || fail "libinx-dev is not Architecture: all"

echo "-- 3. dpkg -i, then the installed programs from an empty folder"
! dpkg -s inx > /dev/null 2>&1 || fail "a package named inx is already installed; remove it first (dpkg -r inx)"
installed=1
dpkg -i "$runtime" "$dev" > "$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; fail "dpkg -i failed"; }
mkdir "$tmp/empty"
cd "$tmp/empty"
export INX_USER_DATA_DIR=$tmp/user
/usr/bin/inx version > "$tmp/version"
grep -q "^inx $version" "$tmp/version" || fail "inx version does not say $version: $(head -1 "$tmp/version")"
grep -q "^data: */usr/share/inx (the install" "$tmp/version" || { cat "$tmp/version"; fail "inx reads no /usr/share/inx"; }
/usr/bin/inx classify --model fmnist --image /usr/share/inx/samples/fmnist_0002_trouser.png --top 1 > "$tmp/classify"
grep -q "Trouser" "$tmp/classify" || { cat "$tmp/classify"; fail "the installed inx does not see a trouser"; }
/usr/bin/inx explain --quiet --out ex
[ -s ex/report.json ] && [ -s ex/report.html ] || fail "the installed inx explain wrote no report"
echo "   inx version, classify and explain ran from $tmp/empty"
[ "$(pkg-config --modversion inx)" = "$version" ] || fail "pkg-config --modversion inx: $(pkg-config --modversion inx)"
[ "$(readlink -f "$(pkg-config --variable=includedir inx)")" = /usr/include ] ||
  fail "pkg-config's includedir for inx is not /usr/include: $(pkg-config --variable=includedir inx)"
pkg-config --libs inx | grep -q -- "-ldnnl" || fail "pkg-config --libs inx: $(pkg-config --libs inx)"
echo "   pkg-config: $(pkg-config --cflags --libs inx)"
mkdir "$tmp/fp"
cat > "$tmp/fp/CMakeLists.txt" << 'EOF'
cmake_minimum_required(VERSION 3.25)
project(uses_inx CXX)
find_package(inx 0.1 REQUIRED)
message(STATUS "inx from ${inx_DIR}")
EOF
cmake -S "$tmp/fp" -B "$tmp/fp/build" > "$tmp/fp.log" 2>&1 || { cat "$tmp/fp.log"; fail "find_package(inx) failed"; }
grep "inx from /usr/lib/cmake/inx" "$tmp/fp.log" | sed 's/^/   /' || fail "find_package(inx) did not find /usr's"

echo "-- 4. dpkg -r"
dpkg -r libinx-dev inx > /dev/null
installed=0
[ ! -e /usr/share/inx ] && [ ! -e /usr/bin/inx ] && [ ! -e /usr/include/inx ] || fail "dpkg -r left files behind"
echo "check_deb: the packages build, install, run and remove cleanly"
