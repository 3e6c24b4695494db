#!/usr/bin/env python3
"""Turns the JSON reports of scripts/bench-compare.sh into the comparison tables of
docs/benchmarks.md (between <!-- bench-compare:begin --> and <!-- bench-compare:end -->).

For every system, workload and connection count: the median throughput, p50 and p99 of
the runs (each run's own percentiles, computed by myetcd-bench from every sample of that
run; the median is taken across runs, never an average of percentiles), the spread of
throughput (min-max), and the ratios of the medians to etcd and to the calibration server.
"""
import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys

BEGIN = "<!-- bench-compare:begin -->"
END = "<!-- bench-compare:end -->"


def machine():
    model = "unknown CPU"
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        m = re.search(r"^Model name:\s+(.+)$", out, re.M)
        if m:
            model = m.group(1).strip()
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            mem = f", {kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{model}, {os.cpu_count()} CPUs (nproc){mem}, Linux {platform.release()}"


def load(path):
    with open(path) as f:
        return json.load(f)


def fmt_rps(x):
    return f"{x:,.0f}"


def fmt_ms(us):
    return f"{us / 1000:.2f}"


def summary(path):
    """One progress line for the script: throughput, p99 and errors of one report."""
    r = load(path)
    return (f"{r['throughput_rps']:9.0f} req/s  p99 {r['latency_us']['p99'] / 1000:7.2f} ms  "
            f"errors {r['errors']}")


