#!/usr/bin/env python3
"""myetcd-bench's /v3 shapes against real etcd (Debian's etcd-server): put, get, txn,
delete and watch through etcd's JSON gateway, with exact counts.

etcd runs on 127.0.0.1 only, on ports the kernel just handed out, with a data dir under
/tmp; the test waits for etcd's own "serving client traffic" log line (no sleeps) and
stops exactly the process it started."""
import argparse
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import threading

from common import bench, check


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Etcd:
    def __init__(self, path):
        self.dir = tempfile.mkdtemp(prefix="myetcd-bench-test-etcd.", dir="/tmp")
        client, peer = free_port(), free_port()
        self.endpoint = f"127.0.0.1:{client}"
        self.proc = subprocess.Popen(
            [path, "--name", "t", "--data-dir", f"{self.dir}/data",
             "--listen-client-urls", f"http://127.0.0.1:{client}",
             "--advertise-client-urls", f"http://127.0.0.1:{client}",
             "--listen-peer-urls", f"http://127.0.0.1:{peer}",
             "--initial-advertise-peer-urls", f"http://127.0.0.1:{peer}",
             "--initial-cluster", f"t=http://127.0.0.1:{peer}", "--logger", "zap"],
            stderr=subprocess.PIPE, text=True)
        for line in self.proc.stderr:
            if "serving client traffic" in line:
                break
        else:
            self.close()
            raise RuntimeError("etcd exited before serving clients")
        # Keep draining its log so etcd never blocks on a full pipe.
        threading.Thread(target=lambda: [None for _ in self.proc.stderr], daemon=True).start()

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
        shutil.rmtree(self.dir, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", required=True)
    ap.add_argument("--etcd", default="etcd")
    a = ap.parse_args()
    if not a.etcd or a.etcd.endswith("NOTFOUND"):
        print("etcd is not installed: run scripts/install-deps.sh")
        return 1

    etcd = Etcd(a.etcd)
    try:
        ep = etcd.endpoint
        v3 = ["--api=v3", "--key-count=50", "--connections=4"]
        r = bench(a.bench, ep, *v3, "--workload=put", "--count=50", "--key-mode=sequential")
        check(r["ok"] == 50 and r["errors"] == 0, "v3 put: 50 ok")
        r = bench(a.bench, ep, *v3, "--workload=get", "--count=50")
        check(r["ok"] == 50 and r["errors"] == 0, "v3 range: 50 ok")
        r = bench(a.bench, ep, *v3, "--workload=txn", "--txn-ops=3", "--count=20")
        check(r["ok"] == 20 and r["errors"] == 0, "v3 txn of 3 puts: 20 ok")
        r = bench(a.bench, ep, *v3, "--workload=delete", "--count=50")
        check(r["ok"] == 50 and r["errors"] == 0, "v3 deleterange: 50 ok")
        r = bench(a.bench, ep, *v3, "--workload=watch", "--watchers=3", "--duration=1s",
                  "--rate=100")
        w = r["watch"]
        check(w["created"] == 3 and w["stream_errors"] == 0 and w["bad_frames"] == 0,
              "v3 watch: 3 streams created")
        check(r["ok"] > 50 and w["measured_events"] == w["expected_events"] == 3 * r["ok"],
              f"v3 watch: every put reached every watcher ({w['measured_events']} of "
              f"{w['expected_events']})")
        check(w["latency_us"]["p50"] > 0, "v3 watch: put->event latency measured")
    finally:
        etcd.close()
    check(etcd.proc.returncode is not None, "etcd stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
