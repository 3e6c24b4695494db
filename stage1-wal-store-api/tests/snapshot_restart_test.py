#!/usr/bin/env python3
"""Snapshots and WAL purging on the real stage1-server: with --snapshot-count 50 and 64 KiB WAL
segments, write a few hundred keys, stop, and check that member/snap/*.snap exist, that the
oldest WAL segments were deleted, and that a restart brings every key back at the same
revisions (booting from the newest snapshot plus the WAL after it). Then write more, kill -9,
and restart again: the acknowledged tail replays on top of the snapshot. Standard library only.

Usage: snapshot_restart_test.py <stage1-server binary>"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.request

KEYS = 400
VALUE_BYTES = 1000  # ~1 KB records: 400 of them fill several 64 KiB segments


def start(binary, data_dir, log_path):
    log = open(log_path, "a")
    proc = subprocess.Popen([binary, "--listen", "127.0.0.1:0", "--data-dir", data_dir,
                             "--snapshot-count", "50", "--wal-segment-size", "64KiB",
                             "--wal-keep-entries", "0", "--log-level", "info"],
                            stdout=subprocess.PIPE, stderr=log, text=True)
    log.close()
    line = proc.stdout.readline()
    m = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
    if not m:
        proc.kill()
        raise SystemExit(f"FAIL: no listening line, got {line!r}")
    return proc, int(m.group(1))


def request(port, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())


def value(i):
    return f"{i}:" + "v" * VALUE_BYTES


def put_keys(port, first, last):
    revision = 0
    for i in range(first, last + 1):
        out = request(port, "PUT", f"/v1/key/k{i:04d}", {"value": value(i)})
        if not out.get("success"):
            raise SystemExit(f"FAIL: put k{i:04d}: {out}")
        revision = out["data"]["header"]["revision"]
    return revision


def expect(cond, what):
    if not cond:
        raise SystemExit(f"FAIL: {what}")
    print(f"ok: {what}")


def check_keys(port, count, what):
    for i in range(1, count + 1):
        got = request(port, "GET", f"/v1/key/k{i:04d}")["data"]
        if got["value"] != value(i) or got["mod_revision"] != i + 1:
            raise SystemExit(f"FAIL: {what}: k{i:04d} came back as {str(got)[:120]}")
    print(f"ok: {what}: all {count} keys, each at its revision")


def segments(data_dir):
    """(seq, first index) of every WAL segment, oldest first (<seq:016x>-<index:016x>.wal)."""
    out = []
    for name in os.listdir(os.path.join(data_dir, "member", "wal")):
        m = re.fullmatch(r"([0-9a-f]{16})-([0-9a-f]{16})\.wal", name)
        if m:
            out.append((int(m.group(1), 16), int(m.group(2), 16)))
    return sorted(out)


def main():
    binary = sys.argv[1]
    data_dir = tempfile.mkdtemp(prefix="myetcd-snap-", dir="/tmp")
    log_path = data_dir + ".log"
    try:
        proc, port = start(binary, data_dir, log_path)
        revision = put_keys(port, 1, KEYS)
        expect(revision == KEYS + 1, f"{KEYS} puts end at revision {KEYS + 1}")
        proc.send_signal(signal.SIGTERM)
        expect(proc.wait(timeout=30) == 0, "SIGTERM: the server exits 0")

        snaps = [n for n in os.listdir(os.path.join(data_dir, "member", "snap"))
                 if n.endswith(".snap")]
        expect(len(snaps) == 2, f"two snapshots kept in member/snap (found {sorted(snaps)})")
        segs = segments(data_dir)
        expect(segs[-1][0] >= 3, f"the WAL rotated through several segments (last seq {segs[-1][0]})")
        expect(segs[0][0] > 0 and segs[0][1] > 1,
               f"old WAL segments were purged (oldest left: seq {segs[0][0]}, "
               f"first index {segs[0][1]})")

        proc, port = start(binary, data_dir, log_path)
        check_keys(port, KEYS, "after a clean restart")
        header = request(port, "GET", "/v1/key/k0001")["data"]["header"]
        expect(header["revision"] == KEYS + 1, "the store revision is back")
        with open(log_path) as f:
            log = f.read()
        expect(re.search(r"recovered from snapshot \d+ \(WAL index \d+, revision \d+\)", log),
               "the server logs the snapshot it booted from")

        # A tail after the last snapshot, then no clean shutdown at all.
        revision = put_keys(port, KEYS + 1, KEYS + 30)
        proc.kill()
        proc.wait(timeout=30)
        proc, port = start(binary, data_dir, log_path)
        check_keys(port, KEYS + 30, "after kill -9 and a restart")
        header = request(port, "GET", "/v1/key/k0001")["data"]["header"]
        expect(header["revision"] == revision, f"the store revision is back ({revision})")
        proc.send_signal(signal.SIGTERM)
        expect(proc.wait(timeout=30) == 0, "SIGTERM: the server exits 0")
    finally:
        if "proc" in locals() and proc.poll() is None:
            proc.kill()
        shutil.rmtree(data_dir, ignore_errors=True)
        if os.path.exists(log_path):
            os.remove(log_path)
    print("1 passed, 0 failed")


if __name__ == "__main__":
    main()
