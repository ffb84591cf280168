# The parse cache (.handbook-parsed, see generator/cache.h): a rebuild takes every unchanged
# page's parse from it and reads and parses only the files that changed; an edit rewrites the one
# shard that holds the page (and the shard's sentences file) and keeps the others as they were
# (hard links); a damaged or cut entry is never used, its page parsed again; damaged or missing
# sentences are made again from the page's file. Every rebuild's site equals a fresh build's.
. "$ROOT/tests/lib.sh"
cd "$WORK"
python3 "$ROOT/../shared/bench/gen_corpus.py" --pages 200 --out corpus >/dev/null 2>&1 ||
	die "gen_corpus.py failed"
find corpus -exec touch -d '2 minutes ago' {} +
total=$(find corpus/content -name '*.md' | wc -l)

build() {
	hb build --content corpus/content --theme "$ROOT/themes/default" --out site --verbose
	expect_status 0
}
same_as_fresh() {
	rm -rf fresh
	hb build --content corpus/content --theme "$ROOT/themes/default" --out fresh --no-reuse
	expect_status 0
	same_tree site fresh
}
# taken N: the last build took N pages from the parse cache.
taken() { contains err "($1 taken from the parse cache)"; }
# edit FILE TEXT: appends a line, its mtime out of the racy window.
edit() { printf '\n%s\n' "$2" >>"$1" && touch -d '1 minute ago' "$1"; }
inodes() { stat -c '%i %n' site/.handbook-parsed/* | sort -k2; }
shards() { ls site/.handbook-parsed | grep -v '\.sentences$'; }

build
taken 0
# 200 pages and the section indexes: two shards of about 128 pages, each with its sentences.
[ "$(shards | wc -l)" -eq 2 ] || die "want 2 shards: $(ls site/.handbook-parsed)"
for s in $(shards); do
	[ -s "site/.handbook-parsed/$s.sentences" ] || die "shard $s has no sentences file"
done
[ "$(ls site/.handbook-parsed | wc -l)" -eq 4 ] || die "want only shards and their sentences"
build
contains err "up to date"	# nothing changed: nothing read at all

a=$(find corpus/content/concepts -name '*.md' ! -name '_index.md' | sort | head -1)
b=$(find corpus/content/people -name '*.md' ! -name '_index.md' | sort | head -1)
inodes >before
edit "$a" "A sentence added to the first page."
build
taken $((total - 1))
kept=$(sed -n 's/^built [0-9]* pages (\([0-9]*\) kept.*/\1/p' err)
[ "${kept:-0}" -gt 190 ] || die "want most pages kept, not ${kept:-none}"
inodes >after
[ "$(diff before after | grep -c '^>')" -eq 2 ] || { diff before after >&2; die "want one shard rewritten"; }
diff before after | grep '^>' | grep -q '\.sentences$' || die "want the shard's sentences rewritten"
same_as_fresh
# Again: the records of the pages kept last time (copied into the cache as they were) still
# let the same pages be kept.
edit "$a" "Another sentence added to the first page."
build
taken $((total - 1))
contains err "($kept kept from the last build)"
same_as_fresh
echo "ok: one edit, one file parsed, one page rendered, one shard rewritten"

# A new title: the pages that link to a are rendered again, their bodies read from their files
# and their link sentences made again from the cached block text.
sed -i 's/^title: .*/title: "A page renamed"/' "$a"
touch -d '1 minute ago' "$a"
build
taken $((total - 1))
grep -rlq "A page renamed" site --include '*.html' || die "the new title is nowhere"
same_as_fresh
echo "ok: a new title reaches the pages that were taken from the cache"

# The first page is rendered again, and what it shows of the pages that link to it (taken from
# the cache, their sentences read apart) needs their sentences.
grep -q 'class="backlinks"' "site/$(echo "${a#corpus/content/}" | sed 's/\.md$/.html/')" ||
	die "the first page shows no backlinks: the tests below would not read any sentences"

# Every sentences file damaged, every byte: the sentences are made again from the pages' files,
# the site is as a fresh build's, and the shards whose sentences were found damaged are written
# again (both: the first page's backlinks come from each).
for f in site/.handbook-parsed/*.sentences; do
	python3 -c 'import sys; p = sys.argv[1]; open(p, "wb").write(bytes(c ^ 0x20 for c in open(p, "rb").read()))' "$f"
done
inodes >before
edit "$a" "A sentence added while the sentences were damaged."
build
taken $((total - 1))
same_as_fresh
inodes >after
[ "$(diff before after | grep -c '^>')" -ge 3 ] ||
	{ diff before after >&2; die "want the damaged shards written again"; }
edit "$a" "Then one more."
build
taken $((total - 1))
same_as_fresh
echo "ok: damaged sentences"

# A page line whose sentences' place lies past the end of the file (nothing checks the line
# itself): the same.
# It is in the first page's shard, which the edit below writes again, reading every other
# page's sentences in it.
shard=$(grep -al " ${a#corpus/content/}\$" site/.handbook-parsed/* | grep -v '\.sentences$')
grep -a '^page ' "$shard" | grep -vq " ${a#corpus/content/}\$" || die "no other page in $shard"
python3 - "$shard" "${a#corpus/content/}" <<'PY'
import sys
path, page = sys.argv[1], sys.argv[2].encode()
lines = open(path, "rb").read().split(b"\n")
for i, l in enumerate(lines):
    f = l.split(b" ")
    if f[0] == b"page" and len(f) > 5 and f[-1] != page:
        f[4] = b"99999999999999"   # the sentences' length
        lines[i] = b" ".join(f)
        break
open(path, "wb").write(b"\n".join(lines))
PY
grep -aq '^page .* 99999999999999 ' "$shard" || die "the page line was not changed"
edit "$a" "A sentence added with a page line out of place."
build
same_as_fresh
echo "ok: sentences out of place"

# Sentences files gone: the same, and they are there again after the build.
rm site/.handbook-parsed/*.sentences
edit "$a" "A sentence added without the sentences files."
build
taken $((total - 1))
same_as_fresh
for s in $(shards); do
	[ -s "site/.handbook-parsed/$s.sentences" ] || die "shard $s has no sentences file again"
done
echo "ok: missing sentences"

# One damaged byte in an entry: its checksum fails, the page is parsed from its file.
damaged=$(python3 - <<'PY'
import glob
path = sorted(glob.glob("site/.handbook-parsed/*"))[0]
data = bytearray(open(path, "rb").read())
at = data.index(b"\npage ") + 1
eol = data.index(b"\n", at)
data[eol + 40] ^= 0x20
open(path, "wb").write(bytes(data))
print(data[at:eol].decode().split(" ")[-1])
PY
)
[ "corpus/content/$damaged" != "$b" ] || b=$(find corpus/content/people -name '*.md' ! -name '_index.md' | sort | sed -n 2p)
edit "$b" "Another sentence."
build
taken $((total - 2))
same_as_fresh
echo "ok: a damaged entry"

# A shard cut short is not read at all; the next build writes it whole again.
shard=site/.handbook-parsed/$(shards | head -1)
n=$(grep -ac '^page ' "$shard")
grep -aq "^page .* ${b#corpus/content/}\$" "$shard" && n=$((n - 1))	# parsed anyway
head -c 1000 "$shard" >cut && cp cut "$shard"
edit "$b" "A third sentence."
build
taken $((total - 1 - n))
same_as_fresh
edit "$b" "A fourth sentence."
build
taken $((total - 1))
echo "ok: a shard cut short"

# A shard that is a symbolic link is not followed: its pages are parsed, and the new site's
# shard is a file again.
shard=site/.handbook-parsed/$(shards | head -1)
n=$(grep -ac '^page ' "$shard")
grep -aq "^page .* ${b#corpus/content/}\$" "$shard" && n=$((n - 1))
mv "$shard" elsewhere && ln -s "$WORK/elsewhere" "$shard"
edit "$b" "A fifth sentence."
build
taken $((total - 1 - n))
[ -f "$shard" ] && [ ! -L "$shard" ] || die "the shard is still a link"
same_as_fresh
echo "ok: a shard that is a link"

# A racy fingerprint leaves no parse cache, as it leaves no cache.
printf 'Racy.\n' >>"$a"
touch -d "@$(($(date +%s) + 5))" "$a"
build
absent site/.handbook-parsed
absent site/.handbook-cache
echo "ok: racy edits"
