#!/usr/bin/env bash
# make bench-compare: the same workloads against etcd, the calibration server and (once it
# exists) our stage-1 server, interleaved, median of several runs; writes the comparison
# tables into docs/benchmarks.md between the bench-compare markers.
#
#   etcd            Debian's etcd-server, one member on 127.0.0.1 (client and peer ports),
#                   data dir under /tmp (a real disk: fsync does work there), driven over its
#                   JSON gateway (/v3, base64)
#   calibration     myetcd-calibration-server: /v1 from memory, the HTTP + JSON ceiling
#   stage1          bin/stage1-server or bin/server over /v1, when `make build` has built it
#                   (skipped otherwise, with a line saying so)
#
# Everything binds and talks to 127.0.0.1 only. The script stops exactly the processes it
# started and removes the data dirs it made (trap on EXIT).
#
# Knobs (environment): BENCH_RUNS (3), BENCH_DURATION (3s), BENCH_WARMUP (1s),
# BENCH_CONNECTIONS ("1 16 64"), BENCH_WORKLOADS ("put get"), BENCH_KEYS (1000),
# BENCH_VALUE_SIZE (100), BENCH_NO_DOC=1 (print the tables, leave the docs alone),
# BENCH_BIN_DIR=dir (take the programs from dir instead of building build/release),
# BENCH_FLOOD=0 (skip the writer-vs-reader cell), BENCH_FLOOD_PUT_RATE (400 PUT/s).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$MYETCD_ROOT"

runs="${BENCH_RUNS:-3}"
duration="${BENCH_DURATION:-3s}"
warmup="${BENCH_WARMUP:-1s}"
connections="${BENCH_CONNECTIONS:-1 16 64}"
workloads="${BENCH_WORKLOADS:-put get}"
keys="${BENCH_KEYS:-1000}"
value_size="${BENCH_VALUE_SIZE:-100}"
flood="${BENCH_FLOOD:-1}"
flood_put_rate="${BENCH_FLOOD_PUT_RATE:-400}"
out="$MYETCD_ROOT/build/bench-compare"
rm -rf "$out"
mkdir -p "$out/results" "$out/flood"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

# --- tools -------------------------------------------------------------------------------
if ! command -v etcd >/dev/null 2>&1; then
  echo "bench-compare: installing etcd-server from Debian"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends etcd-server >/dev/null
fi
if [ -n "${BENCH_BIN_DIR:-}" ]; then
  bin_dir="$BENCH_BIN_DIR"
else
  build_dir=$(scripts/configure.sh release)
  # Only the tools: a stage-1 server is measured when `make build` has already built it.
  cmake --build "$build_dir" --target myetcd-bench myetcd-calibration-server
  bin_dir="$build_dir/bin"
fi
bench="$bin_dir/myetcd-bench"
calibration="$bin_dir/myetcd-calibration-server"

# --- processes we start, and only those are stopped -----------------------------------------
pids=()
tmpdirs=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  for d in "${tmpdirs[@]}"; do
    rm -rf "$d"
  done
}
trap cleanup EXIT

