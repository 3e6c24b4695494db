#!/usr/bin/env bash
# Runs the main program: the most complete server built so far. Today that is the stage-1
# server, bin/server (= bin/stage1-server): one durable node on 127.0.0.1:2379 with its data
# in ./default.etcd. Extra arguments go to it (bin/server --help lists every option).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x bin/server ] || { echo "bin/server is missing: run make build first" >&2; exit 1; }
exec bin/server "$@"
