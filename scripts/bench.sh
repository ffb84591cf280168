#!/bin/sh
# The benchmark: handbook against Hugo on the same synthetic handbook, side by side in one run.
#
#     scripts/bench.sh [PAGES ...]        (default: 1000 10000)
#     SCALING="1000 10000 50000" scripts/bench.sh   (also the scaling curve, see below)
#
# For each size, ../shared/bench/gen_corpus.py writes the corpus twice on tmpfs: our content
# format, and a Hugo site with the same pages whose theme lists the current section's pages in a
# sidebar (a cached partial), as our default theme's sidebar does. handbook builds with its
# default theme and a one-line configuration with the search page and print.html turned off,
# which Hugo's side does not make (a second row shows the build with them on). Each build runs
# once untimed (WARMUP, see bench-lib.sh), then RUNS times (default 3) into a fresh directory;
# the table shows median wall time, median peak
# memory (RSS, GNU time) and the size of the output, and the ratios to Hugo; then the time ratio
# again from RUNS pairs of builds run back to back (handbook, Hugo), which a drift of the
# machine's speed between the two sides' runs cannot tilt.
#
# Also measured, each RUNS times: a rebuild with nothing changed (the .handbook-cache check) and a
# rebuild after one page's text was edited, whose output is then compared with a full build of
# the edited corpus (they must be identical, .handbook-cache and .handbook-parsed aside).
#
# SCALING sizes are built without the sidebar on both sides (its links grow with the square of
# the page count: 50,000 pages would be ~35 GB of HTML), to show how the pipeline itself scales.
#
# Hugo is Debian's `hugo` package, installed when missing (needs root and the archive); without
# it only handbook is measured. Absolute times drift on a shared machine: compare the ratios of
# one run.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
HB=${HB:-$ROOT/handbook}
GEN=${GEN:-$ROOT/../shared/bench/gen_corpus.py}
RUNS=${RUNS:-3}
SIZES=${*:-1000 10000}
SCALING=${SCALING:-}
TMP=$(mktemp -d /dev/shm/hb-bench-XXXXXX 2>/dev/null || mktemp -d)
trap 'rm -rf "$TMP"' EXIT

[ -x "$HB" ] || { echo "bench: build handbook first (make)" >&2; exit 2; }
[ -f "$GEN" ] || { echo "bench: $GEN not found" >&2; exit 2; }
[ -x /usr/bin/time ] || sh "$ROOT/scripts/apt-install.sh" time
command -v hugo >/dev/null 2>&1 || sh "$ROOT/scripts/apt-install.sh" hugo ||
	echo "bench: hugo is not installed; measuring handbook alone" >&2
HUGO=$(command -v hugo || true)

. "$ROOT/scripts/bench-lib.sh"

printf 'title: Benchmark\nsearch: false\nprint: false\n' >"$TMP/bench.yaml"
printf 'title: Benchmark\n' >"$TMP/full.yaml"
# A copy of the default theme without the sidebar, for the scaling curve.
cp -r "$ROOT/themes/default" "$TMP/nonav-theme"
: >"$TMP/nonav-theme/layouts/partials/nav.html"

# Size of a built site in MiB and its file count: "MiB files" (handbook's caches, which are not
# published, left out).
site_size() {
	echo "$(($(du -sk --exclude='.handbook-*' "$1" | cut -f1) / 1024))" \
		"$(find "$1" -path '*/.handbook-*' -prune -o -type f -print | wc -l)"
}

row() { printf '%-7s %-34s %9s %8s %8s %7s\n' "$@"; }

# hb_args CONTENT CONFIG THEME OUT: the arguments of one handbook build.
hb_args() { echo build --content "$1" --config "$2" --theme "$3" --out "$4" --quiet; }

# measure_rebuild LABEL N PREPARE... : RUNS rebuilds of the site in $TMP/keep, each after running
# PREPARE (which may edit the corpus); prints the row.
measure_rebuild() {
	label=$1 n=$2
	shift 2
	: >"$TMP/t"
	i=0
	while [ $i -lt "$RUNS" ]; do
		"$@"
		/usr/bin/time -f '%e %M' -o "$TMP/one" "$HB" $(hb_args "$TMP/hb-$n/content" \
			"$TMP/bench.yaml" "$ROOT/themes/default" "$TMP/keep") >/dev/null \
			2>"$TMP/stderr" || { cat "$TMP/stderr" >&2; exit 1; }
		cat "$TMP/one" >>"$TMP/t"
		i=$((i + 1))
	done
	REB_S=$(cut -d' ' -f1 "$TMP/t" | median)
	row "$n" "$label" "$REB_S" "$(($(cut -d' ' -f2 "$TMP/t" | median) / 1024))" "" ""
}

nothing() { :; }

# pair_ratio N: handbook and Hugo built one right after the other, RUNS times; sets PAIR_RATIO,
# the median of the pairs' time ratios. This machine's speed drifts (by a third from hour to hour), and a
# drift then weighs on both sides of each ratio alike.
pair_ratio() {
	: >"$TMP/r"
	i=0
	while [ $i -lt "$RUNS" ]; do
		rm -rf "$TMP/out"
		/usr/bin/time -f '%e' -o "$TMP/a" "$HB" $(hb_args "$TMP/hb-$1/content" \
			"$TMP/bench.yaml" "$ROOT/themes/default" "$TMP/out") >/dev/null 2>&1 ||
			{ echo "bench: handbook failed" >&2; exit 1; }
		rm -rf "$TMP/out"
		/usr/bin/time -f '%e' -o "$TMP/b" "$HUGO" --quiet --source "$TMP/hugo-$1" \
			--destination "$TMP/out" >/dev/null 2>&1 || { echo "bench: hugo failed" >&2; exit 1; }
		awk -v a="$(cat "$TMP/a")" -v b="$(cat "$TMP/b")" 'BEGIN { print a / b }' >>"$TMP/r"
		i=$((i + 1))
	done
	PAIR_RATIO=$(median <"$TMP/r")
}

