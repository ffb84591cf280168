/*
 * Unit tests for template.h: template text -> Lua source. The generated chunks are run here with
 * plain Lua and a test _put/_put_esc pair, so the tests check what a template does, not how the
 * Lua source is spelled.
 */
#include "unit.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "buf.h"
#include "template.h"

struct fx {
	struct hb_diag d;
	struct hb_buf lua;	/* the compiled chunk */
	struct hb_buf out;	/* what running it wrote */
	char *error;		/* the Lua error message, or NULL */
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	hb_diag_init(&f->d);
	hb_buf_init(&f->lua);
	hb_buf_init(&f->out);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	hb_diag_free(&f->d);
	hb_buf_free(&f->lua);
	hb_buf_free(&f->out);
	free(f->error);
	free(f);
	return 0;
}

static int
t_put(lua_State *L)
{
	struct hb_buf *out = lua_touserdata(L, lua_upvalueindex(1));
	size_t len;
	const char *s;

	if (lua_isnil(L, 1))
		return 0;
	s = luaL_checklstring(L, 1, &len);
	hb_buf_put(out, s, len);
	return 0;
}

static int
t_put_esc(lua_State *L)
{
	struct hb_buf *out = lua_touserdata(L, lua_upvalueindex(1));
	size_t len;
	const char *s;

	if (lua_isnil(L, 1))
		return 0;
	s = luaL_checklstring(L, 1, &len);
	hb_buf_put_html(out, s, len);
	return 0;
}

static size_t
count_newlines(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		n += s[i] == '\n';
	return n;
}

/* Compiles text as "t.html"; returns hb_template_compile's result. */
static int
compile(struct fx *f, const char *text, size_t len)
{
	hb_buf_reset(&f->lua);
	return hb_template_compile(&f->lua, text, len, "themes/t/layouts/t.html", &f->d);
}

/* Compiles and runs text; returns 0, or -1 with f->error set. Checks the line invariant. */
static int
run_len(struct fx *f, const char *text, size_t len)
{
	lua_State *L;
	int rc = 0;

	assert_int_equal(compile(f, text, len), 0);
	assert_int_equal(count_newlines(f->lua.buf, f->lua.len), count_newlines(text, len));
	L = luaL_newstate();
	luaL_openlibs(L);
	hb_buf_reset(&f->out);
	free(f->error);
	f->error = NULL;
	if (luaL_loadbufferx(L, f->lua.buf, f->lua.len, "@t.html", "t") != LUA_OK) {
		print_message("generated Lua does not load: %s\n%s\n", lua_tostring(L, -1),
		    f->lua.buf);
		fail();
	}
	lua_pushlightuserdata(L, &f->out);
	lua_pushcclosure(L, t_put, 1);
	lua_pushlightuserdata(L, &f->out);
	lua_pushcclosure(L, t_put_esc, 1);
	if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
		f->error = strdup(lua_tostring(L, -1));
		rc = -1;
	}
	lua_close(L);
	return rc;
}

static int
run(struct fx *f, const char *text)
{
	return run_len(f, text, strlen(text));
}

static void
assert_renders(struct fx *f, const char *text, const char *want)
{
	assert_int_equal(run(f, text), 0);
	if (strcmp(f->out.buf, want) != 0)
		print_message("template:\n%s\nLua:\n%s\n", text, f->lua.buf);
	assert_string_equal(f->out.buf, want);
}

static void
test_template__plain_text_round_trips(void **state)
{
	struct fx *f = *state;

	assert_renders(f, "Hello\nworld\n\n", "Hello\nworld\n\n");
	assert_renders(f, "no newline at end", "no newline at end");
	assert_renders(f, "100% sure, 5 > 3 and a lone %> is text",
	    "100% sure, 5 > 3 and a lone %> is text");
}

static void
test_template__empty_template(void **state)
{
	struct fx *f = *state;

	assert_renders(f, "", "");
}

static void
test_template__literal_escaping_of_every_byte(void **state)
{
	struct fx *f = *state;
	char text[300];
	size_t n = 0;
	int c;

	for (c = 0; c < 256; c++) {
		text[n++] = (char)c;
		if (c == '<')
			text[n++] = 'x';	/* never "<%" */
	}
	/* Quotes, backslashes, control characters, NUL, DEL, bytes >= 0x80 and escape-like text. */
	memcpy(text + n, "\\\"\\n\\0\"]]", 9);
	n += 9;
	assert_int_equal(run_len(f, text, n), 0);
	assert_int_equal(f->out.len, n);
	assert_memory_equal(f->out.buf, text, n);
}

static void
test_template__nul_followed_by_digits(void **state)
{
	struct fx *f = *state;
	const char text[] = { 'a', '\0', '1', '2', '3', '\x01', '9', '\n', 'z' };

	assert_int_equal(run_len(f, text, sizeof(text)), 0);
	assert_int_equal(f->out.len, sizeof(text));
	assert_memory_equal(f->out.buf, text, sizeof(text));
}

static void
test_template__crlf_text_is_kept(void **state)
{
	struct fx *f = *state;

	assert_renders(f, "a\r\nb\r\n<%= 'c' %>\r\n", "a\r\nb\r\nc\r\n");
}

static void
test_template__expression_is_escaped(void **state)
{
	struct fx *f = *state;

	assert_renders(f, "<p><%= '<b>\"Tom\" & \\'Jerry\\'</b>' %></p>",
	    "<p>&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;</p>");
}

static void
test_template__raw_expression_is_not_escaped(void **state)
{
	struct fx *f = *state;

	assert_renders(f, "<div><%- '<p>x & y</p>' %></div>", "<div><p>x & y</p></div>");
}

