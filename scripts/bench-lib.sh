# Shared by the benchmark scripts (sourced): medians of timed runs. Needs TMP and RUNS set.

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# measure CMD... : runs CMD RUNS times, each time from a fresh $TMP/out; sets SECONDS_MEDIAN and
# MIB_MEDIAN, the medians of wall time and peak memory (RSS, from GNU time). Runs in the calling
# shell (not in $(...)), so that a failed run stops the benchmark.
measure() {
	: >"$TMP/t"
	i=0
	while [ $i -lt "$RUNS" ]; do
		rm -rf "$TMP/out"
		/usr/bin/time -f '%e %M' -o "$TMP/one" "$@" >/dev/null 2>"$TMP/stderr" ||
			{ cat "$TMP/stderr" >&2; echo "bench: $* failed" >&2; exit 1; }
		cat "$TMP/one" >>"$TMP/t"
		i=$((i + 1))
	done
	SECONDS_MEDIAN=$(cut -d' ' -f1 "$TMP/t" | median)
	MIB_MEDIAN=$(($(cut -d' ' -f2 "$TMP/t" | median) / 1024))
}