# One page's text gets one more sentence; its mtime is set a minute back so that the build
# after it may leave a cache (see cache.h on racy edits).
edit_one_page() {
	page=$(find "$TMP/hb-$n/content" -name '*.md' ! -name '_index.md' | sort | head -1)
	echo "A sentence added for the benchmark, edit $i." >>"$page"
	touch -d '1 minute ago' "$page"
}

row pages what seconds "RSS MiB" "out MiB" files
for n in $SIZES; do
	python3 "$GEN" --pages "$n" --out "$TMP/hb-$n" --hugo "$TMP/hugo-$n" >/dev/null 2>&1
	find "$TMP/hb-$n" -exec touch -d '2 minutes ago' {} +
	measure "$HB" $(hb_args "$TMP/hb-$n/content" "$TMP/bench.yaml" "$ROOT/themes/default" \
		"$TMP/out")
	hb_s=$SECONDS_MEDIAN hb_m=$MIB_MEDIAN
	set -- $(site_size "$TMP/out")
	row "$n" "handbook build" "$hb_s" "$hb_m" "$1" "$2"
	measure "$HB" $(hb_args "$TMP/hb-$n/content" "$TMP/full.yaml" "$ROOT/themes/default" \
		"$TMP/out")
	full_s=$SECONDS_MEDIAN full_m=$MIB_MEDIAN
	set -- $(site_size "$TMP/out")
	row "$n" "handbook build, search+print on" "$full_s" "$full_m" "$1" "$2"

	rm -rf "$TMP/keep"
	"$HB" $(hb_args "$TMP/hb-$n/content" "$TMP/bench.yaml" "$ROOT/themes/default" \
		"$TMP/keep") 2>/dev/null
	measure_rebuild "handbook rebuild, nothing changed" "$n" nothing
	noop_s=$REB_S
	measure_rebuild "handbook rebuild, one page edited" "$n" edit_one_page
	edit_s=$REB_S
	rm -rf "$TMP/fresh"
	"$HB" $(hb_args "$TMP/hb-$n/content" "$TMP/bench.yaml" "$ROOT/themes/default" \
		"$TMP/fresh") --no-reuse 2>/dev/null
	diff -r -x .handbook-cache -x .handbook-parsed "$TMP/keep" "$TMP/fresh" >/dev/null ||
		{ echo "bench: the one-edit rebuild differs from a full build" >&2; exit 1; }
	awk -v f="$hb_s" -v a="$noop_s" -v b="$edit_s" -v n="$n" 'BEGIN {
		printf "%-7s %-34s %9.3f\n", n, "no-op / full build", a / f
		printf "%-7s %-34s %9.3f  (output identical to a full build)\n", n,
		    "one-edit / full build", b / f }'

	if [ -n "$HUGO" ]; then
		measure "$HUGO" --quiet --source "$TMP/hugo-$n" --destination "$TMP/out"
		hugo_s=$SECONDS_MEDIAN hugo_m=$MIB_MEDIAN
		set -- $(site_size "$TMP/out")
		row "$n" "hugo build" "$hugo_s" "$hugo_m" "$1" "$2"
		awk -v a="$hb_s" -v b="$hugo_s" -v m="$hb_m" -v h="$hugo_m" -v n="$n" 'BEGIN {
			printf "%-7s %-34s %9.2f %8.2f\n", n, "ratio handbook/hugo", a / b, m / h }'
		pair_ratio "$n"
		printf '%-7s %-34s %9.2f\n' "$n" "ratio, the builds alternated" "$PAIR_RATIO"
	fi
	rm -rf "$TMP/hb-$n" "$TMP/hugo-$n" "$TMP/out" "$TMP/keep" "$TMP/fresh"
done

[ -n "$SCALING" ] || exit 0
echo
echo "scaling, no sidebar on either side:"
row pages what seconds "RSS MiB" "out MiB" files
for n in $SCALING; do
	python3 "$GEN" --pages "$n" --out "$TMP/hb-$n" --hugo "$TMP/hugo-$n" --hugo-nav none \
		>/dev/null 2>&1
	measure "$HB" $(hb_args "$TMP/hb-$n/content" "$TMP/bench.yaml" "$TMP/nonav-theme" \
		"$TMP/out")
	hb_s=$SECONDS_MEDIAN hb_m=$MIB_MEDIAN
	set -- $(site_size "$TMP/out")
	row "$n" "handbook build" "$hb_s" "$hb_m" "$1" "$2"
	awk -v s="$hb_s" -v n="$n" 'BEGIN { printf "%-7s %-34s %9.1f\n", n,
		"handbook µs per page", s / n * 1e6 }'
	if [ -n "$HUGO" ]; then
		measure "$HUGO" --quiet --source "$TMP/hugo-$n" --destination "$TMP/out"
		hugo_s=$SECONDS_MEDIAN
		row "$n" "hugo build" "$hugo_s" "$MIB_MEDIAN" $(site_size "$TMP/out")
		awk -v a="$hb_s" -v b="$hugo_s" -v n="$n" 'BEGIN {
			printf "%-7s %-34s %9.2f\n", n, "ratio handbook/hugo", a / b }'
	fi
	rm -rf "$TMP/hb-$n" "$TMP/hugo-$n" "$TMP/out"
done
