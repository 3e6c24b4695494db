"""Helpers for the tools tests: start the calibration server on 127.0.0.1:0 and learn its
address from the line it prints (never a guessed port, never a sleep)."""
import json
import signal
import subprocess


class Server:
    def __init__(self, path, threads=1):
        self.proc = subprocess.Popen(
            [path, "--listen", "127.0.0.1:0", "--threads", str(threads), "--log-level", "warn"],
            stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()  # blocks until the server listens (or dies)
        if not line.startswith("listening on "):
            self.proc.kill()
            raise RuntimeError(f"calibration server did not start: {line!r}")
        self.address = line.split()[-1]

    def stop(self):
        """SIGTERM, then the exit code (0 for a graceful stop)."""
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=30)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def bench(path, endpoint, *args, expect_rc=0):
    cmd = [path, "--endpoint", endpoint, "--json", *args]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if out.returncode != expect_rc:
        raise AssertionError(f"{' '.join(cmd)}: exit {out.returncode}, expected {expect_rc}\n"
                             f"{out.stdout}{out.stderr}")
    return json.loads(out.stdout)


def check(cond, what):
    """A test step: stop the test with `what` if cond is false, else say it held."""
    if not cond:
        raise AssertionError(what)
    print(f"ok: {what}")
