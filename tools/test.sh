#!/usr/bin/env bash
# Sets up the machine, builds inx (release) and runs every test. README's second command.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
cmake --preset release
cmake --build --preset release
ctest --preset release
