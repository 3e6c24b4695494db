#!/usr/bin/env python3
"""Turns a Raft scenario transcript into a mermaid sequence diagram for the docs.

A scenario (stage3-raft-metrics/src/myetcd/raft/testdata/*.txt, format at the top of
scenario_test.cc) is a script of commands, each followed by the transcript the test checks.
This prints the transcript as a diagram:

    message "1->2 Vote term=1 last=0/0"      arrow 1 ->> 2   (a cross "-x" if lost)
    change  "  => 2: follower term=1 ..."    a note right of node 2
    command "campaign 1", "crash 3", ...      a note over all nodes (not: deliver, status)
    "  !! <violation>"                        a note over all nodes

    python3 scripts/raft-scenario-to-mermaid.py SCENARIO.txt [--fence] [--no-heartbeats]

--fence wraps the diagram in a ```mermaid block, ready to paste into a page.

Pages keep their diagrams in step with the tested transcripts: a line
`<!-- raft-scenario: election.txt [--no-heartbeats] -->` followed by a ```mermaid block marks
a generated diagram. `--check-docs DIR` fails if any such block differs from what the
scenario generates now (CTest runs it); `--update-docs DIR` rewrites them.

    python3 scripts/raft-scenario-to-mermaid.py --check-docs docs/stage3

Standard library only.
"""

import argparse
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
TESTDATA = ROOT / "stage3-raft-metrics" / "src" / "myetcd" / "raft" / "testdata"
MARK_RE = re.compile(r"^<!-- raft-scenario: (\S+)( --no-heartbeats)? -->$")

MSG_RE = re.compile(r"^(\d+)->(\d+) (\w+)(.*?)(  \(lost\))?$")
CHANGE_RE = re.compile(r"^  => (\d+): (.*)$")
QUIET_COMMANDS = ("deliver", "status", "cluster")


def blocks(lines):
    """Yields (command, [output lines]) in file order."""
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line or line.startswith("#"):
            i += 1
            continue
        if i + 1 >= len(lines) or lines[i + 1] != "----":
            raise ValueError(f"line {i + 1}: a command must be followed by ----")
        command, i = line, i + 2
        out = []
        while i < len(lines) and lines[i]:
            out.append(lines[i])
            i += 1
        yield command, out


def convert(text, heartbeats=True):
    lines = text.splitlines()
    nodes = 0
    body = []
    for command, out in blocks(lines):
        words = command.split()
        if words[0] == "cluster":
            for w in words[1:]:
                if w.startswith("nodes="):
                    nodes = int(w.split("=", 1)[1])
        everyone = f"n1,n{nodes}" if nodes > 1 else "n1"
        if words[0] not in QUIET_COMMANDS:
            body.append(f"    Note over {everyone}: {command}")
        for line in out:
            m = MSG_RE.match(line)
            if m:
                src, dst, kind, rest, lost = m.groups()
                if not heartbeats and kind.startswith("Heartbeat"):
                    continue
                arrow = "-x" if lost else "->>"
                label = (kind + rest).replace(";", ",").replace("#", "")
                body.append(f"    n{src}{arrow}n{dst}: {label}{' (lost)' if lost else ''}")
                continue
            m = CHANGE_RE.match(line)
            if m:
                body.append(f"    Note right of n{m.group(1)}: {m.group(2)}")
                continue
            if line.startswith("  !! "):
                body.append(f"    Note over {everyone}: VIOLATION {line[5:]}")
            elif line.startswith("dropped "):
                body.append(f"    Note over {everyone}: {line}")
            elif line.startswith("index ") or line.startswith("Aborted"):
                body.append(f"    Note over {everyone}: propose -> {line}")
    if nodes == 0:
        raise ValueError("no `cluster nodes=N` command")
    head = ["sequenceDiagram"] + [f"    participant n{i} as node {i}" for i in range(1, nodes + 1)]
    return "\n".join(head + body) + "\n"


def sync_docs(directory, update):
    """Checks (or rewrites) every marked diagram under `directory`; returns the stale ones."""
    stale = []
    for page in sorted(pathlib.Path(directory).rglob("*.md")):
        lines = page.read_text(encoding="utf-8").split("\n")
        out, i, changed = [], 0, False
        while i < len(lines):
            out.append(lines[i])
            m = MARK_RE.match(lines[i])
            if not m:
                i += 1
                continue
            text = (TESTDATA / m.group(1)).read_text(encoding="utf-8")
            want = ("```mermaid\n" + convert(text, heartbeats=not m.group(2)) + "```").split("\n")
            j = i + 1
            if j >= len(lines) or lines[j] != "```mermaid":
                raise ValueError(f"{page}:{i + 1}: the marker must be followed by ```mermaid")
            end = lines.index("```", j + 1)
            if lines[j:end + 1] != want:
                stale.append(f"{page}:{i + 1}: the diagram of {m.group(1)} is out of date")
                changed = True
            out.extend(want)
            i = end + 1
        if update and changed:
            page.write_text("\n".join(out), encoding="utf-8")
    return stale


def main(argv):
    if argv and argv[0] in ("--check-docs", "--update-docs"):
        stale = sync_docs(argv[1], update=argv[0] == "--update-docs")
        for s in stale:
            print(("updated: " if argv[0] == "--update-docs" else "FAIL: ") + s)
        if argv[0] == "--check-docs" and stale:
            print("run: python3 scripts/raft-scenario-to-mermaid.py --update-docs " + argv[1])
            return 1
        return 0
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("scenario")
    p.add_argument("--fence", action="store_true", help="wrap in a ```mermaid block")
    p.add_argument("--no-heartbeats", action="store_true", help="leave heartbeats out")
    args = p.parse_args(argv)
    with open(args.scenario, encoding="utf-8") as f:
        text = f.read()
    try:
        diagram = convert(text, heartbeats=not args.no_heartbeats)
    except ValueError as e:
        print(f"{args.scenario}: {e}", file=sys.stderr)
        return 1
    sys.stdout.write(f"```mermaid\n{diagram}```\n" if args.fence else diagram)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
