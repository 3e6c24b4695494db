#!/usr/bin/env bash
# Configures one of the project's build directories:
#   release  build/release  g++, Release                       (make build: bin/)
#   test     build/test     g++, Release, canaries compiled in (README's test command)
#   asan     build/asan     clang, ASan+UBSan, canaries in    (README's test command)
#   tsan     build/tsan     clang, ThreadSanitizer            (make soak)
# Extra arguments go to cmake.
set -euo pipefail
source "$(dirname "$0")/env.sh"
kind="${1:?usage: configure.sh release|test|asan|tsan [cmake args]}"
shift
dir="$MYETCD_ROOT/build/$kind"
case "$kind" in
  release) args=(-DCMAKE_BUILD_TYPE=Release) ;;
  test) args=(-DCMAKE_BUILD_TYPE=Release -DMYETCD_CANARIES=ON) ;;
  asan)
    export CC=clang CXX=clang++
    # Lab starters are verified in the test build; here only the project's own tests run.
    args=(-DCMAKE_BUILD_TYPE=Debug -DMYETCD_SANITIZE=ON -DMYETCD_CANARIES=ON
          -DMYETCD_BUILD_LABS=OFF)
    ;;
  tsan)
    export CC=clang CXX=clang++
    args=(-DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS=-fsanitize=thread
          -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread -DMYETCD_BUILD_LABS=OFF)
    ;;
  *) echo "configure.sh: unknown build kind '$kind'" >&2; exit 2 ;;
esac
cmake -S "$MYETCD_ROOT" -B "$dir" -G Ninja "${args[@]}" "$@" >/dev/null
echo "$dir"
