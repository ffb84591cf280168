#!/bin/sh
# Installs Debian packages with apt-get: directly as root, through sudo otherwise.
#
#     sh scripts/apt-install.sh [--no-install-recommends] PACKAGE...
#
# Used by deps.sh and browser-deps.sh, which decide what is missing. Exit 2 when there is no
# way to become root.
set -eu

OPTS=
if [ "${1:-}" = --no-install-recommends ]; then
	OPTS=$1
	shift
fi
if [ "$(id -u)" -eq 0 ]; then
	SUDO=
elif command -v sudo >/dev/null 2>&1; then
	SUDO=sudo
else
	echo "handbook: missing packages and not root; install as root: apt-get install $*" >&2
	exit 2
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq $OPTS "$@" >/dev/null
