#!/usr/bin/env python3
"""Trust test: myetcd-bench and wrk measure the same throughput on the same route.

Both drive GET /v1/key/k0000000 on the calibration server with the same connection count,
thread count and duration. On a 2-core machine shared with other work one run is noise,
and so is the difference between two runs a minute apart. So the runs come in pairs, one
of each tool back to back (wrk first in odd pairs, bench first in even ones), each pair
gives a ratio bench/wrk under nearly the same conditions, and the median of PAIRS ratios
must be within TOLERANCE of 1. When the machine is so loaded that even that fails, the
whole measurement is repeated, up to ATTEMPTS times; a tool that is really off by more
than TOLERANCE fails every attempt."""
import argparse
import os
import re
import statistics
import subprocess
import sys

from common import Server, bench

PAIRS = 5
ATTEMPTS = 3
TOLERANCE = 0.15


def run_wrk(wrk, address, connections, seconds):
    out = subprocess.run(
        [wrk, f"-t1", f"-c{connections}", f"-d{seconds}s",
         f"http://{address}/v1/key/k0000000"],
        capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    m = re.search(r"Requests/sec:\s+([0-9.]+)", out)
    if not m or "Non-2xx" in out or "Socket errors" in out:
        raise AssertionError(f"unexpected wrk output:\n{out}")
    return float(m.group(1))


def run_bench(path, address, connections, seconds):
    r = bench(path, address, "--workload=get", "--key-count=1", f"--connections={connections}",
              "--threads=1", f"--duration={seconds}s")
    if r["errors"]:
        raise AssertionError(f"myetcd-bench saw errors: {r}")
    return r["throughput_rps"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", required=True)
    ap.add_argument("--server", required=True)
    ap.add_argument("--wrk", default="wrk")
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--seconds", type=int, default=2)
    a = ap.parse_args()
    if not a.wrk or a.wrk.endswith("NOTFOUND"):
        print("wrk is not installed: run scripts/install-deps.sh")
        return 1

    with Server(a.server) as srv:
        r = bench(a.bench, srv.address, "--workload=put", "--count=1", "--key-count=1",
                  "--connections=1")
        assert r["ok"] == 1, r
        for attempt in range(1, ATTEMPTS + 1):
            ratios, wrk_rps, bench_rps = [], [], []
            for i in range(PAIRS):
                pair = {}
                for tool in (["wrk", "bench"] if i % 2 == 0 else ["bench", "wrk"]):
                    if tool == "wrk":
                        pair[tool] = run_wrk(a.wrk, srv.address, a.connections, a.seconds)
                    else:
                        pair[tool] = run_bench(a.bench, srv.address, a.connections, a.seconds)
                wrk_rps.append(pair["wrk"])
                bench_rps.append(pair["bench"])
                ratios.append(pair["bench"] / pair["wrk"])
                print(f"attempt {attempt} pair {i + 1}: wrk {pair['wrk']:.0f} req/s, "
                      f"myetcd-bench {pair['bench']:.0f} req/s, ratio {ratios[-1]:.3f}", flush=True)
            ratio = statistics.median(ratios)
            print(f"attempt {attempt}: median wrk {statistics.median(wrk_rps):.0f} req/s, "
                  f"median myetcd-bench {statistics.median(bench_rps):.0f} req/s, "
                  f"median ratio {ratio:.3f} (tolerance {TOLERANCE:.0%}, load "
                  f"{os.getloadavg()[0]:.2f})", flush=True)
            if abs(ratio - 1) <= TOLERANCE:
                srv.stop()
                return 0
        srv.stop()
    print("FAIL: the two tools disagree in every attempt")
    return 1


if __name__ == "__main__":
    sys.exit(main())
