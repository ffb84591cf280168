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
# A bad configuration is a located content error.
printf 'title: [a, b]\n' >handbook.yaml
hb build
expect_status 1
contains err "handbook.yaml:1:8: error: 'title' must be a string"
