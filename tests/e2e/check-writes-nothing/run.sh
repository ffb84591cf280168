# `handbook check` builds in memory: it reports problems and writes nothing.
. "$ROOT/tests/lib.sh"
cd "$WORK"
page content/_index.md "Home" <<'MD'
[[one]] and [[two]]
MD
page content/x/one.md "One" "sources: [two]" <<'MD'
Fine.
MD
page content/x/two.md "Two" "type: source" <<'MD'
Fine.
MD
hb check --content content --theme "$ROOT/themes/default" --out site
expect_status 0
absent site
contains err "checked 9 pages"	# with the generated search, 404 and print pages
# A warning (a page without sources) fails only with --strict.
contains err "content/x/two.md:1:1: warning: page 'two' lists no sources"
hb check --strict --content content --theme "$ROOT/themes/default" --out site
expect_status 1
contains err "content/x/two.md:1:1: error: page 'two' lists no sources"
# Several errors are all reported, sorted, with a summary.
printf -- '---\ntitle: One\n---\n[[nope]] [[nada]]\n\n[[zilch]]\n' >content/x/one.md
hb check --content content --theme "$ROOT/themes/default"
expect_status 1
contains err "content/x/one.md:4:1: error: unresolved link 'nope'"
contains err "content/x/one.md:4:10: error: unresolved link 'nada'"
contains err "content/x/one.md:6:1: error: unresolved link 'zilch'"
contains err "handbook: 3 errors"
absent site
