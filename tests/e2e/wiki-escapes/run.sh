# Brackets written with escapes, or inside code, are text: only a literal [[…]] is a wiki link.
. "$ROOT/tests/lib.sh"
cd "$WORK"
page content/e.md "E" <<'MD'
Escaped \[\[not a link]] and \[[also not]] and [[e]] and array\[\[0] ok.

`[[code]]` and a stray \[[ stay text.

```
[[in a code block]]
```
MD
hb build --content content --theme "$ROOT/themes/default" --out site
expect_status 0
contains site/e.html '<p>Escaped [[not a link]] and [[also not]] and <a href="e.html">E</a> and array[[0] ok.</p>'
contains site/e.html '<p><code>[[code]]</code> and a stray [[ stay text.</p>'
contains site/e.html '[[in a code block]]'

# Bracket constructs of the CommonMark spec that are not wiki links (examples 555, 567) and an
# embed-like "![[…]]", which handbook does not support: all render as cmark-gfm renders them.
page content/spec.md "Spec" <<'MD'
[[[foo]]]

[[bar [foo]

![[e]]

[foo]: /url
MD
hb build --content content --theme "$ROOT/themes/default" --out site
expect_status 0
contains site/spec.html '<p>[[<a href="/url">foo</a>]]</p>'
contains site/spec.html '<p>[[bar <a href="/url">foo</a></p>'
contains site/spec.html '<p>![[e]]</p>'

# Brackets written as an entity stay text even when a later block has a real link to the page.
page content/entity.md "Entity" <<'MD'
&#91;[e]] stays text.

Literal: [[e]].
MD
hb build --content content --theme "$ROOT/themes/default" --out site
expect_status 0
contains site/entity.html '<p>[[e]] stays text.</p>'
contains site/entity.html '<p>Literal: <a href="e.html">E</a>.</p>'
