# The persistent cache across commits: a commit changes pages' git history (dates, the
# history list) while their files stay as they were, so a rebuild after it cannot take the
# build before's hashes for those pages (reuse.h), though it takes every parse from the cache.
# The proof is that each rebuild equals a build that renders everything.
. "$ROOT/tests/lib.sh"
cd "$WORK"
new_repo repo
page content/_index.md "Home" <<'MD'
See [[a]] and [[b]].
MD
for x in a b; do
	page content/notes/$x.md "Page $x" <<MD
Text of $x.
MD
done
commit 2020-01-01 "One"
find content -exec touch -d '2 minutes ago' {} +

# rebuilt WHAT: a rebuild through the cache equals a fresh build.
rebuilt() {
	hb build --content content --theme "$ROOT/themes/default" --out ../site --verbose
	expect_status 0
	cp "$WORK/err" "$WORK/rebuild.err"
	rm -rf ../fresh
	hb build --content content --theme "$ROOT/themes/default" --out ../fresh --no-reuse
	expect_status 0
	same_tree ../site ../fresh
	echo "ok: $1"
}
rebuilt "the first build"

# b edited in the working tree, not committed: its history is still the first commit's.
page content/notes/b.md "Page b" <<'MD'
Text of b, revised.
MD
touch -d '1 minute ago' content/notes/b.md
rebuilt "an edit not committed"
lacks ../site/notes/b.html 'updated'

# Committed: no file changes, every parse is taken from the cache, b's history is new.
commit 2020-02-01 "Two"
rebuilt "the same files, committed"
contains "$WORK/rebuild.err" "taken from the parse cache"
contains ../site/notes/b.html 'updated <time datetime="2020-02-01">'
