#!/usr/bin/env python3
"""History recorder: N clients against a /v1 server, one JSON line per operation, in the
format myetcd-lincheck reads (tools/lincheck/history.h).

Rules it keeps (TESTING.md "What a small checker needs"):
  * every value written is unique: c<client>-<seq>;
  * call_ns is taken before the request is sent and ret_ns after the whole response, both
    from time.monotonic_ns() (CLOCK_MONOTONIC) of this one process;
  * each client id has one operation in flight; after an indeterminate outcome (timeout,
    reset, 5xx after the bytes went out) the client takes a NEW id, because the old op stays
    concurrent with everything after it;
  * an indeterminate write is recorded with outcome "unknown" and no ret_ns; a failed read
    is dropped; a 4xx or 429 is a definite failure (the server refused before logging).

Standard library only. Used as a module by the crash tests, or run alone:
  recorder.py --endpoint 127.0.0.1:2379 --seconds 5 --out history.jsonl
"""

import argparse
import http.client
import json
import random
import threading
import time


class Recorder:
    def __init__(self, out_path, keys=10, seed=1):
        self.out = open(out_path, "a", encoding="utf-8")
        self.lock = threading.Lock()
        self.keys = [f"k{i}" for i in range(keys)]
        self.rng = random.Random(seed)
        self.next_client = 0
        self.next_op = 0
        self.acked_puts = 0

    def new_client_id(self):
        with self.lock:
            self.next_client += 1
            return self.next_client

    def record(self, entry):
        with self.lock:
            self.next_op += 1
            entry["op_id"] = self.next_op
            self.out.write(json.dumps(entry) + "\n")
            self.out.flush()
            if entry["f"] == "put" and entry["outcome"] == "ok":
                self.acked_puts += 1

    def close(self):
        self.out.close()

    def run_client(self, endpoint, role, stop, seed, timeout=5.0):
        """One logical client until `stop` is set: puts (role 'writer') or gets ('reader')."""
        rng = random.Random(seed)
        client = self.new_client_id()
        seq = 0
        conn = None
        while not stop.is_set():
            key = rng.choice(self.keys)
            if conn is None:
                host, port = endpoint.rsplit(":", 1)
                conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
            entry = {"client": client, "key": key}
            if role == "writer":
                seq += 1
                value = f"c{client}-{seq}"
                entry.update(f="put", value=value)
                method, path, body = "PUT", f"/v1/key/{key}", json.dumps({"value": value})
            else:
                entry.update(f="get")
                method, path, body = "GET", f"/v1/key/{key}", None
            entry["call_ns"] = time.monotonic_ns()
            try:
                if conn.sock is None:
                    try:
                        conn.connect()
                    except OSError:  # refused: nothing was sent, so there is no operation
                        conn.close()
                        conn = None
                        if stop.wait(0.01):
                            break
                        continue
                conn.request(method, path, body=body,
                             headers={"Content-Type": "application/json"})
                resp = conn.getresponse()
                data = json.loads(resp.read() or b"{}")
                entry["ret_ns"] = time.monotonic_ns()
                status = resp.status
            except (OSError, http.client.HTTPException, ValueError):
                status = None
            if status is None or status >= 500:
                # Indeterminate: a write may or may not have happened; a read tells nothing.
                if role == "writer":
                    entry.pop("ret_ns", None)
                    entry["outcome"] = "unknown"
                    self.record(entry)
                if conn is not None:
                    conn.close()
                conn = None
                client = self.new_client_id()
                if status is None and stop.is_set():
                    break
                continue
            if role == "writer":
                entry["outcome"] = "ok" if status == 200 else "fail"
                if status == 200:
                    entry["revision"] = data["data"]["header"]["revision"]
            else:
                if status == 200:
                    entry["value"] = data["data"]["value"]
                    entry["revision"] = data["data"]["header"]["revision"]
                    entry["mod_revision"] = data["data"]["mod_revision"]
                    entry["outcome"] = "ok"
                elif status == 404:
                    entry["value"] = None
                    entry["outcome"] = "ok"
                else:
                    continue  # a failed read is dropped
            self.record(entry)
        if conn is not None:
            conn.close()

    def read_all(self, endpoint):
        """One final reader over every key (after a restart: what survived)."""
        client = self.new_client_id()
        host, port = endpoint.rsplit(":", 1)
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        for key in self.keys:
            entry = {"client": client, "key": key, "f": "get", "call_ns": time.monotonic_ns()}
            conn.request("GET", f"/v1/key/{key}")
            resp = conn.getresponse()
            data = json.loads(resp.read())
            entry["ret_ns"] = time.monotonic_ns()
            entry["outcome"] = "ok"
            if resp.status == 200:
                entry.update(value=data["data"]["value"], revision=data["data"]["header"]["revision"],
                             mod_revision=data["data"]["mod_revision"])
            else:
                entry["value"] = None
            self.record(entry)
        conn.close()


def run(recorder, endpoint, writers, readers, seconds, seed):
    stop = threading.Event()
    threads = []
    for i in range(writers + readers):
        role = "writer" if i < writers else "reader"
        t = threading.Thread(target=recorder.run_client, args=(endpoint, role, stop, seed * 100 + i))
        t.start()
        threads.append(t)
    time.sleep(seconds)  # the workload's duration (not synchronisation)
    stop.set()
    for t in threads:
        t.join()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--endpoint", required=True)
    p.add_argument("--seconds", type=float, default=5)
    p.add_argument("--writers", type=int, default=4)
    p.add_argument("--readers", type=int, default=2)
    p.add_argument("--keys", type=int, default=10)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    r = Recorder(a.out, keys=a.keys, seed=a.seed)
    run(r, a.endpoint, a.writers, a.readers, a.seconds, a.seed)
    r.close()
    print(f"recorded {r.next_op} operations ({r.acked_puts} acknowledged puts) in {a.out}")


if __name__ == "__main__":
    main()