static void
test_template__code_tags_run_lua(void **state)
{
	struct fx *f = *state;

	assert_renders(f, "<% for i = 1, 3 do %><%= i %>,<% end %>", "1,2,3,");
	assert_renders(f,
	    "<% local t = {'a', 'b'} %>\n<% for _, v in ipairs(t) do %>[<%= v %>]<% end %>\n",
	    "\n[a][b]\n");
	assert_renders(f, "<%\nlocal x = 2\nlocal y = 3\n%><%= x * y %>", "6");
}

static void
test_template__expression_spanning_lines(void **state)
{
	struct fx *f = *state;

	assert_renders(f, "<%= 1 +\n2 +\n3 %>|", "6|");
}

static void
test_template__trim_swallows_one_newline(void **state)
{
	struct fx *f = *state;

	assert_renders(f, "<% if true then -%>\nyes\n<% end -%>\nafter\n", "yes\nafter\n");
	assert_renders(f, "<%= 'a' -%>\nb", "ab");
	assert_renders(f, "<%- 'a' -%>\nb", "ab");
	assert_renders(f, "<%= 'a' -%>\n\nb", "a\nb");
	assert_renders(f, "<%= 'a' -%>b", "ab");
	assert_renders(f, "<%= 'a' %>\nb", "a\nb");
	assert_renders(f, "<% x = 1 -%>", "");
}

static void
test_template__error_line_is_template_line(void **state)
{
	struct fx *f = *state;

	assert_int_equal(run(f, "line 1\n<%= 'line 2' %>\n<% error('boom') %>\n"), -1);
	assert_string_equal(f->error, "t.html:3: boom");
	assert_int_equal(run(f, "<%\n-- two\nerror('in code')\n%>"), -1);
	assert_string_equal(f->error, "t.html:3: in code");
	assert_int_equal(run(f, "<% x = 1 -%>\n<% y = 2 -%>\n<%= nil .. 'x' %>"), -1);
	assert_non_null(strstr(f->error, "t.html:3:"));
	assert_int_equal(run(f, "a\nb\nc\nd\n<%= 'e' %>\n<%- f.g %>"), -1);
	assert_non_null(strstr(f->error, "t.html:6:"));
	assert_int_equal(run(f, "\"quoted\"\n\\\n\x01\n<% error('x') %>"), -1);
	assert_string_equal(f->error, "t.html:4: x");
}

static void
test_template__unclosed_tag_is_located(void **state)
{
	struct fx *f = *state;
	const char *text = "<p>\n<%= page.title %>\n<%= page.summary\n</p>\n";

	assert_int_equal(compile(f, text, strlen(text)), -1);
	assert_int_equal(f->d.n_errors, 1);
	assert_string_equal(f->d.v[0].path, "themes/t/layouts/t.html");
	assert_int_equal(f->d.v[0].line, 3);
	assert_non_null(strstr(f->d.v[0].msg, "not closed"));
}

static void
test_template__unclosed_tag_at_end(void **state)
{
	struct fx *f = *state;

	assert_int_equal(compile(f, "a\nb\n<%", 6), -1);
	assert_int_equal(f->d.n_errors, 1);
	assert_int_equal(f->d.v[0].line, 3);
}

/* Each case either compiles into loadable Lua or is a located error; none may crash. */
static void
check_degenerate(struct fx *f, const char *text)
{
	size_t errors = f->d.n_errors;
	int rc = compile(f, text, strlen(text));

	if (rc == 0) {
		lua_State *L = luaL_newstate();

		assert_true(f->lua.len < 1000);
		luaL_loadbufferx(L, f->lua.buf, f->lua.len, "@t.html", "t");
		lua_close(L);
	} else {
		assert_int_equal(rc, -1);
		assert_int_equal(f->d.n_errors, errors + 1);
	}
}

static void
test_template__degenerate_tags_do_not_crash(void **state)
{
	struct fx *f = *state;

	check_degenerate(f, "<%%>");
	check_degenerate(f, "<%=%>");
	check_degenerate(f, "<% -%>");
	check_degenerate(f, "<%=-%>");
	check_degenerate(f, "<%--%>");
}

static void
test_template__empty_raw_tag_with_trim_does_not_crash(void **state)
{
	/* "<%-" opens a raw tag and "-%>" closes with trim: the two share the '-'. */
	check_degenerate(*state, "<%-%>");
	check_degenerate(*state, "a\n<%-%>\nb");
}

static void
test_template__appends_to_output(void **state)
{
	struct fx *f = *state;

	hb_buf_puts(&f->lua, "-- header ");
	assert_int_equal(hb_template_compile(&f->lua, "x", 1, "t.html", &f->d), 0);
	assert_int_equal(strncmp(f->lua.buf, "-- header ", 10), 0);
	assert_true(f->lua.len > 10);
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_template__plain_text_round_trips),
		T(test_template__empty_template),
		T(test_template__literal_escaping_of_every_byte),
		T(test_template__nul_followed_by_digits),
		T(test_template__crlf_text_is_kept),
		T(test_template__expression_is_escaped),
		T(test_template__raw_expression_is_not_escaped),
		T(test_template__code_tags_run_lua),
		T(test_template__expression_spanning_lines),
		T(test_template__trim_swallows_one_newline),
		T(test_template__error_line_is_template_line),
		T(test_template__unclosed_tag_is_located),
		T(test_template__unclosed_tag_at_end),
		T(test_template__degenerate_tags_do_not_crash),
		T(test_template__empty_raw_tag_with_trim_does_not_crash),
		T(test_template__appends_to_output),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
