# `handbook serve` over real HTTP: pages, traversal attempts, live reload, errors in the tab,
# incremental rebuilds identical to a full build, polling, and Ctrl-C with open event streams.
. "$ROOT/tests/lib.sh"
exec python3 "$ROOT/tests/e2e/serve/serve_test.py"
