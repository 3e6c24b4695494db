#!/usr/bin/env python3
"""myetcd-bench against the calibration server: the counts it reports are right.

Each case knows exactly which keys exist, so it knows how many requests must succeed and
how many must fail, and checks the tool's JSON report against that."""
import argparse
import socket
import subprocess
import sys

from common import Server, bench, check


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", required=True)
    ap.add_argument("--server", required=True)
    a = ap.parse_args()

    with Server(a.server) as srv:
        ep = srv.address
        # 200 puts over 4 connections sweep keys 0..99 twice.
        r = bench(a.bench, ep, "--workload=put", "--count=200", "--connections=4",
                  "--key-mode=sequential", "--key-count=100")
        check(r["requests"] == 200 and r["ok"] == 200 and r["errors"] == 0,
              f"put --count=200: 200 ok, 0 errors (got {r['requests']}/{r['ok']}/{r['errors']})")
        check(r["status"] == {"200": 200}, "every put answered 200")
        check(r["latency_us"]["p50"] > 0 and r["latency_us"]["p99"] >= r["latency_us"]["p50"],
              "latency percentiles are ordered")

        # Keys 0..199: the first 100 exist, the other 100 are 404s, counted as errors.
        r = bench(a.bench, ep, "--workload=get", "--count=200", "--connections=4",
                  "--key-mode=sequential", "--key-count=200")
        check(r["requests"] == 200 and r["ok"] == 100 and r["errors"] == 100
              and r["status"] == {"200": 100, "404": 100} and r["transport_errors"] == 0,
              f"get of 100 present and 100 missing keys: 100 ok, 100 x 404 (got {r['status']})")

        # Duration mode: everything succeeds, and the measured time is the asked one.
        r = bench(a.bench, ep, "--workload=get", "--duration=1s", "--warmup=200ms",
                  "--connections=2", "--key-count=100")
        check(r["requests"] > 100 and r["errors"] == 0, f"get for 1 s: {r['requests']} ok")
        check(0.95 < r["elapsed_s"] < 3.0, f"measured {r['elapsed_s']:.3f} s of a 1 s run")

        # Mixed: the per-operation counts add up to the total.
        r = bench(a.bench, ep, "--workload=mixed", "--read-ratio=50", "--count=1000",
                  "--key-count=100")
        check(r["ok"] == 1000 and r["ops"]["get"]["requests"] + r["ops"]["put"]["requests"] == 1000
              and 350 < r["ops"]["get"]["requests"] < 650,
              f"mixed: {r['ops']['get']['requests']} gets + {r['ops']['put']['requests']} puts")

        # A rate limit is honoured: 200 req/s for 1 s is about 200 requests.
        r = bench(a.bench, ep, "--workload=get", "--rate=200", "--duration=1s",
                  "--connections=2", "--key-count=100")
        check(180 <= r["requests"] <= 202, f"--rate=200 for 1 s sent {r['requests']}")

        r = bench(a.bench, ep, "--workload=delete", "--count=100", "--key-mode=sequential",
                  "--key-count=100")
        check(r["ok"] == 100, "100 deletes ok")
        r = bench(a.bench, ep, "--workload=get", "--count=50", "--key-count=100",
                  expect_rc=1)
        check(r["status"] == {"404": 50}, "after deleting every key, every get is a 404 (exit 1)")

        text = subprocess.run([a.bench, "--endpoint", ep, "--workload=put", "--count=10"],
                              capture_output=True, text=True, check=True).stdout
        check("p99.9" in text and "req/s" in text, "the text report shows p99.9 and req/s")
        check(srv.stop() == 0, "the calibration server stops with exit 0 on SIGTERM")

    # A port where nothing listens: every request is a transport error, exit 1.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))  # bound, never listening: connects are refused
        port = s.getsockname()[1]
        r = bench(a.bench, f"127.0.0.1:{port}", "--workload=get", "--count=5",
                  "--connections=1", expect_rc=1)
        check(r["transport_errors"] == 5 and r["ok"] == 0,
              f"a refused connection is a transport error ({r['transport_errors']} of 5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
