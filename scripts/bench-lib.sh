# Shared by the benchmark scripts (sourced): medians of timed runs. Needs TMP and RUNS set.

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# measure CMD... : runs CMD RUNS times, each time from a fresh $TMP/out; sets SECONDS_MEDIAN and
# MIB_MEDIAN, the medians of wall time and peak memory (RSS, from GNU time). Runs in the calling
# shell (not in $(...)), so that a failed run stops the benchmark. WARMUP (default 1) untimed
# runs come first, as hyperfine's --warmup: on a virtual machine whose host takes back the
# memory a guest has freed, the first process to touch memory again after a pause (after the
# corpus was written, or after the other tool's runs) pays for every page of it, whichever tool
# it is.
measure() {
	w=0
	while [ "$w" -lt "${WARMUP:-1}" ]; do
		rm -rf "$TMP/out"
		"$@" >/dev/null 2>&1 || true	# a failure shows in the timed runs
		w=$((w + 1))
	done
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
