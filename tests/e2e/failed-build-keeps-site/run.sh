# A failed build leaves the previous site byte-identical, whatever failed: a broken link,
# malformed YAML, a missing title, a Lua error in a template, an unwritable output.
. "$ROOT/tests/lib.sh"
cd "$WORK"
cp -r "$ROOT/themes/default" theme
page content/_index.md "Home" <<'MD'
See [[a]].
MD
page content/notes/a.md "A page" <<'MD'
Back [[index]].
MD
hb build --content content --theme theme --out site
expect_status 0
cp -a site before

try_broken() {
	what=$1
	hb build --content content --theme theme --out site
	expect_status 1
	same_tree before site
	ls -a . | grep -q staging && die "$what: staging directory left behind"
	echo "ok: $what"
}

cp content/notes/a.md a.bak
printf -- '---\ntitle: A page\n---\nSee [[nowhere]].\n' >content/notes/a.md
try_broken "broken link"
contains err "content/notes/a.md:4:5: error: unresolved link 'nowhere'"

printf -- '---\ntitle: [unclosed\n---\nx\n' >content/notes/a.md
try_broken "malformed YAML"
contains err "content/notes/a.md:3:1: error: invalid YAML: did not find expected ',' or ']' while parsing a flow sequence that starts at line 2, column 8"

printf -- '---\nsummary: no title\n---\nx\n' >content/notes/a.md
try_broken "missing title"
contains err "content/notes/a.md:1:1: error: missing required key 'title'"
cp a.bak content/notes/a.md

cp theme/layouts/page.html page.bak
printf '<%% local x = nil %%>\n<%%= x.field %%>\n' >theme/layouts/page.html
try_broken "Lua error"
contains err "theme/layouts/page.html:2: error:"
cp page.bak theme/layouts/page.html

# A good build again replaces the site and keeps unchanged files as the same inode.
printf -- '---\ntitle: A page\n---\nBack [[index]], changed.\n' >content/notes/a.md
hb build --content content --theme theme --out site
expect_status 0
contains site/notes/a.html "changed."
[ "$(stat -c %i before/assets/style.css)" != "" ] || die "stat failed"
