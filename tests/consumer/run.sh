#!/usr/bin/env bash
# Consumer checks: inx used the ways a user's project uses it.
#   1. install   cmake --install into a temporary prefix (with the CUDA backend where nvcc exists)
#   2. find_package    a project that finds the installed inx and runs an ops::matmul program (and one on inx::cuda,
#                      and one on inx::mpi, alone and under mpirun -np 2)
#   3. add_subdirectory  a project that vendors inx: builds and runs the same program, and fails if inx defined
#                      its tests, examples or benchmarks there
#   3b. pkg-config     README's minimal example built with `g++ -std=c++20 $(pkg-config --cflags --libs inx)` against
#                      the installed prefix, run on the installed default model and sample image
#   4. headers   every public header compiled alone, and all of them in two linked translation units (ODR)
#   5. headers under nvcc  every header and cuda/inx/**/*.cuh in two linked nvcc -std=c++20 translation units, and
#                      each .cuh alone (see headers/CMakeLists.txt for the headers nvcc 13.0 cannot parse)
# Usage: bash tests/consumer/run.sh   (INX_JOBS=N sets the build parallelism, default 2)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here=$root/tests/consumer
build=$root/build/consumer
jobs=${INX_JOBS:-2}
export CMAKE_BUILD_PARALLEL_LEVEL=$jobs

if command -v nvcc > /dev/null || [ -x /usr/local/cuda/bin/nvcc ]; then
  cuda=ON
  export PATH=$PATH:/usr/local/cuda/bin
else
  cuda=OFF
  echo "-- consumer: nvcc not found: the CUDA backend's install and the nvcc header checks are NOT run"
fi

if command -v mpirun > /dev/null && command -v mpicc > /dev/null; then  # openmpi-bin, libopenmpi-dev
  mpi=ON
else
  mpi=OFF
  echo "-- consumer: no MPI found: the installed inx::mpi is NOT checked"
fi

step() {
  echo
  echo "-- consumer: $*"
}
configure() { cmake -G Ninja -DCMAKE_BUILD_TYPE=Release -Wno-dev "$@" > "$build/configure.log" 2>&1 || {
  cat "$build/configure.log"
  return 1
}; grep -E "^-- (inx|Found inx)" "$build/configure.log" || true; }

rm -rf "$build"
mkdir -p "$build"
prefix=$build/prefix

step "1. install into $prefix (INX_CUDA=$cuda)"
configure -S "$root" -B "$build/inx" -DINX_BUILD_TESTS=OFF -DINX_BUILD_EXAMPLES=OFF -DINX_BUILD_BENCHMARKS=OFF \
  -DINX_CUDA=$cuda -DCMAKE_CUDA_ARCHITECTURES=90 -DCMAKE_INSTALL_PREFIX="$prefix"
cmake --build "$build/inx"
cmake --install "$build/inx" > /dev/null
# Every header of the source tree must be installed.
missing=$(cd "$root/include" && find inx -type f | sort | while read -r f; do [ -f "$prefix/include/$f" ] || echo "$f"; done)
if [ -n "$missing" ]; then
  echo "headers missing from the install: $missing"
  exit 1
fi
echo "installed $(cd "$prefix/include" && find inx -type f | wc -l) headers"

step "2. find_package(inx) from the installed prefix"
configure -S "$here/find_package" -B "$build/find_package" -DCMAKE_PREFIX_PATH="$prefix" -DINX_CONSUMER_CUDA=$cuda \
  -DINX_CONSUMER_MPI=$mpi -DCMAKE_CUDA_ARCHITECTURES=90
cmake --build "$build/find_package"
"$build/find_package/consumer"
if [ "$cuda" = ON ]; then "$build/find_package/consumer_cuda"; fi
if [ "$mpi" = ON ]; then
  "$build/find_package/consumer_mpi"
  OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun -q --oversubscribe -np 2 "$build/find_package/consumer_mpi"
fi

step "3. add_subdirectory(inx)"
configure -S "$here/add_subdirectory" -B "$build/add_subdirectory" -DINX_CHECKOUT="$root"
cmake --build "$build/add_subdirectory"
"$build/add_subdirectory/consumer"

step "3b. pkg-config: examples/minimal.cpp built with pkg-config --cflags --libs inx"
export PKG_CONFIG_PATH=$prefix/share/pkgconfig
pkg-config --cflags --libs inx
# shellcheck disable=SC2046  # pkg-config's output is a list of flags
g++ -std=c++20 -O2 -o "$build/minimal_pc" "$root/examples/minimal.cpp" -DINX_DATA_DIR="\"$prefix/share/inx\"" \
  $(pkg-config --cflags --libs inx)
"$build/minimal_pc" | tee "$build/minimal_pc.out"
grep -q "Ankle boot" "$build/minimal_pc.out"
unset PKG_CONFIG_PATH

step "4. every header alone, and all headers in two linked translation units (ODR)"
configure -S "$here/headers" -B "$build/headers" -DINX_CHECKOUT="$root" -DINX_HEADERS_NVCC=$cuda
cmake --build "$build/headers" --target inx_headers_alone inx_headers_odr
"$build/headers/inx_headers_odr"
echo "headers: self-contained and ODR-clean"

if [ "$cuda" = ON ]; then
  step "5. every header under nvcc -std=c++20 in two linked translation units, each .cuh alone"
  cmake --build "$build/headers" --target inx_headers_alone_nvcc inx_headers_odr_nvcc
  "$build/headers/inx_headers_odr_nvcc"
  echo "headers under nvcc: self-contained and ODR-clean"
fi
echo
echo "-- consumer: all checks passed"
