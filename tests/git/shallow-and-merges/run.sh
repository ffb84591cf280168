# Merges (first-parent history), deletions and a shallow clone, on repositories made here.
. "$ROOT/tests/lib.sh"
cd "$WORK"
new_repo repo
page content/_index.md "Home" <<'MD'
[[a]] [[b]]
MD
page content/notes/a.md "A" <<'MD'
One.
MD
page content/notes/b.md "B" <<'MD'
One.
MD
commit 2020-01-01 "Start"
git tag edition-1
git checkout -q -b draft
page content/notes/a.md "A" <<'MD'
Two, on a branch.
MD
commit 2020-02-01 "Edit A on a branch"
git checkout -q main
page content/notes/b.md "B" <<'MD'
Two.
MD
commit 2020-03-01 "Edit B"
GIT_AUTHOR_DATE="2020-04-01T10:00:00Z" GIT_COMMITTER_DATE="2020-04-01T10:00:00Z" \
	git merge -q --no-ff -m "Merge the draft" draft
git rm -q content/notes/b.md
page content/_index.md "Home" <<'MD'
[[a]]
MD
commit 2020-05-01 "Remove B"
page content/notes/b.md "B" <<'MD'
Back again.
MD
page content/_index.md "Home" <<'MD'
[[a]] [[b]]
MD
commit 2020-06-01 "Restore B"
git tag -f edition-2 >/dev/null

hb build --content content --out ../site --theme "$ROOT/themes/default"
expect_status 0
# First-parent history: the merge is the change that brought A's edit to main.
contains ../site/notes/a.html 'History (2 changes)'
contains ../site/notes/a.html 'Merge the draft'
lacks ../site/notes/a.html 'Edit A on a branch'
contains ../site/notes/a.html 'updated <time datetime="2020-04-01">'
# A file deleted and added again keeps one history under its path.
contains ../site/notes/b.html 'Restore B'
contains ../site/notes/b.html 'Remove B'
contains ../site/notes/b.html 'Created <time datetime="2020-01-01">'

# A shallow clone (as CI makes with depth 1 or 2) builds with one warning and the history it has.
cd "$WORK"
git clone -q --depth 2 "file://$WORK/repo" shallow
cd shallow
hb build --content content --out ../shallow-site --theme "$ROOT/themes/default"
expect_status 0
[ "$(grep -c 'warning: shallow clone' "$WORK/err")" = 1 ] || die "want one shallow-clone warning"
contains "$WORK/err" "history before"
contains ../shallow-site/notes/b.html 'Restore B'
lacks ../shallow-site/notes/b.html 'Start'
contains ../shallow-site/index.html 'Edition of <time datetime="2020-06-01">'

# Editions in a shallow clone: a tag whose commit the clone lacks is skipped with a warning, the
# others are built; the shallow-history warning is given once.
cd "$WORK"
git clone -q --depth 1 "file://$WORK/repo" shallow-tags
cd shallow-tags
git tag -f edition-2 >/dev/null
git -C "$WORK/repo" rev-parse edition-1 >.git/refs/tags/edition-1
git tag edition-3
hb editions --content content --out ../shallow-editions --theme "$ROOT/themes/default"
expect_status 0
contains "$WORK/err" "tag 'edition-1' names no commit this repository has (a shallow clone?)"
[ "$(grep -c 'warning: shallow clone' "$WORK/err")" = 1 ] || die "want one shallow-clone warning"
exists ../shallow-editions/editions/edition-2/index.html
exists ../shallow-editions/editions/edition-3/index.html
absent ../shallow-editions/editions/edition-1
