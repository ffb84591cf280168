# Drafts are left out unless --drafts; a link to a draft from a published page is an error.
. "$ROOT/tests/lib.sh"
cd "$WORK"
page content/_index.md "Home" </dev/null
page content/notes/done.md "Done" <<'MD'
Finished.
MD
page content/notes/wip.md "Work in progress" "draft: true" <<'MD'
Not yet: see [[done]].
MD
hb build --content content --theme "$ROOT/themes/default" --out site
expect_status 0
exists site/notes/done.html
absent site/notes/wip.html
lacks site/notes/index.html "Work in progress"
hb build --drafts --content content --theme "$ROOT/themes/default" --out site
expect_status 0
exists site/notes/wip.html
contains site/notes/index.html "Work in progress"
