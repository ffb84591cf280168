#!/bin/sh
# Runs the whole test suite against one or more builds of handbook:
#
#     sh tests/run.sh HANDBOOK UNIT_DIR [HANDBOOK UNIT_DIR ...]
#
# For each pair: every unit test binary in UNIT_DIR (cmocka, TAP output), every end-to-end case
# in tests/e2e/*/run.sh and tests/git/*/run.sh (git repositories made by the test), every error case in tests/errors/*/, the hostile-input cases in tests/hostile/ and the content invariants of the
# real handbook (tests/content/run.sh). HB_WRAP (e.g. "valgrind -q") prefixes each handbook run.
# Once, for the first pair only, the real-browser tests (tests/browser/run.sh: Chromium opens the
# built handbook from file://), with that handbook unwrapped; HB_BROWSER=0 skips them.
# Ends with "N passed, N failed" and exits 1 if anything failed.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PASS=0
FAIL=0
FAILED_NAMES=""

pass() { PASS=$((PASS + 1)); }
fail() {
	FAIL=$((FAIL + 1))
	FAILED_NAMES="$FAILED_NAMES
  $1"
	echo "FAIL: $1" >&2
}

run_unit() {
	bin=$1
	# shellcheck disable=SC2086
	out=$(CMOCKA_MESSAGE_OUTPUT=tap ${HB_WRAP:-} "$bin" 2>&1)
	rc=$?
	ok=$(printf '%s\n' "$out" | grep -c '^ok ')
	bad=$(printf '%s\n' "$out" | grep -c '^not ok ')
	PASS=$((PASS + ok))
	if [ "$bad" -gt 0 ] || [ "$ok" -eq 0 ] || [ "$rc" -ne 0 ]; then
		printf '%s\n' "$out" | grep -v '^ok ' >&2
		fail "unit: $(basename "$bin") ($bad failed)"
	fi
}

run_e2e() {
	case_dir=$1
	work=$(mktemp -d /tmp/hb-e2e-XXXXXX)
	if (cd "$case_dir" && HB="$HB" WORK="$work" ROOT="$ROOT" sh ./run.sh) >"$work.log" 2>&1; then
		pass
	else
		cat "$work.log" >&2
		fail "e2e: $(basename "$case_dir") [$HB_NAME]"
	fi
	rm -rf "$work" "$work.log"
}

# An error case: content/ (and optionally theme/, config.yaml, args: extra options) + `expected` lines that must all
# appear in stderr + `status`, the exit status. The output directory must not be created.
run_error_case() {
	case_dir=$1
	name=$(basename "$case_dir")
	work=$(mktemp -d /tmp/hb-err-XXXXXX)
	theme="$ROOT/themes/default"
	[ -d "$case_dir/theme" ] && theme=theme
	config=
	[ -f "$case_dir/config.yaml" ] && config="--config config.yaml"
	[ -f "$case_dir/args" ] && config="$config $(cat "$case_dir/args")"
	want=$(cat "$case_dir/status")
	# shellcheck disable=SC2086
	(cd "$case_dir" && $HB build --content content --theme "$theme" --out "$work/site" \
		$config --jobs 2) >"$work/out" 2>"$work/err"
	got=$?
	ok=1
	[ "$got" = "$want" ] || { echo "$name: exit $got, want $want" >&2; ok=0; }
	while IFS= read -r line; do
		[ -z "$line" ] && continue
		grep -qF -- "$line" "$work/err" || { echo "$name: stderr lacks: $line" >&2; ok=0; }
	done <"$case_dir/expected"
	[ -e "$work/site" ] && { echo "$name: wrote a site despite errors" >&2; ok=0; }
	if [ $ok = 1 ]; then pass; else sed 's/^/  stderr: /' "$work/err" >&2; fail "errors: $name [$HB_NAME]"; fi
	rm -rf "$work"
}

# The hostile-input suite (tests/hostile/run.py): each case counts; failures are shown.
run_hostile() {
	log=$(mktemp /tmp/hb-hostile-log-XXXXXX)
	python3 "$ROOT/tests/hostile/run.py" "$HB" >"$log" 2>&1
	ok=$(grep -c '^ok ' "$log")
	PASS=$((PASS + ok))
	if grep -q '^FAIL ' "$log" || [ "$ok" -eq 0 ]; then
		grep -v '^ok ' "$log" >&2
		fail "hostile: $(grep -c '^FAIL ' "$log") case(s) [$HB_NAME]"
	fi
	rm -f "$log"
}

# The fuzz targets' committed corpus, replayed under the sanitizers (make fuzz adds to it).
run_fuzz_replay() {
	for bin in "$ROOT"/build/asan-fuzz/replay-*; do
		[ -x "$bin" ] || continue
		t=${bin##*/replay-}
		if out=$("$bin" "$ROOT/tests/fuzz/corpus/$t" 2>&1); then
			pass
		else
			printf '%s\n' "$out" | tail -30 >&2
			fail "fuzz corpus: $t [$HB_NAME]"
		fi
	done
}

# The browser tests: each node test counts; their output is shown only when they fail.
run_browser() {
	log=$(mktemp /tmp/hb-browser-log-XXXXXX)
	if sh "$ROOT/tests/browser/run.sh" "$1" >"$log" 2>&1; then
		n=$(awk '/^# pass [0-9]+$/ { print $3 }' "$log")
		if [ "${n:-0}" -gt 0 ]; then
			PASS=$((PASS + n))
			echo "browser: $n tests passed in Chromium" >&2
		else
			cat "$log" >&2
			fail "browser: no test ran [$HB_NAME]"
		fi
	else
		cat "$log" >&2
		fail "browser [$HB_NAME]"
	fi
	rm -f "$log"
}

BROWSER_DONE=0
[ "${HB_BROWSER:-1}" = 0 ] && BROWSER_DONE=1
while [ $# -ge 2 ]; do
	HB_BIN="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
	HB="${HB_WRAP:+$HB_WRAP }$HB_BIN"
	HB_NAME=$1
	UNIT_DIR=$2
	shift 2
	echo "== $HB_NAME"
	for bin in "$UNIT_DIR"/test_*; do
		[ -x "$bin" ] && run_unit "$bin"
	done
	for c in "$ROOT"/tests/e2e/*/ "$ROOT"/tests/git/*/; do
		[ -f "$c/run.sh" ] && run_e2e "${c%/}"
	done
	for c in "$ROOT"/tests/errors/*/; do
		[ -f "$c/status" ] && run_error_case "${c%/}"
	done
	run_hostile
	case $HB_NAME in *asan*) run_fuzz_replay ;; esac
	if [ -f "$ROOT/tests/content/run.sh" ]; then
		if (cd "$ROOT" && HB="$HB" sh tests/content/run.sh) >&2; then pass; else fail "content [$HB_NAME]"; fi
	fi
	if [ "$BROWSER_DONE" = 0 ] && [ -f "$ROOT/tests/browser/run.sh" ]; then
		BROWSER_DONE=1
		run_browser "$HB_BIN"
	fi
done

[ "$FAIL" -gt 0 ] && printf 'failed:%s\n' "$FAILED_NAMES"
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
