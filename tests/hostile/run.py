"""The hostile-input suite: what an attacker would try against handbook, one case per folder.

    python3 tests/hostile/run.py HANDBOOK [CASE ...]

A case (tests/hostile/<name>/) holds what the build reads and what must happen:
  content/, theme/ (default: themes/default), config.yaml   the input
  setup      a shell script run first in a copy of the case (makes big or odd inputs)
  args       more options for `handbook build` (or `check ...` to run check instead)
  env        VAR=value lines for handbook's environment
  status     the exit status
  expected   lines that must all appear in stderr (may be empty)
  seconds    the time limit (default 5; 4 times that under sanitizers, 30 under valgrind)
  verify     a shell script run after a successful build, in the copy, with the site in site/
Always checked: the status; the stderr lines; the time; no crash (no exit by a signal); a
failed build writes no site; nothing is written outside site/ (the case's files are compared
before and after); no staging directory is left.
Prints "ok NAME" or "FAIL NAME: why" per case and "# hostile: N passed, M failed".
"""
import concurrent.futures
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.join(ROOT, "tests", "hostile")


def listing(top):
    """Every path under top but the output, with its size and mtime."""
    out = {}
    for d, dirs, files in os.walk(top):
        rel_d = os.path.relpath(d, top)
        if rel_d.split(os.sep)[0] == "site":
            continue
        for name in dirs + files:
            p = os.path.join(d, name)
            rel = os.path.normpath(os.path.join(rel_d, name))
            if rel == "site" or rel.startswith(".site."):
                continue  # the output, its lock, staging directories (checked apart)
            st = os.lstat(p)
            out[rel] = (st.st_size, st.st_mtime_ns)
    return out


def read(case, name, default=""):
    p = os.path.join(case, name)
    if not os.path.exists(p):
        return default
    with open(p, encoding="utf-8") as f:
        return f.read()


def run_case(hb, name):
    case = os.path.join(HERE, name)
    work = tempfile.mkdtemp(prefix="hb-hostile-")
    try:
        copy = os.path.join(work, "case")
        shutil.copytree(case, copy, symlinks=True)
        env = dict(os.environ, ROOT=ROOT, HB=" ".join(hb))
        if os.path.exists(os.path.join(copy, "setup")):
            r = subprocess.run(["sh", "setup"], cwd=copy, env=env, capture_output=True)
            if r.returncode != 0:
                return "setup failed: " + r.stderr.decode(errors="replace")[-300:]
        args = shlex.split(read(copy, "args"))
        command = "build"
        if args and args[0] in ("build", "check", "editions"):
            command = args.pop(0)
        theme = "theme" if os.path.isdir(os.path.join(copy, "theme")) else \
            os.path.join(ROOT, "themes", "default")
        cmd = hb + [command, "--content", "content", "--theme", theme, "--out", "site",
                    "--jobs", "2"]
        if os.path.exists(os.path.join(copy, "config.yaml")):
            cmd += ["--config", "config.yaml"]
        cmd += args
        for line in read(copy, "env").splitlines():
            if "=" in line:
                k, v = line.split("=", 1)
                env[k.strip()] = v.strip()
        # The limits are for a normal build; sanitizers and valgrind slow everything down.
        slow = 30 if "valgrind" in " ".join(hb) else 4 if "asan" in " ".join(hb) else 1
        limit = float(read(copy, "seconds", "5")) * slow
        before = listing(copy)
        t0 = time.monotonic()
        try:
            r = subprocess.run(cmd, cwd=copy, env=env, capture_output=True, timeout=limit + 30)
        except subprocess.TimeoutExpired:
            return f"still running after {limit + 30:.0f} s"
        took = time.monotonic() - t0
        err = r.stderr.decode(errors="replace")
        want = int(read(copy, "status", "0").strip())
        problems = []
        if r.returncode < 0:
            problems.append(f"killed by signal {-r.returncode}")
        elif r.returncode != want:
            problems.append(f"exit {r.returncode}, want {want}")
        for line in read(copy, "expected").splitlines():
            if line.strip() and line not in err:
                problems.append(f"stderr lacks: {line}")
        if took > limit:
            problems.append(f"took {took:.2f} s, the limit is {limit:.0f} s")
        if want != 0 and os.path.exists(os.path.join(copy, "site")) and \
                not os.path.exists(os.path.join(case, "site")):
            problems.append("a failed build wrote a site")
        after = listing(copy)
        changed = sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))
        if changed:
            problems.append(f"wrote outside the output: {changed[:5]}")
        left = [p for p in os.listdir(copy) if ".staging-" in p]
        if left:
            problems.append(f"left a staging directory: {left}")
        if not problems and r.returncode == 0 and os.path.exists(os.path.join(copy, "verify")):
            v = subprocess.run(["sh", "verify"], cwd=copy, env=env, capture_output=True)
            if v.returncode != 0:
                problems.append("verify: " + (v.stdout + v.stderr).decode(errors="replace")[-400:])
        if problems:
            return "; ".join(problems) + "\n    stderr: " + err[-600:].replace("\n", "\n    stderr: ")
        return None
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    hb = shlex.split(sys.argv[1])
    names = sys.argv[2:] or sorted(n for n in os.listdir(HERE)
                                   if os.path.isfile(os.path.join(HERE, n, "status")))
    passed = failed = 0
    # Two at a time: the cases are independent, and the machine has two cores.
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda n: (n, run_case(hb, n)), names))
    for name, why in results:
        if why is None:
            passed += 1
            print("ok", name)
        else:
            failed += 1
            print(f"FAIL {name}: {why}")
    print(f"# hostile: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
