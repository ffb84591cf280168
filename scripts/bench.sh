#!/bin/sh
# The benchmark: handbook against Hugo on the same synthetic handbook, side by side in one run.
#
#     scripts/bench.sh [PAGES ...]        (default: 1000 10000)
#
# For each size, ../shared/bench/gen_corpus.py writes the corpus twice (our content format and a
# Hugo site with the same pages and a section sidebar) on tmpfs; then each generator builds it
# RUNS times (default 3) into a fresh directory. Prints the median wall time and the median peak
# memory (RSS, from GNU time) of each, and handbook's ratio to Hugo. Hugo is Debian's `hugo`
# package; without it, only handbook is measured. Also measured: handbook's rebuild with nothing
# changed. Absolute times drift on a shared machine: compare the ratios of one run.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
HB=${HB:-$ROOT/handbook}
GEN=${GEN:-$ROOT/../shared/bench/gen_corpus.py}
RUNS=${RUNS:-3}
SIZES=${*:-1000 10000}
TMP=$(mktemp -d /dev/shm/hb-bench-XXXXXX 2>/dev/null || mktemp -d)
trap 'rm -rf "$TMP"' EXIT

[ -x "$HB" ] || { echo "bench: build handbook first (make)" >&2; exit 2; }
[ -f "$GEN" ] || { echo "bench: $GEN not found" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: needs GNU time (apt-get install time)" >&2; exit 2; }
HUGO=$(command -v hugo || true)

. "$ROOT/scripts/bench-lib.sh"

printf '%-8s %-22s %9s %9s\n' pages what seconds "RSS MiB"
for n in $SIZES; do
	python3 "$GEN" --pages "$n" --out "$TMP/hb-$n" --hugo "$TMP/hugo-$n" >/dev/null
	set -- $(measure "$HB" build --content "$TMP/hb-$n/content" \
		--theme "$ROOT/themes/default" --out "$TMP/out" --quiet)
	hb_s=$1 hb_m=$2
	printf '%-8s %-22s %9s %9s\n' "$n" "handbook build" "$hb_s" "$hb_m"
	# A rebuild with nothing changed: the previous site stays in place.
	"$HB" build --content "$TMP/hb-$n/content" --theme "$ROOT/themes/default" \
		--out "$TMP/keep" --quiet 2>/dev/null
	set -- $(measure "$HB" build --content "$TMP/hb-$n/content" \
		--theme "$ROOT/themes/default" --out "$TMP/keep" --quiet)
	printf '%-8s %-22s %9s %9s\n' "$n" "handbook rebuild" "$1" "$2"
	if [ -n "$HUGO" ]; then
		set -- $(measure "$HUGO" --quiet --source "$TMP/hugo-$n" --destination "$TMP/out")
		printf '%-8s %-22s %9s %9s\n' "$n" "hugo build" "$1" "$2"
		awk -v a="$hb_s" -v b="$1" -v m="$hb_m" -v h="$2" 'BEGIN {
			printf "%-8s %-22s %9.2f %9.2f\n", "'"$n"'", "ratio handbook/hugo", a / b, m / h }'
	fi
done
