# `handbook new TYPE "Title"`: a draft page from the archetype, never over an existing file.
. "$ROOT/tests/lib.sh"
cd "$WORK"
hb new meeting 'The 10th "Test" Meeting (2026)' --content content --theme "$ROOT/themes/default"
expect_status 0
f=content/meetings/the-10th-test-meeting-2026.md
[ "$(cat out)" = "$f" ] || die "printed '$(cat out)', want $f"
contains $f 'title: "The 10th \"Test\" Meeting (2026)"'
contains $f 'type: meeting'
contains $f 'draft: true'
cp $f before.md
hb new meeting 'The 10th "Test" Meeting (2026)' --content content --theme "$ROOT/themes/default"
expect_status 2
contains err "already exists; not overwritten"
cmp -s $f before.md || die "the existing page was changed"
hb new person 'Minister Ölund' --content content --theme "$ROOT/themes/default"
expect_status 0
exists 'content/people/minister-ölund.md'
# Every type: its section, the front matter filled in, a date placeholder, a draft.
for pair in meeting:meetings initiative:initiatives programme:programmes person:people \
	organisation:organisations country:countries concept:concepts source:sources \
	glossary:glossary; do
	type=${pair%%:*} section=${pair#*:}
	hb new "$type" "A new $type" --content content --theme "$ROOT/themes/default"
	expect_status 0
	f="content/$section/a-new-$type.md"
	[ "$(cat out)" = "$f" ] || die "$type: printed '$(cat out)', want $f"
	contains "$f" 'title: "A new '"$type"'"'
	contains "$f" "type: $type"
	contains "$f" '# date: YYYY-MM-DD'
	contains "$f" 'draft: true'
	hb new "$type" "A new $type" --content content --theme "$ROOT/themes/default"
	expect_status 2
done
hb new nonsense 'X' --content content --theme "$ROOT/themes/default"
expect_status 2
contains err "unknown type 'nonsense'"
# The drafts build only with --drafts, and are valid pages.
hb build --content content --theme "$ROOT/themes/default" --out site
expect_status 0
absent site/meetings/the-10th-test-meeting-2026.html
hb build --drafts --content content --theme "$ROOT/themes/default" --out site
expect_status 0
contains site/meetings/the-10th-test-meeting-2026.html 'The 10th &quot;Test&quot; Meeting (2026)'
