"""Drives a real `handbook serve` process (environment: HB, WORK, ROOT; see tests/lib.sh)."""
import glob
import http.client
import os
import queue
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

HB = shlex.split(os.environ["HB"])
WORK = os.environ["WORK"]
ROOT = os.environ["ROOT"]
THEME = os.path.join(WORK, "theme")
SCRIPT_TAG = re.compile(rb'<script src="/__handbook/live\.js" data-build="[^"]*"></script>')
# Under valgrind or the sanitizers everything is slower; the promises are for a normal build.
SLOW = 10 if "valgrind" in os.environ["HB"] else 4 if "asan" in os.environ["HB"] else 1
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


def write(path, text):
    path = os.path.join(WORK, path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.replace(path + ".tmp", path)  # as editors save: the whole file at once


def page(path, title, body, front=""):
    write(path, f'---\ntitle: "{title}"\n{front}---\n{body}\n')


class Server:
    def __init__(self, *extra):
        self.proc = subprocess.Popen(
            HB + ["serve", "--port", "0", "--content", "content", "--theme", THEME,
                  "--config", "handbook.yaml", "--jobs", "2", *extra],
            cwd=WORK, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = self.proc.stdout.readline().decode()
        m = re.match(r"serving http://127\.0\.0\.1:(\d+)/ \(Ctrl-C stops\)", line)
        if not m:
            raise SystemExit("no 'serving' line: %r %r" % (line, self.proc.stderr.read()))
        self.port = int(m.group(1))
        self.err = []
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read_stderr(self):
        for line in self.proc.stderr:
            self.err.append(line.decode())

    def get(self, path, method="GET"):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10 * SLOW)
        c.request(method, path)
        r = c.getresponse()
        body = r.read()
        c.close()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), body

    def raw(self, request_line):
        """A request exactly as written: no client-side path normalisation."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=10 * SLOW)
        s.sendall(request_line.encode() + b"\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        s.close()
        head, _, body = data.partition(b"\r\n\r\n")
        return int(head.split()[1]), body


class Events:
    """An open /__handbook/events stream, its events in a queue."""

    def __init__(self, port):
        self.q = queue.Queue()
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.conn.request("GET", "/__handbook/events")
        self.resp = self.conn.getresponse()
        self.content_type = self.resp.getheader("Content-Type")
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        name, data = None, []
        try:
            for raw in self.resp:
                line = raw.decode().rstrip("\r\n")
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    data.append(line[6:])
                elif line == "" and name:
                    self.q.put((name, "\n".join(data), time.monotonic()))
                    name, data = None, []
        except Exception:
            pass
        self.q.put(("closed", "", time.monotonic()))

    def next(self, timeout):
        try:
            return self.q.get(timeout=timeout)
        except queue.Empty:
            return ("timeout", "", time.monotonic())


def strip_script(body):
    return SCRIPT_TAG.sub(b"", body)


def serve_tmp_dirs():
    return set(glob.glob("/tmp/handbook-serve-*"))


# --- a small handbook in a git repository -------------------------------------------------------
os.chdir(WORK)
shutil.copytree(os.path.join(ROOT, "themes", "default"), THEME)
write("handbook.yaml", 'title: "Serve test"\n')
page("content/_index.md", "Home", "Start with [[vv]] and [[second]].")
page("content/meetings/_index.md", "Meetings", "The meetings.")
page("content/meetings/second.md", "Second meeting", "Japan announced the [[vv]].\n\n## Outcome\n\nAgreed.",
     "type: meeting\ndate: 2016-11-16\n")
page("content/initiatives/vv.md", "Vision Outline", "Announced at [[second]].", "type: initiative\n")
page("content/initiatives/draft-plan.md", "A draft plan", "Not yet published.", "draft: true\n")
subprocess.run(["git", "init", "-q", "-b", "main"], check=True)
subprocess.run(["git", "-c", "user.name=E", "-c", "user.email=e@example.org", "add", "-A"], check=True)
subprocess.run(["git", "-c", "user.name=E", "-c", "user.email=e@example.org", "commit", "-qm", "init"],
               check=True)

before = serve_tmp_dirs()
srv = Server()

# --- pages, types, traversal ----------------------------------------------------------------------
status, headers, body = srv.get("/")
check(status == 200 and headers["content-type"].startswith("text/html"), "GET / is an HTML page")
check(SCRIPT_TAG.search(body) is not None, "HTML gets the live-reload script")
check(body.rstrip().endswith(b"</html>") and body.index(b"live.js") < body.rindex(b"</body>"),
      "the script goes before </body>")
check(headers.get("cache-control") == "no-store", "responses are not cached")
status, headers, body = srv.get("/meetings/second.html")
check(status == 200 and b"Japan announced" in body, "a page is served")
status, headers, body = srv.get("/assets/style.css")
check(status == 200 and headers["content-type"].startswith("text/css") and b"live.js" not in body,
      "CSS has its type and no script")
status, headers, _ = srv.get("/feed.xml")
check(status == 200 and headers["content-type"] == "application/xml", "feed.xml is XML")
status, headers, _ = srv.get("/search-index.js")
check(status == 200 and headers["content-type"].startswith("text/javascript"), "JavaScript type")
status, headers, body = srv.get("/initiatives/draft-plan.html")
check(status == 200 and b"Not yet published" in body, "serve shows drafts")
status, headers, not_found = srv.get("/no/such/page.html")
body = not_found
check(status == 404 and b"live.js" in body and b"<html" in body, "a missing page is the 404 page")
status, headers, body = srv.get("/meetings")
check(status == 301 and headers.get("location") == "/meetings/", "a directory redirects to its slash")
status, headers, body = srv.get("/meetings/")
check(status == 200 and b"The meetings" in body, "a slash serves the index page")
status, headers, body = srv.get("/assets/")
check(status == 404 and strip_script(body) == strip_script(not_found), "no directory listing")
status, headers, body = srv.get("/", method="POST")
check(status == 405 and headers.get("allow") == "GET, HEAD", "POST is not allowed")
status, headers, body = srv.get("/meetings/second.html", method="HEAD")
check(status == 200 and body == b"", "HEAD has no body")
secret = os.path.join(WORK, "secret.txt")
with open(secret, "w") as f:
    f.write("TOP-SECRET")
for attempt in ["GET /../secret.txt HTTP/1.1", "GET /../../../../etc/passwd HTTP/1.1",
                "GET /%2e%2e/secret.txt HTTP/1.1", "GET /assets/..%2f..%2fsecret.txt HTTP/1.1",
                "GET /%2E%2E%2F%2E%2E%2Fsecret.txt HTTP/1.1", "GET //etc/passwd HTTP/1.1",
                "GET /./index.html HTTP/1.1", "GET /assets/%00/../../secret.txt HTTP/1.1",
                "GET /..\\secret.txt HTTP/1.1", "GET " + secret + " HTTP/1.1",
                "GET /.handbook-site HTTP/1.1", "GET /../content/_index.md HTTP/1.1"]:
    status, body = srv.raw(attempt)
    check(status != 200 and b"TOP-SECRET" not in body and b"root:" not in body
          and b"title:" not in body, "traversal refused: " + attempt)

# DNS rebinding: a request naming another host gets nothing of the site.
def with_host(host):
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=10 * SLOW)
    s.sendall(f"GET /index.html HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
    data = b""
    while chunk := s.recv(65536):
        data += chunk
    s.close()
    return int(data.split()[1]), data
for host in ["evil.example", "evil.example:%d" % srv.port, "127.0.0.1.evil.example", "localhost.evil.example"]:
    status, data = with_host(host)
    check(status == 403 and b"<html" not in data, "Host %s is refused" % host)
for host in ["localhost:%d" % srv.port, "127.0.0.1", "LOCALHOST", "docs.localhost:%d" % srv.port]:
    check(with_host(host)[0] == 200, "Host %s is served" % host)

# --- live reload ----------------------------------------------------------------------------------
ev = Events(srv.port)
check(ev.content_type == "text/event-stream", "events are an event stream")
name, first_id, _ = ev.next(5 * SLOW)
check(name == "built" and first_id, "a new stream hears the current build")
status, _, body = srv.get("/")
check(('data-build="%s"' % first_id).encode() in body, "the page names the build it shows")

latencies = []
t0 = time.monotonic()
page("content/meetings/second.md", "Second meeting",
     "Japan announced the [[vv]].\n\n## Outcome\n\nAgreed, with a new sentence.", "type: meeting\ndate: 2016-11-16\n")
name, build_id, t1 = ev.next(5 * SLOW)
latencies.append(t1 - t0)
check(name == "built" and build_id != first_id, "an edit makes a new build event")
check(t1 - t0 < 1.0 * SLOW, "the reload event comes within a second (%.3f s)" % (t1 - t0))
status, _, body = srv.get("/meetings/second.html")
check(b"with a new sentence" in body, "the page shows the edit once the event came")
deadline = time.monotonic() + 2 * SLOW
while time.monotonic() < deadline and not any("the same" in l for l in srv.err):
    time.sleep(0.05)
check(any(re.match(r"handbook: the same \d+ warnings? as the build before", l) for l in srv.err),
      "unchanged warnings are not printed again: %r" % srv.err[-5:])
check(('data-build="%s"' % build_id).encode() in body, "the page served after the event is the new build")

# A broken link: the tab hears the error; the last good site stays.
t0 = time.monotonic()
page("content/initiatives/vv.md", "Vision Outline", "Announced at [[second]].\n\nSee [[no-such-page]].",
     "type: initiative\n")
name, text, t1 = ev.next(5 * SLOW)
check(name == "failed", "a content error makes a failed event")
check(re.search(r"content/initiatives/vv\.md:7:5: error: unresolved link 'no-such-page'", text) is not None,
      "the failed event carries file:line:col and the message: %r" % text)
check(t1 - t0 < 1.0 * SLOW, "the error event comes within a second")
status, _, body = srv.get("/initiatives/vv.html")
check(status == 200 and b"no-such-page" not in body, "the last good page is still served")
check(any("unresolved link 'no-such-page'" in line for line in srv.err), "the terminal shows the error")
ev2 = Events(srv.port)
name, text2, _ = ev2.next(5 * SLOW)
check(name == "failed" and "no-such-page" in text2, "a tab opened while broken sees the error")
# Fixed: a new build, and the page again.
page("content/initiatives/vv.md", "Vision Outline", "Announced at [[second]], and fixed.", "type: initiative\n")
name, fixed_id, _ = ev.next(5 * SLOW)
check(name == "built" and fixed_id != build_id, "the fix makes a built event")
status, _, body = srv.get("/initiatives/vv.html")
check(b"and fixed" in body, "the fixed page is served")

# Invalid front matter never kills the server.
write("content/initiatives/vv.md", "---\ntitle: [unclosed\n---\nbody\n")
name, text, _ = ev.next(5 * SLOW)
check(name == "failed" and "content/initiatives/vv.md:" in text, "bad YAML is a failed event")
check(srv.proc.poll() is None, "the server survives bad input")
page("content/initiatives/vv.md", "Vision Outline", "Announced at [[second]], and fixed.", "type: initiative\n")
check(ev.next(5 * SLOW)[0] == "built", "fixed again")

# The theme and the configuration are watched too.
layout = os.path.join(THEME, "layouts", "partials", "layout.html")
with open(layout) as f:
    original_layout = f.read()
with open(layout, "w") as f:
    f.write(original_layout.replace("</main>", "<p>THEME-EDIT</p></main>", 1))
check(ev.next(5 * SLOW)[0] == "built", "a theme edit rebuilds")
status, _, body = srv.get("/meetings/second.html")
check(b"THEME-EDIT" in body, "the theme edit shows on pages")
write("handbook.yaml", 'title: "Serve test, renamed"\n')
check(ev.next(5 * SLOW)[0] == "built", "a configuration edit rebuilds")
status, _, body = srv.get("/")
check(b"Serve test, renamed" in body, "the configuration edit shows")

# A new folder with a page, then an edit inside it (the new folder is watched).
page("content/people/kihara.md", "Kihara Minoru", "Minister; see [[second]].", "type: person\n")
check(ev.next(5 * SLOW)[0] == "built", "a page in a new folder rebuilds")
page("content/people/kihara.md", "Kihara Minoru", "Minister; see [[second]]. Edited inside.", "type: person\n")
check(ev.next(5 * SLOW)[0] == "built", "an edit inside a new folder rebuilds")
status, _, body = srv.get("/people/kihara.html")
check(b"Edited inside" in body, "the new folder's page is served")
# Editor scratch files do not rebuild.
write("content/people/.kihara.md.swp", "scratch")
write("content/people/kihara.md~", "backup")
check(ev.next(0.5)[0] == "timeout", "scratch files do not rebuild")

# Incremental rebuilds made exactly what a full build makes.
full = os.path.join(WORK, "full")
r = subprocess.run(HB + ["build", "--drafts", "--content", "content", "--theme", THEME, "--config",
                         "handbook.yaml", "--out", full, "--jobs", "1"], capture_output=True)
check(r.returncode == 0, "the full build succeeds: " + r.stderr.decode())
compared = 0
for path in sorted(glob.glob(full + "/**/*", recursive=True)):
    rel = os.path.relpath(path, full)
    if os.path.isdir(path) or rel == ".handbook-site":
        continue
    status, _, body = srv.get("/" + rel)
    with open(path, "rb") as f:
        want = f.read()
    check(status == 200 and strip_script(body) == want, "served %s equals the full build's" % rel)
    compared += 1
check(compared > 15, "compared the whole site (%d files)" % compared)
check(any(re.search(r"built \d+ pages \((\d+) reused\)", l) and int(re.search(r"\((\d+) reused", l).group(1)) > 0
          for l in srv.err), "rebuilds reuse unchanged pages")

# --- Ctrl-C with two open event streams -------------------------------------------------------------
t0 = time.monotonic()
srv.proc.send_signal(signal.SIGINT)
try:
    code = srv.proc.wait(timeout=5 * SLOW)
except subprocess.TimeoutExpired:
    srv.proc.kill()
    code = None
stop = time.monotonic() - t0
check(code == 0, "Ctrl-C stops serve with status 0 (got %r)" % code)
check(stop < 1.0 * SLOW, "Ctrl-C with open streams stops within a second (%.3f s)" % stop)
def ends(stream):
    """Skips the events still queued; True when the stream closed within 2 s."""
    while True:
        name = stream.next(2)[0]
        if name in ("closed", "timeout"):
            return name == "closed"


check(ends(ev) and ends(ev2), "the event streams end")
check(serve_tmp_dirs() == before, "the private build directory is removed")

# --- polling -------------------------------------------------------------------------------------------
srv = Server("--poll")
ev = Events(srv.port)
check(ev.next(5 * SLOW)[0] == "built", "polling: the current build")
t0 = time.monotonic()
page("content/meetings/second.md", "Second meeting", "Polled edit.", "type: meeting\ndate: 2016-11-16\n")
name, _, t1 = ev.next(5 * SLOW)
check(name == "built" and t1 - t0 < 1.5 * SLOW, "polling: an edit rebuilds (%.3f s)" % (t1 - t0))
srv.proc.send_signal(signal.SIGTERM)
check(srv.proc.wait(timeout=5 * SLOW) == 0, "SIGTERM stops serve")

# --- usage --------------------------------------------------------------------------------------------
for args, what in [(["serve", "--out", "x"], "--out"), (["serve", "--rev", "HEAD"], "--rev"),
                   (["build", "--port", "1"], "--port outside serve"),
                   (["serve", "--port", "70000"], "a bad port"),
                   (["serve", "--port", "0", "--bind", "not-an-address"], "a bad address"),
                   (["serve", "--port", "0", "--content", "no-such-folder"], "a missing content folder")]:
    r = subprocess.run(HB + args, cwd=WORK, capture_output=True, timeout=30)
    check(r.returncode == 2 and r.stderr.startswith(b"handbook: "), "refused with status 2: " + what)
# A port in use.
busy = socket.socket()
busy.bind(("127.0.0.1", 0))
busy.listen(1)
r = subprocess.run(HB + ["serve", "--port", str(busy.getsockname()[1]), "--content", "content",
                         "--theme", THEME], cwd=WORK, capture_output=True, timeout=30)
check(r.returncode == 2 and b"cannot listen on 127.0.0.1 port" in r.stderr, "a port in use: status 2")
busy.close()

print("edit-to-event latency: %s" % ", ".join("%.3f s" % x for x in latencies))
sys.exit(1 if failures else 0)
