# Standard GitHub Flavored Markdown renders exactly as cmark-gfm renders it in safe mode:
# the page body must equal the output of cmark_ref.c, which calls cmark-gfm directly.
. "$ROOT/tests/lib.sh"
cd "$WORK"
here="$ROOT/tests/e2e/gfm-fidelity"
cc -o cmark_ref "$here/cmark_ref.c" $(pkg-config --cflags --libs libcmark-gfm)
./cmark_ref <"$here/input.md" >expected.html
grep -q '<table>' expected.html || die "reference renderer did not run the table extension"
page content/_index.md "Home" <"$here/input.md"
# The theme writes the body alone, so the file is exactly the rendered body.
hb build --content content --theme "$here/theme" --out site
expect_status 0
cmp site/index.html expected.html || { diff site/index.html expected.html >&2; die "body differs"; }
