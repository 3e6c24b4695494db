#!/usr/bin/env python3
"""T2a for the stage-1 server: kill -9 under concurrent writes, restart, repeat; then check the
whole history, across every restart, with myetcd-lincheck. An acknowledged write that a
restart lost shows up as a read the checker cannot place; a revision that went back, as a
revision-rule violation.

With --powercut the server runs with MYETCD_POWERCUT set: its file layer keeps every byte
in the process until the fsync that covers it, so SIGKILL loses exactly what a power cut
would (a plain kill -9 keeps the page cache and cannot catch a missing fsync).

--snapshots makes the server snapshot every 100 writes and purge its 64 KiB WAL segments
(--wal-keep-entries 0), so kills also land inside snapshot saves and purges, and restarts
boot from a snapshot plus the WAL tail.

The canaries prove the test has teeth (CTest runs them with WILL_FAIL):
  ACK_AT_ENQUEUE    answers before writing: lost acknowledged writes;
  ACK_BEFORE_FSYNC  answers after writing, before the fdatasync returned: lost acknowledged
                    writes, in power-cut mode only (a plain kill keeps the page cache);
  STALE_LOCAL_READ  serves reads from a copy refreshed every 100 ms: stale reads.
"""

import argparse
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

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "tools", "lincheck"))
import recorder  # noqa: E402


SNAPSHOT_ARGS = ["--snapshot-count", "100", "--wal-segment-size", "64KiB",
                 "--wal-keep-entries", "0"]


def start(server, data_dir, env, extra):
    proc = subprocess.Popen([server, "--listen", "127.0.0.1:0", "--data-dir", data_dir,
                             "--log-level", "warn", *extra], stdout=subprocess.PIPE, text=True,
                            env=env)
    line = proc.stdout.readline()
    m = re.search(r"listening on (127\.0\.0\.1:\d+)", line)
    if not m:
        proc.kill()
        raise SystemExit(f"FAIL: the server did not start: {line!r}")
    return proc, m.group(1)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--server", required=True)
    p.add_argument("--lincheck", required=True)
    p.add_argument("--cycles", type=int, default=20)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--powercut", action="store_true")
    p.add_argument("--min-acked", type=int, default=200)
    p.add_argument("--snapshots", action="store_true")
    p.add_argument("--keep-data", action="store_true",
                   help="keep the work dir (data dir, history) when the run fails; without "
                        "it only a failing history is kept, so the expected failures of "
                        "the canary and lab-starter runs do not fill /tmp")
    a = p.parse_args()
    rng = random.Random(a.seed)
    work = tempfile.mkdtemp(prefix="myetcd-crash-", dir="/tmp")
    root = os.path.join(work, "disk")
    os.makedirs(root)
    data_dir = os.path.join(root, "data")
    history = os.path.join(work, "history.jsonl")
    env = dict(os.environ)
    if a.powercut:
        env["MYETCD_POWERCUT"] = root
    rec = recorder.Recorder(history, keys=10, seed=a.seed)
    ok = False
    try:
        for cycle in range(a.cycles):
            proc, endpoint = start(a.server, data_dir, env, SNAPSHOT_ARGS if a.snapshots else [])
            stop = threading.Event()
            clients = [threading.Thread(target=rec.run_client,
                                        args=(endpoint, "writer" if i < 4 else "reader", stop,
                                              a.seed * 1000 + cycle * 10 + i))
                       for i in range(6)]
            for t in clients:
                t.start()
            time.sleep(rng.uniform(0.2, 3.0))  # when the power goes: a seeded random moment
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            stop.set()
            for t in clients:
                t.join()
            print(f"cycle {cycle + 1}: killed; {rec.acked_puts} puts acknowledged so far",
                  flush=True)
        proc, endpoint = start(a.server, data_dir, env, SNAPSHOT_ARGS if a.snapshots else [])
        rec.read_all(endpoint)
        proc.send_signal(signal.SIGTERM)
        if proc.wait(timeout=60) != 0:
            raise SystemExit("FAIL: the server did not exit 0 on SIGTERM")
        rec.close()
        if rec.acked_puts < a.min_acked:
            raise SystemExit(f"FAIL: invalid run: only {rec.acked_puts} acknowledged puts "
                             f"(floor {a.min_acked})")
        check = subprocess.run([a.lincheck, "--budget", "60s", history], text=True,
                               capture_output=True)
        print(check.stdout[-4000:])
        if check.returncode != 0:
            kept = os.path.join(tempfile.gettempdir(), f"myetcd-crash-history-{a.seed}.jsonl")
            shutil.copy(history, kept)
            raise SystemExit(f"FAIL: the history is not linearizable (exit {check.returncode});"
                             f" kept {kept} for: {a.lincheck} {kept}")
        ok = True
        print(f"{rec.next_op} operations over {a.cycles} kill -9 cycles"
              f"{' in power-cut mode' if a.powercut else ''}: linearizable, "
              f"{rec.acked_puts} acknowledged puts, none lost")
        print("1 passed, 0 failed")
    finally:
        if ok or not a.keep_data:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept the work dir {work}")


if __name__ == "__main__":
    main()
