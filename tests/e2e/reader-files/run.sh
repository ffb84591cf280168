# The files a reader's tools need besides the pages: search index and texts, search.html,
# 404.html, print.html (one document), sitemap.xml and feed.xml, Open Graph tags.
. "$ROOT/tests/lib.sh"
cd "$WORK"
page content/_index.md "Home" "summary: \"The home page\"" <<'MD'
See [[a]] and [[b#details]].
MD
page content/notes/a.md "Défense Page" "summary: \"About A\"" <<'MD'
Words about Vientiane and 防衛省.

## Details

More words.
MD
page content/notes/b.md "B" <<'MD'
## Details

Back to [[a]], [site](https://example.org/x) and [home](../_index.md).
MD
hb build --content content --theme "$ROOT/themes/default" --out site --base-url https://example.org/hb/
expect_status 0
for f in search.html 404.html print.html search-index.js search-text.js sitemap.xml feed.xml; do exists site/$f; done

# The index: folded tokens, CJK bigrams, title weights; documents in reading order.
contains site/search-index.js '"defense"'
contains site/search-index.js '"防衛"'
contains site/search-index.js '"衛省"'
lacks site/search-index.js '"défense"'
contains site/search-index.js '["Défense Page","notes/a.html","Notes","About A"]'
contains site/search-text.js 'Words about Vientiane and 防衛省.'
lacks site/search-index.js 'print.html'

# print.html: both pages, ids made unique, links between them made in-document links.
p=site/print.html
contains $p '<div class="print-page" id="a">'
contains $p '<div class="print-page" id="b">'
contains $p 'id="a--details"'
contains $p 'id="b--details"'
contains $p 'Back to <a href="#a">'
contains $p 'href="https://example.org/x"'
contains $p 'See <a href="#a">Défense Page</a> and <a href="#b--details">'
contains $p '<a href="#index">home</a>'
lacks $p 'href="notes/'

# sitemap.xml: absolute with base_url, the pages and views but not the tools.
contains site/sitemap.xml '<loc>https://example.org/hb/notes/a.html</loc>'
lacks site/sitemap.xml 'search.html'
lacks site/sitemap.xml '404.html'
python3 -c 'import sys, xml.dom.minidom as m; [m.parse(f) for f in sys.argv[1:]]' site/sitemap.xml site/feed.xml

# Head: description and Open Graph from the summary, the page's URL under base_url.
contains site/notes/a.html '<meta name="description" content="About A">'
contains site/notes/a.html '<meta property="og:description" content="About A">'
contains site/notes/a.html '<meta property="og:url" content="https://example.org/hb/notes/a.html">'
contains site/notes/a.html '<link rel="icon" href="../assets/favicon.svg" type="image/svg+xml">'
contains site/notes/a.html '<title>Défense Page · '
contains site/404.html 'action="search.html"'

# handbook.yaml can turn the search and print.html off (large handbooks): no page, no index, no
# search box.
printf 'search: false\nprint: false\n' >off.yaml
hb build --content content --theme "$ROOT/themes/default" --out site-off --config off.yaml
expect_status 0
for f in search.html print.html search-index.js search-text.js; do absent site-off/$f; done
lacks site-off/notes/a.html 'site-search'
lacks site-off/404.html 'search.html'
exists site-off/404.html
printf 'print: sometimes\n' >bad.yaml
hb build --content content --theme "$ROOT/themes/default" --out site-bad --config bad.yaml
expect_status 1
contains "$WORK/err" "bad.yaml:1:8: error: 'print' must be true or false"
absent site-bad
