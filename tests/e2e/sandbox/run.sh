# Templates run in a sandbox: no io, os, require, load; page and site are read-only;
# an undefined global and a runaway loop are located errors, and nothing is written.
. "$ROOT/tests/lib.sh"
cd "$WORK"
page content/_index.md "Home" </dev/null
mkdir -p theme/layouts
try_template() {
	printf '%s\n' "$1" >theme/layouts/page.html
	hb build --content content --theme theme --out site
	expect_status 1
	contains err "$2"
	absent site
	absent pwned
}
try_template '<% os.execute("touch pwned") %>' "theme/layouts/page.html:1: error: undefined global 'os'"
try_template '<% io.open("pwned", "w") %>' "undefined global 'io'"
try_template '<% require("os") %>' "undefined global 'require'"
try_template '<% load("return 1")() %>' "undefined global 'load'"
try_template '<% dofile("/etc/passwd") %>' "undefined global 'dofile'"
try_template '<% string.dump(function() end) %>' "attempt to call a nil value (field 'dump')"
try_template '<% local f = ("x").dump; f(function() end) %>' "attempt to call a nil value (local 'f')"
try_template '<% page.title = "x" %>' "attempt to modify read-only field 'title'"
# pairs() over a read-only view must not hand out the table behind it.
try_template '<% local _, d = pairs(page); d.title = "X" %>' "attempt to index a nil value (local 'd')"
try_template '<% local _, d = pairs(string); d.upper = nil %>' "attempt to index a nil value (local 'd')"
# What a render writes counts against its memory quota.
try_template '<% local s = string.rep("x", 8 * 1024 * 1024) for i = 1, 20 do %><%- s %><% end %>' \
	"the page is larger than the 64 MiB a render may write"
try_template '<% local t = { string.rep("x", 8 * 1024 * 1024) } for i = 1, 20 do write_items(t) end %>' \
	"the page is larger than the 64 MiB a render may write"
try_template '<% local t = memo("m", function() return { string.rep("x", 8 * 1024 * 1024) } end)
for i = 1, 20 do write_items(t) end %>' "the page is larger than the 64 MiB a render may write"
try_template '<% site.title = "x" %>' "attempt to modify read-only field 'title'"
try_template '<% getmetatable("").__index.upper = nil %>' "undefined global 'getmetatable'"
try_template "$(printf 'line one\n<%% while true do end %%>')" "theme/layouts/page.html:2: error: template exceeded its budget"
try_template '<% local t = {} for i = 1, 1e9 do t[i] = ("x"):rep(100) end %>' "theme/layouts/page.html: error: template exceeded its memory quota"
try_template '<%= {} %>' "cannot write a table"
try_template '<%= math.random() %>' "attempt to call a nil value (field 'random')"
try_template '<%= nosuch %>' "undefined global 'nosuch'"
try_template '<% include("missing") %>' "include: no template 'missing'"
try_template '<%= page.title' "template tag '<%' is not closed by '%>'"
