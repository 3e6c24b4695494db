#!/usr/bin/env python3
"""The stage-1 server as a learner first meets it: the real binary on a free port, the seed
README's curl commands (the ones docs/api/v1.md and docs/quickstart.md show), a restart that
recovers from the WAL, and a clean exit on SIGTERM. Standard library only."""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def start(binary, data_dir):
    proc = subprocess.Popen([binary, "--listen", "127.0.0.1:0", "--data-dir", data_dir,
                             "--log-level", "warn"], stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()  # "stage1-server listening on 127.0.0.1:PORT"
    m = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
    if not m:
        proc.kill()
        raise SystemExit(f"FAIL: no listening line, got {line!r}")
    return proc, int(m.group(1))


def curl(args, port):
    """Runs a documented curl command against our port; returns its parsed JSON output."""
    args = [a.replace("localhost:2379", f"127.0.0.1:{port}") for a in args]
    out = subprocess.run(["curl", "-s", *args], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def expect(cond, what):
    if not cond:
        raise SystemExit(f"FAIL: {what}")
    print(f"ok: {what}")


def main():
    binary = sys.argv[1]
    data_dir = tempfile.mkdtemp(prefix="myetcd-smoke-", dir="/tmp")
    try:
        proc, port = start(binary, data_dir)
        # The seed README's two commands, verbatim but for the port.
        put = curl(["-X", "PUT", "-H", "Content-Type: application/json", "-d",
                    '{"key":"test","value":"hello"}', "http://localhost:2379/v1/key/test"], port)
        expect(put["success"] is True and put["data"]["header"]["revision"] == 2,
               "PUT /v1/key/test answers success at revision 2")
        got = curl(["http://localhost:2379/v1/key/test"], port)
        expect(got["data"]["value"] == "hello" and got["data"]["version"] == 1,
               "GET /v1/key/test returns hello, version 1")
        missing = curl(["http://localhost:2379/v1/key/nope"], port)
        expect(missing["code"] == "KEY_NOT_FOUND", "a missing key is KEY_NOT_FOUND")
        leased = curl(["-X", "PUT", "-d", '{"value":"v","lease":5}',
                       "http://localhost:2379/v1/key/leased"], port)
        expect(leased["code"] == "LEASE_NOT_FOUND", "a put naming an unknown lease is refused")
        proc.send_signal(signal.SIGTERM)
        expect(proc.wait(timeout=30) == 0, "SIGTERM: the server exits 0")

        proc, port = start(binary, data_dir)
        got = curl(["http://localhost:2379/v1/key/test"], port)
        expect(got["data"]["value"] == "hello" and got["data"]["mod_revision"] == 2,
               "after a restart the key is recovered from the WAL at the same revision")
        proc.send_signal(signal.SIGINT)
        expect(proc.wait(timeout=30) == 0, "SIGINT: the server exits 0")
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    print("1 passed, 0 failed")


if __name__ == "__main__":
    main()
