#!/bin/sh
# Installs clang and its libFuzzer runtime for `make fuzz`, only when missing.
set -eu
if command -v clang >/dev/null 2>&1 &&
	echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }' |
	clang -x c -fsanitize=fuzzer -o /dev/null - >/dev/null 2>&1; then
	exit 0
fi
echo "handbook: installing clang and libFuzzer for make fuzz" >&2
sh "$(dirname "$0")/apt-install.sh" --no-install-recommends clang libclang-rt-dev
