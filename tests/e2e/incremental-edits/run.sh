# Rebuilds through .handbook-cache are never stale: the real handbook is built, edited in the
# ways editors edit it (text, titles, aliases, dates, glossary terms, new and removed pages, the
# configuration, a template), and after each edit the rebuild, which keeps the pages the edit
# cannot reach, must equal a build that renders everything.
. "$ROOT/tests/lib.sh"
cd "$WORK"
cp -r "$ROOT/content" content
cp -r "$ROOT/themes/default" theme
cp "$ROOT/handbook.yaml" handbook.yaml
find content theme handbook.yaml -exec touch -d '2 minutes ago' {} +
hb build --content content --theme theme --out site
expect_status 0

# edited FILE WHAT: after editing FILE, the rebuild keeps some pages and equals a fresh build.
edited() {
	touch -d '1 minute ago' "$1"
	hb build --content content --theme theme --out site
	expect_status 0
	cp "$WORK/err" "$WORK/rebuild.err"
	hb build --content content --theme theme --out fresh --no-reuse
	expect_status 0
	same_tree site fresh
	rm -rf fresh
	echo "ok: $2 ($(grep -o 'kept from the last build' "$WORK/rebuild.err" >/dev/null &&
		grep -o '([0-9]* kept' "$WORK/rebuild.err" | tr -d '(' || echo 'none kept'))"
}

# edit FILE PYTHON-EXPRESSION: rewrites FILE's text s as the expression says.
edit() {
	python3 - "$1" "$2" <<'PY'
import sys
path, expr = sys.argv[1], sys.argv[2]
s = open(path, encoding="utf-8").read()
t = eval(expr, {"s": s})
assert t != s, "the edit changed nothing"
open(path, "w", encoding="utf-8").write(t)
PY
}

meeting=$(ls content/meetings/*.md | grep -v _index | head -1)
person=content/people/atul-khare.md
term=content/glossary/admm.md

edit "$meeting" 's + "\nOne more sentence for the test.\n"'
edited "$meeting" "a meeting's text"
# Edits that leave every other page's hashes as they were, but for what the edited page shows
# them (the build may then take the build before's hashes for the rest, reuse.h): the words
# around a link (the target's backlinks), a source's paragraph (where it is cited), a heading.
edit content/glossary/h-e.md 's.replace("[[atul-khare", "indeed [[atul-khare", 1)'
edited content/glossary/h-e.md "the sentence around a link, shown in the target's backlinks"
# (paragraph 19, which other pages cite, and the source itself does not)
edit content/sources/jdf-132.md 's.replace("promoting practical defense cooperation.\n", "promoting practical defense cooperation. An ending added for the test.\n", 1)'
edited content/sources/jdf-132.md "a source's paragraph, shown where it is cited"
edit "$meeting" 's + "\n## A heading added for the test\n\nText under it.\n"'
edited "$meeting" "a new heading"
edit "$person" 's.replace("title: Atul Khare", "title: Atul Khare (UN)", 1)'
edited "$person" "a person's title, shown wherever the person is linked"
edit "$person" 's.replace("aliases: [", "aliases: [\"Mr. Khare\", ", 1)'
edited "$person" "an alias"
edit "$meeting" '__import__("re").sub(r"(?m)^date: .*$", "date: 2031-01-01", s, count=1)'
edited "$meeting" "a meeting's date (the timeline, the order)"
edit "$term" '__import__("re").sub(r"(?m)^expansion: .*$", "expansion: \"A changed expansion\"", s, count=1)'
edited "$term" "a glossary term's expansion, linked in every page that uses it"
cat >content/concepts/test-new-page.md <<'MD'
---
title: A page added for the test
summary: A new page that links to a person.
sources: [jdf-132]
---

See [[atul-khare]].
MD
edited content/concepts/test-new-page.md "a new page (a new backlink, the section's list)"
rm content/concepts/test-new-page.md
edited content/concepts "a page removed"
printf '\nuntitled_extra: true\n' >>handbook.yaml
sed -i 's/^title: .*/title: "A renamed handbook"/' handbook.yaml
edited handbook.yaml "the configuration"
edit theme/layouts/partials/footer.html 's.replace("</footer>", "<p>Edited footer.</p></footer>", 1)'
edited theme/layouts/partials/footer.html "a template"
