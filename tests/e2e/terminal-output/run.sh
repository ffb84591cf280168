# Output for humans and machines: on a terminal a long build draws a progress bar on stderr and
# clears it before the summary; through a pipe there is only the summary; colours only on a
# terminal and never with NO_COLOR; --quiet draws nothing.
. "$ROOT/tests/lib.sh"
cd "$WORK"
python3 "$ROOT/../shared/bench/gen_corpus.py" --pages 1000 --out corpus >/dev/null 2>&1 ||
	die "gen_corpus.py failed"
mkdir -p broken/content && printf -- '---\ntitle: "Broken"\n---\n[[nowhere]]\n' >broken/content/_index.md
exec python3 - <<'PY'
import os, pty, re, shlex, subprocess, sys

HB = shlex.split(os.environ["HB"])
THEME = os.path.join(os.environ["ROOT"], "themes", "default")
failures = []

def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)

def on_terminal(args, env=None):
    """Runs handbook with stderr on a pseudo-terminal; returns (status, what it wrote there)."""
    master, slave = pty.openpty()
    p = subprocess.Popen(HB + args, stdout=subprocess.DEVNULL, stderr=slave,
                         env=dict(os.environ, TERM="xterm", **(env or {})))
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    return p.wait(), out.decode("utf-8", "replace")

build = ["build", "--content", "corpus/content", "--theme", THEME, "--jobs", "1"]
# The bar waits half a second before its first draw; by then a fast machine may be past the
# stages that count pages. The test hook makes it draw from the first tenth of a second.
rc, tty = on_terminal(build + ["--out", "site-tty"], {"HANDBOOK_PROGRESS_AFTER_MS": "0"})
check(rc == 0, "the build succeeds on a terminal")
check(re.search(r"\r\x1b\[K(parsing|rendering) +\[#*\s*\] \d+/\d+ pages", tty) is not None,
      "a progress bar is drawn on a terminal: %r" % tty[:300])
after_bar = tty[tty.rindex("\r\x1b[K") + 4:] if "\r\x1b[K" in tty else tty
# Every draw starts with "\r\x1b[K"; the last one must be the clearing, not a bar.
check(not after_bar.startswith(("parsing", "rendering", "writing")),
      "the bar is cleared before anything else is written: %r" % after_bar[:100])
check(re.search(r"\nbuilt \d+ pages in \d+\.\d\d s\r?\n$", tty) is not None,
      "the summary ends the output: %r" % tty[-200:])

r = subprocess.run(HB + build + ["--out", "site-pipe"], capture_output=True)
err = r.stderr.decode()
check(r.returncode == 0 and "\r" not in err and "\x1b" not in err, "no bar and no escapes through a pipe")
check(re.fullmatch(r"(.*warning.*\n)*handbook: 0 errors, \d+ warnings\nbuilt \d+ pages in \d+\.\d\d s\n", err) is not None
      or re.fullmatch(r"built \d+ pages in \d+\.\d\d s\n", err) is not None,
      "through a pipe: diagnostics and the summary only: %r" % err[-300:])

rc, quiet = on_terminal(build + ["--out", "site-quiet", "--quiet"])
check(rc == 0 and "\r\x1b[K" not in quiet and re.search(r"built \d+ pages", quiet) is None,
      "--quiet draws no bar and no summary")

broken = ["build", "--content", "broken/content", "--theme", THEME, "--out", "site-broken"]
rc, coloured = on_terminal(broken)
check(rc == 1 and re.search(r"\x1b\[[0-9;]*m", coloured) is not None, "diagnostics are coloured on a terminal")
rc, plain = on_terminal(broken, {"NO_COLOR": "1"})
check(rc == 1 and "\x1b" not in plain and "error: unresolved link 'nowhere'" in plain,
      "NO_COLOR: no colour on a terminal: %r" % plain)
sys.exit(1 if failures else 0)
PY
