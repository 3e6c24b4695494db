# Sourced by the scripts: the environment every build shares.
# ccache keys on paths relative to the checkout, so a clone in another folder (CI) hits
# the cache that an earlier build filled.
MYETCD_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export MYETCD_ROOT
export CCACHE_BASEDIR="$MYETCD_ROOT"
export CCACHE_NOHASHDIR=true
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-5G}"
export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}"