def flood_table(a, systems):
    """Writer vs reader: PUT p99 alone and under a 64-connection GET flood, medians of runs."""
    if not a.flood or not os.path.isdir(a.flood):
        return []
    rows = []
    for s in systems:
        def med(kind, f):
            vals = [f(load(os.path.join(a.flood, n))) for n in sorted(os.listdir(a.flood))
                    if n.startswith(f"{s}-{kind}-") and n.endswith(".json")]
            return statistics.median(vals) if vals else None
        alone = med("alone", lambda r: r["latency_us"]["p99"])
        under = med("put", lambda r: r["latency_us"]["p99"])
        gets = med("flood", lambda r: r["throughput_rps"])
        errors = med("put", lambda r: r["errors"])
        if alone is None or under is None:
            continue
        rows.append((s, alone, under, gets, errors))
    if not rows:
        return []
    etcd = {r[0]: r for r in rows}.get("etcd")
    out = [f"**writer vs reader**: PUT at {a.flood_put_rate}/s over 4 connections (latency from "
           "each request's scheduled time), alone and while 64 connections flood the same "
           "server with GETs", "",
           "| system | PUT p99 alone ms | PUT p99 under the flood ms | flood GET req/s "
           "| PUT errors | flooded p99 ÷ etcd |",
           "|---|---:|---:|---:|---:|---:|"]
    for s, alone, under, gets, errors in rows:
        ratio = f"{under / etcd[2]:.2f}" if etcd and etcd[2] else "–"
        out.append(f"| {s} | {fmt_ms(alone)} | {fmt_ms(under)} | "
                   f"{fmt_rps(gets) if gets is not None else '–'} | {errors:.0f} | {ratio} |")
    out.append("")
    return out


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--summary":
        print(summary(sys.argv[2]))
        return 0
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", required=True)
    ap.add_argument("--doc")
    ap.add_argument("--systems", required=True)
    ap.add_argument("--workloads", required=True)
    ap.add_argument("--connections", required=True)
    ap.add_argument("--runs", type=int, required=True)
    ap.add_argument("--duration", required=True)
    ap.add_argument("--warmup", required=True)
    ap.add_argument("--keys", required=True)
    ap.add_argument("--value-size", required=True)
    ap.add_argument("--etcd-version", default="etcd")
    ap.add_argument("--load-before", default="?")
    ap.add_argument("--load-after", default="?")
    ap.add_argument("--stage1-note", default="")
    ap.add_argument("--flood", help="dir of the writer-vs-reader reports")
    ap.add_argument("--flood-put-rate", default="?")
    a = ap.parse_args()
    systems = a.systems.split()
    workloads = a.workloads.split()
    conns = a.connections.split()

    cells = {}  # (system, workload, conns) -> dict of medians
    for s in systems:
        for w in workloads:
            for c in conns:
                rs = []
                for run in range(1, a.runs + 1):
                    p = os.path.join(a.results, f"{s}-{w}-{c}-{run}.json")
                    if os.path.exists(p):
                        rs.append(load(p))
                if not rs:
                    continue
                rps = [r["throughput_rps"] for r in rs]
                cells[(s, w, c)] = {
                    "rps": statistics.median(rps),
                    "min": min(rps),
                    "max": max(rps),
                    "p50": statistics.median(r["latency_us"]["p50"] for r in rs),
                    "p99": statistics.median(r["latency_us"]["p99"] for r in rs),
                    "errors": sum(r["errors"] for r in rs),
                    "requests": sum(r["requests"] for r in rs),
                    "n": len(rs),
                }

    lines = [BEGIN, ""]
    lines.append(f"Measured {datetime.date.today().isoformat()} by `make bench-compare` "
                 "(scripts/bench-compare.sh).")
    lines.append("")
    lines.append(f"* **Machine**: {machine()}; load average {a.load_before} before, "
                 f"{a.load_after} after.")
    try:
        busy = max(float(a.load_before.split()[0]), float(a.load_after.split()[0]))
    except (ValueError, IndexError):
        busy = 0.0
    if busy > (os.cpu_count() or 1):
        lines.append(f"* **Taken under load**: other work ran beside the benchmark (load "
                     f"average up to {busy:.1f} on {os.cpu_count()} CPUs), so every absolute "
                     "figure is low and noisy; the ratios, measured in the same minutes, are "
                     "the figures to read.")
    lines.append(f"* **Systems**: etcd ({a.etcd_version}, one member, data dir under /tmp, "
                 "JSON gateway `/v3`); calibration server (`/v1` from memory, 1 thread); "
                 f"stage-1 server: {a.stage1_note}.")
    lines.append(f"* **Workloads**: {', '.join(workloads)}; {a.keys} keys of 8 bytes, "
                 f"{a.value_size}-byte values, random keys; 1 client thread; "
                 f"{a.warmup} warm-up then {a.duration} measured; {a.runs} interleaved runs "
                 "per cell, medians shown, throughput spread as min–max.")
    lines.append("* **Columns**: p50 and p99 are each run's own percentiles over every request of "
                 "the run, median across runs; ÷ etcd and ÷ calibration divide the row's median "
                 "throughput by that system's median in the same cell.")
    lines.append("")
    for w in workloads:
        lines.append(f"**{w}**")
        lines.append("")
        lines.append("| system | connections | req/s (median) | spread | p50 ms | p99 ms "
                     "| errors | ÷ etcd | ÷ calibration |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for c in conns:
            for s in systems:
                x = cells.get((s, w, c))
                if not x:
                    continue
                e = cells.get(("etcd", w, c))
                k = cells.get(("calibration", w, c))
                r_e = f"{x['rps'] / e['rps']:.2f}" if e and e["rps"] else "–"
                r_k = f"{x['rps'] / k['rps']:.2f}" if k and k["rps"] else "–"
                lines.append(
                    f"| {s} | {c} | {fmt_rps(x['rps'])} | {fmt_rps(x['min'])}–{fmt_rps(x['max'])} "
                    f"| {fmt_ms(x['p50'])} | {fmt_ms(x['p99'])} | {x['errors']} | {r_e} | {r_k} |")
        lines.append("")
    lines += flood_table(a, systems)
    lines.append(END)
    block = "\n".join(lines)
    print(block)

    if a.doc:
        with open(a.doc) as f:
            doc = f.read()
        if BEGIN not in doc or END not in doc:
            print(f"{a.doc}: markers {BEGIN} / {END} not found", file=sys.stderr)
            return 1
        head, rest = doc.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        with open(a.doc, "w") as f:
            f.write(head + block + tail)
        print(f"bench-compare: tables written to {a.doc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
