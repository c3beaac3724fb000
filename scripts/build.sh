#!/usr/bin/env bash
# Configures and builds Cairn into build/ (warnings are errors).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCAIRN_WERROR=ON >/dev/null
echo "build.sh: building into build/ ..." >&2
ninja --quiet -C build "$@"
