# File names become safe URLs; pathological Markdown finishes in bounded time; dates stay in range.
. "$ROOT/tests/lib.sh"
cd "$WORK"
page content/_index.md "Home" <<'MD'
See [[evil]] and [[hash]].
MD
page 'content/notes/javascript:alert(1).md' "Evil" "id: evil" <<'MD'
Text.
MD
page 'content/notes/c#.md' "Hash" "id: hash" <<'MD'
Text.
MD
hb build --content content --theme "$ROOT/themes/default" --out site
expect_status 0
contains site/index.html 'href="notes/javascript%3Aalert%281%29.html"'
contains site/index.html 'href="notes/c%23.html"'
lacks site/notes/index.html 'href="javascript:'
links_resolve site || die "broken links"

# Many "[[" in one paragraph, and many entity-written brackets, as many as a page may hold
# (caps.h: 10,000 '['): linear work, done in seconds.
mkdir -p big
python3 -c "print('---\ntitle: B\n---\n' + '[[a \n' * 4900 + ']]')" >big/b.md
rc=0
timeout 20 $HB check --content big --theme "$ROOT/themes/default" >/dev/null 2>&1 || rc=$?
[ $rc -eq 1 ] || die "4,900 '[[': exit $rc (124: more than 20 s), want 1 (an unresolved link)"
python3 -c "print('---\ntitle: B\n---\n' + '&#91;[a]] \n' * 9900)" >big/b.md
rc=0
timeout 20 $HB check --content big --theme "$ROOT/themes/default" >/dev/null 2>&1 || rc=$?
[ $rc -eq 0 ] || die "9,900 entity brackets: exit $rc (124: more than 20 s), want 0"

# A build date past year 9999 is held at its end instead of producing garbage.
SOURCE_DATE_EPOCH=31556889832780800 $HB build --content content --theme "$ROOT/themes/default" \
	--out dated >/dev/null 2>&1 || die "SOURCE_DATE_EPOCH far in the future failed the build"
contains dated/index.html 'Edition of <time datetime="9999-12-31">31 December 9999</time>'
