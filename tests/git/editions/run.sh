# `handbook editions`: every tagged edition into editions/<tag>/, the newest at the root, edition
# switchers (renames followed), "What changed" pages with word diffs, the Atom feed, reuse of
# unchanged pages (identical to rendering them), reproducible output.
. "$ROOT/tests/lib.sh"
cd "$WORK"
new_repo repo
cp -r "$ROOT/themes/default" theme
page content/_index.md "Home" <<'MD'
Read [[vision]], [[jasmine]] and [[stable]].
MD
page content/notes/vision.md "Vision" <<'MD'
The vision was announced in Vientiane in the first year.
MD
page content/notes/jasmine.md "JASMINE" <<'MD'
A programme for the maritime domain, with a long text that stays the same when renamed.
MD
page content/notes/stable.md "Stable" <<'MD'
This page never changes.
MD
page content/notes/gone.md "Gone" "summary: \"Withdrawn later\"" <<'MD'
Removed before the second edition: nothing of it lives on.
Zebras, quartz, oxygen; kilns.
MD
commit 2020-01-01 "First edition"
git tag edition-1

page content/notes/vision.md "Vision" <<'MD'
The vision was announced in Vientiane in the second year.
MD
git mv content/notes/jasmine.md content/notes/jasmine-initiative.md
git rm -q content/notes/gone.md
page content/notes/new-page.md "New page" "date: 2021-05-30" <<'MD'
Added in the second edition, see [[vision]]. It has its own text, about other things.
MD
commit 2021-06-01 "Second edition"
git tag -a -m "The second edition" edition-2

git checkout -q -b side
page content/notes/stable.md "Stable" <<'MD'
This page never changes.
MD
page content/notes/side.md "Side" <<'MD'
Written on a branch.
MD
commit 2022-02-01 "Side work"
git checkout -q main
GIT_AUTHOR_DATE="2022-03-01T10:00:00Z" GIT_COMMITTER_DATE="2022-03-01T10:00:00Z" \
	git merge -q --no-ff -m "Merge side" side
git tag v3
git tag release-ignored
# v4 changes one page's text only: every other page can be reused from v3.
page content/notes/vision.md "Vision" <<'MD'
The vision was announced in Vientiane in the second year, as the fourth edition says.
MD
commit 2023-01-01 "Fourth edition"
git tag v4
git tag edition-x/nested
# A tag on a commit without the content folder: skipped with a warning.
git tag v0-empty "$(GIT_COMMITTER_DATE=2019-01-01T00:00:00Z git commit-tree \
	"$(git mktree </dev/null)" -m "Nothing yet")"
before=$(git status --porcelain; git rev-parse HEAD)

hb editions --content content --theme theme --out ../site --verbose --jobs 2
expect_status 0
contains "$WORK/err" "tag 'edition-x/nested' cannot name a folder"
contains "$WORK/err" "tag 'v0-empty' has no content: not an edition"
contains "$WORK/err" "built 4 editions and the newest at the root"
after=$(git status --porcelain; git rev-parse HEAD)
[ "$before" = "$after" ] || die "editions changed the repository"
S=../site
for e in edition-1 edition-2 v3 v4; do exists $S/editions/$e/index.html; exists $S/editions/$e/feed.xml; done
absent $S/editions/release-ignored
absent $S/editions/edition-x
absent $S/editions/v0-empty

# The root is the newest edition.
contains $S/index.html 'Edition <strong>v4</strong> of <time datetime="2023-01-01">'
exists $S/notes/side.html
contains $S/notes/jasmine-initiative.html 'href="../editions/edition-1/notes/jasmine.html"'

