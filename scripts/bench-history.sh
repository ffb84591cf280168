#!/bin/sh
# The cost of git history and editions: a synthetic handbook in a git repository with a few
# hundred commits and four edition tags, built three ways in one run:
#
#     scripts/bench-history.sh [PAGES] [COMMITS]      (default: 10000 300)
#
#   plain      the same content outside git (no history: one warning)
#   history    `handbook build` in the repository (one walk of COMMITS commits, per-page dates)
#   editions   `handbook editions`: four editions into editions/<tag>/ and the newest at the root
#   no-reuse   the same with --no-reuse (every page of every edition rendered)
#
# Commits edit the text of one to three pages each (now and then adding or renaming a page), as
# editors do; an edition is tagged every COMMITS/3 commits. The theme is committed with the
# content (editions read it from each tag). Prints median wall time and peak RSS of RUNS runs
# (default 3) and the ratios to the plain build. `make bench-history`.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
HB=${HB:-$ROOT/handbook}
GEN=${GEN:-$ROOT/../shared/bench/gen_corpus.py}
RUNS=${RUNS:-3}
PAGES=${1:-10000}
COMMITS=${2:-300}
TMP=$(mktemp -d /dev/shm/hb-history-XXXXXX 2>/dev/null || mktemp -d)
trap 'rm -rf "$TMP"' EXIT

[ -x "$HB" ] || { echo "bench-history: build handbook first (make)" >&2; exit 2; }
[ -f "$GEN" ] || { echo "bench-history: $GEN not found" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench-history: needs GNU time (apt-get install time)" >&2; exit 2; }

. "$ROOT/scripts/bench-lib.sh"

echo "bench-history: making $PAGES pages and $COMMITS commits" >&2
python3 "$GEN" --pages "$PAGES" --out "$TMP/repo" >/dev/null
cd "$TMP/repo"
git init -q -b main
git config user.name Bench
git config user.email bench@example.org
cp -r "$ROOT/themes/default" theme
export GIT_AUTHOR_DATE GIT_COMMITTER_DATE
GIT_AUTHOR_DATE="2020-01-01T00:00:00Z" GIT_COMMITTER_DATE=$GIT_AUTHOR_DATE
git add -A && git commit -qm "The handbook"
git tag edition-1
# Deterministic edits: commit k touches pages picked by k; now and then a page is renamed or added.
find content -name '*.md' ! -name '_index.md' | sort >"$TMP/pages"
n_pages=$(wc -l <"$TMP/pages")
k=1
while [ $k -le "$COMMITS" ]; do
	for j in 1 2 3; do
		[ $j -le $((k % 3 + 1)) ] || continue
		f=$(sed -n "$(((k * 7919 + j * 104729) % n_pages + 1))p" "$TMP/pages")
		[ -f "$f" ] && printf '\nRevised in commit %d.\n' "$k" >>"$f"
	done
	case $((k % 50)) in
	10) # A rename that keeps the page's id, so links to it still resolve.
		f=$(sed -n "$((k % n_pages + 1))p" "$TMP/pages")
		if [ -f "$f" ] && ! grep -q '^id:' "$f"; then
			id=$(basename "$f" .md)
			sed -i "2i id: $id" "$f"
			git mv -k "$f" "${f%.md}-moved.md"
		fi ;;
	20) printf -- '---\ntitle: "Added page %d"\n---\nA page added in commit %d.\n' "$k" "$k" \
		>"$(dirname "$f")/added-$k.md"
		git add -A ;;
	esac
	d=$(date -u -d "@$((1577836800 + k * 86400))" +%Y-%m-%dT%H:%M:%SZ)
	GIT_AUTHOR_DATE=$d GIT_COMMITTER_DATE=$d
	git commit -qam "Edit $k"
	[ $((k % (COMMITS / 3))) -eq 0 ] && git tag "edition-$((k / (COMMITS / 3) + 1))"
	k=$((k + 1))
done
cp -r content "$TMP/plain"
cd "$ROOT"

opts="--theme $TMP/repo/theme --out $TMP/out --quiet"
measure "$HB" build --content "$TMP/plain" $opts
plain_s=$SECONDS_MEDIAN plain_m=$MIB_MEDIAN
measure "$HB" build --content "$TMP/repo/content" $opts
hist_s=$SECONDS_MEDIAN hist_m=$MIB_MEDIAN
measure "$HB" editions --content "$TMP/repo/content" $opts
ed_s=$SECONDS_MEDIAN ed_m=$MIB_MEDIAN
measure "$HB" editions --content "$TMP/repo/content" --no-reuse $opts
nr_s=$SECONDS_MEDIAN nr_m=$MIB_MEDIAN
"$HB" editions --content "$TMP/repo/content" --theme "$TMP/repo/theme" --out "$TMP/out" \
	2>"$TMP/summary" >/dev/null
printf '%s pages, %s commits, %s editions; %s\n' "$PAGES" "$COMMITS" \
	"$(git -C "$TMP/repo" tag | wc -l)" "$(tail -1 "$TMP/summary")"
printf '%-26s %9s %9s %9s\n' what seconds "RSS MiB" "× plain"
for row in "plain build:$plain_s:$plain_m" "build with history:$hist_s:$hist_m" \
	"editions:$ed_s:$ed_m" "editions --no-reuse:$nr_s:$nr_m"; do
	IFS=: read -r what s m <<ROW
$row
ROW
	awk -v w="$what" -v s="$s" -v m="$m" -v p="$plain_s" \
		'BEGIN { printf "%-26s %9s %9s %9.2f\n", w, s, m, s / p }'
done
