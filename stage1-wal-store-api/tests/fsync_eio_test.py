#!/usr/bin/env python3
"""T3b for the stage-1 server: a failed fsync, injected with strace into the real binary.

Each run starts stage1-server under

    strace -f --seccomp-bpf -ttt -o TRACE -e trace=fdatasync \\
           -e inject=fdatasync:error=EIO:when=N

so the N-th fdatasync of one thread (strace counts per thread: in practice the committer's
N-th WAL sync) fails with EIO, once; the next one would succeed, which is exactly how a
retried fsync can "succeed" over lost data (fsyncgate). Note `-e trace=none` would
silently turn the injection off; tracing only fdatasync keeps strace cheap and writes the
injected call, with its time, to TRACE. Meanwhile 8 writers PUT unique keys. Then:

  * the injection happened (TRACE has exactly one "(INJECTED)" line), after some writes
    were acknowledged;
  * no write sent after the failed fdatasync is acknowledged: each is a 503 (NOT_READY),
    and at least 50 were tried;
  * /v1/health and /health answer 503, the first naming the failure; reads still work;
  * SIGTERM stops the server (its exit status is not checked: a poisoned WAL cannot close
    cleanly); restarted WITHOUT strace on the same data dir, every acknowledged write is
    there and new writes are accepted again.

Data dirs under /tmp, servers on 127.0.0.1 only. Standard library only.
"""

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time


def fail(msg):
    raise SystemExit(f"FAIL: {msg}")


def expect(cond, what):
    if not cond:
        fail(what)
    print(f"ok: {what}", flush=True)


def start(cmd, env=None):
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env)
    line = proc.stdout.readline()
    m = re.search(r"listening on (127\.0\.0\.1):(\d+)", line)
    if not m:
        proc.kill()
        fail(f"the server did not start: {line!r}")
    return proc, m.group(1), int(m.group(2))


def request(conn, method, path, body=None):
    conn.request(method, path, body=None if body is None else json.dumps(body),
                 headers={"Content-Type": "application/json"})
    resp = conn.getresponse()
    data = resp.read()
    try:
        return resp.status, json.loads(data)
    except ValueError:
        return resp.status, {"raw": data.decode(errors="replace")}


class Writers:
    """Writers PUT unique keys w<t>-<seq>; every attempt is recorded as
    (call_time, status or None for a lost connection, key, value)."""

    def __init__(self, host, port, count):
        self.host, self.port, self.count = host, port, count
        self.stop = threading.Event()
        self.refused = threading.Event()  # set by the first 5xx answer
        self.lock = threading.Lock()
        self.log = []
        self.threads = [threading.Thread(target=self.run, args=(t,)) for t in range(count)]

    def run(self, t):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        seq = 0
        while not self.stop.is_set():
            seq += 1
            key, value = f"w{t}-{seq}", f"v{t}-{seq}"
            call = time.time()  # CLOCK_REALTIME, like strace -ttt
            try:
                status, _ = request(conn, "PUT", f"/v1/key/{key}", {"value": value})
            except (OSError, http.client.HTTPException):
                status = None
                conn.close()
                conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
            with self.lock:
                self.log.append((call, status, key, value))
            if status is not None and status >= 500:
                self.refused.set()

    def __enter__(self):
        for th in self.threads:
            th.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for th in self.threads:
            th.join()

    def snapshot(self):
        with self.lock:
            return list(self.log)


def server_pid(strace_proc):
    """The pid of the server strace started (strace's only child)."""
    path = f"/proc/{strace_proc.pid}/task/{strace_proc.pid}/children"
    with open(path, encoding="ascii") as f:
        children = f.read().split()
    if len(children) != 1:
        fail(f"strace should have one child, has {children}")
    return int(children[0])


