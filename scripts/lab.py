#!/usr/bin/env python3
"""Labs cut from the real code: start, check, grade, verify (docs/start-here/labs.md).

A lab is a marked region of a stage .cc file:

    // EXERCISE(s1-01) BEGIN stub: return false;
    ...the real code...
    // EXERCISE(s1-01) END

`start` copies that file to workspace/<id>/ with every region of the lab replaced by a TODO
line and the stub; the learner edits only workspace/. `check` builds the learner's copy into
the stage's own tests (clang, ASan+UBSan, Debug, in build/labs) and runs the lab's cases.
`grade` prints where every lab stands. `verify` (CI) builds every lab's generated starter
and the real file and proves: the starter compiles, at least one case fails on it, and all
cases pass on the real file. exercises/labs.json is the list of labs.

A lab may also name a "program" (a myetcd_app, e.g. stage1-server) and a "script" that
grades it (e.g. the power-cut crash test): the build then makes that program around the
lab's file too (ex_<id>_server), and a lab passes only if its cases AND the script pass
(`script_args` may say {bin} for the build's bin/ directory; `script_tools` are the
programs there that the script needs). On the starter, both must fail.

Standard library only, so it runs on a fresh machine before anything is installed.
"""

import argparse
import concurrent.futures
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "exercises" / "labs.json"
WORKSPACE = ROOT / "workspace"
LAB_BUILD = ROOT / "build" / "labs"
STAGE_DIRS = ["stage1-wal-store-api", "stage2-watch-lease-batch", "stage3-raft-metrics", "final"]

BEGIN_RE = re.compile(r"^(\s*)// EXERCISE\(([a-z0-9-]+)\) BEGIN(?: stub: (.*))?$")
END_RE = re.compile(r"^\s*// EXERCISE\(([a-z0-9-]+)\) END\s*$")
ANY_MARKER_RE = re.compile(r"EXERCISE\(")
SUMMARY_RE = re.compile(
    r"test cases:\s*(\d+)\s*\|\s*(\d+) passed\s*\|\s*(\d+) failed")


class LabError(Exception):
    pass


def load_labs():
    with open(MANIFEST, encoding="utf-8") as f:
        labs = json.load(f)["labs"]
    return {lab["id"]: lab for lab in labs}


def find_lab(lab_id):
    labs = load_labs()
    if lab_id not in labs:
        raise LabError(f"unknown lab '{lab_id}'; known: {', '.join(sorted(labs))}")
    return labs[lab_id]


def parse_regions(text, path):
    """Returns [(lab_id, begin_line, end_line, indent, stub)] (0-based, inclusive)."""
    regions, open_region = [], None
    for n, line in enumerate(text.splitlines()):
        begin, end = BEGIN_RE.match(line), END_RE.match(line)
        if begin:
            if open_region:
                raise LabError(f"{path}:{n + 1}: BEGIN inside the region opened at line "
                               f"{open_region[1] + 1}")
            if not begin.group(3) or not begin.group(3).strip():
                raise LabError(f"{path}:{n + 1}: BEGIN has no 'stub: <code>'")
            open_region = (begin.group(2), n, begin.group(1), begin.group(3).strip())
        elif end:
            if not open_region or open_region[0] != end.group(1):
                raise LabError(f"{path}:{n + 1}: END of {end.group(1)} without its BEGIN")
            lab_id, start, indent, stub = open_region
            regions.append((lab_id, start, n, indent, stub))
            open_region = None
        elif ANY_MARKER_RE.search(line) and "// EXERCISE(" in line:
            raise LabError(f"{path}:{n + 1}: malformed EXERCISE marker: {line.strip()}")
    if open_region:
        raise LabError(f"{path}:{open_region[1] + 1}: region {open_region[0]} is never closed")
    return regions


def make_starter(lab, source_text, source_path):
    """The learner's copy: every region of this lab replaced by a TODO and its stub."""
    regions = [r for r in parse_regions(source_text, source_path) if r[0] == lab["id"]]
    if not regions:
        raise LabError(f"{source_path}: no EXERCISE({lab['id']}) region")
    lines = source_text.splitlines()
    out = [f"// Lab {lab['id']} ({lab['title']}): your copy of {lab['file']}.",
           f"// Made by `scripts/lab.py start {lab['id']}`. Fill in the TODO(s); "
           f"`make check EX={lab['id']}` grades them.", ""]
    cursor = 0
    for _, start, end, indent, stub in regions:
        out.extend(lines[cursor:start])
        out.append(f"{indent}// TODO({lab['id']}): {lab['task']}; see {lab['page']}")
        out.append(f"{indent}{stub}")
        cursor = end + 1
    out.extend(lines[cursor:])
    return "\n".join(out) + "\n"


