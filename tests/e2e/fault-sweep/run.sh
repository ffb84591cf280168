# Faults swept over a build: the Nth allocation failing (HANDBOOK_FAIL_ALLOC_AFTER), the Nth file
# write failing (HANDBOOK_FAIL_WRITE_AFTER), SIGINT and SIGTERM at random moments. After each the
# previous site is byte-identical and the exit status non-zero (or the build finished and the
# new site is whole), no process crashed, and no staging directory is left.
. "$ROOT/tests/lib.sh"
cd "$WORK"
python3 "$ROOT/../shared/bench/gen_corpus.py" --pages 400 --out big >/dev/null 2>&1 ||
	die "gen_corpus.py failed"
exec python3 - <<'PY'
import glob, hashlib, os, random, shlex, shutil, signal, subprocess, sys, time

HB = shlex.split(os.environ["HB"])
THEME = os.path.join(os.environ["ROOT"], "themes", "default")
SLOW = "asan" in os.environ["HB"] or "valgrind" in os.environ["HB"]
failures = []
random.seed(7)

def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)

def page(path, title, body, front=""):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(f'---\ntitle: "{title}"\n{front}---\n{body}\n')

def snapshot(site):
    # The site's files; .handbook-cache is bookkeeping about them (inodes, times), not content.
    out = {}
    for p in sorted(glob.glob(site + "/**/*", recursive=True) + glob.glob(site + "/.*")):
        if os.path.isfile(p) and os.path.basename(p) != ".handbook-cache":
            with open(p, "rb") as f:
                out[os.path.relpath(p, site)] = hashlib.sha1(f.read()).hexdigest()
    return out

def staging_left():
    return glob.glob(".site.staging-*") + glob.glob(".big-site.staging-*")

def build(content, out, env=None):
    # One worker: the Nth allocation is then the same one on every run.
    return subprocess.run(HB + ["build", "--content", content, "--theme", THEME, "--out", out,
                                "--quiet", "--jobs", "1"], env=dict(os.environ, **(env or {})),
                          capture_output=True)

page("content/_index.md", "Home", "See [[a]], [[b]] and [[c]].")
for name in "abc":
    page(f"content/notes/{name}.md", f"Note {name}", f"Text of {name}, linking [[a]].\n\n## Part\n\nMore.")
check(build("content", "site").returncode == 0, "the first build succeeds")
old = snapshot("site")
page("content/notes/b.md", "Note b", "Changed text, linking [[c]].")
check(build("content", "reference").returncode == 0, "the reference build succeeds")
new = snapshot("reference")

def after_fault(what, r):
    check(r.returncode >= 0, f"{what}: killed by signal {-r.returncode}: {r.stderr[-300:]!r}")
    now = snapshot("site")
    if r.returncode == 0:
        check(now == new, f"{what}: exit 0 but the site is not the new build")
    else:
        check(now == old, f"{what}: exit {r.returncode} and the previous site changed")
    check(not staging_left(), f"{what}: a staging directory was left: {staging_left()}")
    return r.returncode

shutil.copytree("site", "old-site")

def restore_old():
    shutil.rmtree("site")
    shutil.copytree("old-site", "site")

def finishes(env):
    r = build("content", "probe", env)
    shutil.rmtree("probe", ignore_errors=True)
    return r.returncode == 0

# Allocations: find how many a build makes (the smallest N that lets it finish), then sweep.
hi = 1
while not finishes({"HANDBOOK_FAIL_ALLOC_AFTER": str(hi)}):
    hi *= 2
lo = hi // 2
while hi - lo > 1:
    mid = (lo + hi) // 2
    if finishes({"HANDBOOK_FAIL_ALLOC_AFTER": str(mid)}):
        hi = mid
    else:
        lo = mid
total = hi
points = sorted(set(list(range(1, min(total, 60))) +
                    [1 + (total - 1) * i // (60 if SLOW else 200) for i in range(61 if SLOW else 201)]))
statuses = {}
for n in points:
    code = after_fault(f"allocation {n} of {total} fails",
                       build("content", "site", {"HANDBOOK_FAIL_ALLOC_AFTER": str(n)}))
    statuses[code] = statuses.get(code, 0) + 1
    if code == 0:
        restore_old()
print(f"allocation faults: {len(points)} points over {total} allocations; exit statuses {statuses}")
check(len(points) > 50 and statuses.get(2, 0) > 0, "the allocation sweep hit real failures")

# File writes: every one of them.
writes = 0
while not finishes({"HANDBOOK_FAIL_WRITE_AFTER": str(writes + 1)}):
    writes += 1
for n in range(1, writes + 1):
    r = build("content", "site", {"HANDBOOK_FAIL_WRITE_AFTER": str(n)})
    check(r.returncode == 2 and b"injected failure" in r.stderr, f"write {n} fails: exit {r.returncode}")
    if after_fault(f"write {n} of {writes} fails", r) == 0:
        restore_old()
print(f"write faults: all {writes} writes")
check(writes > 10, "the write sweep covered the site's files")

# Signals at random moments of a 400-page build.
# --no-reuse: the same content again would otherwise be found unchanged (cache.h) and not built.
big_args = ["build", "--content", "big/content", "--theme", THEME, "--out", "big-site", "--quiet",
            "--no-reuse"]
t0 = time.monotonic()
subprocess.run(HB + big_args, capture_output=True)
took = time.monotonic() - t0  # signals land within the first 80 % of a build this long
big_old = snapshot("big-site")
hits = 0
for i in range(8):
    sig = signal.SIGINT if i % 2 == 0 else signal.SIGTERM
    p = subprocess.Popen(HB + big_args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(random.uniform(0.05, 0.8) * took)
    p.send_signal(sig)
    _, err = p.communicate(timeout=120)
    check(p.returncode in (0, 128 + sig), f"signal {sig}: exit {p.returncode} {err[-200:]!r}")
    check(snapshot("big-site") == big_old, f"signal {sig}: the site changed")
    check(not staging_left(), f"signal {sig}: a staging directory was left")
    hits += p.returncode == 128 + sig
print(f"signals: {hits} of 8 builds interrupted mid-way")

# A signal that arrives while handbook starts itself again (main.c) waits, blocked, for the
# handler: here one is pending from the start, and the build is cancelled, not killed or run on.
def pending_sigint():
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    os.kill(os.getpid(), signal.SIGINT)

r = subprocess.run(HB + big_args, capture_output=True, preexec_fn=pending_sigint)
check(r.returncode == 128 + signal.SIGINT, f"a signal pending at the start: exit {r.returncode}")
check(snapshot("big-site") == big_old, "a signal pending at the start: the site changed")
check(hits >= 4, "most signals landed mid-build")
sys.exit(1 if failures else 0)
PY
