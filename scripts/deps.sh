#!/bin/sh
# Installs the Debian packages handbook needs, only when something is missing.
# Uses apt-get directly as root, through sudo otherwise. Nothing is downloaded from elsewhere.
set -eu

PACKAGES="build-essential pkg-config libcmark-gfm-dev libcmark-gfm-extensions-dev libgit2-dev \
liblua5.4-dev libyaml-dev libcmocka-dev libmicrohttpd-dev libssl-dev git python3 strace"
MODULES="libcmark-gfm libgit2 lua5.4 yaml-0.1 libmicrohttpd libcrypto cmocka"

have_all() {
	command -v cc >/dev/null 2>&1 || return 1
	command -v git >/dev/null 2>&1 || return 1
	command -v python3 >/dev/null 2>&1 || return 1
	command -v strace >/dev/null 2>&1 || return 1	# the tests watch a build restart itself
	command -v pkg-config >/dev/null 2>&1 || return 1
	pkg-config --exists $MODULES || return 1
	# The extensions library has no .pc file of its own; its header marks the -dev package.
	[ -f /usr/include/cmark-gfm-core-extensions.h ] || return 1
}

have_all && exit 0

echo "handbook: installing build dependencies: $PACKAGES" >&2
# shellcheck disable=SC2086
sh "$(dirname "$0")/apt-install.sh" --no-install-recommends $PACKAGES
have_all || { echo "handbook: dependencies still missing after apt-get" >&2; exit 2; }