def run_cases(binary, cases, extra_args=()):
    """Runs the doctest binary on the lab's cases; returns (selected, passed, failed, output)."""
    proc = subprocess.run([binary, f"--test-case={cases}", "--no-version=true",
                           "--no-skipped-summary=true", *extra_args],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          errors="replace", check=False)
    m = SUMMARY_RE.search(proc.stdout)
    if not m:  # crashed before doctest printed its summary: count it as one failure
        return None, 0, 1, proc.stdout + f"\n(exit code {proc.returncode}, no summary)\n"
    selected, passed, failed = (int(g) for g in m.groups())
    if proc.returncode != 0 and failed == 0:
        failed = 1
    return selected, passed, failed, proc.stdout


def script_command(lab, program, bin_dir):
    args = [a.replace("{bin}", str(bin_dir)) for a in lab.get("script_args", [])]
    return [sys.executable, str(ROOT / lab["script"]), "--server", str(program), *args]


def run_script(lab, program, bin_dir):
    """Runs the lab's grading script against a build of its program; returns (passed, output)."""
    proc = subprocess.run(script_command(lab, program, bin_dir), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, errors="replace", check=False)
    return proc.returncode == 0, proc.stdout + f"\n(exit code {proc.returncode})\n"


def script_title(lab):
    """The script and its arguments as a learner reads them (paths into the build left out)."""
    args, shown = lab.get("script_args", []), []
    for i, a in enumerate(args):
        names_path = i + 1 < len(args) and "{bin}" in args[i + 1]
        if "{bin}" not in a and not (a.startswith("--") and names_path):
            shown.append(a)
    return f"{Path(lab['script']).name} {' '.join(shown)}".strip()


# ---- commands -----------------------------------------------------------------------------

def cmd_stub(args):
    lab = find_lab(args.id)
    source = Path(args.source)
    text = make_starter(lab, source.read_text(encoding="utf-8"), source)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if not out.exists() or out.read_text(encoding="utf-8") != text:
        out.write_text(text, encoding="utf-8")


def cmd_start(args):
    lab = find_lab(args.id)
    source = ROOT / lab["file"]
    dest = WORKSPACE / lab["id"] / source.name
    if dest.exists() and not args.force:
        print(f"{dest.relative_to(ROOT)} already exists; edit it, or pass --force to start over.")
        return 0
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(make_starter(lab, source.read_text(encoding="utf-8"), source),
                    encoding="utf-8")
    print(f"Lab {lab['id']}: {lab['title']} (difficulty {lab['difficulty']}, {lab['hours']} h)")
    print(f"  edit:  {dest.relative_to(ROOT)}")
    print(f"  read:  {lab['page']}")
    print(f"  check: make check EX={lab['id']}")
    return 0


def configure_lab_build():
    env = dict(os.environ, CC="clang", CXX="clang++")
    env.setdefault("CCACHE_BASEDIR", str(ROOT))
    env.setdefault("CCACHE_NOHASHDIR", "true")
    cmd = ["cmake", "-S", str(ROOT), "-B", str(LAB_BUILD), "-G", "Ninja",
           "-DCMAKE_BUILD_TYPE=Debug", "-DMYETCD_SANITIZE=ON",
           f"-DMYETCD_LAB_WORKSPACE={WORKSPACE}"]
    proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, check=False)
    if proc.returncode != 0:
        print(proc.stdout)
        raise LabError("configuring build/labs failed (see above)")
    return env


def build_learner(lab):
    learner = WORKSPACE / lab["id"] / Path(lab["file"]).name
    if not learner.exists():
        return None
    env = configure_lab_build()
    target = f"ex_{lab['id']}"
    targets = [target]
    if lab.get("program"):
        targets += [f"{target}_server", *lab.get("script_tools", [])]
    proc = subprocess.run(["cmake", "--build", str(LAB_BUILD), "--target", *targets],
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, check=False)
    if proc.returncode != 0:
        return proc.stdout
    return LAB_BUILD / "labs" / target


def cmd_check(args):
    lab = find_lab(args.id)
    built = build_learner(lab)
    if built is None:
        print(f"No workspace copy yet: run `make start EX={lab['id']}` first.")
        return 2
    if isinstance(built, str):
        print(built)
        print(f"\nLab {lab['id']}: your file does not compile (errors above).")
        return 1
    ok, text = check_binary(lab, str(built), max(1, args.repeat),
                            program=f"{built}_server", bin_dir=LAB_BUILD / "bin")
    print(text)
    return 0 if ok else 1


