# scripts/install-hooks.sh: the pre-commit hook checks the staged tree, not the working tree,
# refuses a commit with a broken link (showing where), and never replaces a foreign hook.
. "$ROOT/tests/lib.sh"
cd "$WORK"
new_repo repo
mkdir -p themes && cp -r "$ROOT/themes/default" themes/default
echo 'title: "Hook test"' >handbook.yaml
page content/_index.md "Home" <<'MD'
See [[vision]].
MD
page content/notes/vision.md "Vision" <<'MD'
The text.
MD
export HANDBOOK="$HB"

sh "$ROOT/scripts/install-hooks.sh" >"$WORK/out" 2>&1 || die "install failed: $(cat "$WORK/out")"
[ -x .git/hooks/pre-commit ] || die "no executable hook"
commit 2024-01-01 "A good first commit" 2>"$WORK/err" || die "a good commit was refused: $(cat "$WORK/err")"
good=$(git rev-parse HEAD)

# A broken link, staged: refused, with the diagnostic.
page content/notes/vision.md "Vision" <<'MD'
The text, and [[no-such-page]].
MD
git add -A
if git commit -qm "Broken" 2>"$WORK/err"; then die "a commit with a broken link went in"; fi
grep -q "notes/vision.md:4:15: error: unresolved link 'no-such-page'" "$WORK/err" ||
	die "no located error: $(cat "$WORK/err")"
grep -q "commit refused" "$WORK/err" || die "no refusal message"
[ "$(git rev-parse HEAD)" = "$good" ] || die "HEAD moved"

# Fixed in the working tree but not staged: still refused (the staged tree is what is checked).
page content/notes/vision.md "Vision" <<'MD'
The text, fixed.
MD
if git commit -qm "Still broken in the index" 2>"$WORK/err"; then die "checked the working tree, not the index"; fi

# Staged fixed, working tree broken again: accepted.
git add -A
page content/notes/vision.md "Vision" <<'MD'
Broken again: [[nowhere]].
MD
git commit -qm "Fixed in the index" 2>"$WORK/err" || die "a good staged tree was refused: $(cat "$WORK/err")"
git show HEAD:content/notes/vision.md | grep -q "The text, fixed." || die "wrong content committed"

# A staged handbook.yaml is checked too.
git checkout -q -- content
printf 'title: [unclosed\n' >handbook.yaml
git add handbook.yaml
if git commit -qm "Bad configuration" 2>"$WORK/err"; then die "a bad staged handbook.yaml went in"; fi
git checkout -q HEAD -- handbook.yaml

# A foreign hook is kept unless --force.
printf '#!/bin/sh\nexit 0\n' >.git/hooks/pre-commit
if sh "$ROOT/scripts/install-hooks.sh" >"$WORK/out" 2>&1; then die "replaced a foreign hook"; fi
grep -q "is not handbook's" "$WORK/out" || die "no reason given: $(cat "$WORK/out")"
sh "$ROOT/scripts/install-hooks.sh" --force >"$WORK/out" 2>&1 || die "--force failed"
grep -q '^# handbook pre-commit hook' .git/hooks/pre-commit || die "--force did not install"
sh "$ROOT/scripts/install-hooks.sh" >"$WORK/out" 2>&1 || die "reinstalling our own hook failed"
