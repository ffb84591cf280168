#!/bin/sh
# Real-browser tests of the real handbook, opened from file:// in Debian's Chromium:
#
#     sh tests/browser/run.sh [HANDBOOK]        (default: $HB, else ./handbook)
#
# Installs what is missing (scripts/browser-deps.sh: chromium, node_modules), builds content/
# with HANDBOOK into a temporary directory, then runs tests/browser/run.mjs on that site.
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

HB_SCREENSHOTS=${HB_SCREENSHOTS:-$ROOT/build/browser-screenshots}
export HB_SCREENSHOTS
mkdir -p "$HB_SCREENSHOTS"
# A hard limit above the script's own watchdog, should node itself hang.
LIMIT=
command -v timeout >/dev/null 2>&1 && LIMIT="timeout -k 10 300"
cd "$ROOT/tests/browser"
$LIMIT node run.mjs "$WORK/site"
