# The persistent cache (.handbook-cache): a build with nothing changed does nothing but report the
# same diagnostics again; any change to what a build reads, a touched output or a damaged cache
# means a full build, and the site it makes is the one a first build makes.
. "$ROOT/tests/lib.sh"
cd "$WORK"
cp -r "$ROOT/themes/default" theme
page content/_index.md "Home" <<'MD'
See [[a]] and [[b]].
MD
page content/notes/a.md "A page" "aliases: [Twin]" <<'MD'
Back [[index]].
MD
page content/notes/b.md "B page" "aliases: [Twin]" <<'MD'
Back [[index]].
MD
# Inputs older than the racy window, so the first build may leave a cache.
age() { find content theme -exec touch -d '2 minutes ago' {} +; }
age

fresh_build() {
	hb build --content content --theme theme --out site
	expect_status 0
	contains err "built 8 pages"
}
up_to_date() {
	hb build --content content --theme theme --out site "$@"
	contains err "8 pages up to date: nothing changed since the last build"
}

fresh_build
exists site/.handbook-cache
contains err "warning: alias 'Twin' is also an alias of"
cp -a site first
inode=$(stat -c %i site/index.html)

# Nothing changed: the same warnings, nothing written.
up_to_date
expect_status 0
contains err "content/notes/b.md:3:11: warning: alias 'Twin' is also an alias of 'a' (content/notes/a.md); links must use an id"
contains err "content: warning: not in a git repository: pages are built without history"
contains err "handbook: 0 errors, 4 warnings"
same_tree first site
[ "$(stat -c %i site/index.html)" = "$inode" ] || die "a no-op build rewrote index.html"
# --strict fails on the same warning, as the full build would, and leaves the site alone.
hb build --content content --theme theme --out site --strict
expect_status 1
contains err "handbook: 4 errors, 0 warnings"
same_tree first site
echo "ok: no-op"

# An edited page (same size, same second) is seen: a full build with the new text.
sed -i 's/Back/Bock/' content/notes/a.md
touch -d '2 minutes ago' content/notes/a.md
fresh_build
contains site/notes/a.html "Bock"
echo "ok: edit of the same size"

# A new file, a removed file, a theme edit, the configuration, an option: each a full build.
age; fresh_build; up_to_date
printf 'x\n' >content/notes/extra.txt; age; fresh_build; exists site/notes/extra.txt
rm content/notes/extra.txt; age; fresh_build; absent site/notes/extra.txt
printf '/* changed */\n' >>theme/assets/style.css; age; fresh_build
contains site/assets/style.css "/* changed */"
printf 'title: Renamed\n' >handbook.yaml; touch -d '2 minutes ago' handbook.yaml; fresh_build
contains site/index.html "Renamed"
up_to_date
hb build --content content --theme theme --out site --base-url https://example.org/
expect_status 0
contains err "built 8 pages"
hb build --content content --theme theme --out site --drafts
expect_status 0
contains err "built 8 pages"
echo "ok: inputs and options"

# A touched output, a removed one, a damaged or foreign cache: a full build that repairs the site.
hb build --content content --theme theme --out site
up_to_date
printf 'vandalised' >site/notes/a.html
fresh_build
contains site/notes/a.html "Bock"
rm site/notes/b.html
fresh_build
exists site/notes/b.html
up_to_date
grep -q "^pages 8$" site/.handbook-cache && sed -i "s/^pages 8$/pages 9/" site/.handbook-cache
fresh_build
head -c 100 site/.handbook-cache >cut && cp cut site/.handbook-cache
fresh_build
printf 'garbage\n' >site/.handbook-cache
fresh_build
up_to_date
echo "ok: outputs and damaged caches"

# A file changed within the racy window leaves no cache: the next build is a full one. (Its
# mtime is set ahead, so that a slow start, under valgrind or ASan, cannot leave the window.)
printf 'Back [[index]] again.\n' >>content/notes/a.md
touch -d "@$(($(date +%s) + 5))" content/notes/a.md
fresh_build
absent site/.handbook-cache
fresh_build
contains site/notes/a.html "again."
echo "ok: racy edits"