def injected_at(trace_path):
    """The times (epoch seconds) of the fdatasync calls strace failed on purpose."""
    times = []
    with open(trace_path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if "(INJECTED)" in line:
                m = re.match(r"\s*(?:\[pid\s+)?\d+\]?\s+(\d+\.\d+)\s", line)
                if not m:
                    fail(f"cannot read the time of the injected call: {line!r}")
                times.append(float(m.group(1)))
    return times


def one_run(a, n, work):
    data_dir = os.path.join(work, f"data-{n}")
    trace = os.path.join(work, f"strace-{n}.txt")
    env = dict(os.environ)
    # LeakSanitizer stops the world with ptrace at exit, which cannot work while strace is
    # the tracer; leaks are checked by every other run of the server.
    env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") + ":detect_leaks=0").lstrip(":")
    cmd = [a.strace, "-f", "--seccomp-bpf", "-ttt", "-o", trace, "-e", "trace=fdatasync",
           "-e", f"inject=fdatasync:error=EIO:when={n}",
           a.server, "--listen", "127.0.0.1:0", "--data-dir", data_dir, "--log-level", "error"]
    print(f"-- run with the {n}th fdatasync failing: {' '.join(cmd[:8])} ...", flush=True)
    traced, host, port = start(cmd, env)
    acked = {}
    try:
        with Writers(host, port, a.writers) as w:
            # Until the server refuses a write (an event, not a poll), then 1 s more of
            # writes that must all fail (a workload length, not a synchronisation).
            w.refused.wait(a.timeout)
            time.sleep(1.0)
        log = w.snapshot()
        when = injected_at(trace)
        expect(len(when) == 1, f"strace failed exactly one fdatasync with EIO (found {len(when)})")
        t_fail = when[0]
        before = [e for e in log if e[0] < t_fail]
        after = [e for e in log if e[0] > t_fail]
        acked = {k: v for _, s, k, v in log if s == 200}
        expect(any(s == 200 for _, s, _, _ in before),
               f"writes were acknowledged before the failure ({len(acked)} in all)")
        late_acks = [e for e in after if e[1] is not None and e[1] < 300]
        expect(not late_acks,
               f"no write sent after the failed fdatasync was acknowledged "
               f"({len(late_acks)} were; first: {late_acks[:1]})")
        expect(len(after) >= 50, f"at least 50 writes were tried after it ({len(after)})")
        statuses = sorted({s for _, s, _, _ in after}, key=str)
        expect(statuses == [503], f"every one of them got 503 (statuses seen: {statuses})")

        conn = http.client.HTTPConnection(host, port, timeout=10)
        status, body = request(conn, "GET", "/v1/health")
        reason = json.dumps(body)
        expect(status == 503 and ("wal" in reason.lower() or "fsync" in reason.lower()),
               f"/v1/health is 503 and names the failure: {status} {reason[:160]}")
        status, _ = request(conn, "GET", "/health")
        expect(status == 503, f"/health is 503 ({status})")
        key = next(iter(acked))
        status, body = request(conn, "GET", f"/v1/key/{key}")
        expect(status == 200 and body["data"]["value"] == acked[key],
               "reads are still served after the failure")
        conn.close()
    finally:
        try:
            os.kill(server_pid(traced), signal.SIGTERM)
        except (OSError, SystemExit):
            traced.kill()
        try:
            traced.wait(timeout=30)
        except subprocess.TimeoutExpired:
            traced.kill()
            traced.wait()
            fail("the server did not stop within 30 s of SIGTERM after the failure")
    print(f"   stopped (exit status {traced.returncode} under strace)", flush=True)

    proc, host, port = start([a.server, "--listen", "127.0.0.1:0", "--data-dir", data_dir,
                              "--log-level", "warn"])
    try:
        conn = http.client.HTTPConnection(host, port, timeout=10)
        lost = []
        for key, value in acked.items():
            status, body = request(conn, "GET", f"/v1/key/{key}")
            if status != 200 or body["data"]["value"] != value:
                lost.append((key, value, status))
        expect(not lost, f"restarted without strace: all {len(acked)} acknowledged writes are "
                         f"there (lost {len(lost)}: {lost[:3]})")
        status, _ = request(conn, "PUT", "/v1/key/after-restart", {"value": "x"})
        expect(status == 200, f"writes are accepted again after the restart ({status})")
        conn.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=30)
    expect(code == 0, "the restarted server exits 0 on SIGTERM")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--server", required=True)
    p.add_argument("--strace", default=shutil.which("strace"))
    p.add_argument("--runs", type=int, default=3, help="runs, each with its own N")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--writers", type=int, default=8)
    p.add_argument("--timeout", type=float, default=30.0,
                   help="seconds to wait for the injected failure to reach a client")
    a = p.parse_args()
    if not a.strace or not os.path.exists(a.strace):
        fail(f"strace is not installed ({a.strace}; scripts/install-deps.sh installs it)")
    rng = random.Random(a.seed)
    work = tempfile.mkdtemp(prefix="myetcd-eio-", dir="/tmp")
    ok = False
    try:
        for _ in range(a.runs):
            one_run(a, rng.randint(20, 300), work)
        ok = True
        print(f"{a.runs} runs: nothing acknowledged after a failed fsync, nothing acknowledged "
              f"lost after a restart")
        print("1 passed, 0 failed")
    finally:
        if ok:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work} (data dirs and strace output)")


if __name__ == "__main__":
    main()
