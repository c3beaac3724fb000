#!/usr/bin/env bash
# Installs the Debian 12 packages Cairn builds and tests with, when any is missing.
set -euo pipefail
packages=(build-essential cmake ninja-build pkg-config clang-format
  libsqlite3-dev sqlite3 libpq-dev nlohmann-json3-dev libyaml-cpp-dev libcli11-dev
  libspdlog-dev libfmt-dev libssl-dev libboost-dev libgtest-dev libgmock-dev libbenchmark-dev
  postgresql-15 postgresql-client-15 util-linux passwd chromium zlib1g-dev
  dict-freedict-deu-eng dict-freedict-eng-deu)
# The FreeDict dictionaries are data, not code: the lexicon's tests and benches read them
# (context/lexicon.h); Cairn itself reads one only when cairn.yaml names it.
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js 18+ and npm run the MCP and REST end-to-end tests (the official MCP SDK); any install
# that provides both commands will do (Debian's packages, or NodeSource's, which bundles npm).
command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "deps.sh: installing ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
