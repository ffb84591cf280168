#!/bin/sh
# Installs handbook's git pre-commit hook in the repository of the current directory:
#
#     sh scripts/install-hooks.sh [--force]
#
# The hook runs `handbook check` on the staged files (the tree `git write-tree` makes from the
# index, with the staged handbook.yaml), so a commit with a broken link, a misquotation or bad
# front matter is refused, whatever the working tree holds. `git commit --no-verify` skips it
# once. The handbook binary is $HANDBOOK when set, else ./handbook (built with `make` first when
# the repository has the generator's sources), else `handbook` on PATH.
# A pre-commit hook that is not handbook's is kept unless --force.
set -eu

force=0
[ "${1:-}" = --force ] && force=1
hooks=$(git rev-parse --git-path hooks)
hook="$hooks/pre-commit"
mkdir -p "$hooks"
if [ -e "$hook" ] && ! grep -q '^# handbook pre-commit hook' "$hook" && [ $force = 0 ]; then
	echo "install-hooks: $hook exists and is not handbook's; --force replaces it" >&2
	exit 2
fi
cat >"$hook.tmp" <<'HOOK'
#!/bin/sh
# handbook pre-commit hook (scripts/install-hooks.sh): refuses a commit whose staged files do
# not pass `handbook check`. `git commit --no-verify` skips it once.
set -u
top=$(git rev-parse --show-toplevel) || exit 1
cd "$top" || exit 1
if [ -n "${HANDBOOK:-}" ]; then
	hb=$HANDBOOK
elif [ -f Makefile ] && [ -d generator ]; then
	make -s handbook >&2 || exit 1
	hb=./handbook
else
	hb=handbook
fi
tree=$(git write-tree) || exit 1
config=
if git cat-file -e :handbook.yaml 2>/dev/null; then
	config=$(mktemp) || exit 1
	git show :handbook.yaml >"$config" || exit 1
fi
# shellcheck disable=SC2086
$hb check --rev "$tree" ${config:+--config "$config"}
rc=$?
[ -n "$config" ] && rm -f "$config"
if [ $rc -ne 0 ]; then
	echo "pre-commit: the staged handbook does not pass 'handbook check'; commit refused" >&2
	exit 1
fi
HOOK
chmod +x "$hook.tmp"
mv "$hook.tmp" "$hook"
echo "installed $hook"
