#!/usr/bin/env python3
"""T8b for the stage-1 server: a battery of generated malformed requests over raw sockets.

Every case must end in a 4xx (or, for a request whose bytes stop short, the server closing
the connection); never a 5xx, never a hang, never a crash. After every 50 cases a health
check must pass, and the server's resident memory may not grow by more than --rss-mb.
Cases that are unusual but valid (a NUL byte in a key, duplicate JSON fields) may also get
a 2xx. Standard library only; the real binary on 127.0.0.1, a data dir under /tmp.
"""

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import tempfile

KEY = "/v1/key/battery"


def request(method, target, body=b"", headers=None, version="HTTP/1.1"):
    h = {"Host": "127.0.0.1", "Content-Type": "application/json",
         "Content-Length": str(len(body))}
    h.update(headers or {})
    head = f"{method} {target} {version}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in h.items())
    return head.encode("latin-1") + b"\r\n" + body


def put(body):
    return request("PUT", KEY, body)


def cases(rng):
    """Yields (name, raw bytes, allowed outcomes). Outcomes: '4xx', '2xx', 'close'."""
    bad4 = {"4xx"}
    short = {"4xx", "close"}  # the request is cut: a 4xx or a clean hang-up
    # Request lines.
    for line in [b"GARBAGE", b"GET", b"GET /", b"GET / HTTP/9.9", b"GET / HTTP/1.1 extra",
                 b" / HTTP/1.1", b"GET  HTTP/1.1", b"\x00\x01\x02 / HTTP/1.1",
                 b"GET /v1/key/a\x00b HTTP/1.1", b"GET http://[::1 HTTP/1.1"]:
        yield f"request line {line[:20]!r}", line + b"\r\nHost: x\r\n\r\n", bad4
    for i in range(20):
        junk = bytes(rng.randrange(1, 256) for _ in range(rng.randrange(1, 200)))
        yield f"random request line {i}", junk.replace(b"\r", b"").replace(b"\n", b"") + \
            b"\r\n\r\n", bad4
    yield "unknown method", request("BREW", KEY), bad4
    yield "lowercase method", request("get", KEY), bad4
    # Framing.
    framing = [
        ("CL and TE both", {"Content-Length": "5", "Transfer-Encoding": "chunked"}, b"0\r\n\r\n"),
        ("negative CL", {"Content-Length": "-1"}, b""),
        ("CL 2^64", {"Content-Length": "18446744073709551616"}, b""),
        ("CL letters", {"Content-Length": "12abc"}, b""),
        ("two CLs", {"Content-Length": "3", "content-length": "4"}, b"abcd"),
        ("TE unknown", {"Transfer-Encoding": "gzip"}, b""),
        ("bad chunk size", {"Transfer-Encoding": "chunked"}, b"zz\r\nabc\r\n0\r\n\r\n"),
        ("chunk size overflow", {"Transfer-Encoding": "chunked"},
         b"ffffffffffffffffffff\r\nabc\r\n0\r\n\r\n"),
    ]
    for name, hdrs, body in framing:
        raw = request("PUT", KEY, b"", hdrs)
        raw = raw.replace(b"Content-Length: 0\r\n", b"") if "Content-Length" in hdrs else raw
        yield f"framing: {name}", raw + body, short
    yield "body shorter than CL", request("PUT", KEY, b"{}", {"Content-Length": "100"}), short
    yield "truncated chunk", request("PUT", KEY, b"", {"Transfer-Encoding": "chunked"})\
        .replace(b"Content-Length: 0\r\n", b"") + b"10\r\nabc", short
    # Headers.
    yield "header over 8 KiB", request("GET", KEY, headers={"X-Big": "a" * 9000}), bad4
    many = {f"X-H{i}": "v" for i in range(10000)}
    yield "10k headers", request("GET", KEY, headers=many), bad4
    yield "header without colon", b"GET / HTTP/1.1\r\nHost x\r\n\r\n", bad4
    # Bodies.
    yield "body 1.5 MiB + 1", put(b"x" * (1536 * 1024 + 1)), bad4
    # JSON.
    for i, body in enumerate([b"{", b'{"value":', b'{"value":"abc', b"[1,2", b"nul", b"\"str\"",
                              b"123", b"[]", b'{"value":"v",}', b"{'value':'v'}"]):
        yield f"bad JSON {i}: {body[:12]!r}", put(body), bad4
    yield "nesting 100k", put(b"[" * 100000), bad4
    yield "object nesting 10k", put(b'{"a":' * 10000 + b"1" + b"}" * 10000), bad4
    for field, value in [("value", 5), ("value", None), ("value", [1]), ("value", {"a": 1}),
                         ("value", True), ("lease", "7"), ("lease", 1.5), ("lease", -1),
                         ("lease", 2 ** 70), ("lease", 2 ** 53), ("prev_kv", "yes"),
                         ("ttl", -5), ("ttl", 2 ** 70), ("key", 17), ("key", "other")]:
        body = {"value": "v"}
        body[field] = value
        yield f"wrong {field}={value!r}", put(json.dumps(body).encode()), bad4
    for name, target, body in [
        ("range limit -1", "/v1/range", {"key": "a", "limit": -1}),
        ("range revision 2^70", "/v1/range", {"key": "a", "revision": 2 ** 70}),
        ("range sort nonsense", "/v1/range", {"key": "a", "sort_order": "UP"}),
        ("range prefix and range_end", "/v1/range", {"key": "a", "prefix": True, "range_end": "b"}),
        ("compact nothing", "/v1/compact", {}),
        ("compact 2^70", "/v1/compact", {"revision": 2 ** 70}),
        ("compact future", "/v1/compact", {"revision": 10 ** 12}),
        ("txn compare not a list", "/v1/txn", {"compare": "x"}),
        ("txn bad target", "/v1/txn", {"compare": [{"key": "a", "target": "colour"}]}),
        ("txn bad op", "/v1/txn", {"success": [{"op": "FLY", "key": "a"}]}),
        ("txn duplicate key", "/v1/txn", {"success": [{"op": "PUT", "key": "a"},
                                                      {"op": "PUT", "key": "a"}]}),
        ("txn 200 ops", "/v1/txn", {"success": [{"op": "PUT", "key": f"k{i}"}
                                                for i in range(200)]}),
    ]:
        yield name, request("POST", target, json.dumps(body).encode()), bad4
    # Encodings.
    for i, raw in enumerate([b"\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80",
                             b"\xe4\xb8", b"a\x80b"]):
        yield f"invalid UTF-8 in value {i}", put(b'{"value":"' + raw + b'"}'), bad4
        yield f"invalid UTF-8 in URL key {i}", request(
            "GET", "/v1/key/" + "".join(f"%{b:02x}" for b in raw)), bad4
    yield "bad percent escape", request("GET", "/v1/key/a%zz"), bad4
    yield "bad query escape", request("GET", KEY + "?revision=%"), bad4
    yield "empty key", request("PUT", "/v1/key/", b'{"value":"v"}'), bad4
    yield "revision not a number", request("GET", KEY + "?revision=abc"), bad4
    yield "revision 2^70 in query", request("GET", KEY + f"?revision={2 ** 70}"), bad4
    yield "1 MiB key in URL", request("GET", "/v1/key/" + "k" * (1 << 20)), bad4
    yield "NUL in key (valid)", request("PUT", "/v1/key/a%00b", b'{"value":"v"}'), {"2xx", "4xx"}
    yield "NUL in value (valid)", put(b'{"value":"a\\u0000b"}'), {"2xx"}
    yield "duplicate field (valid)", put(b'{"value":"a","value":"b"}'), {"2xx", "4xx"}
    yield "unknown route", request("GET", "/v2/anything"), bad4
    yield "method not allowed", request("PATCH", KEY), bad4
    # Random mutations of a valid request: flip, cut and duplicate bytes.
    base = put(b'{"value":"hello","prev_kv":true}')
    for i in range(120):
        raw = bytearray(base)
        for _ in range(rng.randrange(1, 6)):
            pos = rng.randrange(len(raw))
            op = rng.randrange(3)
            if op == 0:
                raw[pos] = rng.randrange(256)
            elif op == 1:
                del raw[pos]
            else:
                raw.insert(pos, raw[pos])
        # A mutation may leave a valid request: any 2xx/4xx or a hang-up is fine, 5xx is not.
        yield f"mutation {i}", bytes(raw), {"2xx", "4xx", "close"}


