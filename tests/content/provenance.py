#!/usr/bin/env python3
"""Provenance invariants of the handbook's content (run by tests/content/run.sh):

- every meeting and initiative page cites source paragraphs ([[src:ID#pN]] or
  [[quote:ID#pN|...]] / [[quote:ID|...]]), at least MIN_CITATIONS of them;
- no quotation of a source is left in plain quote marks: a quoted stretch of three or more
  words in a page body that occurs in a source's full text must use the quote form, which the
  generator verifies.

Prints the number of verified quotations and paragraph citations. Exit status 1 on a problem.
"""
import os
import re
import sys

MIN_CITATIONS = 3
CONTENT = sys.argv[1] if len(sys.argv) > 1 else "content"
QUOTES = "\"'`\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u00ab\u00bb\u2039\u203a\u300c\u300d\u300e\u300f"
DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"


def normalize(text):
    """The generator's comparison (cite.c): one space, one quote mark, one dash."""
    text = re.sub(r"[%s]" % re.escape(QUOTES), '"', text)
    text = re.sub(r"[%s]+" % re.escape(DASHES), "-", text)
    return re.sub(r"\s+", " ", text).strip()


def split(path):
    text = open(path, encoding="utf-8").read()
    m = re.match(r"---\n(.*?)\n---\n(.*)", text, re.S)
    return (m.group(1), m.group(2)) if m else ("", text)


def full_text(body):
    """The source's numbered paragraphs, joined (one string per Markdown block)."""
    m = re.search(r"^## Full text\s*$(.*?)(?=^#{1,2} |\Z)", body, re.S | re.M)
    return normalize(m.group(1).replace("\\", "")) if m else ""


def plain_quotations(body):
    """Stretches in quote marks outside wiki links and code."""
    body = re.sub(r"\[\[.*?\]\]", " ", body, flags=re.S)
    body = re.sub(r"`[^`]*`", " ", body)
    pairs = [("\u201c", "\u201d"), ('"', '"')]
    for open_q, close_q in pairs:
        for m in re.finditer(re.escape(open_q) + r"([^" + re.escape(close_q) + r"\n]{3,}?)" +
                             re.escape(close_q), body):
            yield m.group(1)


def main():
    problems = 0
    pages = []
    for root, _, files in os.walk(CONTENT):
        for f in sorted(files):
            if f.endswith(".md"):
                pages.append(os.path.join(root, f))
    sources = []
    for p in pages:
        front, body = split(p)
        if re.search(r"^type:\s*source\s*$", front, re.M):
            sources.append(full_text(body))
    quotes = cites = 0
    for p in sorted(pages):
        front, body = split(p)
        m = re.search(r"^type:\s*(\S+)", front, re.M)
        kind = m.group(1) if m else ""
        n_quotes = len(re.findall(r"\[\[quote:", body))
        n_cites = len(re.findall(r"\[\[src:[^\]#|]+#p\d+\]\]", body))
        quotes += n_quotes
        cites += n_cites
        if kind in ("meeting", "initiative") and n_quotes + n_cites < MIN_CITATIONS:
            print("%s: a %s page with %d paragraph citations (want %d or more)"
                  % (p, kind, n_quotes + n_cites, MIN_CITATIONS), file=sys.stderr)
            problems += 1
        if kind == "source":
            body = re.split(r"^## Full text\s*$", body, flags=re.M)[0]
        for q in plain_quotations(body):
            nq = normalize(q.strip(" ,.;:"))
            whole = re.compile(r"(?<!\w)" + re.escape(nq) + r"(?!\w)")
            if len(nq.split()) >= 3 and any(whole.search(s) for s in sources):
                print("%s: quotation not in the quote form: \u201c%s\u201d" % (p, q), file=sys.stderr)
                problems += 1
    print("provenance: %d quotations verified, %d paragraph citations" % (quotes, cites))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
