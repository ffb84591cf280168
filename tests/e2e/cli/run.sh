# The command line: help, version, usage errors (exit 2), environment errors (exit 2).
. "$ROOT/tests/lib.sh"
cd "$WORK"
hb --version
expect_status 0
grep -q '^handbook [0-9]' out || die "no version"
hb --help
expect_status 0
contains out "handbook build"
contains out "--content DIR"
hb
expect_status 2
hb frobnicate
expect_status 2
contains err "handbook: unknown command: frobnicate"
hb build --jobs zero
expect_status 2
contains err "--jobs needs a number"
hb build --bogus
expect_status 2
hb build extra-argument
expect_status 2
hb build --content does-not-exist
expect_status 2
contains err "handbook: does-not-exist: not a directory"
hb build --content does-not-exist --jobs 1	# listed when the build needs it, not on a thread
expect_status 2
contains err "handbook: does-not-exist: not a directory"
absent site
hb build --content . --config missing.yaml
expect_status 2
contains err "handbook: cannot read missing.yaml"
# Defaults: content/, themes/default/, site/ and handbook.yaml in the current directory.
mkdir -p content themes
cp -r "$ROOT/themes/default" themes/default
printf -- '---\ntitle: Home\n---\nHello.\n' >content/_index.md
printf 'title: My handbook\n' >handbook.yaml
hb build
expect_status 0
contains site/index.html "<title>My handbook</title>"
# A build starts itself again with glibc's huge-page tunable (main.c); tunables of the user's
# own are kept beside it, and one that is set already is left alone.
GLIBC_TUNABLES=glibc.malloc.tcache_count=0 hb build
expect_status 0
GLIBC_TUNABLES=glibc.malloc.hugetlb=0 hb build
expect_status 0
# (strace is a test dependency; where the system forbids tracing, the restart goes unwatched;
# under the sanitizers or valgrind there is none)
case "$HB" in *asan* | *valgrind*) ;; *) strace -o /dev/null true 2>/dev/null &&
	watch_restart=yes ;; esac
if [ "${watch_restart:-}" = yes ]; then
	GLIBC_TUNABLES=glibc.malloc.tcache_count=0 strace -f -v -s 4096 -e trace=execve -o trace.log \
		$HB build >/dev/null 2>&1
	contains trace.log 'glibc.malloc.tcache_count=0:glibc.malloc.hugetlb=1'
fi
# A bad configuration is a located content error.
printf 'title: [a, b]\n' >handbook.yaml
hb build
expect_status 1
contains err "handbook.yaml:1:8: error: 'title' must be a string"