# Switchers: the same page in every edition, renames followed, the home page when it is missing.
v1=$S/editions/edition-1
contains $v1/notes/vision.html 'href="vision.html" aria-current="page">edition-1</a>'
contains $v1/notes/vision.html 'href="../../edition-2/notes/vision.html">edition-2</a>'
contains $v1/notes/vision.html 'href="../../v3/notes/vision.html">v3</a>'
contains $S/editions/v3/notes/vision.html 'href="../../v4/notes/vision.html">v4</a>'
contains $v1/notes/jasmine.html 'href="../../edition-2/notes/jasmine-initiative.html">edition-2</a>'
contains $v1/notes/gone.html 'href="../../edition-2/index.html">edition-2</a> <time datetime="2021-06-01">1 June 2021</time> <span class="missing">'
contains $S/editions/v3/notes/side.html 'href="../../edition-1/index.html">edition-1</a>'
contains $v1/notes/vision.html "first year"
contains $S/editions/edition-2/notes/vision.html "second year"

# What changed.
c2=$S/editions/edition-2/changes.html
contains $c2 'since <a href="../edition-1/index.html">edition-1</a>'
contains $c2 '<a href="notes/new-page.html">New page</a>'
contains $c2 '<a href="../edition-1/notes/gone.html">Gone</a> (in edition-1)'
contains $c2 '<a href="notes/jasmine-initiative.html">JASMINE</a>, formerly <a href="../edition-1/notes/jasmine.html">'
contains $c2 '<a href="notes/vision.html">Vision</a>'
contains $c2 'in the <del>first</del><ins>second</ins> year.'
contains $c2 '1 word removed, 1 added'
lacks $c2 'Stable'
contains $S/editions/edition-1/changes.html 'is the first edition'
contains $S/editions/v3/changes.html '<a href="notes/side.html">Side</a>'
contains $S/changes.html 'since <a href="editions/v3/index.html">v3</a>'
contains $S/changes.html 'second <del>year.</del><ins>year, as the fourth edition says.</ins>'
lacks $S/changes.html 'Stable'

# The feed lists the editions, newest first, linking to their changes.
feed=$S/feed.xml
python3 - "$feed" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = {"a": "http://www.w3.org/2005/Atom"}
root = ET.parse(sys.argv[1]).getroot()
titles = [e.find("a:title", ns).text for e in root.findall("a:entry", ns)]
assert titles == ["Edition v4", "Edition v3", "Edition edition-2", "Edition edition-1"], titles
links = [e.find("a:link", ns).get("href") for e in root.findall("a:entry", ns)]
assert links[2] == "editions/edition-2/changes.html", links
summary = root.findall("a:entry", ns)[2].find("a:summary", ns).text
assert summary.startswith("1 page added, 1 page removed, 1 page renamed, 1 page changed"), summary
assert root.find("a:updated", ns).text == "2023-01-01T10:00:00Z"
PY

# Unchanged pages were reused, and reuse makes exactly what rendering makes. v4 changed one
# page's text: it renders that page, its What changed and print.html (which holds every page)
# and reuses the rest from v3; the root reuses all of v4 but those last two; earlier editions
# reuse what their changes did not reach: 24 pages in all, a count kept exact so that reuse
# cannot quietly stop.
contains "$WORK/err" "(24 reused)"
links_resolve $S || die "broken links in the editions"
hb editions --content content --theme theme --out ../full --no-reuse --jobs 1
expect_status 0
contains "$WORK/err" "(0 reused)"
same_tree $S ../full

# Two runs, any --jobs, time zone or locale: byte-identical.
export TZ=Pacific/Kiritimati LC_ALL=C.UTF-8
hb editions --content content --theme theme --out ../again --jobs 3
unset TZ LC_ALL
expect_status 0
same_tree $S ../again

# Patterns come from handbook.yaml.
printf 'editions: release-*\n' >../only-release.yaml
hb editions --content content --theme theme --out ../rel --config ../only-release.yaml
expect_status 0
exists ../rel/editions/release-ignored/index.html
absent ../rel/editions/v3

# No edition: exit 2 with one line, nothing written.
printf 'editions: [none-*]\n' >../none.yaml
hb editions --content content --theme theme --out ../empty --config ../none.yaml
expect_status 2
contains "$WORK/err" "no tag names an edition"
absent ../empty
