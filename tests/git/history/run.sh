# Dates and histories come from git: created/updated per page (renames followed), --rev builds
# an older commit without touching the working tree, builds are reproducible.
. "$ROOT/tests/lib.sh"
cd "$WORK"
new_repo repo
cp -r "$ROOT/themes/default" theme
page content/_index.md "Home" <<'MD'
See [[old-name]].
MD
page content/notes/old-name.md "Vision" <<'MD'
First text.
MD
commit 2016-11-16 "Add the vision"
page content/notes/old-name.md "Vision" <<'MD'
First text, revised.
MD
commit 2019-06-01 "Revise the vision"
git mv content/notes/old-name.md content/notes/vision.md
page content/_index.md "Home" <<'MD'
See [[vision]].
MD
commit 2020-12-10 "Rename the vision page"
page content/notes/vision.md "Vision" <<'MD'
Final text.
MD
commit 2023-11-15 "Final text"
git tag edition-1 HEAD~1

hb build --content content --theme theme --out ../site
expect_status 0
v=../site/notes/vision.html
contains $v 'Created <time datetime="2016-11-16">16 November 2016</time>'
contains $v 'updated <time datetime="2023-11-15">15 November 2023</time>'
contains $v 'History (4 changes)'
contains $v 'Rename the vision page'
contains $v 'Add the vision'
contains ../site/index.html 'Edition of <time datetime="2023-11-15">'

# --rev builds a tag straight from the object database; the work tree stays as it was.
echo "uncommitted" >>content/notes/vision.md
before=$(git status --porcelain; git rev-parse HEAD; git stash list)
hb build --rev edition-1 --content content --theme theme --out ../old
expect_status 0
contains ../old/notes/vision.html "First text, revised."
lacks ../old/notes/vision.html "uncommitted"
contains ../old/notes/vision.html 'History (3 changes)'
after=$(git status --porcelain; git rev-parse HEAD; git stash list)
[ "$before" = "$after" ] || die "--rev changed the repository"
hb build --rev HEAD~3 --content content --theme theme --out ../older
expect_status 0
contains ../older/notes/old-name.html "First text."

# With --rev, the theme comes from the content's repository too, never from another one.
hb build --rev edition-1 --content content --theme "$ROOT/themes/default" --out ../elsewhere
expect_status 2
contains "$WORK/err" "not inside the repository"
absent ../elsewhere

# An unknown revision: exit 2, one line naming it, nothing written.
hb build --rev no-such-tag --content content --theme theme --out ../none
expect_status 2
[ "$(wc -l <"$WORK/err")" -eq 1 ] || die "want one line of error"
contains "$WORK/err" "no-such-tag"
absent ../none

# Reproducible: two builds of one commit are byte-identical, with any --jobs.
git checkout -q content/notes/vision.md
hb build --content content --theme theme --out ../r1 --jobs 1
hb build --content content --theme theme --out ../r2 --jobs 3
same_tree ../r1 ../r2
