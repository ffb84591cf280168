# The threads between pages: automatic glossary, backlinks with context, meeting facts,
# participation, timeline, type indexes, breadcrumbs, table of contents, permalinks, pager.
. "$ROOT/tests/lib.sh"
cd "$WORK"
page content/_index.md "Home" <<'MD'
Start at [[m1]].
MD
page content/glossary/admm.md "ADMM" "type: glossary" "id: glossary-admm" "abbr: ADMM" \
	"expansion: \"ASEAN Defence Ministers' Meeting\"" <<'MD'
The ADMM is a meeting. ADMM again, on its own page: never linked here.
MD
page content/glossary/admm-plus.md "ADMM-Plus" "type: glossary" "id: glossary-admm-plus" \
	"abbr: ADMM-Plus" <<'MD'
Not expanded in the sources.
MD
page content/people/kishi.md "Minister Kishi" "type: person" <<'MD'
A minister.
MD
page content/initiatives/vv.md "Vientiane Vision" "type: initiative" <<'MD'
An initiative.
MD
page content/meetings/m1.md "First meeting" "type: meeting" "date: 2016-11-16" \
	"venue: Vientiane" "format: in-person" "participants: [kishi]" "related: [vv]" <<'MD'
## ADMM in a heading

The ministers met. Japan's [[kishi]] announced the [[vv|vision]] at the meeting. Then more.

Code `ADMM` is not a term, nor is [ADMM](https://example.org) in a link, nor ADMMs.
The ADMM-Plus is the longer term; the ADMM comes next; ADMM a second time stays plain.

## Second

## Third
MD
page content/meetings/m2.md "Second meeting" "type: meeting" "date: 2020-12-10" \
	"date_inferred: \"The year is inferred from the issue date.\"" "participants: [kishi]" <<'MD'
Back to [[m1]].
MD
hb build --content content --theme "$ROOT/themes/default" --out site
expect_status 0
m1=site/meetings/m1.html

# Glossary: first use only, whole words, longest first, never in headings, code or links.
contains $m1 '<a href="../glossary/admm-plus.html"><abbr>ADMM-Plus</abbr></a> is the longer term'
contains $m1 "the <a href=\"../glossary/admm.html\"><abbr title=\"ASEAN Defence Ministers&#39; Meeting\">ADMM</abbr></a> comes next"
[ "$(grep -o '<abbr' $m1 | wc -l)" = 2 ] || die "terms linked more than once"
contains $m1 '<code>ADMM</code>'
contains $m1 '<a href="https://example.org">ADMM</a>'
contains $m1 'nor ADMMs.'
contains $m1 'ADMM a second time stays plain'
lacks site/glossary/admm.html '<abbr'

# Headings: anchors, permalinks, a table of contents once there are three or more.
contains $m1 '<h2 id="admm-in-a-heading">'
contains $m1 '<a class="headerlink" href="#admm-in-a-heading" title="Link to this section">¶</a>'
contains $m1 '<li class="toc-2"><a href="#third">Third</a></li>'

# Meeting facts from the front matter, by the meeting layout.
contains $m1 'Meeting facts'
contains $m1 '<dt>Venue</dt><dd>Vientiane</dd>'
contains $m1 '<dt>Participants</dt><dd><a href="../people/kishi.html">Minister Kishi</a></dd>'
contains $m1 '<dt>Initiatives</dt><dd><a href="../initiatives/vv.html">Vientiane Vision</a></dd>'
contains site/meetings/m2.html '(inferred)'
contains site/meetings/m2.html 'The year is inferred from the issue date.'

# A person lists the meetings that name them as participants.
k=site/people/kishi.html
contains $k 'Took part in'
contains $k '<a href="../meetings/m1.html">First meeting</a> <span class="date">16 November 2016</span>'
contains $k '<a href="../meetings/m2.html">Second meeting</a>'

# Backlinks, grouped by type, with the sentence around the link.
contains $k '<h3>meeting</h3>'
contains $k "<blockquote class=\"context\">Japan&#39;s <mark>Minister Kishi</mark> announced the vision at the meeting.</blockquote>"
contains site/initiatives/vv.html "Japan&#39;s Minister Kishi announced the <mark>vision</mark> at the meeting."
contains site/meetings/m1.html '<h3>meeting</h3>'

# Breadcrumbs and previous/next within the section only.
contains $m1 '<li><a href="index.html">Meetings</a></li>'
contains $m1 '<a rel="next" href="m2.html">Second meeting →</a>'
lacks site/meetings/m2.html 'rel="next"'

# Timeline by year, inferred dates marked; a sortable index per type.
t=site/timeline.html
contains $t '<h2 id="y2016">2016</h2>'
contains $t '<h2 id="y2020">2020</h2>'
contains $t '<a href="meetings/m1.html">First meeting</a>'
contains $t 'title="The year is inferred from the issue date.">(inferred)</span>'
i=site/types/meetings.html
contains $i '<table class="sortable">'
contains $i '<td data-sort="2016-11-16">16 November 2016</td><td>Vientiane</td><td>in-person</td>'
contains $i '<td>not given</td><td>not given</td>'
exists site/types/people.html
exists site/types/glossary.html
exists site/assets/sort.js
links_resolve site || die "broken links"
