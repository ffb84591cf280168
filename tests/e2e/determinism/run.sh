# Output does not depend on --jobs: builds with 1 and 4 workers are byte-identical.
. "$ROOT/tests/lib.sh"
cd "$WORK"
python3 "$ROOT/../shared/bench/gen_corpus.py" --pages 300 --out corpus >/dev/null 2>&1 ||
	die "gen_corpus.py failed"
hb build --content corpus/content --theme "$ROOT/themes/default" --out one --jobs 1
expect_status 0
hb build --content corpus/content --theme "$ROOT/themes/default" --out four --jobs 4
expect_status 0
same_tree one four
