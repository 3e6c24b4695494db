#!/usr/bin/env bash
# Component benchmarks (Google Benchmark) from the Release build. Results go to
# build/bench/*.json; docs/benchmarks.md records them with machine, date and method.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$MYETCD_ROOT"
dir=$(scripts/configure.sh release)
cmake --build "$dir"
mkdir -p build/bench
for b in "$dir"/bench/*; do
  [ -x "$b" ] || continue
  echo "==> $(basename "$b")"
  "$b" --benchmark_out="build/bench/$(basename "$b").json" --benchmark_out_format=json \
    ${BENCH_FILTER:+--benchmark_filter="$BENCH_FILTER"}
done