def send(port, raw, timeout):
    """Sends raw bytes, half-closes, and returns ('status', code) or ('close', None)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        try:
            s.sendall(raw)
            s.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the server may hang up before it read everything: judged by what it sent
        data = b""
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            except socket.timeout:
                return "hang", None
            if not chunk:
                break
            data += chunk
            if b"\r\n\r\n" in data:
                break
    finally:
        s.close()
    m = re.match(rb"HTTP/1\.[01] (\d{3})", data)
    return ("status", int(m.group(1))) if m else ("close", None)


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--server", required=True)
    p.add_argument("--rss-mb", type=int, default=50)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    data_dir = tempfile.mkdtemp(prefix="myetcd-battery-", dir="/tmp")
    proc = subprocess.Popen([a.server, "--listen", "127.0.0.1:0", "--data-dir", data_dir,
                             "--log-level", "error", "--header-timeout", "2s"],
                            stdout=subprocess.PIPE, text=True)
    failures = []
    try:
        m = re.search(r"127\.0\.0\.1:(\d+)", proc.stdout.readline())
        port = int(m.group(1))
        health = request("GET", "/health")
        assert send(port, health, 10) == ("status", 200)
        rss_before = rss_kib(proc.pid)
        n = 0
        for name, raw, allowed in cases(random.Random(a.seed)):
            n += 1
            kind, code = send(port, raw, timeout=15)
            outcome = "close" if kind == "close" else "hang" if kind == "hang" else \
                f"{code // 100}xx"
            if outcome not in allowed:
                failures.append(f"{name}: got {code if code else kind}, allowed {sorted(allowed)}")
            if proc.poll() is not None:
                failures.append(f"{name}: the server died (exit {proc.returncode})")
                break
            if n % 50 == 0 and send(port, health, 10) != ("status", 200):
                failures.append(f"after case {n} ({name}): /health did not answer 200")
        growth_mb = (rss_kib(proc.pid) - rss_before) / 1024
        if growth_mb > a.rss_mb:
            failures.append(f"RSS grew by {growth_mb:.1f} MiB (limit {a.rss_mb})")
        if send(port, health, 10) != ("status", 200):
            failures.append("the server does not serve /health after the battery")
        proc.send_signal(signal.SIGTERM)
        if proc.wait(timeout=60) != 0:
            failures.append("the server did not exit 0 on SIGTERM")
        print(f"{n} malformed-input cases; RSS growth {growth_mb:.1f} MiB")
    finally:
        if proc.poll() is None:
            proc.kill()
        shutil.rmtree(data_dir, ignore_errors=True)
    for f in failures:
        print("FAIL:", f)
    if n < 200:
        failures.append(f"only {n} cases generated")
    print(f"{n - len(failures)} passed, {len(failures)} failed")
    raise SystemExit(1 if failures else 0)


if __name__ == "__main__":
    main()
