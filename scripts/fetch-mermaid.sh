#!/usr/bin/env bash
# Puts mermaid.min.js 8.13.10 (from the npm registry) into docs/assets/vendor/, where
# mkdocs.yml loads it. The file is not committed (it is not our code); this fetches it once.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
dest="$here/docs/assets/vendor/mermaid.min.js"
version=8.13.10
[ -s "$dest" ] && exit 0
cache="${XDG_CACHE_HOME:-$HOME/.cache}/myetcd"
mkdir -p "$cache" "$(dirname "$dest")"
if [ ! -s "$cache/mermaid-$version.min.js" ]; then
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "mermaid@$version" >/dev/null)
  tar -xzf "$tmp/mermaid-$version.tgz" -C "$tmp" package/dist/mermaid.min.js
  mv "$tmp/package/dist/mermaid.min.js" "$cache/mermaid-$version.min.js"
  rm -rf "$tmp"
fi
cp "$cache/mermaid-$version.min.js" "$dest"
