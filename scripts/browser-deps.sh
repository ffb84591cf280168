#!/bin/sh
# Installs what the browser tests (tests/browser/) need, only when something is missing:
#   - Debian's Chromium (/usr/bin/chromium), a Java runtime for the Nu HTML Checker
#     (default-jre-headless) and, if node is absent, Debian's nodejs and npm;
#   - the npm packages of tests/browser, with `npm ci --ignore-scripts` from the committed
#     package-lock.json: playwright-core (drives the system Chromium, downloads no browser),
#     axe-core (accessibility rules), vnu-jar (the Nu HTML Checker's jar; its install script,
#     which would fetch a Java runtime from the network, is not run).
# Uses apt-get directly as root, through sudo otherwise.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PACKAGES=""
[ -x /usr/bin/chromium ] || PACKAGES="chromium"
command -v java >/dev/null 2>&1 || PACKAGES="$PACKAGES default-jre-headless"
command -v node >/dev/null 2>&1 || PACKAGES="$PACKAGES nodejs"
command -v npm >/dev/null 2>&1 || PACKAGES="$PACKAGES npm"

if [ -n "$PACKAGES" ]; then
	echo "handbook: installing browser test dependencies:$PACKAGES" >&2
	# Recommends are wanted for chromium (fonts); they are few.
	# shellcheck disable=SC2086
	sh "$ROOT/scripts/apt-install.sh" $PACKAGES
	[ -x /usr/bin/chromium ] || { echo "handbook: /usr/bin/chromium still missing" >&2; exit 2; }
	command -v node >/dev/null 2>&1 || { echo "handbook: node still missing" >&2; exit 2; }
	command -v java >/dev/null 2>&1 || { echo "handbook: java still missing" >&2; exit 2; }
fi

modules="$ROOT/tests/browser/node_modules"
if [ ! -d "$modules/playwright-core" ] || [ ! -f "$modules/axe-core/axe.min.js" ] ||
	[ ! -f "$modules/vnu-jar/build/dist/vnu.jar" ]; then
	echo "handbook: installing npm packages of tests/browser" >&2
	(cd "$ROOT/tests/browser" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
fi