free_port() {  # a port the kernel just handed out on 127.0.0.1
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_http() {  # url, seconds: poll until the server answers (a script, not a test)
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    curl -sf -o /dev/null "$1" && return 0
    sleep 0.1
  done
  echo "bench-compare: $1 did not answer within $2 s" >&2
  return 1
}

# etcd: one member, loopback only, a fresh data dir under /tmp (never /dev/shm: fsync must be
# real for the put figures to mean anything).
etcd_client=$(free_port)
etcd_peer=$(free_port)
etcd_dir=$(mktemp -d /tmp/myetcd-bench-etcd.XXXXXX)
tmpdirs+=("$etcd_dir")
etcd --name bench --data-dir "$etcd_dir/data" \
  --listen-client-urls "http://127.0.0.1:$etcd_client" \
  --advertise-client-urls "http://127.0.0.1:$etcd_client" \
  --listen-peer-urls "http://127.0.0.1:$etcd_peer" \
  --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
  --initial-cluster "bench=http://127.0.0.1:$etcd_peer" \
  --logger zap --log-outputs stderr --log-level warn 2>"$out/etcd.log" &
pids+=($!)
wait_http "http://127.0.0.1:$etcd_client/health" 30
etcd_version=$(etcd --version | head -1)

# The calibration server prints its bound address on stdout: read it from the pipe.
exec {cal_fd}< <(exec "$calibration" --listen 127.0.0.1:0 --threads 1 --log-level warn)
pids+=($!)
read -r -t 30 -u "$cal_fd" line || { echo "bench-compare: the calibration server did not start" >&2; exit 1; }
calibration_addr="${line##* }"

declare -A endpoint api
systems=(etcd calibration)
endpoint[etcd]="127.0.0.1:$etcd_client"
api[etcd]=v3
endpoint[calibration]="$calibration_addr"
api[calibration]=v1

stage1=""
for candidate in "$bin_dir/stage1-server" bin/stage1-server bin/server; do
  if [ -x "$candidate" ]; then
    stage1="$candidate"
    break
  fi
done
if [ -n "$stage1" ]; then
  s1_dir=$(mktemp -d /tmp/myetcd-bench-stage1.XXXXXX)
  tmpdirs+=("$s1_dir")
  exec {s1_fd}< <(exec "$stage1" --listen 127.0.0.1:0 --data-dir "$s1_dir/data")
  pids+=($!)
  # It prints its bound address (ARCHITECTURE §10); take the first 127.0.0.1:port it says.
  endpoint[stage1]=""
  while read -r -t 30 -u "$s1_fd" line; do
    endpoint[stage1]=$(grep -oE '127\.0\.0\.1:[0-9]+' <<<"$line" | head -1 || true)
    [ -n "${endpoint[stage1]}" ] && break
  done
  [ -n "${endpoint[stage1]}" ] || { echo "bench-compare: $stage1 printed no address" >&2; exit 1; }
  # Keep reading what else it prints, so a chatty server never blocks on a full pipe.
  cat <&"$s1_fd" >/dev/null &
  pids+=($!)
  api[stage1]=v1
  systems+=(stage1)
  echo "bench-compare: stage1 server $stage1 on ${endpoint[stage1]}"
else
  echo "bench-compare: no stage-1 server built yet (bin/stage1-server, bin/server): skipped"
fi

common=(--key-count "$keys" --value-size "$value_size" --threads 1 --json)

# Every key exists before the first measured get.
for s in "${systems[@]}"; do
  "$bench" --endpoint "${endpoint[$s]}" --api "${api[$s]}" --workload put --key-mode sequential \
    --count "$keys" --connections 16 "${common[@]}" >"$out/populate-$s.json"
done

# Interleaved: every cell (workload, connections) runs each system back to back, and the
# order of the systems rotates from one round to the next, so slow drifts of the machine
# (someone compiling) hit every system alike.
for ((run = 1; run <= runs; run++)); do
  order=("${systems[@]:$(((run - 1) % ${#systems[@]}))}" "${systems[@]:0:$(((run - 1) % ${#systems[@]}))}")
  for w in $workloads; do
    for c in $connections; do
      for s in "${order[@]}"; do
        f="$out/results/$s-$w-$c-$run.json"
        "$bench" --endpoint "${endpoint[$s]}" --api "${api[$s]}" --workload "$w" \
          --connections "$c" --duration "$duration" --warmup "$warmup" "${common[@]}" >"$f" ||
          echo "bench-compare: $s $w c=$c run $run: every request failed (see $f)"
        printf 'run %d  %-12s %-4s c=%-3s %s\n' "$run" "$s" "$w" "$c" \
          "$(python3 tools/bench/bench_compare_report.py --summary "$f")"
      done
    done
  done
done
# Writer vs reader: the p99 of a steady trickle of PUTs (fixed rate, so latency counts from
# each request's scheduled time) alone, then while 64 connections flood the same server
# with GETs. A store whose readers starve its writers (a reader-preferring lock, one
# queue for both) shows it here, not in the throughput tables.
if [ "$flood" = 1 ]; then
  flood_secs=$(( ${duration%s} + ${warmup%s} + 2 ))
  for ((run = 1; run <= runs; run++)); do
    order=("${systems[@]:$(((run - 1) % ${#systems[@]}))}" "${systems[@]:0:$(((run - 1) % ${#systems[@]}))}")
    for s in "${order[@]}"; do
      put_args=(--endpoint "${endpoint[$s]}" --api "${api[$s]}" --workload put --connections 4
                --rate "$flood_put_rate" --duration "$duration" --warmup "$warmup" "${common[@]}")
      "$bench" "${put_args[@]}" >"$out/flood/$s-alone-$run.json" || true
      "$bench" --endpoint "${endpoint[$s]}" --api "${api[$s]}" --workload get --connections 64 \
        --duration "${flood_secs}s" "${common[@]}" >"$out/flood/$s-flood-$run.json" &
      flood_pid=$!
      sleep 1  # let the flood reach full speed first (a script's pacing, not a test)
      "$bench" "${put_args[@]}" >"$out/flood/$s-put-$run.json" || true
      wait "$flood_pid" || true
      printf 'run %d  %-12s PUT p99 alone / under a GET flood: %s / %s\n' "$run" "$s" \
        "$(python3 tools/bench/bench_compare_report.py --summary "$out/flood/$s-alone-$run.json")" \
        "$(python3 tools/bench/bench_compare_report.py --summary "$out/flood/$s-put-$run.json")"
    done
  done
fi
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

doc_args=(--doc docs/benchmarks.md)
[ "${BENCH_NO_DOC:-0}" = 1 ] && doc_args=()
python3 tools/bench/bench_compare_report.py --results "$out/results" "${doc_args[@]}" \
  --systems "${systems[*]}" --workloads "$workloads" --connections "$connections" \
  --flood "$out/flood" --flood-put-rate "$flood_put_rate" \
  --runs "$runs" --duration "$duration" --warmup "$warmup" --keys "$keys" \
  --value-size "$value_size" --etcd-version "$etcd_version" \
  --load-before "$load_before" --load-after "$load_after" \
  --stage1-note "$([ -n "$stage1" ] && echo "$stage1" || echo "not built yet: skipped")"