# The cached build equals a fresh one in a new directory, byte for byte (the cache aside).
age; fresh_build; up_to_date
hb build --content content --theme theme --out other
expect_status 0
same_tree site other
echo "ok: same as a fresh build"

# In a git repository, a new commit changes page histories: a full build.
git init -q -b main . && git config user.name E && git config user.email e@example.org
git add -A && GIT_AUTHOR_DATE=2024-01-01T10:00:00Z GIT_COMMITTER_DATE=2024-01-01T10:00:00Z \
	git commit -qm one
fresh_build
up_to_date
GIT_AUTHOR_DATE=2024-02-01T10:00:00Z GIT_COMMITTER_DATE=2024-02-01T10:00:00Z \
	git commit -q --allow-empty -m two
fresh_build
echo "ok: a new commit"

# What a render read is kept: after an edit of a's text (only a is rendered again), a new title
# for a reaches every page whose sidebar lists it, c included, which depends on a through the
# sidebar alone. (The sidebar is a memo value the section's pages share; its dependencies once
# left out the page being rendered when it was made, and c kept a's old title.)
mkdir s2 && cd s2
page content/_index.md "Home" <<'MD'
See [[a]].

See [[b]].

See [[c]].
MD
for p in a b c; do page content/notes/$p.md "Page $p" <<'MD'
Back [[index]].
MD
done
find content -exec touch -d '2 minutes ago' {} +
hb build --content content --theme ../theme --out site
printf 'More text.\n' >>content/notes/a.md
touch -d '1 minute ago' content/notes/a.md
hb build --content content --theme ../theme --out site
contains "$WORK/err" "kept from the last build"	# the pages a's text does not reach
sed -i 's/^title: .*/title: "A renamed"/' content/notes/a.md
touch -d '1 minute ago' content/notes/a.md
hb build --content content --theme ../theme --out site
expect_status 0
contains site/notes/c.html ">A renamed</a>"
hb build --content content --theme ../theme --out fresh --no-reuse
same_tree site fresh
echo "ok: an edit, then a new title"

# A cache whose checksum holds but whose lines are malformed (counts past the end, a short key,
# missing fields, unknown lines, the hashes of the last build's pages cut, doubled or out of
# order) is not trusted either: a full build, the same site as a fresh
# one. The checksum of the rest (generator/hash.c's hb_hash_quick, written out again here) is
# recomputed after each change, as a careless tool might.
# rewrite_cache SED: applies SED to site/.handbook-cache and writes its checksum again.
rewrite_cache() {
	python3 - "$1" <<'PY'
import subprocess, sys
def quick(data):
    m, n = (1 << 64) - 1, len(data)
    h = 0x9E3779B97F4A7C15 ^ n
    for i in range(0, n - n % 8, 8):
        h = ((h ^ int.from_bytes(data[i:i + 8], "little")) * 0xFF51AFD7ED558CCD) & m
        h ^= h >> 32
    h = ((h ^ int.from_bytes(data[n - n % 8:], "little")) * 0xC4CEB9FE1A85EC53) & m
    return "%016x" % (h ^ h >> 29)
path = "site/.handbook-cache"
body = open(path, "rb").read().decode()
lines = body.split("\n")[:-2]          # without "end ..." and the final empty string
text = "\n".join(lines) + "\n"
text = subprocess.run(["sed", sys.argv[1]], input=text.encode(), capture_output=True,
                      check=True).stdout.decode()
open(path, "w").write(text + "end %s\n" % quick(text.encode()))
PY
}
cd "$WORK"
hb build --content content --theme theme --out site
# The control: rewritten unchanged, the cache is still trusted (the checksum is computed right).
rewrite_cache 's/^//'
up_to_date
for edit in 's/^\(rec\t[^\t]*\t\)[0-9a-f]*/\1abc/' 's/^\(rec\t.*\t\)[0-9][0-9]*$/\1999999/' \
	's/^group\t/group\t\t/' 's/^out [0-9]* /out x /' 's/^pages .*/pages/' 's/^diag [0-9]/diag 9/' \
	's/^rec\t.*/rec/' '$i\bogus line' 's/^then [0-9]*/then 99999999/' '/^then-section/d' \
	's/^\(then-page\t[^\t]*\t\)[0-9a-f]\{8\}/\1zzzzzzzz/' 's/^then-page.*/&\n&/' \
	's/^then-page/then-section/' '/^then /d' '/^names\t/d' 's/^names\t[0-9]*/names\t7/' \
	's/^\(rec\t\([^\t]*\t\)\{6\}\)[0-9]/\1x/' 's/^\(group\t[^\t]*\t\)[0-9]*/\1999999/' \
	's/^\(rec\t\([^\t]*\t\)\{3\}\)[01]/\12/' 's/^\(rec\t\([^\t]*\t\)\{4\}\)[0-9]*/\1-1/' \
	's/^\(out [0-9]* [0-9]* [0-9]*\) /\1x /' 's/^out [0-9]*/out 99999999999999999999/'; do
	rewrite_cache "$edit"
	touch -d '1 minute ago' content/notes/b.md	# a changed input: the records are read
	hb build --content content --theme theme --out site
	expect_status 0
	hb build --content content --theme theme --out fresh2 --no-reuse
	same_tree site fresh2
	rm -rf fresh2
