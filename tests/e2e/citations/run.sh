# Citations and verified quotations: numbered citations linking to source paragraphs, quotations
# that match despite typographic quote marks, dashes and white space, "…" for left-out words,
# References grouped by source, and each source's "Cited by", paragraph by paragraph.
. "$ROOT/tests/lib.sh"
cd "$WORK"
page content/sources/rel.md "A release" "type: source" "publisher: Ministry" "published: 2016-11-16" \
	"kind: outline" "file: 004.txt" "removed: [\"hashtags in the title\"]" <<'MD'
What the release is.

## Full text

Vientiane Vision: Japan’s Defense Cooperation Initiative with ASEAN

The Vientiane Vision is a “guiding principle” for Japan’s defense cooperation with ASEAN, announced
by Defense Minister Inada.

- Japan-ASEAN defense exchanges started from 1990s — and developed from 2000s.
- The vision was welcomed by all the participating countries of ASEAN.

## After the text

Not numbered.
MD
page content/sources/other.md "Another release" "type: source" "published: not dated" <<'MD'
## Full text

Only one paragraph.
MD
page content/notes/a.md "A" "sources: [rel, other]" <<'MD'
The vision is [[quote:rel|a "guiding principle" for Japan's  defense
cooperation]], announced by Inada [[src:rel#p2]]. Exchanges started [[quote:rel#p3|from 1990s -- and developed]]
(the capture writes an em dash) and [[quote:rel#p3|exchanges started … from 2000s]]. See also
[[src:other#p1]] and [[src:rel#p2]] again, and the release as a whole [[src:rel]].
MD
page content/notes/b.md "B" "sources: [rel]" <<'MD'
It [[quote:rel#p4|was welcomed by all the participating countries]].

| what | where |
| --- | --- |
| a quotation in a table | [[quote:rel#p2\|a “guiding principle”]] |
| a citation in a table | Vientiane [[src:rel#p2]] |
MD
page content/_index.md "Home" <<'MD'
[[a]] [[b]] [[rel]] [[other]]
MD
cp -r "$ROOT/themes/default" theme
hb build --content content --theme theme --out site
expect_status 0
a=site/notes/a.html
# Numbers in order of first appearance; the same paragraph keeps its number.
contains $a '<q cite="../sources/rel.html#p2">a &quot;guiding principle&quot; for Japan'"'"'s  defense
cooperation</q><sup class="cite"><a href="../sources/rel.html#p2">[1]</a><span class="cite-text" role="tooltip">¶2 The Vientiane Vision is a “guiding principle”'
contains $a 'announced by Inada <sup class="cite"><a href="../sources/rel.html#p2">[1]</a>'
contains $a '<q cite="../sources/rel.html#p3">from 1990s -- and developed</q><sup class="cite"><a href="../sources/rel.html#p3">[2]</a>'
contains $a '<q cite="../sources/rel.html#p3">exchanges started … from 2000s</q><sup class="cite"><a href="../sources/rel.html#p3">[2]</a>'
contains $a '<a href="../sources/other.html#p1">[3]</a>'
contains $a '<sup class="cite"><a href="../sources/rel.html">[4]</a></sup>'
# Citations and quotations in table cells render too.
contains site/notes/b.html '<td><q cite="../sources/rel.html#p2">a “guiding principle”</q><sup class="cite"><a href="../sources/rel.html#p2">[2]</a>'
contains site/notes/b.html '<td>Vientiane <sup class="cite"><a href="../sources/rel.html#p2">[2]</a>'
# References, grouped by source in order of first citation.
python3 - "$a" <<'PY'
import re, sys
s = open(sys.argv[1]).read()
refs = s[s.index('id="sources-h"'):]
refs = refs[:refs.index("</section>")]
order = re.findall(r'<h3 class="ref-source"><a href="([^"]+)">', refs)
assert order == ["../sources/rel.html", "../sources/other.html"], order
items = re.findall(r'<li id="ref-(\d+)" value="\d+"><a href="([^"]+)">([^<]+)</a>', refs)
assert items == [("1", "../sources/rel.html#p2", "¶2"), ("2", "../sources/rel.html#p3", "¶3"),
    ("4", "../sources/rel.html", "the whole release"), ("3", "../sources/other.html#p1", "¶1")], items
assert "Ministry, 16 November 2016" in refs
PY
# The source page: numbered paragraphs, facts, removals, and who cites each paragraph.
r=site/sources/rel.html
contains $r '<p><a class="pnum" id="p1" href="#p1" aria-label="Paragraph 1">1</a> Vientiane Vision'
contains $r '<li><a class="pnum" id="p4" href="#p4" aria-label="Paragraph 4">4</a> The vision was welcomed'
lacks $r 'id="p5"'
contains $r '<p>Not numbered.</p>'
contains $r '<dt>Published</dt><dd><time datetime="2016-11-16">16 November 2016</time></dd>'
contains $r '<dt>From the file</dt><dd><code>004.txt</code></dd>'
contains $r '<li>hashtags in the title</li>'
contains $r '<li>The release as a whole: <a href="../notes/a.html#ref-4">A</a></li>'
contains $r '<li><a href="#p2">¶2</a>: <a href="../notes/a.html#ref-1">A</a>, <a href="../notes/b.html#ref-2">B</a></li>'
contains $r '<li><a href="#p4">¶4</a>: <a href="../notes/b.html#ref-1">B</a></li>'
contains site/sources/other.html '<dt>Published</dt><dd>not dated</dd>'
links_resolve site

# check verifies quotations too, and a changed word fails with the source's words.
sed -i 's/was welcomed by all/was welcomed by most/' content/notes/b.md
hb check --content content --theme theme
expect_status 1
contains "$WORK/err" "content/notes/b.md:5:4: error: quotation not found in paragraph p4 of 'rel'"
contains "$WORK/err" "content/notes/b.md:5:4: note: the source says 'was welcomed by all the participating countries'"
