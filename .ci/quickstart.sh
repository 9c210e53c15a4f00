#!/usr/bin/env bash
# The main job: install, build, and run a tributary parent on 127.0.0.1:19999.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DTRIBUTARY_ENABLE_TESTS=OFF
cmake --build build -j"$(nproc)" --target tributary
echo
echo "tributary parent: API at http://127.0.0.1:19999/api/v1/info (Ctrl-C stops it)"
exec ./build/bin/tributary run
