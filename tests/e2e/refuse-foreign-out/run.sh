# handbook never replaces a directory it did not create, nor writes into the content tree.
. "$ROOT/tests/lib.sh"
cd "$WORK"
page content/_index.md "Home" </dev/null
mkdir precious && echo keep >precious/file.txt
hb build --content content --theme "$ROOT/themes/default" --out precious
expect_status 2
contains err "handbook: refusing to replace precious: it is not empty and handbook did not create it"
[ "$(cat precious/file.txt)" = keep ] || die "precious/file.txt was changed"
[ "$(ls precious)" = file.txt ] || die "files were added to precious/"

hb build --content content --theme "$ROOT/themes/default" --out content/site
expect_status 2
contains err "overlaps content"
absent content/site

hb build --content content --theme "$ROOT/themes/default" --out .
expect_status 2
hb build --content content --theme "$ROOT/themes/default" --out /
expect_status 2

# An empty directory is fine, and so is a site handbook made before.
mkdir empty
hb build --content content --theme "$ROOT/themes/default" --out empty
expect_status 0
exists empty/index.html
hb build --content content --theme "$ROOT/themes/default" --out empty
expect_status 0
