# A small handbook: pages, sections, every link form, relative URLs that work from file://.
. "$ROOT/tests/lib.sh"
cd "$WORK"
page content/_index.md "Home" <<'MD'
Start with [[vv]] or the [meetings](meetings/_index.md).
MD
page content/meetings/_index.md "Meetings" "summary: Every meeting." <<'MD'
The meetings, in order.
MD
page content/meetings/second.md "Second meeting" "type: meeting" "date: 2016-11-16" \
	"venue: Vientiane" "aliases: [DMIM2]" "sources: [src]" <<'MD'
## What was agreed

Japan announced the [[vv|Vientiane Vision]]; see [[Vision Outline#three-focus-points]]
and the [source](../sources/src.md#text).

## What was agreed
MD
page content/initiatives/vv.md "Vision Outline" "type: initiative" "sources: [src]" <<'MD'
Announced at [[DMIM2]].

## Three focus points

Back to [[#three-focus-points]].
MD
page content/sources/src.md "The release" "type: source" "sources: [src]" <<'MD'
## Text

Cited by [[second]].
MD
mkdir -p content/images && printf 'PNG' >content/images/map.png

hb build --content content --theme "$ROOT/themes/default" --out site
expect_status 0
contains err "built 14 pages"	# with the generated views: timeline, indexes, search, 404, print
for f in index.html meetings/index.html meetings/second.html initiatives/vv.html \
	initiatives/index.html sources/src.html sources/index.html assets/style.css images/map.png \
	.handbook-site; do
	exists "site/$f"
done
m=site/meetings/second.html
contains $m '<h2 id="what-was-agreed">'
contains $m '<h2 id="what-was-agreed-1">'
contains $m '<a href="../initiatives/vv.html">Vientiane Vision</a>'
contains $m '<a href="../initiatives/vv.html#three-focus-points">Vision Outline</a>'
contains $m '<a href="../sources/src.html#text">source</a>'
contains $m '<title>Second meeting'
contains $m '16 November 2016'
contains $m 'Vientiane'
contains site/initiatives/vv.html '<a href="../meetings/second.html">Second meeting</a>'
contains site/initiatives/vv.html '<a href="#three-focus-points">Vision Outline</a>'
contains site/index.html '<a href="initiatives/vv.html">Vision Outline</a>'
contains site/index.html '<a href="meetings/index.html">meetings</a>'
# Backlinks: the source page is referenced by both pages that cite it.
contains site/sources/src.html 'Referenced by'
# The section page lists its pages.
contains site/meetings/index.html '<a href="second.html">Second meeting</a>'
links_resolve site || die "broken relative links"