def check_binary(lab, binary, repeat, program=None, bin_dir=None):
    """Runs the lab's cases `repeat` times in parallel, then its script once if it has one;
    returns (passed, what to print)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(repeat, os.cpu_count() or 2)) as ex:
        results = list(ex.map(lambda _: run_cases(binary, lab["cases"]), range(repeat)))
    failed_runs = [(i, r) for i, r in enumerate(results) if r[2] > 0 or not r[0]]
    selected, passed, _, output = failed_runs[0][1] if failed_runs else results[0]
    # doctest's "run with --help" banner is noise for a learner.
    output = "\n".join(l for l in output.splitlines() if "run with \"--help\"" not in l)
    if failed_runs:
        return False, (f"{output}\n\nLab {lab['id']}: not yet: {len(failed_runs)} of {repeat} "
                       f"runs failed (first failing run #{failed_runs[0][0] + 1} shown). "
                       f"Read {lab['page']}.")
    runs = f", {repeat} runs" if repeat > 1 else ""
    if lab.get("script"):
        # Only the verdict is shown on success: the script's counts differ run to run.
        ok, script_output = run_script(lab, program, bin_dir)
        if not ok:
            return False, (f"{output}\n\n{script_output.rstrip()}\n\nLab {lab['id']}: not yet: "
                           f"the cases pass, but {script_title(lab)} fails on your "
                           f"{lab['program']} (output above). Read {lab['page']}.")
        output += f"\n\n{script_title(lab)} on your {lab['program']}: PASSED"
    return True, f"{output}\n\nLab {lab['id']}: PASSED ({passed} cases{runs})."


CAPTURE_RE = re.compile(r"(<!-- capture: make check EX=([a-z0-9-]+) -->\n```text\n)(.*?)(^```)",
                        re.S | re.M)


def cmd_docs_capture(args):
    """Lab pages show the real output of a passing `make check`: this regenerates it from the
    real file (the solution binary) and fails if a page differs (--update rewrites it)."""
    labs, stale = load_labs(), []
    for lab in labs.values():
        page = ROOT / lab["page"]
        text = page.read_text(encoding="utf-8")
        blocks = [m for m in CAPTURE_RE.finditer(text) if m.group(2) == lab["id"]]
        if not blocks:
            stale.append(f"{lab['page']}: no '<!-- capture: make check EX={lab['id']} -->' block")
            continue
        binary = Path(args.build_dir) / "labs" / f"ex_{lab['id']}_solution"
        ok, output = check_binary(lab, str(binary), 1, program=f"{binary}_server",
                                  bin_dir=Path(args.build_dir) / "bin")
        if not ok:
            stale.append(f"lab {lab['id']}: the real file does not pass:\n{output}")
            continue
        new = CAPTURE_RE.sub(lambda m: m.group(1) + output.strip("\n") + "\n" + m.group(4)
                             if m.group(2) == lab["id"] else m.group(0), text)
        if new != text:
            if args.update:
                page.write_text(new, encoding="utf-8")
                print(f"updated {lab['page']}")
            else:
                stale.append(f"{lab['page']}: the captured output differs from a real run; "
                             f"run `scripts/lab.py docs-capture --update {args.build_dir}`")
    for p in stale:
        print("FAIL:", p)
    return 1 if stale else 0


def cmd_grade(args):
    labs = load_labs()
    rows = []
    for lab in sorted(labs.values(), key=lambda lab: (lab["week"], lab["id"])):
        built = build_learner(lab)
        if built is None:
            status = "not started"
        elif isinstance(built, str):
            status = "does not compile"
        else:
            selected, passed, failed, _ = run_cases(str(built), lab["cases"])
            status = "passed" if failed == 0 and selected else f"{passed} of {selected or '?'}"
            if status == "passed" and lab.get("script"):
                ok, _ = run_script(lab, f"{built}_server", LAB_BUILD / "bin")
                status = "passed" if ok else f"cases pass, {Path(lab['script']).name} fails"
        rows.append((lab["id"], str(lab["week"]), lab["title"], status))
    widths = [max(len(r[i]) for r in rows + [("lab", "week", "title", "status")])
              for i in range(4)]
    for row in [("lab", "week", "title", "status")] + rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
    return 0


def cmd_run_cases(args):
    """CTest's side of verify: the lab's cases must all pass (real file) or some fail (starter);
    for a lab with a script, the script must pass on the real program, fail on the starter's."""
    selected, passed, failed, output = run_cases(args.binary, args.cases)
    if selected is not None and selected == 0:
        print(output)
        print(f"FAIL: the filter {args.cases} selects no test case")
        return 1
    if args.expect == "pass":
        ok = failed == 0
        verdict = "all cases pass on the real file" if ok else "the real file fails its own lab"
    else:
        ok = failed >= 1
        verdict = (f"{failed} case(s) fail on the starter, as they must" if ok else
                   "every case passes on the starter: the lab's tests cannot fail")
    if not ok:
        print(output)
    print(("OK: " if ok else "FAIL: ") + verdict)
    if args.program:
        lab = find_lab(args.lab)
        script_ok, script_output = run_script(lab, args.program, args.bin_dir)
        title = script_title(lab)
        good = script_ok == (args.expect == "pass")
        if not good or args.expect == "fail":
            print(script_output.rstrip()[-3000:])
        if args.expect == "pass":
            verdict = (f"{title} passes on the real {lab['program']}" if script_ok else
                       f"{title} fails on the real {lab['program']}")
        else:
            verdict = (f"{title} fails on the starter's {lab['program']}, as it must"
                       if not script_ok else
                       f"{title} passes on the starter's {lab['program']}: it cannot fail")
        print(("OK: " if good else "FAIL: ") + verdict)
        ok = ok and good
    return 0 if ok else 1


