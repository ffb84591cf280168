"""How long `handbook serve` takes from saving a file to telling open tabs to reload.

    python3 scripts/bench-serve.py [PAGES ...]     (default: the real handbook, then 10000)

"handbook" means this repository's content; a number means a corpus of that many pages from
../shared/bench/gen_corpus.py, on tmpfs. For each, serve starts on a free port, a client listens
on /__handbook/events, and one page is edited EDITS times (default 5), waiting for each `built`
event. Prints the first build's time and the median and worst edit-to-event latency: that is
the whole rebuild, since the event is sent once the new site is in place.
"""
import http.client
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HB = os.environ.get("HB", os.path.join(ROOT, "handbook"))
GEN = os.environ.get("GEN", os.path.join(ROOT, "..", "shared", "bench", "gen_corpus.py"))
EDITS = int(os.environ.get("EDITS", "5"))


def events(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.request("GET", "/__handbook/events")
    resp = conn.getresponse()
    name = None
    for raw in resp:
        line = raw.decode().rstrip("\r\n")
        if line.startswith("event: "):
            name = line[7:]
        elif line == "" and name:
            yield name
            name = None


def measure(label, site_dir, page):
    started = time.monotonic()
    proc = subprocess.Popen([HB, "serve", "--port", "0", "--quiet"], cwd=site_dir,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    line = proc.stdout.readline().decode()
    first = time.monotonic() - started
    port = int(re.search(r":(\d+)/", line).group(1))
    stream = events(port)
    assert next(stream) == "built"
    latencies = []
    for i in range(EDITS):
        with open(page, "a") as f:
            f.write("\nAn edit, number %d, to time the rebuild.\n" % i)
        t0 = time.monotonic()
        name = next(stream)
        latencies.append(time.monotonic() - t0)
        assert name == "built", name
    proc.terminate()
    proc.wait()
    print("%-10s first build %6.2f s   edit to reload: median %6.3f s, worst %6.3f s (%d edits)"
          % (label, first, statistics.median(latencies), max(latencies), EDITS))


def main(sizes):
    tmp = tempfile.mkdtemp(prefix="hb-bench-serve-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    try:
        for size in sizes:
            site = os.path.join(tmp, size)
            if size == "handbook":
                os.makedirs(site)
                for name in ("content", "themes"):
                    shutil.copytree(os.path.join(ROOT, name), os.path.join(site, name))
                shutil.copy(os.path.join(ROOT, "handbook.yaml"), site)
                page = os.path.join(site, "content", "initiatives", "vientiane-vision.md")
            else:
                subprocess.run([sys.executable, GEN, "--pages", size, "--out", site], check=True,
                               stdout=subprocess.DEVNULL)
                shutil.copytree(os.path.join(ROOT, "themes"), os.path.join(site, "themes"))
                page = sorted(os.path.join(d, f) for d, _, fs in os.walk(os.path.join(site, "content"))
                              for f in fs if f.endswith(".md") and f != "_index.md")[0]
            measure(size, site, page)
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main(sys.argv[1:] or ["handbook", "10000"])
