#!/usr/bin/env bash
# The long tier (TESTING.md "Budget"): what does not fit in .ci/run's 45 minutes.
# Results are recorded with their commands in docs/reliability.md.
#   - every stage built and tested standalone (cmake -S <stage>)
#   - the `soak` CTest label (long fault runs, fuzzing, 100k simulation seeds) in the test build
#   - ThreadSanitizer over every test
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$MYETCD_ROOT"
for stage in stage1-wal-store-api stage3-raft-metrics; do
  echo "==> $stage standalone"
  cmake -S "$stage" -B "build/alone-$stage" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "build/alone-$stage"
  ctest --test-dir "build/alone-$stage" -j"$(nproc)" --output-on-failure
done
echo "==> soak label (test build)"
cmake --build "$(scripts/configure.sh test)"
# Long tests skip themselves unless asked, so .ci/run (every label) stays within budget.
export MYETCD_SOAK=1
ctest --test-dir build/test -L soak --no-tests=ignore --output-on-failure
echo "==> ThreadSanitizer"
cmake --build "$(scripts/configure.sh tsan)"
ctest --test-dir build/tsan -j"$(nproc)" -LE exercise --output-on-failure