def cmd_lint(args):
    """Markers are well formed, name known labs, and every lab has a region in its file."""
    labs = load_labs()
    problems, seen = [], set()
    for stage in STAGE_DIRS:
        for path in sorted((ROOT / stage).rglob("*")):
            if path.suffix not in (".cc", ".h") or not path.is_file():
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            if "EXERCISE(" not in text:
                continue
            rel = path.relative_to(ROOT)
            if path.suffix != ".cc":
                problems.append(f"{rel}: markers belong in .cc files only")
                continue
            try:
                for lab_id, *_ in parse_regions(text, rel):
                    if lab_id not in labs:
                        problems.append(f"{rel}: region of unknown lab {lab_id}")
                    elif labs[lab_id]["file"] != str(rel):
                        problems.append(f"{rel}: lab {lab_id} belongs to {labs[lab_id]['file']}")
                    seen.add(lab_id)
            except LabError as e:
                problems.append(str(e))
    for lab_id, lab in labs.items():
        if lab_id not in seen:
            problems.append(f"lab {lab_id}: no region in {lab['file']}")
        if not (ROOT / lab["page"]).exists():
            problems.append(f"lab {lab_id}: its page {lab['page']} does not exist")
    for p in problems:
        print("FAIL:", p)
    print(f"{len(labs)} labs, {len(problems)} problems")
    return 1 if problems else 0


def cmd_verify(args):
    """Builds every lab's starter and solution in a build dir and runs `ctest -L exercise`."""
    build = Path(args.build_dir)
    if not (build / "CMakeCache.txt").exists():
        raise LabError(f"{build} is not configured; run `make build` first")
    subprocess.run(["cmake", "--build", str(build)], check=True)
    return subprocess.run(["ctest", "--test-dir", str(build), "-L", "exercise",
                           "--output-on-failure"], check=False).returncode


def main(argv):
    p = argparse.ArgumentParser(prog="lab.py", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("start", help="copy a lab's file to workspace/<id>/ with its TODOs")
    s.add_argument("id")
    s.add_argument("--force", action="store_true", help="overwrite your copy")
    s.set_defaults(fn=cmd_start)
    s = sub.add_parser("check", help="build your copy and run the lab's cases")
    s.add_argument("id")
    s.add_argument("--repeat", type=int, default=int(os.environ.get("REPEAT", "1") or 1))
    s.set_defaults(fn=cmd_check)
    s = sub.add_parser("grade", help="print the status of every lab")
    s.set_defaults(fn=cmd_grade)
    s = sub.add_parser("verify", help="CI: starters fail, real files pass")
    s.add_argument("build_dir", nargs="?", default=str(ROOT / "build" / "release"))
    s.set_defaults(fn=cmd_verify)
    s = sub.add_parser("lint", help="check the markers")
    s.set_defaults(fn=cmd_lint)
    s = sub.add_parser("docs-capture", help="(CTest) lab pages show real passing output")
    s.add_argument("build_dir")
    s.add_argument("--update", action="store_true", help="rewrite the pages")
    s.set_defaults(fn=cmd_docs_capture)
    s = sub.add_parser("stub", help="(build step) write the starter of one file")
    s.add_argument("id")
    s.add_argument("source")
    s.add_argument("out")
    s.set_defaults(fn=cmd_stub)
    s = sub.add_parser("run-cases", help="(CTest) run a lab binary and judge it")
    s.add_argument("--expect", choices=["pass", "fail"], required=True)
    s.add_argument("--lab", help="with --program: the lab whose script grades the program")
    s.add_argument("--program", help="the lab's program built around the same file")
    s.add_argument("--bin-dir", help="the build's bin/ (the script's {bin})")
    s.add_argument("binary")
    s.add_argument("cases")
    s.set_defaults(fn=cmd_run_cases)
    args = p.parse_args(argv)
    try:
        return args.fn(args)
    except LabError as e:
        print(f"lab.py: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
