#!/usr/bin/env bash
# Installs every Debian 12 package that the build, the tests, the docs and the benchmarks use.
# Idempotent: it asks apt only for what is missing, so a second run is quick and offline.
# Run as root (CI and the course machines are root) or with sudo available.
#
# Why Boost 1.81 and not Debian's default 1.74: with g++ 12 in C++20 mode, Asio 1.74's headers
# use std::exchange without including <utility>; 1.81 fixes that and ships a newer Beast. Both
# are Debian 12 packages; the two -dev packages conflict, so we pick exactly one.
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build make ccache clang libclang-rt-14-dev clang-format git python3 curl
  # libraries
  libboost1.81-dev nlohmann-json3-dev libspdlog-dev libfmt-dev doctest-dev libbenchmark-dev
  # docs (mkdocs-material 8.2.5 in Debian 12) and the mermaid bundle from npm
  mkdocs mkdocs-material python3-pymdownx
  # fault tests and benchmarks
  strace nftables libfaketime wrk etcd-server etcd-client
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

# npm: the machines come with Node.js and npm of their own; Debian's npm package conflicts
# with that Node.js, so it is installed only where no npm exists at all.
command -v npm >/dev/null 2>&1 || missing+=(npm)

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# mermaid 8.13.x: Material 8.2.5 fetches mermaid from a CDN when a page has a diagram, unless
# window.mermaid already exists. We ship the npm package's build with the site instead
# (mermaid 10+ is an ES module and does not work with this theme).
here="$(cd "$(dirname "$0")/.." && pwd)"
"$here/scripts/fetch-mermaid.sh"
