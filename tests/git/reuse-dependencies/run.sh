# Reuse between editions is never stale: a theme whose navigation (a memo value) shows every
# page's last-updated date and whose pages show the headings of the pages they list must render
# those pages again when another page's history or headings change. The proof is that the
# reusing build equals a build that renders everything.
. "$ROOT/tests/lib.sh"
cd "$WORK"
new_repo repo
cp -r "$ROOT/themes/default" theme
# Navigation with dates, memoised per folder as the default theme's list is.
python3 - theme/layouts/partials/nav.html <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
old = "'\">' .. escape(p.title) .. \"</a></li>\\n\""
assert old in s
s = s.replace(old, "'\">' .. escape(p.title) .. \" (\" .. (p.updated or \"-\") .. \")</a></li>\\n\"")
open(p, "w").write(s)
PY
# The home page lists the first heading of every page.
cat >theme/layouts/index.html <<'HTML'
<% include("layout", { after = "outline" }) %>
HTML
cat >theme/layouts/partials/outline.html <<'HTML'
<ul class="outline"><% for _, p in ipairs(site.pages) do if p.headings[1] then %><li><%= p.title %>: <%= p.headings[1].text %></li><% end end %></ul>
HTML
page content/_index.md "Home" <<'MD'
See [[a]], [[b]] and [[c]].
MD
for x in a b c; do
	page content/notes/$x.md "Page $x" <<MD
## First heading of $x

Text of $x.
MD
done
commit 2020-01-01 "One"
git tag edition-1
page content/notes/b.md "Page b" <<'MD'
## First heading of b

Text of b, revised: its history changes, its headings do not.
MD
commit 2020-02-01 "Two"
git tag edition-2
page content/notes/c.md "Page c" <<'MD'
## A new first heading of c

Text of c.
MD
commit 2020-03-01 "Three"
git tag edition-3

hb editions --content content --theme theme --out ../reused --jobs 1
expect_status 0
contains ../reused/editions/edition-2/notes/a.html '>Page b (2020-02-01)</a>'
contains ../reused/editions/edition-3/index.html 'Page c: A new first heading of c'
hb editions --content content --theme theme --out ../rendered --jobs 1 --no-reuse
expect_status 0
same_tree ../reused ../rendered
