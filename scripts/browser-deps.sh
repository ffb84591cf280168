#!/bin/sh
# Installs what the browser tests (tests/browser/) need, only when something is missing:
#   - Debian's Chromium (/usr/bin/chromium) and, if node is absent, Debian's nodejs and npm;
#   - the npm packages of tests/browser (playwright-core, which uses the system Chromium and
#     downloads no browser of its own), with `npm ci` from the committed package-lock.json.
# Uses apt-get directly as root, through sudo otherwise.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PACKAGES=""
[ -x /usr/bin/chromium ] || PACKAGES="chromium"
command -v node >/dev/null 2>&1 || PACKAGES="$PACKAGES nodejs"
command -v npm >/dev/null 2>&1 || PACKAGES="$PACKAGES npm"

if [ -n "$PACKAGES" ]; then
	echo "handbook: installing browser test dependencies:$PACKAGES" >&2
	# Recommends are wanted for chromium (fonts); they are few.
	# shellcheck disable=SC2086
	sh "$ROOT/scripts/apt-install.sh" $PACKAGES
	[ -x /usr/bin/chromium ] || { echo "handbook: /usr/bin/chromium still missing" >&2; exit 2; }
	command -v node >/dev/null 2>&1 || { echo "handbook: node still missing" >&2; exit 2; }
fi

if [ ! -d "$ROOT/tests/browser/node_modules/playwright-core" ]; then
	echo "handbook: installing npm packages of tests/browser" >&2
	(cd "$ROOT/tests/browser" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
