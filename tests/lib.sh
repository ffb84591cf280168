# Helpers for end-to-end tests (sourced by tests/e2e/*/run.sh).
# Environment: HB (the handbook command), WORK (a fresh temporary directory), ROOT (the repo).
set -eu

die() { echo "$*" >&2; exit 1; }

# page FILE TITLE [FRONT MATTER LINES...] < BODY : writes a content page.
page() {
	file=$1 title=$2
	shift 2
	mkdir -p "$(dirname "$file")"
	{
		echo "---"
		echo "title: \"$title\""
		for line in "$@"; do echo "$line"; done
		echo "---"
		cat
	} >"$file"
}

# new_repo DIR: makes a git repository with a fixed author and enters it.
new_repo() {
	git init -q -b main "$1"
	cd "$1"
	git config user.name "Editor"
	git config user.email "editor@example.org"
}

# commit DATE MESSAGE: commits everything, authored and committed on DATE (YYYY-MM-DD) at 10:00 UTC.
commit() {
	git add -A
	GIT_AUTHOR_DATE="$1T10:00:00Z" GIT_COMMITTER_DATE="$1T10:00:00Z" git commit -qm "$2"
}

# hb ARGS... : runs handbook, keeping stdout/stderr in $WORK/out, $WORK/err and status in $RC.
hb() {
	set +e
	$HB "$@" >"$WORK/out" 2>"$WORK/err"
	RC=$?
	set -e
}

expect_status() {
	[ "$RC" = "$1" ] || { cat "$WORK/err" >&2; die "exit status $RC, want $1"; }
}
contains() { grep -qF -- "$2" "$1" || die "$1 lacks: $2"; }
lacks() { ! grep -qF -- "$2" "$1" || die "$1 should not contain: $2"; }
exists() { [ -e "$1" ] || die "missing: $1"; }
absent() { [ ! -e "$1" ] || die "should not exist: $1"; }
# same_tree A B: the two sites are byte-identical; .handbook-cache and .handbook-parsed (inodes
# and times of the files, the pages' parses: see generator/cache.h) are bookkeeping, not content,
# and are left out.
same_tree() {
	diff -r -x .handbook-cache -x .handbook-parsed "$1" "$2" >/dev/null || {
		diff -r -x .handbook-cache -x .handbook-parsed "$1" "$2" | head -20 >&2
		die "trees differ: $1 $2"
	}
}

# Every relative href/src in the HTML files under DIR points to an existing file (as file:// would).
links_resolve() {
	dir=$1
	find "$dir" -name '*.html' | while read -r f; do
		grep -o 'href="[^"]*"\|src="[^"]*"' "$f" | sed 's/^[a-z]*="//; s/"$//' | while read -r u; do
			case $u in
			http:* | https:* | mailto:* | \#* | "") continue ;;
			esac
			target=${u%%#*}
			case $target in
			*%*) target=$(python3 -c 'import sys, urllib.parse as u; print(u.unquote(sys.argv[1]))' "$target") ;;
			esac
			[ -e "$(dirname "$f")/$target" ] || { echo "$f: broken link $u" >&2; return 1; }
		done || return 1
	done
}