done
echo "ok: malformed caches"

# The part a replay reads (fingerprint, outputs, diagnostics) has a checksum of its own: a
# diagnostic changed with only the last checksum made again is not replayed.
hb build --content content --theme theme --out site
up_to_date
rewrite_cache 's/lists no sources/lists no SOURCES/'
hb build --content content --theme theme --out site
expect_status 0
contains "$WORK/err" "built 8 pages"
contains "$WORK/err" "lists no sources"
lacks "$WORK/err" "SOURCES"
echo "ok: the replayed part is checked"

# The records name their dependencies by index into the cache's names line, which a rebuild
# only extends (a kept record's line is written again as it was); once most of its names are
# no longer used (here: 1,200 pages, then 30) it starts afresh, as a first build's would.
mkdir -p many
python3 - <<'PY'
import os
for f in range(40):
    os.makedirs("many/f%d" % f, exist_ok=True)
    for p in range(30):
        nxt = "p%d-%d" % (f, (p + 1) % 30)
        with open("many/f%d/p%d-%d.md" % (f, f, p), "w") as out:
            out.write('---\ntitle: "Page %d of %d"\n---\nOn to [[%s]].\n' % (p, f, nxt))
PY
find many -exec touch -d '2 minutes ago' {} +
names() { grep -a '^names' "$1/.handbook-cache" | cut -f2; }
hb build --content many --theme theme --out msite
expect_status 0
before=$(names msite)
[ "$before" -gt 1200 ] || die "expected over 1,200 names, not $before"
sed -i 's/On to/Then on to/' many/f3/p3-7.md
touch -d '1 minute ago' many/f3/p3-7.md
hb build --content many --theme theme --out msite
expect_status 0
contains "$WORK/err" "kept from the last build"
[ "$(names msite)" = "$before" ] || die "an edit changed the names line: $before -> $(names msite)"
rm -rf many/f[1-9]*
touch -d '1 minute ago' many/f0/p0-0.md
hb build --content many --theme theme --out msite
expect_status 0
hb build --content many --theme theme --out mfresh	# a first build, and its cache
same_tree msite mfresh
[ "$(names msite)" = "$(names mfresh)" ] ||
	die "the names line did not start afresh: $(names msite), a first build's $(names mfresh)"
sed -i 's/On to/Then on to/' many/f0/p0-5.md
touch -d '1 minute ago' many/f0/p0-5.md
hb build --content many --theme theme --out msite
expect_status 0
contains "$WORK/err" "kept from the last build"
rm -rf mfresh
hb build --content many --theme theme --out mfresh --no-reuse
same_tree msite mfresh
echo "ok: the names line grows, then starts afresh"
