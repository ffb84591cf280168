#!/bin/sh
# Invariants of the handbook's own content (run from the repository root by tests/run.sh):
#   - `handbook check --strict` passes with no error and no warning: every link resolves, every
#     page lists `sources` that are source pages, no page is an orphan;
#   - every page in content/meetings/ (but its _index) has `type: meeting` and a `date`;
#   - every page in content/glossary/ (but its _index) has `type: glossary` and an `abbr`;
#   - every page has a one-line `summary`;
#   - every meeting and initiative page cites source paragraphs, and no quotation of a source is
#     left in plain quote marks (provenance.py: the quote form is verified by the generator);
#   - the built site's relative links all resolve, as they must when opened from file://.
set -eu
HB=${HB:-./handbook}
WORK=$(mktemp -d /tmp/hb-content-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
status=0
problem() { echo "content: $*" >&2; status=1; }

# The value of a top-level front-matter key, or nothing.
front() {
	awk -v key="$2" 'NR == 1 && $0 != "---" { exit } NR > 1 && $0 == "---" { exit }
		NR > 1 && index($0, key ":") == 1 { sub("^" key ":[ ]*", ""); print; exit }' "$1"
}

$HB check --strict >"$WORK/out" 2>"$WORK/err" || problem "handbook check --strict failed"
if grep -q 'warning\|error' "$WORK/err"; then
	cat "$WORK/err" >&2
	problem "handbook check reported problems"
fi

for f in content/meetings/*.md; do
	[ "$(basename "$f")" = _index.md ] && continue
	[ "$(front "$f" type)" = meeting ] || problem "$f: type is not meeting"
	[ -n "$(front "$f" date)" ] || problem "$f: no date"
done
for f in content/glossary/*.md; do
	[ "$(basename "$f")" = _index.md ] && continue
	[ "$(front "$f" type)" = glossary ] || problem "$f: type is not glossary"
	[ -n "$(front "$f" abbr)" ] || problem "$f: no abbr"
done
for f in $(find content -name '*.md' | sort); do
	[ -n "$(front "$f" summary)" ] || problem "$f: no summary"
done
python3 "$(dirname "$0")/provenance.py" content >&2 || problem "provenance (citations, quotations)"
n=$(find content -name '*.md' | wc -l)
[ "$n" -ge 100 ] || problem "only $n pages; the handbook covers about a hundred or more"

$HB build --out "$WORK/site" --quiet 2>"$WORK/err" || problem "build failed"
. "$(dirname "$0")/../lib.sh"
set +e
links_resolve "$WORK/site" || problem "broken relative links in the built site"

# Every page but the home page is referenced by another page ("Referenced by"); the generated
# tools (search, print, 404) are not pages of the handbook and have no such list.
for f in $(cd "$WORK/site" && find . -name '*.html' ! -name index.html -o -name index.html \
	-path './*/*' | grep -v '^\./\(search\|print\|404\)\.html$' | sort); do
	grep -q 'id="backlinks-h"' "$WORK/site/$f" || problem "$f: no page refers to it"
done

# Every page is reachable from the home page in at most three clicks.
links_of() { # the site-relative paths that the page $1 (site-relative) links to
	dir=$(dirname "$1")
	grep -o 'href="[^"#:]*\.html' "$WORK/site/$1" | sed 's/^href="//' | while read -r u; do
		realpath -m --relative-to="$WORK/site" "$WORK/site/$dir/$u"
	done
}
echo index.html >"$WORK/seen"
cp "$WORK/seen" "$WORK/frontier"
for click in 1 2 3; do
	for p in $(cat "$WORK/frontier"); do links_of "$p"; done | sort -u >"$WORK/next"
	sort -u "$WORK/seen" "$WORK/next" >"$WORK/seen.new"
	comm -13 "$WORK/seen" "$WORK/seen.new" >"$WORK/frontier"
	mv "$WORK/seen.new" "$WORK/seen"
done
# (404.html is what a server shows for a missing page: nothing links to it.)
(cd "$WORK/site" && find . -name '*.html' ! -name 404.html | sed 's|^\./||' | sort) >"$WORK/all"
for p in $(comm -23 "$WORK/all" "$WORK/seen"); do problem "$p: more than three clicks from home"; done
exit $status
