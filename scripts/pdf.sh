#!/bin/sh
# make pdf: prints the built site's print.html to handbook.pdf with Debian's headless Chromium.
#
#     sh scripts/pdf.sh [SITE]        (default: site; writes SITE/handbook.pdf)
#
# Page numbers come from the print stylesheet (@page margin boxes); the document outline
# (bookmarks) from the headings. Chromium stamps the wall clock into the PDF's CreationDate and
# ModDate; they are replaced by the edition's time (SOURCE_DATE_EPOCH, else the newest commit's,
# else the epoch), so one commit always gives the same bytes.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SITE=${1:-$ROOT/site}
case $SITE in /*) ;; *) SITE=$(pwd)/$SITE ;; esac
[ -f "$SITE/print.html" ] || { echo "pdf: no $SITE/print.html: build the site first (make site)" >&2; exit 2; }
[ -x /usr/bin/chromium ] || sh "$ROOT/scripts/browser-deps.sh"

EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || echo 0)}
TMP=$(mktemp -d /tmp/hb-pdf-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
LIMIT=
command -v timeout >/dev/null 2>&1 && LIMIT="timeout -k 10 300"
# --no-sandbox: Chromium refuses to start as root without it (CI runs as root).
$LIMIT /usr/bin/chromium --headless --no-sandbox --disable-gpu --no-first-run \
	--user-data-dir="$TMP/profile" --no-pdf-header-footer --generate-pdf-document-outline \
	--print-to-pdf="$TMP/handbook.pdf" "file://$SITE/print.html" >"$TMP/log" 2>&1 ||
	{ cat "$TMP/log" >&2; echo "pdf: chromium failed" >&2; exit 1; }
[ -s "$TMP/handbook.pdf" ] || { cat "$TMP/log" >&2; echo "pdf: chromium wrote nothing" >&2; exit 1; }
python3 - "$TMP/handbook.pdf" "$SITE/handbook.pdf" "$EPOCH" <<'PY'
import re, sys, time
src, dst, epoch = sys.argv[1], sys.argv[2], int(sys.argv[3])
stamp = time.strftime("D:%Y%m%d%H%M%S+00'00'", time.gmtime(epoch)).encode()
data = open(src, "rb").read()
# Same length as Chromium's own stamp, so the cross-reference offsets stay right.
fixed, n = re.subn(rb"/(CreationDate|ModDate) \(D:\d{14}\+00'00'\)",
                   lambda m: b"/" + m.group(1) + b" (" + stamp + b")", data)
if len(fixed) != len(data):
    sys.exit("pdf: the dates changed length")
open(dst, "wb").write(fixed)
PY
echo "pdf: wrote $SITE/handbook.pdf" >&2
