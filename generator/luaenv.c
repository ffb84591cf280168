#include "luaenv.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "editions.h"
#include "path.h"
#include "template.h"
#include "url.h"
#include "xalloc.h"

#define HOOK_STEP 1000

/* A field name of a page view, classified (page_key()). */
struct page_key {
	const char *name;	/* the Lua string's address */
	char *copy;		/* and its text */
	int dep;		/* enum page_dep */
	int group;		/* enum rich_group, or -1 */
	int plain;		/* enum plain_field, or -1 */
};

#define N_PAGE_KEYS 64

/*
 * Small blocks for the Lua state. A render makes and drops hundreds of thousands of small tables
 * and strings, and malloc, past its per-thread cache of a few blocks a size, spends a tenth of a
 * full build sorting them. Blocks up to POOL_MAX bytes come from free lists by size class, carved
 * from chunks the state keeps until it is closed; larger ones go to realloc. A state is used by
 * one thread at a time: no locks. Under AddressSanitizer everything goes to malloc, so that it
 * sees each block.
 */
#define POOL_STEP 16
#if defined(__SANITIZE_ADDRESS__)
#define POOL_MAX 0
#else
#define POOL_MAX 512
#endif
#define POOL_CHUNK (256 * 1024)

struct pool {
	void *free[POOL_MAX / POOL_STEP + 1];	/* class c: free blocks of c * POOL_STEP bytes */
	char *next, *end;			/* the newest chunk's unused part */
	void **chunks;
	size_t n_chunks, chunks_alloc;
};

struct hb_luaenv {
	lua_State *L;
	struct pool pool;
	struct page_key page_keys[N_PAGE_KEYS];
	size_t mem_used;
	size_t mem_limit;	/* SIZE_MAX outside renders */
	size_t mem_quota;
	long budget;
	long used;		/* instructions in this render */
	int tripped;
	struct hb_buf *out;	/* the render's output */
	const char *cur_path;	/* output path of the page being rendered */
	char *cur_dir;		/* its folder, with the '/', and */
	int ref_dir_urls;	/* that folder's URLs: page order + 1 -> url(page), 0 -> root */
	int ref_urls;		/* folder -> its URLs table, for this site (set_site) */
	const char *theme_dir;
	char **names;		/* template names, sorted */
	size_t n_names;
	int ref_readonly_pairs;	/* registry refs: the read-only proxies' __pairs, */
	int ref_readonly_len;	/* __len, */
	int ref_deny;		/* __newindex of read-only views */
	int ref_templates;
	int ref_base;		/* the allow-listed globals */
	int ref_envmeta;	/* metatable of every environment */
	int ref_data;		/* order -> page data table */
	int ref_proxy;		/* order -> page proxy */
	int ref_ids;		/* id -> page proxy */
	int ref_current;	/* the page proxy being rendered */
	int ref_memo;		/* memo(): key -> value, for this worker's whole build */
	int ref_memo_deps;	/* memo(): key -> the dependencies its value has (packed) */
	int ref_clean;		/* memo list values whose every item is clean HTML (url.h) */
	int ref_joined;		/* memo list value -> its items run together (struct joined) */
	const struct hb_graph *g;
	const struct hb_history *history;
	uint32_t *filled_groups;	/* by order: which groups of rich fields are in its table */
	unsigned char *is_plain;	/* by order: and its plain fields (fill_page) */
	size_t *positions;		/* by order: page.position (set_positions) */
	uint32_t *filled;		/* the pages filled during this render, to empty after */
	size_t n_filled, filled_alloc;
	struct hb_luaenv_edition edition;

	/* Dependency recording (see hb_luaenv_render_info): what a render read, as indexes:
	 * pages' plain fields [0, n), their deep fields [n, 2n), their prev and next [2n, 3n),
	 * sections' page lists [3n, 3n + n_sections), then the DEP_* lists from dep_base. */
	size_t n_nodes;
	size_t n_sections;
	size_t dep_base;
	int ref_sorted_pairs;
	uint32_t *stamp, serial;	/* stamp[i] == serial: i is in deps */
	uint32_t *deps;
	size_t n_deps, deps_alloc;
	uint32_t *memo_stamp, memo_serial;	/* the same for the memo being computed */
	uint32_t *memo_deps;
	size_t n_memo_deps, memo_deps_alloc;
	char **groups;			/* memo keys whose values the render used */
	size_t n_groups, groups_alloc;
	int memo_depth;
	struct hb_url_span *clean;	/* spans of this render's output that need no filter */
	size_t n_clean, clean_alloc;
	int slot_depth;
	int has_slot;
	size_t slot_start, slot_end;

	/* For the watchdog (render_age), read from another thread. */
	atomic_llong render_start_ns;		/* 0: no render in progress */
	_Atomic(const char *) at_source;	/* chunk name ("@theme/layouts/x.html") and */
	atomic_int at_line;			/* line where the count hook last saw the render */
	_Atomic(const char *) at_layout;
};

static long long
now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Trusted setup code, run before the sandbox exists: sorted pairs, and the refusal of writes. */
static const char prelude[] =
    "local next, type, error, tostring, sort = next, type, error, tostring, table.sort\n"
    "local function before(a, b)\n"
    "  local ta, tb = type(a), type(b)\n"
    "  if ta ~= tb then return ta < tb end\n"
    "  if ta == 'number' or ta == 'string' then return a < b end\n"
    "  return tostring(a) < tostring(b)\n"
    "end\n"
    "local function sorted_pairs(data)\n"
    "  local keys = {}\n"
    "  for k in next, data do keys[#keys + 1] = k end\n"
    "  sort(keys, before)\n"
    "  local i = 0\n"
    "  return function()\n"
    "    i = i + 1\n"
    "    local k = keys[i]\n"
    "    if k ~= nil then return k, data[k] end\n"
    "  end, nil, nil\n"
    "end\n"
    "local function deny(_, k)\n"
    "  error(\"attempt to modify read-only field '\" .. tostring(k) .. \"'\", 2)\n"
    "end\n"
    "return sorted_pairs, deny\n";

static struct hb_luaenv *
env_of(lua_State *L)
{
	return *(struct hb_luaenv **)lua_getextraspace(L);
}

static size_t
pool_class(size_t n)
{
	return (n + POOL_STEP - 1) / POOL_STEP;
}

/* A block of n bytes (1 to POOL_MAX), or NULL. */
static void *
pool_take(struct pool *p, size_t n)
{
	size_t c = pool_class(n), size = c * POOL_STEP;
	void *b = p->free[c];

	if (b != NULL) {
		p->free[c] = *(void **)b;
		return b;
	}
	if ((size_t)(p->end - p->next) < size) {
		char *chunk = malloc(POOL_CHUNK);

		if (chunk == NULL)
			return NULL;
		p->chunks = hb_xgrow(p->chunks, &p->chunks_alloc, p->n_chunks + 1,
		    sizeof(*p->chunks));
		p->chunks[p->n_chunks++] = chunk;
		p->next = chunk;
		p->end = chunk + POOL_CHUNK;
	}
	b = p->next;
	p->next += size;
	return b;
}

static void
pool_give(struct pool *p, void *b, size_t n)
{
	size_t c = pool_class(n);

	*(void **)b = p->free[c];
	p->free[c] = b;
}

static void
pool_free(struct pool *p)
{
	size_t i;

	for (i = 0; i < p->n_chunks; i++)
		free(p->chunks[i]);
	free(p->chunks);
}

static void
release(struct pool *p, void *b, size_t n)
{
	if (n <= POOL_MAX)
		pool_give(p, b, n);
	else
		free(b);
}

/* Moves old's block (n_old bytes, ptr may be NULL) to one of n bytes, from the pool or malloc. */
static void *
resize(struct pool *p, void *ptr, size_t n_old, size_t n)
{
	void *b;

	if (ptr != NULL && n_old > POOL_MAX && n > POOL_MAX)
		return realloc(ptr, n);
	if (ptr != NULL && n_old <= POOL_MAX && n <= POOL_MAX && pool_class(n_old) == pool_class(n))
		return ptr;
	if ((b = n <= POOL_MAX ? pool_take(p, n) : malloc(n)) == NULL)
		return NULL;
	if (ptr != NULL) {
		memcpy(b, ptr, n_old < n ? n_old : n);
		release(p, ptr, n_old);
	}
	return b;
}

/* The allocator: refuses to grow past mem_limit, which is set only during a render. */
static void *
l_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct hb_luaenv *e = ud;
	size_t old = ptr ? osize : 0;
	void *p;

	if (nsize == 0) {
		if (ptr != NULL)
			release(&e->pool, ptr, old);
		e->mem_used -= old;
		return NULL;
	}
	if ((nsize > old && e->mem_used + (nsize - old) > e->mem_limit) || hb_xalloc_should_fail())
		return NULL;
	if ((p = resize(&e->pool, ptr, old, nsize)) == NULL)
		return NULL;
	e->mem_used = e->mem_used - old + nsize;
	return p;
}

/* Counts instructions; once over budget, fires on every instruction so no code runs on. */
static void
count_hook(lua_State *L, lua_Debug *ar)
{
	struct hb_luaenv *e = env_of(L);

	e->used += HOOK_STEP;
	if (!e->tripped && lua_getinfo(L, "Sl", ar) && ar->source[0] == '@') {
		atomic_store(&e->at_source, ar->source);
		atomic_store(&e->at_line, ar->currentline);
	}
	if (e->tripped || e->used > e->budget) {
		if (!e->tripped)
			lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
		e->tripped = 1;
		lua_getinfo(L, "Sl", ar);
		lua_pushfstring(L, "%s:%d: template exceeded its budget of %I instructions",
		    ar->short_src, ar->currentline, (lua_Integer)e->budget);
		lua_error(L);
	}
}

enum { DEP_ALL, DEP_SECTIONS, DEP_INDEXES, DEP_EDITION, N_DEP_LISTS };
enum view_kind { VIEW_PAGE, VIEW_SECTION, VIEW_SITE };

/*
 * Records that the render read dependency idx; while a memo value is being computed, that
 * value (and so every render using it) read it instead.
 */
static void
touch(struct hb_luaenv *e, size_t idx)
{
	if (e->slot_depth > 0 || e->stamp == NULL || idx >= e->dep_base + N_DEP_LISTS)
		return;
	if (e->memo_depth > 0) {
		if (e->memo_stamp[idx] != e->memo_serial) {
			e->memo_stamp[idx] = e->memo_serial;
			e->memo_deps = hb_xgrow(e->memo_deps, &e->memo_deps_alloc,
			    e->n_memo_deps + 1, sizeof(*e->memo_deps));
			e->memo_deps[e->n_memo_deps++] = (uint32_t)idx;
		}
		return;
	}
	if (e->stamp[idx] != e->serial) {
		e->stamp[idx] = e->serial;
		e->deps = hb_xgrow(e->deps, &e->deps_alloc, e->n_deps + 1, sizeof(*e->deps));
		e->deps[e->n_deps++] = (uint32_t)idx;
	}
}

/*
 * A page's fields beyond the plain ones, filled on first use (fill_rich), a group at a time:
 * reading one source's `params` must not build its hundreds of backlinks.
 */
enum rich_group {
	G_ALIASES, G_TAGS, G_SOURCES, G_PARTICIPANTS, G_RELATED, G_NEIGHBOURS, G_PARAMS, G_DATA,
	G_HEADINGS, G_BACKLINKS, G_PARTICIPATED, G_HISTORY, G_CITATIONS, G_CITED_BY, N_GROUPS
};

static const struct {
	const char *name;
	enum rich_group group;
} rich_fields[] = {
	{ "aliases", G_ALIASES }, { "tags", G_TAGS }, { "sources", G_SOURCES },
	{ "participants", G_PARTICIPANTS }, { "related", G_RELATED }, { "prev", G_NEIGHBOURS },
	{ "next", G_NEIGHBOURS }, { "params", G_PARAMS }, { "data", G_DATA },
	{ "headings", G_HEADINGS }, { "backlinks", G_BACKLINKS },
	{ "participated", G_PARTICIPATED }, { "history", G_HISTORY }, { "updated", G_HISTORY },
	{ "created", G_HISTORY }, { "citations", G_CITATIONS }, { "cited_by", G_CITED_BY },
};

/* The group key belongs to, or -1 for a field that is not rich. */
static int
rich_group_of(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(rich_fields) / sizeof(rich_fields[0]); i++) {
		if (strcmp(key, rich_fields[i].name) == 0)
			return (int)rich_fields[i].group;
	}
	return -1;
}

/* A page's plain fields, each filled when it is first read (push_plain). */
enum plain_field {
	P_ID, P_TITLE, P_SUMMARY, P_TYPE, P_DATE, P_END_DATE, P_VENUE, P_FORMAT, P_ABBR,
	P_EXPANSION, P_DATE_INFERRED, P_LAYOUT, P_INDEX_TYPE, P_PATH, P_SOURCE, P_SECTION,
	P_IS_INDEX, P_DRAFT, P_WEIGHT, P_ORDER, P_POSITION, N_PLAIN
};

static const char *const plain_fields[N_PLAIN] = {
	"id", "title", "summary", "type", "date", "end_date", "venue", "format", "abbr",
	"expansion", "date_inferred", "layout", "index_type", "path", "source", "section",
	"is_index", "draft", "weight", "order", "position",
};

static int
plain_field_of(const char *key)
{
	int i;

	for (i = 0; i < N_PLAIN; i++) {
		if (strcmp(key, plain_fields[i]) == 0)
			return i;
	}
	return -1;
}

/* What a page's field depends on: itself, its deep fields, or a list it belongs to. */
enum page_dep { PD_PLAIN, PD_DEEP, PD_ORDER, PD_POSITION, PD_NEIGHBOURS };

static enum page_dep
page_dep_of(const char *key)
{
	/* A page's place in the whole order, and in its section's list, move when pages
	 * elsewhere come or go: they belong to those lists, not to the page. */
	if (strcmp(key, "order") == 0)
		return PD_ORDER;
	if (strcmp(key, "position") == 0)
		return PD_POSITION;
	switch (rich_group_of(key)) {
	case G_NEIGHBOURS:
		return PD_NEIGHBOURS;
	case G_DATA: case G_HEADINGS: case G_BACKLINKS: case G_PARTICIPATED: case G_HISTORY:
	case G_CITATIONS: case G_CITED_BY:
		return PD_DEEP;		/* what other pages' text, its own headings and git decide */
	default:
		return PD_PLAIN;
	}
}

/*
 * What a page's field key is, computed once per key string: templates read the same few
 * field names on every page, and Lua keeps one copy of each short string, so the pointer finds
 * the entry (strcmp confirms it: a freed string's address may come back as another).
 */
static const struct page_key *
page_key(struct hb_luaenv *e, const char *key)
{
	struct page_key *k = &e->page_keys[((uintptr_t)key >> 4) % N_PAGE_KEYS];

	if (k->name != key || strcmp(k->copy, key) != 0) {
		free(k->copy);
		k->name = key;
		k->copy = hb_xstrdup(key);
		k->dep = page_dep_of(key);
		k->group = rich_group_of(key);
		k->plain = plain_field_of(key);
	}
	return k;
}

/* What reading key of a view depends on. */
static size_t
dep_of(struct hb_luaenv *e, enum view_kind kind, size_t index, const char *key)
{
	const struct hb_section *s;

	switch (kind) {
	case VIEW_PAGE:
		switch (page_key(e, key)->dep) {
		case PD_DEEP: return e->n_nodes + index;
		case PD_ORDER: return e->dep_base + DEP_ALL;
		case PD_POSITION:
			if ((s = e->g->order[index]->section) != NULL)
				return 3 * e->n_nodes + (size_t)(s - e->g->sections);
			return index;
		case PD_NEIGHBOURS: return 2 * e->n_nodes + index;
		case PD_PLAIN: return index;
		}
		return index;
	case VIEW_SECTION:
		return strcmp(key, "pages") == 0 ? 3 * e->n_nodes + index :
		    e->dep_base + DEP_SECTIONS;
	default:
		if (strcmp(key, "pages") == 0)
			return e->dep_base + DEP_ALL;
		if (strcmp(key, "indexes") == 0)
			return e->dep_base + DEP_INDEXES;
		if (strcmp(key, "sections") == 0)
			return e->dep_base + DEP_SECTIONS;
		if (strcmp(key, "build_date") == 0 || strcmp(key, "edition") == 0 ||
		    strcmp(key, "editions") == 0)
			return e->dep_base + DEP_EDITION;
		return SIZE_MAX;	/* configuration: the same for every page */
	}
}

static void push_editions(struct hb_luaenv *e, const struct hb_node *node);
static int fill_rich(struct hb_luaenv *e, const struct hb_node *node, int group);
static void fill_plain(struct hb_luaenv *e, const struct hb_node *node);
static void push_plain(struct hb_luaenv *e, const struct hb_node *node, enum plain_field f);

/*
 * Fills store, the store of page index (at that stack index), on a read it lacks: a plain
 * field alone when key is one (a list's pages are mostly read for a title and a path), else
 * every plain field on the first read, and the rich ones when key is one of them (any key when
 * NULL). Most pages of a large site are never read by a worker at all. The site's data is not
 * the template's: filling it does not count against the memory quota. Returns 1 when it filled.
 */
static int
fill_page(struct hb_luaenv *e, int store, size_t index, const char *key)
{
	lua_State *L = e->L;
	size_t limit = e->mem_limit, used = e->mem_used;
	int filled = 0, group, plain = key != NULL ? page_key(e, key)->plain : -1;

	e->mem_limit = SIZE_MAX;
	lua_pushvalue(L, store);
	if (plain >= 0 && !e->is_plain[index]) {
		push_plain(e, e->g->order[index], (enum plain_field)plain);
		lua_setfield(L, -2, plain_fields[plain]);
		filled = 1;
	} else if (!e->is_plain[index]) {
		fill_plain(e, e->g->order[index]);
		e->is_plain[index] = 1;
		filled = 1;
	}
	if (key == NULL) {
		for (group = 0; group < N_GROUPS; group++)
			filled |= fill_rich(e, e->g->order[index], group);
	} else if ((group = page_key(e, key)->group) >= 0) {
		filled |= fill_rich(e, e->g->order[index], group);
	}
	lua_pop(L, 1);
	e->mem_limit = limit == SIZE_MAX || e->mem_used < used ? limit :
	    limit + (e->mem_used - used);
	return filled;
}

/* Pushes the data table of page order from the list at stack index list, made on first use:
 * most pages of a large site are never read by a worker. */
static void
push_page_data(lua_State *L, int list, size_t order)
{
	if (lua_rawgeti(L, list, (lua_Integer)order + 1) != LUA_TNIL)
		return;
	lua_pop(L, 1);
	lua_newtable(L);
	lua_pushvalue(L, -1);
	lua_rawseti(L, list, (lua_Integer)order + 1);
}

/*
 * The order of the page whose view is at stack index idx, or -1 when it is not a page's view.
 * A page's view has a metatable of its own, which holds the order at [1]: templates cannot
 * read a metatable (__metatable), nor make one (no setmetatable).
 */
static lua_Integer
page_order_of(lua_State *L, int idx)
{
	lua_Integer i = -1;

	if (lua_getmetatable(L, idx)) {
		if (lua_rawgeti(L, -1, 1) == LUA_TNUMBER)
			i = lua_tointeger(L, -1);
		lua_pop(L, 2);
	}
	return i;
}

/*
 * Pushes the store of the view at 1, and sets its kind and index: upvalues 1 to 3 of its
 * metamethods. Pages' views share theirs (index -1, push_view_meta_values): upvalue 1 lists
 * every page's store, and the view's own metatable tells its page (page_order_of).
 */
static int
push_store(lua_State *L, enum view_kind *kind, size_t *index)
{
	lua_Integer i = lua_tointeger(L, lua_upvalueindex(3));

	*kind = (enum view_kind)lua_tointeger(L, lua_upvalueindex(2));
	if (i < 0) {
		i = page_order_of(L, 1);
		push_page_data(L, lua_upvalueindex(1), (size_t)i);
	} else {
		lua_pushvalue(L, lua_upvalueindex(1));
	}
	*index = (size_t)i;
	return lua_gettop(L);
}

/*
 * __index of a tracked view (a page, a section or the site): the field from the view's store,
 * and a record of what it depends on.
 */
static int
l_view_index(lua_State *L)
{
	struct hb_luaenv *e = env_of(L);
	enum view_kind kind;
	size_t index;
	int store = push_store(L, &kind, &index);
	const char *key = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "";

	if (kind == VIEW_PAGE && strcmp(key, "editions") == 0) {
		touch(e, e->dep_base + DEP_EDITION);
		push_editions(e, e->g->order[index]);
		return 1;
	}
	touch(e, dep_of(e, kind, index, key));
	lua_pushvalue(L, 2);
	if (lua_rawget(L, store) == LUA_TNIL && kind == VIEW_PAGE &&
	    fill_page(e, store, index, key)) {
		lua_pop(L, 1);
		lua_pushvalue(L, 2);
		lua_rawget(L, store);
	}
	return 1;
}

/* __pairs of a tracked view: reads everything in it. */
static int
l_view_pairs(lua_State *L)
{
	struct hb_luaenv *e = env_of(L);
	enum view_kind kind;
	size_t index;
	int store = push_store(L, &kind, &index);

	if (kind == VIEW_SITE) {
		int i;

		for (i = 0; i < N_DEP_LISTS; i++)
			touch(e, e->dep_base + (size_t)i);
	}
	if (kind == VIEW_PAGE)
		fill_page(e, store, index, NULL);
	/* Every key that stands for a dependency of its own. */
	touch(e, dep_of(e, kind, index, "pages"));
	touch(e, dep_of(e, kind, index, "history"));
	touch(e, dep_of(e, kind, index, "next"));
	touch(e, dep_of(e, kind, index, "order"));
	touch(e, dep_of(e, kind, index, "position"));
	touch(e, dep_of(e, kind, index, ""));
	lua_rawgeti(L, LUA_REGISTRYINDEX, e->ref_sorted_pairs);
	lua_pushvalue(L, store);
	lua_call(L, 1, 3);
	return 3;
}

/* The fields of a view's metatable, in the order push_view_meta_values pushes their values. */
static const char *const view_meta_fields[] = { "__index", "__pairs", "__newindex", "__metatable" };
#define N_VIEW_META 4

/*
 * Pushes the values of the metatable of the tracked read-only views of the store at stack index
 * store, with their kind and index, as N_VIEW_META values in view_meta_fields' order. For the
 * pages' views, index is -1: store lists every page's store (push_store).
 */
static void
push_view_meta_values(struct hb_luaenv *e, int store, enum view_kind kind, lua_Integer index)
{
	lua_State *L = e->L;
	static const lua_CFunction fns[] = { l_view_index, l_view_pairs };
	int i;

	for (i = 0; i < 2; i++) {
		lua_pushvalue(L, store);
		lua_pushinteger(L, kind);
		lua_pushinteger(L, index);
		lua_pushcclosure(L, fns[i], 3);
	}
	lua_rawgeti(L, LUA_REGISTRYINDEX, e->ref_deny);
	lua_pushboolean(L, 0);
}

/* Pops the N_VIEW_META values on top of the stack into a new metatable, left on top. */
static void
set_view_meta(lua_State *L, int n_array)
{
	int i;

	lua_createtable(L, n_array, N_VIEW_META);
	for (i = N_VIEW_META - 1; i >= 0; i--) {
		lua_insert(L, -2);
		lua_setfield(L, -2, view_meta_fields[i]);
	}
}

/* Replaces the store on top of the stack by its tracked read-only view. */
static void
make_view(struct hb_luaenv *e, enum view_kind kind, size_t index)
{
	lua_State *L = e->L;

	lua_newtable(L);
	push_view_meta_values(e, lua_gettop(L) - 1, kind, (lua_Integer)index);
	set_view_meta(L, 0);
	lua_setmetatable(L, -2);
	lua_remove(L, -2);
}

/* The table a read-only proxy (make_readonly) stands for: its metatable's __index. */
static void
push_proxied(lua_State *L, int proxy)
{
	lua_getmetatable(L, proxy);
	lua_getfield(L, -1, "__index");
	lua_remove(L, -2);
}

/* __pairs of a read-only proxy: its table's pairs, in sorted key order. */
static int
l_readonly_pairs(lua_State *L)
{
	lua_rawgeti(L, LUA_REGISTRYINDEX, env_of(L)->ref_sorted_pairs);
	push_proxied(L, 1);
	lua_call(L, 1, 3);
	return 3;
}

/* __len of a read-only proxy: its table's length. */
static int
l_readonly_len(lua_State *L)
{
	push_proxied(L, 1);
	lua_pushinteger(L, luaL_len(L, -1));
	return 1;
}

/*
 * Replaces the table on top of the stack by its read-only proxy: an empty table whose
 * metatable reads from it (__index), refuses writes (__newindex), hides itself (__metatable)
 * and gives the table's pairs and length. Made here rather than by a Lua function: the site
 * model makes tens of thousands of them per build.
 */
static void
make_readonly(lua_State *L)
{
	struct hb_luaenv *e = env_of(L);

	lua_newtable(L);
	lua_createtable(L, 0, 5);
	lua_pushvalue(L, -3);
	lua_setfield(L, -2, "__index");
	lua_rawgeti(L, LUA_REGISTRYINDEX, e->ref_deny);
	lua_setfield(L, -2, "__newindex");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_rawgeti(L, LUA_REGISTRYINDEX, e->ref_readonly_pairs);
	lua_setfield(L, -2, "__pairs");
	lua_rawgeti(L, LUA_REGISTRYINDEX, e->ref_readonly_len);
	lua_setfield(L, -2, "__len");
	lua_setmetatable(L, -2);
	lua_remove(L, -2);
}

static const char *
to_output(lua_State *L, int idx, size_t *len)
{
	switch (lua_type(L, idx)) {
	case LUA_TNIL:
		*len = 0;
		return "";
	case LUA_TSTRING:
	case LUA_TNUMBER:
		return lua_tolstring(L, idx, len);
	case LUA_TBOOLEAN:
		*len = lua_toboolean(L, idx) ? 4 : 5;
		return lua_toboolean(L, idx) ? "true" : "false";
	default:
		luaL_error(L, "cannot write a %s into the page", luaL_typename(L, idx));
		return NULL;
	}
}

/* Appends to the render's output, within its quota (else a Lua error). */
static void
put_output(lua_State *L, struct hb_luaenv *e, const char *s, size_t len)
{
	if (e->out->len + len > e->mem_quota)
		luaL_error(L, "the page is larger than the %d MiB a render may write",
		    (int)(e->mem_quota >> 20));
	hb_buf_put(e->out, s, len);
}

static int
l_put(lua_State *L)
{
	struct hb_luaenv *e = env_of(L);
	size_t len;
	const char *s = to_output(L, 1, &len);

	put_output(L, e, s, len);
	return 0;
}

/* Notes that out's bytes [start, end) need no URL filter, joining a span that ends at start. */
static void
note_clean(struct hb_luaenv *e, size_t start, size_t end)
{
	if (e->n_clean > 0 && e->clean[e->n_clean - 1].end == start) {
		e->clean[e->n_clean - 1].end = end;
		return;
	}
	e->clean = hb_xgrow(e->clean, &e->clean_alloc, e->n_clean + 1, sizeof(*e->clean));
	e->clean[e->n_clean].start = start;
	e->clean[e->n_clean++].end = end;
}

/*
 * A memo list's items run together, so that write_items copies a run of them at once instead of
 * fetching each through the read-only view (a sidebar is a thousand items, on every page).
 */
struct joined {
	size_t n;
	size_t *end;		/* item i (from 1) is bytes[end[i - 1], end[i]) */
	char *bytes;
};

/* The joined form of the list (a plain table) on top of the stack, pushed as a userdata. */
static void
push_joined(lua_State *L, lua_Integer n)
{
	struct joined *j;
	size_t total = 0, len;
	lua_Integer i;

	for (i = 1; i <= n; i++) {
		lua_rawgeti(L, -1, i);
		lua_tolstring(L, -1, &len);
		total += len;
		lua_pop(L, 1);
	}
	j = lua_newuserdatauv(L, sizeof(*j) + ((size_t)n + 1) * sizeof(size_t) + total, 0);
	j->n = (size_t)n;
	j->end = (size_t *)(j + 1);
	j->bytes = (char *)(j->end + n + 1);
	j->end[0] = 0;
	for (i = 1; i <= n; i++) {
		const char *item;

		lua_rawgeti(L, -2, i);
		item = lua_tolstring(L, -1, &len);
		memcpy(j->bytes + j->end[i - 1], item, len);
		j->end[i] = j->end[i - 1] + len;
		lua_pop(L, 1);
	}
}

/* The joined form of the value at idx, or NULL when it is not a memo list. */
static const struct joined *
joined_of(lua_State *L, struct hb_luaenv *e, int idx)
{
	const struct joined *j;

	lua_rawgeti(L, LUA_REGISTRYINDEX, e->ref_joined);
	lua_pushvalue(L, idx);
	j = lua_rawget(L, -2) == LUA_TUSERDATA ? lua_touserdata(L, -1) : NULL;
	lua_pop(L, 2);		/* the registry keeps it */
	return j;
}

/*
 * write_items(list, first, last): writes items first..last (default: all) of a list of strings
 * as they are, like <%- %>, without joining them into a new string first. Items of a memo
 * value were checked once when it was made (url.h), and are not filtered again in each page.
 */
static int
l_write_items(lua_State *L)
{
	struct hb_luaenv *e = env_of(L);
	const struct joined *j;
	lua_Integer i, first, last;
	size_t start;
	int is_clean;

	luaL_checktype(L, 1, LUA_TTABLE);
	first = luaL_optinteger(L, 2, 1);
	last = lua_isnoneornil(L, 3) ? luaL_len(L, 1) : luaL_checkinteger(L, 3);
	if (e->out == NULL)
		return luaL_error(L, "write_items: nothing is being rendered");
	lua_rawgeti(L, LUA_REGISTRYINDEX, e->ref_clean);
	lua_pushvalue(L, 1);
	is_clean = lua_rawget(L, -2) == LUA_TBOOLEAN;
	lua_pop(L, 2);
	start = e->out->len;
	if (first < 1)
		first = 1;
	if ((j = joined_of(L, e, 1)) != NULL) {
		/* one run of items; past the end fails where fetching them would */
		if (last > (lua_Integer)j->n)
			return luaL_error(L, "write_items: item %I is not a string",
			    first > (lua_Integer)j->n ? first : (lua_Integer)j->n + 1);
		if (first <= last)
			put_output(L, e, j->bytes + j->end[first - 1],
			    j->end[last] - j->end[first - 1]);
	} else {
		for (i = first; i <= last; i++) {
			size_t len;
			const char *s;

			if (lua_geti(L, 1, i) != LUA_TSTRING)
				return luaL_error(L, "write_items: item %I is not a string", i);
			s = lua_tolstring(L, -1, &len);
			put_output(L, e, s, len);
			lua_pop(L, 1);
		}
	}
	if (is_clean && e->out->len > start)
		note_clean(e, start, e->out->len);
	return 0;
}

/* The entity a byte is written as in HTML text and attributes, or NULL for itself. */
static const char *const entities[256] = {
	['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;", ['\''] = "&#39;",
};

/* The first character of s[from, len) that must be escaped, or len. */
static size_t
next_to_escape(const char *s, size_t len, size_t from)
{
	while (from < len && entities[(unsigned char)s[from]] == NULL)
		from++;
	return from;
}

/* escape(x): x as text for HTML; a string with nothing to escape is returned itself. */
static int
l_escape(lua_State *L)
{
	luaL_Buffer b;
	size_t len, i, run = 0;
	const char *s = to_output(L, 1, &len);

	if ((i = next_to_escape(s, len, 0)) == len && lua_type(L, 1) == LUA_TSTRING) {
		lua_settop(L, 1);
		return 1;
	}
	luaL_buffinit(L, &b);
	for (; i < len; i = next_to_escape(s, len, run)) {
		luaL_addlstring(&b, s + run, i - run);
		luaL_addstring(&b, entities[(unsigned char)s[i]]);
		run = i + 1;
	}
	luaL_addlstring(&b, s + run, len - run);
	luaL_pushresult(&b);
	return 1;
}

/* The templates' "<%= x %>": writes x as escape(x) makes it, without making that string. */
static int
l_put_escaped(lua_State *L)
{
	struct hb_luaenv *e = env_of(L);
	size_t len, i, run = 0;
	const char *s = to_output(L, 1, &len), *ent;

	for (i = next_to_escape(s, len, 0); i < len; i = next_to_escape(s, len, run)) {
		ent = entities[(unsigned char)s[i]];
		put_output(L, e, s + run, i - run);
		put_output(L, e, ent, strlen(ent));
		run = i + 1;
	}
	put_output(L, e, s + run, len - run);
	return 0;
}

/* Pushes the relative URL from the page being rendered to path. */
static void
push_relurl(lua_State *L, const char *from, const char *path)
{
	char small[256], *url;
	size_t n = hb_path_relurl_to(NULL, from, path);

	/* No allocation when the URL fits. */
	url = n < sizeof(small) ? small : hb_xmalloc(n);
	hb_path_relurl_to(url, from, path);
	lua_pushlstring(L, url, n);
	if (url != small)
		free(url);
}

/*
 * url(page_or_id): the relative URL from the page being rendered to a page. Templates call it
 * for every link they make, and pages in one folder link alike: a page's URL is made once per
 * folder and worker. Reading a page's URL depends on its path, as reading page.path does.
 */
static int
l_url(lua_State *L)
{
	struct hb_luaenv *e = env_of(L);
	lua_Integer order;
	const char *path;

	if (lua_type(L, 1) == LUA_TSTRING) {
		lua_rawgeti(L, LUA_REGISTRYINDEX, e->ref_ids);
		lua_pushvalue(L, 1);
		if (lua_rawget(L, -2) == LUA_TNIL)
			return luaL_error(L, "url: no page with id '%s'", lua_tostring(L, 1));
		lua_replace(L, 1);
	}
	luaL_checktype(L, 1, LUA_TTABLE);
	if ((order = page_order_of(L, 1)) >= 0) {
		touch(e, dep_of(e, VIEW_PAGE, (size_t)order, "path"));
		lua_rawgeti(L, LUA_REGISTRYINDEX, e->ref_dir_urls);
		if (lua_rawgeti(L, -1, order + 1) == LUA_TSTRING)
			return 1;
		lua_pop(L, 1);
		push_relurl(L, e->cur_path, e->g->order[order]->page->out_path);
		lua_pushvalue(L, -1);
		lua_rawseti(L, -3, order + 1);
		return 1;
	}
	lua_getfield(L, 1, "path");
	if ((path = lua_tostring(L, -1)) == NULL)
		return luaL_error(L, "url: argument is not a page");
	push_relurl(L, e->cur_path, path);
	return 1;
}

/*
 * Makes the folder of the page about to be rendered current for url() and root: its table
 * from the site's folders, made on its first page.
 */
static void
enter_dir(struct hb_luaenv *e)
{
	lua_State *L = e->L;
	const char *slash = strrchr(e->cur_path, '/');
	size_t len = slash ? (size_t)(slash - e->cur_path) + 1 : 0;

	if (e->cur_dir != NULL && strlen(e->cur_dir) == len &&
	    memcmp(e->cur_dir, e->cur_path, len) == 0)
		return;
	free(e->cur_dir);
	e->cur_dir = hb_xstrndup(e->cur_path, len);
	lua_rawgeti(L, LUA_REGISTRYINDEX, e->ref_urls);
	if (lua_getfield(L, -1, e->cur_dir) != LUA_TTABLE) {
		lua_pop(L, 1);
		lua_newtable(L);
		push_relurl(L, e->cur_path, "");
		lua_rawseti(L, -2, 0);
		lua_pushvalue(L, -1);
		lua_setfield(L, -3, e->cur_dir);
	}
	lua_rawseti(L, LUA_REGISTRYINDEX, e->ref_dir_urls);
	lua_pop(L, 1);
}

/* Pushes a fresh environment for one template run: page, root and ctx over the base table. */
static void
push_env(lua_State *L, int ctx_idx)
{
	struct hb_luaenv *e = env_of(L);

	ctx_idx = lua_absindex(L, ctx_idx);
	lua_createtable(L, 0, 4);
	lua_rawgeti(L, LUA_REGISTRYINDEX, e->ref_current);
	lua_setfield(L, -2, "page");
	lua_rawgeti(L, LUA_REGISTRYINDEX, e->ref_dir_urls);
	lua_rawgeti(L, -1, 0);
	lua_setfield(L, -3, "root");
	lua_pop(L, 1);
	lua_pushvalue(L, ctx_idx);
	lua_setfield(L, -2, "ctx");
	lua_rawgeti(L, LUA_REGISTRYINDEX, e->ref_envmeta);
	lua_setmetatable(L, -2);
}

/* __index of every environment: the allow-listed globals, and an error for anything else. */
static int
l_env_index(lua_State *L)
{
	lua_pushvalue(L, 2);
	if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
		return 1;
	if (lua_type(L, 2) == LUA_TSTRING)
		return luaL_error(L, "undefined global '%s'", lua_tostring(L, 2));
	return luaL_error(L, "undefined global");
}

/* Runs the template function at func_idx with a fresh environment; restores its old _ENV. */
static void
call_template(lua_State *L, int func_idx, int ctx_idx)
{
	func_idx = lua_absindex(L, func_idx);
	ctx_idx = lua_absindex(L, ctx_idx);
	lua_getupvalue(L, func_idx, 1);		/* old _ENV, restored below for recursion */
	lua_pushvalue(L, func_idx);
	push_env(L, ctx_idx);
	lua_setupvalue(L, -2, 1);
	lua_pushcfunction(L, l_put);
	lua_pushcfunction(L, l_put_escaped);
	lua_call(L, 2, 0);
	lua_setupvalue(L, func_idx, 1);
}

/* include(name, ctx): renders partials/<name>.html into the page. */
static int
l_include(lua_State *L)
{
	struct hb_luaenv *e = env_of(L);
	const char *name = luaL_checkstring(L, 1);
	int is_slot;

	lua_settop(L, 2);
	lua_rawgeti(L, LUA_REGISTRYINDEX, e->ref_templates);
	if (strchr(name, '/') == NULL && strstr(name, ".html") == NULL)
		lua_pushfstring(L, "partials/%s.html", name);
	else
		lua_pushstring(L, name);
	is_slot = strcmp(lua_tostring(L, -1), HB_SLOT_PARTIAL) == 0 && e->slot_depth == 0 &&
	    e->memo_depth == 0 && !e->has_slot && e->out != NULL;
	if (lua_rawget(L, -2) != LUA_TFUNCTION)
		return luaL_error(L, "include: no template '%s'", name);
	if (lua_gettop(L) > 40)
		return luaL_error(L, "include: partials nested too deeply");
	luaL_checkstack(L, 8, "include");
	if (!is_slot) {
		call_template(L, -1, 2);
		return 0;
	}
	/* The edition slot: re-rendered alone when the rest of the page is reused. */
	lua_pushnil(L);
	lua_replace(L, 2);
	e->slot_start = e->out->len;
	e->slot_depth++;
	call_template(L, -1, 2);
	e->slot_depth--;
	e->slot_end = e->out->len;
	e->has_slot = 1;
	return 0;
}

/* Copies the string or list of strings on top of the stack into a read-only value. */
static void
freeze_memo_value(lua_State *L)
{
	lua_Integer i, n;
	int is_clean = 1;

	if (lua_type(L, -1) == LUA_TSTRING)
		return;
	if (lua_type(L, -1) != LUA_TTABLE)
		luaL_error(L, "memo: the function must return a string or a list of strings");
	n = luaL_len(L, -1);
	lua_createtable(L, (int)n, 0);
	for (i = 1; i <= n; i++) {
		size_t len;
		const char *item;

		if (lua_geti(L, -2, i) != LUA_TSTRING)
			luaL_error(L, "memo: item %I of the list is not a string", i);
		item = lua_tolstring(L, -1, &len);
		is_clean = is_clean && hb_url_is_clean_html(item, len);
		lua_rawseti(L, -2, i);
	}
	lua_remove(L, -2);
	push_joined(L, n);
	lua_insert(L, -2);
	make_readonly(L);
	lua_rawgeti(L, LUA_REGISTRYINDEX, env_of(L)->ref_joined);
	lua_pushvalue(L, -2);
	lua_pushvalue(L, -4);
	lua_rawset(L, -3);
	lua_pop(L, 1);
	lua_remove(L, -2);	/* the joined form: the registry keeps it */
	if (is_clean) {
		lua_rawgeti(L, LUA_REGISTRYINDEX, env_of(L)->ref_clean);
		lua_pushvalue(L, -2);
		lua_pushboolean(L, 1);
		lua_rawset(L, -3);
		lua_pop(L, 1);
	}
}

/*
 * The render uses the memo value of key (on top of the stack: its packed dependencies, popped).
 * At the top level the value is a group the render depends on as a whole (the next build
 * checks a group once for all the pages that use it); inside another memo's computation, its
 * dependencies become that memo's.
 */
static void
use_memo(struct hb_luaenv *e, lua_State *L, const char *key)
{
	size_t len, i;
	const char *packed = lua_tolstring(L, -1, &len);
	uint32_t dep;

	if (e->slot_depth > 0 || e->stamp == NULL) {
		lua_pop(L, 1);
		return;
	}
	if (e->memo_depth > 0) {
		for (i = 0; packed && i + sizeof(dep) <= len; i += sizeof(dep)) {
			memcpy(&dep, packed + i, sizeof(dep));
			touch(e, dep);
		}
		lua_pop(L, 1);
		return;
	}
	lua_pop(L, 1);
	for (i = 0; i < e->n_groups; i++) {
		if (strcmp(e->groups[i], key) == 0)
			return;
	}
	e->groups = hb_xgrow(e->groups, &e->groups_alloc, e->n_groups + 1, sizeof(*e->groups));
	e->groups[e->n_groups++] = hb_xstrdup(key);
}

static void
clear_groups(struct hb_luaenv *e)
{
	size_t i;

	for (i = 0; i < e->n_groups; i++)
		free(e->groups[i]);
	e->n_groups = 0;
}

static void
push_memo_deps(struct hb_luaenv *e, lua_State *L, int key_idx)
{
	lua_rawgeti(L, LUA_REGISTRYINDEX, e->ref_memo_deps);
	lua_pushvalue(L, key_idx);
	lua_rawget(L, -2);
	lua_remove(L, -2);
}

/*
 * memo(key, fn): fn() on first use of key, then the same value for the rest of the build (in
 * this worker). The value is a string or a read-only list of strings. Only for values that
 * depend on nothing but the key, such as a section's navigation seen from one folder: output
 * must not depend on which worker rendered what first. What fn read is kept with the value
 * (see use_memo).
 */
static int
l_memo(lua_State *L)
{
	struct hb_luaenv *e = env_of(L);
	const char *key = luaL_checkstring(L, 1);

	luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_settop(L, 2);
	lua_rawgeti(L, LUA_REGISTRYINDEX, e->ref_memo);
	lua_pushvalue(L, 1);
	if (lua_rawget(L, 3) != LUA_TNIL) {
		push_memo_deps(e, L, 1);
		use_memo(e, L, key);
		return 1;
	}
	lua_pop(L, 1);
	if (e->memo_depth++ == 0) {
		e->memo_serial++;
		e->n_memo_deps = 0;
	}
	lua_pushvalue(L, 2);
	lua_call(L, 0, 1);
	e->memo_depth--;
	freeze_memo_value(L);
	lua_pushvalue(L, 1);
	lua_pushvalue(L, -2);
	lua_rawset(L, 3);
	/* A nested memo keeps the outer one's dependencies so far too: more, never fewer. */
	lua_rawgeti(L, LUA_REGISTRYINDEX, e->ref_memo_deps);
	lua_pushvalue(L, 1);
	lua_pushlstring(L, (const char *)e->memo_deps, e->n_memo_deps * sizeof(*e->memo_deps));
	lua_rawset(L, -3);
	lua_pop(L, 1);
	if (e->memo_depth == 0) {
		push_memo_deps(e, L, 1);
		use_memo(e, L, key);
	}
	return 1;
}

static const char *const month_names[] = {
	"January", "February", "March", "April", "May", "June", "July", "August", "September",
	"October", "November", "December",
};

static void
add_date_part(luaL_Buffer *b, char spec, int y, int m, int d)
{
	char tmp[16];

	switch (spec) {
	case 'Y': snprintf(tmp, sizeof(tmp), "%04d", y); break;
	case 'm': if (m) snprintf(tmp, sizeof(tmp), "%02d", m); else tmp[0] = '\0'; break;
	case 'd': if (d) snprintf(tmp, sizeof(tmp), "%02d", d); else tmp[0] = '\0'; break;
	case 'e': if (d) snprintf(tmp, sizeof(tmp), "%d", d); else tmp[0] = '\0'; break;
	case 'B': snprintf(tmp, sizeof(tmp), "%s", m ? month_names[m - 1] : ""); break;
	case 'b': snprintf(tmp, sizeof(tmp), "%.3s", m ? month_names[m - 1] : ""); break;
	case '%': snprintf(tmp, sizeof(tmp), "%%"); break;
	default: snprintf(tmp, sizeof(tmp), "%%%c", spec); break;
	}
	luaL_addstring(b, tmp);
}

/*
 * date(fmt, d) or date(d): formats a YYYY[-MM[-DD]] date with %Y %m %d %e %B %b, in English,
 * independent of the locale. Parts the date lacks format as nothing; the default format is
 * "%e %B %Y" ("16 November 2016", "November 2019", "2019").
 */
static int
l_date(lua_State *L)
{
	const char *fmt = lua_gettop(L) >= 2 ? luaL_checkstring(L, 1) : "%e %B %Y";
	const char *s = luaL_checkstring(L, lua_gettop(L) >= 2 ? 2 : 1);
	int y = 0, m = 0, d = 0;
	luaL_Buffer b;

	if (!hb_page_is_date(s))
		return luaL_error(L, "date: '%s' is not a date (YYYY-MM-DD, YYYY-MM or YYYY)", s);
	sscanf(s, "%d-%d-%d", &y, &m, &d);
	luaL_buffinit(L, &b);
	for (; *fmt; fmt++) {
		if (*fmt == '%' && fmt[1] != '\0')
			add_date_part(&b, *++fmt, y, m, d);
		else
			luaL_addchar(&b, *fmt);
	}
	luaL_pushresult(&b);
	/* Collapse the spaces left by missing parts: "%e %B %Y" of "2019" is "2019". */
	luaL_gsub(L, lua_tostring(L, -1), "  ", " ");
	{
		const char *r = lua_tostring(L, -1);
		size_t len = strlen(r);

		while (*r == ' ')
			r++, len--;
		while (len > 0 && r[len - 1] == ' ')
			len--;
		lua_pushlstring(L, r, len);
	}
	return 1;
}

static int
new_ref(lua_State *L)
{
	return luaL_ref(L, LUA_REGISTRYINDEX);
}

/* A registry ref to a new table with weak keys (what it says of a value goes with the value). */
static int
new_weak_ref(lua_State *L)
{
	lua_newtable(L);
	lua_createtable(L, 0, 1);
	lua_pushliteral(L, "k");
	lua_setfield(L, -2, "__mode");
	lua_setmetatable(L, -2);
	return new_ref(L);
}

/* An error outside any protected call (setting a state up): only running out of memory can
 * cause one there. */
static int
on_panic(lua_State *L)
{
	(void)L;
	hb_xalloc_die();
}

/* Opens only the libraries the sandbox offers, one by one (never luaL_openlibs). */
static void
open_libraries(lua_State *L)
{
	luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
	luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
	luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
	luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
	luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
	lua_pop(L, 5);
	/* Strings share one metatable whose __index is this table: take dump out of it. */
	lua_getglobal(L, LUA_STRLIBNAME);
	lua_pushnil(L);
	lua_setfield(L, -2, "dump");
	lua_pop(L, 1);
}

/* Copies _G[lib] into a new read-only table, without the listed fields. */
static void
push_library(lua_State *L, const char *lib, const char *const *without)
{
	lua_newtable(L);
	lua_getglobal(L, lib);
	lua_pushnil(L);
	while (lua_next(L, -2) != 0) {
		const char *const *w;
		int skip = 0;

		for (w = without; *w; w++) {
			skip |= lua_type(L, -2) == LUA_TSTRING &&
			    strcmp(lua_tostring(L, -2), *w) == 0;
		}
		if (skip) {
			lua_pop(L, 1);
			continue;
		}
		lua_pushvalue(L, -2);
		lua_insert(L, -2);
		lua_rawset(L, -5);
	}
	lua_pop(L, 1);
	make_readonly(L);
}

static void
build_base(struct hb_luaenv *e)
{
	static const char *const globals[] = {
		"assert", "error", "ipairs", "next", "pairs", "select", "tonumber", "tostring",
		"type", NULL,
	};
	static const char *const none[] = { NULL };
	static const char *const no_random[] = { "random", "randomseed", NULL };
	static const luaL_Reg helpers[] = {
		{ "url", l_url }, { "include", l_include }, { "date", l_date },
		{ "escape", l_escape }, { "memo", l_memo }, { "write_items", l_write_items },
		{ NULL, NULL },
	};
	lua_State *L = e->L;
	size_t i;

	lua_newtable(L);
	for (i = 0; globals[i]; i++) {
		lua_getglobal(L, globals[i]);
		lua_setfield(L, -2, globals[i]);
	}
	push_library(L, LUA_STRLIBNAME, none);
	lua_setfield(L, -2, "string");
	push_library(L, LUA_TABLIBNAME, none);
	lua_setfield(L, -2, "table");
	push_library(L, LUA_UTF8LIBNAME, none);
	lua_setfield(L, -2, "utf8");
	push_library(L, LUA_MATHLIBNAME, no_random);
	lua_setfield(L, -2, "math");
	luaL_setfuncs(L, helpers, 0);
	lua_pushvalue(L, -1);
	e->ref_base = new_ref(L);
	lua_createtable(L, 0, 1);
	lua_insert(L, -2);
	lua_pushcclosure(L, l_env_index, 1);
	lua_setfield(L, -2, "__index");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	e->ref_envmeta = new_ref(L);
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Compiles layouts/<name> into the templates table; reports syntax errors. */
static int
compile_one(struct hb_luaenv *e, const struct hb_file *f, const char *name, struct hb_diag *d)
{
	lua_State *L = e->L;
	struct hb_buf lua = HB_BUF_INIT, chunk = HB_BUF_INIT;
	struct hb_loc loc;
	int rc = -1;

	hb_buf_printf(&chunk, "%s/%s", e->theme_dir, f->path);
	loc = (struct hb_loc){ chunk.buf, 0, 0 };
	if (hb_template_compile(&lua, f->data, f->len, chunk.buf, d) != 0)
		goto out;
	lua_pushfstring(L, "@%s", chunk.buf);
	if (luaL_loadbufferx(L, lua.buf, lua.len, lua_tostring(L, -1), "t") != LUA_OK) {
		const char *msg = lua_tostring(L, -1), *p = strstr(msg, ".html:");
		int line = p ? atoi(p + 6) : 0;

		loc.line = line;
		p = p ? strstr(p + 6, ": ") : NULL;
		hb_diag(d, HB_ERROR, loc, "%s", p ? p + 2 : msg);
		lua_pop(L, 2);
		goto out;
	}
	lua_remove(L, -2);
	/*
	 * A loaded chunk's _ENV is the real global table. Replace it now with a sealed environment
	 * (allow-listed globals only): call_template() restores a template's previous _ENV after
	 * each run, and closures made by the template share that upvalue, so the real globals must
	 * never be the value it restores.
	 */
	lua_newtable(L);
	lua_rawgeti(L, LUA_REGISTRYINDEX, e->ref_envmeta);
	lua_setmetatable(L, -2);
	lua_setupvalue(L, -2, 1);
	lua_rawgeti(L, LUA_REGISTRYINDEX, e->ref_templates);
	lua_insert(L, -2);
	lua_setfield(L, -2, name);
	lua_pop(L, 1);
	e->names = hb_xrealloc(e->names, (e->n_names + 1) * sizeof(*e->names));
	e->names[e->n_names++] = hb_xstrdup(name);
	rc = 0;
out:
	hb_buf_free(&lua);
	hb_buf_free(&chunk);
	return rc;
}

static int
compile_templates(struct hb_luaenv *e, const struct hb_source *theme, struct hb_diag *d)
{
	size_t i, errors = 0;

	lua_newtable(e->L);
	e->ref_templates = new_ref(e->L);
	for (i = 0; i < theme->n_files; i++) {
		const struct hb_file *f = &theme->files[i];
		size_t n = strlen(f->path);

		if (strncmp(f->path, "layouts/", 8) != 0 || n < 5 ||
		    strcmp(f->path + n - 5, ".html") != 0)
			continue;
		if (compile_one(e, f, f->path + 8, d) != 0)
			errors++;
	}
	if (e->n_names > 1)
		qsort(e->names, e->n_names, sizeof(*e->names), cmp_name);
	return errors ? -1 : 0;
}

static pthread_mutex_t watch_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t watch_once = PTHREAD_ONCE_INIT;
static struct hb_luaenv **watched;
static size_t n_watched, watched_alloc;
static void (*overdue_handler)(void);

static double
render_limit(void)
{
	const char *s = getenv("HANDBOOK_RENDER_TIMEOUT");
	double v = s ? atof(s) : 0;

	return v > 0 ? v : HB_LUA_RENDER_SECONDS;
}

/* How long the render in progress has run (0: none), and where the count hook last saw it. */
static double
render_age(struct hb_luaenv *e, char *where, size_t where_size)
{
	long long start = atomic_load(&e->render_start_ns);
	const char *source = atomic_load(&e->at_source), *layout = atomic_load(&e->at_layout);

	if (start == 0)
		return 0;
	if (source != NULL)
		snprintf(where, where_size, "%s:%d", source + 1, atomic_load(&e->at_line));
	else
		snprintf(where, where_size, "%s/layouts/%s", e->theme_dir, layout ? layout : "");
	return (double)(now_ns() - start) / 1e9;
}

static void *
watch_renders(void *arg)
{
	const struct timespec tick = { 0, 100000000 };
	double limit = render_limit();
	char where[512];
	size_t i;

	(void)arg;
	for (;;) {
		nanosleep(&tick, NULL);
		pthread_mutex_lock(&watch_lock);
		for (i = 0; i < n_watched; i++) {
			if (render_age(watched[i], where, sizeof(where)) <= limit)
				continue;
			fprintf(stderr, "%s: error: the template ran for more than %g s, in a "
			    "library call that cannot be stopped (a costly string pattern?)\n",
			    where, limit);
			if (overdue_handler != NULL)
				overdue_handler();
			_exit(1);
		}
		pthread_mutex_unlock(&watch_lock);
	}
	return NULL;
}

static void
start_watchdog(void)
{
	pthread_t t;
	sigset_t all, old;

	/* The watchdog takes no signals: they belong to the threads that handle them. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	if (pthread_create(&t, NULL, watch_renders, NULL) == 0)
		pthread_detach(t);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static void
watch(struct hb_luaenv *e)
{
	pthread_once(&watch_once, start_watchdog);
	pthread_mutex_lock(&watch_lock);
	watched = hb_xgrow(watched, &watched_alloc, n_watched + 1, sizeof(*watched));
	watched[n_watched++] = e;
	pthread_mutex_unlock(&watch_lock);
}

static void
unwatch(struct hb_luaenv *e)
{
	size_t i;

	pthread_mutex_lock(&watch_lock);
	for (i = 0; i < n_watched && watched[i] != e; i++)
		;
	if (i < n_watched)
		watched[i] = watched[--n_watched];
	pthread_mutex_unlock(&watch_lock);
}

void
hb_luaenv_on_overdue(void (*handler)(void))
{
	pthread_mutex_lock(&watch_lock);
	overdue_handler = handler;
	pthread_mutex_unlock(&watch_lock);
}

int
hb_luaenv_new(struct hb_luaenv **out, const struct hb_luaenv_config *cfg, struct hb_diag *d)
{
	struct hb_luaenv *e = hb_xcalloc(1, sizeof(*e));
	lua_State *L;

	*out = e;
	watch(e);
	e->mem_limit = SIZE_MAX;
	e->mem_quota = cfg->mem_quota ? cfg->mem_quota : HB_LUA_MEM_QUOTA;
	e->budget = cfg->instruction_budget ? cfg->instruction_budget : HB_LUA_INSTRUCTION_BUDGET;
	e->theme_dir = cfg->theme_dir;
	e->L = L = lua_newstate(l_alloc, e);
	if (L == NULL)
		hb_xalloc_die();
	lua_atpanic(L, on_panic);
	/* The collector starts a cycle when the heap has grown to three times what the last one
	 * kept, not twice: a render makes mostly garbage (strings a page puts out), and the
	 * default made sweeping and marking a twentieth of a 10,000-page build's time. Four
	 * times was no faster, and each worker's heap then peaked at 50-75 MB instead of 40-55
	 * on the 10,000-page benchmark. A quota reached still collects first (Lua's emergency
	 * collection). */
	lua_gc(L, LUA_GCINC, 300, 0, 0);
	*(struct hb_luaenv **)lua_getextraspace(L) = e;
	e->ref_current = LUA_REFNIL;
	open_libraries(L);
	if (luaL_loadbufferx(L, prelude, sizeof(prelude) - 1, "=prelude", "t") != LUA_OK)
		return -1;
	lua_call(L, 0, 2);
	e->ref_deny = new_ref(L);
	e->ref_sorted_pairs = new_ref(L);
	lua_pushcfunction(L, l_readonly_pairs);
	e->ref_readonly_pairs = new_ref(L);
	lua_pushcfunction(L, l_readonly_len);
	e->ref_readonly_len = new_ref(L);
	lua_newtable(L);
	e->ref_memo = new_ref(L);
	lua_newtable(L);
	e->ref_memo_deps = new_ref(L);
	e->ref_clean = new_weak_ref(L);
	e->ref_joined = new_weak_ref(L);
	lua_newtable(L);
	e->ref_dir_urls = new_ref(L);	/* a slot, filled by enter_dir */
	build_base(e);
	return compile_templates(e, cfg->theme, d);
}

void
hb_luaenv_free(struct hb_luaenv *e)
{
	size_t i;

	if (e == NULL)
		return;
	unwatch(e);
	if (e->L)
		lua_close(e->L);
	pool_free(&e->pool);
	free(e->stamp);
	free(e->filled_groups);
	free(e->is_plain);
	free(e->cur_dir);
	for (i = 0; i < N_PAGE_KEYS; i++)
		free(e->page_keys[i].copy);
	free(e->filled);
	free(e->positions);
	free(e->clean);
	free(e->memo_stamp);
	free(e->deps);
	free(e->memo_deps);
	clear_groups(e);
	free(e->groups);
	for (i = 0; i < e->n_names; i++)
		free(e->names[i]);
	free(e->names);
	free(e);
}

int
hb_luaenv_has(const struct hb_luaenv *e, const char *name)
{
	return bsearch(&name, e->names, e->n_names, sizeof(*e->names), cmp_name) != NULL;
}

/*
 * Pushes a string of the site's model. lua_pushstring first compares it with the two strings
 * last pushed from the same address, which are anywhere in memory by now: for the model's tens
 * of thousands of strings, the length is cheaper.
 */
static void
push_text(lua_State *L, const char *s)
{
	lua_pushlstring(L, s, strlen(s));
}

static void
set_string(lua_State *L, const char *key, const char *value)
{
	if (value == NULL)
		return;
	push_text(L, value);
	lua_setfield(L, -2, key);
}

static void
push_value(lua_State *L, const struct hb_value *v)
{
	size_t i;

	if (v->kind == HB_VALUE_STRING) {
		push_text(L, v->str);
		return;
	}
	lua_createtable(L, (int)v->n, 0);
	for (i = 0; i < v->n; i++) {
		push_value(L, &v->items[i]);
		if (v->kind == HB_VALUE_LIST)
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		else
			lua_setfield(L, -2, v->keys[i]);
	}
	make_readonly(L);
}

static void
push_proxy(struct hb_luaenv *e, const struct hb_node *node)
{
	lua_rawgeti(e->L, LUA_REGISTRYINDEX, e->ref_proxy);
	lua_rawgeti(e->L, -1, (lua_Integer)node->order + 1);
	lua_remove(e->L, -2);
}

static void
set_strings(lua_State *L, const char *key, const struct hb_reflist *list)
{
	size_t i;

	lua_createtable(L, (int)list->n, 0);
	for (i = 0; i < list->n; i++) {
		push_text(L, list->v[i].id);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	make_readonly(L);
	lua_setfield(L, -2, key);
}

/* A list of the pages a front-matter list names (unresolved names are left out). */
static void
set_refs(struct hb_luaenv *e, const struct hb_graph *g, const char *key,
    const struct hb_reflist *list)
{
	lua_State *L = e->L;
	size_t i;
	lua_Integer k = 0;

	lua_createtable(L, (int)list->n, 0);
	for (i = 0; i < list->n; i++) {
		const struct hb_node *to = hb_graph_lookup(g, list->v[i].id);

		if (to == NULL)
			continue;
		push_proxy(e, to);
		lua_rawseti(L, -2, ++k);
	}
	make_readonly(L);
	lua_setfield(L, -2, key);
}

static void
set_headings(lua_State *L, const struct hb_doc *doc)
{
	size_t i;

	lua_createtable(L, (int)doc->n_headings, 0);
	for (i = 0; i < doc->n_headings; i++) {
		lua_createtable(L, 0, 3);
		lua_pushinteger(L, doc->headings[i].level);
		lua_setfield(L, -2, "level");
		set_string(L, "text", doc->headings[i].text);
		set_string(L, "anchor", doc->headings[i].anchor);
		make_readonly(L);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	make_readonly(L);
	lua_setfield(L, -2, "headings");
}

static void
set_neighbours(struct hb_luaenv *e, const struct hb_node *node)
{
	lua_State *L = e->L;

	if (node->prev) {
		push_proxy(e, node->prev);
		lua_setfield(L, -2, "prev");
	}
	if (node->next) {
		push_proxy(e, node->next);
		lua_setfield(L, -2, "next");
	}
}

static void
set_backlinks(struct hb_luaenv *e, const struct hb_node *node)
{
	lua_State *L = e->L;
	size_t i;

	lua_createtable(L, (int)node->n_backlinks, 0);
	for (i = 0; i < node->n_backlinks; i++) {
		const struct hb_link *link = node->backlinks[i].link;

		hb_graph_finish(e->g, node->backlinks[i].from);
		lua_createtable(L, 0, 4);
		push_proxy(e, node->backlinks[i].from);
		lua_setfield(L, -2, "page");
		if (link != NULL) {
			set_string(L, "before", link->before);
			set_string(L, "text", link->label ? link->label : node->page->title);
			set_string(L, "after", link->after);
		}
		make_readonly(L);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	make_readonly(L);
	lua_setfield(L, -2, "backlinks");
}

static void
set_participated(struct hb_luaenv *e, const struct hb_node *node)
{
	lua_State *L = e->L;
	size_t i;

	lua_createtable(L, (int)node->n_participated, 0);
	for (i = 0; i < node->n_participated; i++) {
		push_proxy(e, node->participated[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	make_readonly(L);
	lua_setfield(L, -2, "participated");
}

static void
set_history(lua_State *L, const struct hb_file_history *fh)
{
	size_t i;

	if (fh == NULL || fh->n_commits == 0) {
		lua_newtable(L);
		make_readonly(L);
		lua_setfield(L, -2, "history");
		return;
	}
	set_string(L, "updated", fh->commits[0]->date);
	set_string(L, "created", fh->commits[fh->n_commits - 1]->date);
	lua_createtable(L, (int)fh->n_commits, 0);
	for (i = 0; i < fh->n_commits; i++) {
		const struct hb_commit *c = fh->commits[i];

		lua_createtable(L, 0, 4);
		set_string(L, "date", c->date);
		set_string(L, "subject", c->subject);
		set_string(L, "id", c->id);
		set_string(L, "short_id", c->short_id);
		make_readonly(L);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	make_readonly(L);
	lua_setfield(L, -2, "history");
}

/* page.citations: {number, source, paragraph, anchor, url, text}, by number. */
static void
set_citations(struct hb_luaenv *e, const struct hb_node *node)
{
	lua_State *L = e->L;
	size_t i;

	lua_createtable(L, (int)node->n_citations, 0);
	for (i = 0; i < node->n_citations; i++) {
		const struct hb_citation *c = &node->citations[i];
		char *url = hb_path_relurl(node->page->out_path, c->source->page->out_path);

		lua_createtable(L, 0, 6);
		lua_pushinteger(L, c->number);
		lua_setfield(L, -2, "number");
		push_proxy(e, c->source);
		lua_setfield(L, -2, "source");
		if (c->paragraph > 0) {
			lua_pushinteger(L, c->paragraph);
			lua_setfield(L, -2, "paragraph");
			lua_pushfstring(L, "p%d", c->paragraph);
			lua_setfield(L, -2, "anchor");
			lua_pushfstring(L, "%s#p%d", url, c->paragraph);
		} else {
			lua_pushstring(L, url);
		}
		lua_setfield(L, -2, "url");
		set_string(L, "text", c->text);
		make_readonly(L);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
		free(url);
	}
	make_readonly(L);
	lua_setfield(L, -2, "citations");
}

/* page.cited_by (sources): {paragraph, anchor, text, pages = {{page, number}}}, by paragraph. */
static void
set_cited_by(struct hb_luaenv *e, const struct hb_node *node)
{
	lua_State *L = e->L;
	size_t i = 0, j, k = 0;

	lua_newtable(L);
	while (i < node->n_cited_by) {
		int para = node->cited_by[i].paragraph;

		lua_createtable(L, 0, 4);
		if (para > 0) {
			lua_pushinteger(L, para);
			lua_setfield(L, -2, "paragraph");
			lua_pushfstring(L, "p%d", para);
			lua_setfield(L, -2, "anchor");
			if ((size_t)para <= node->doc.n_paragraphs)
				set_string(L, "text", node->doc.paragraphs[para - 1].text);
		}
		lua_newtable(L);
		for (j = i; j < node->n_cited_by && node->cited_by[j].paragraph == para; j++) {
			lua_createtable(L, 0, 2);
			push_proxy(e, node->cited_by[j].from);
			lua_setfield(L, -2, "page");
			lua_pushinteger(L, node->cited_by[j].number);
			lua_setfield(L, -2, "number");
			make_readonly(L);
			lua_rawseti(L, -2, (lua_Integer)(j - i) + 1);
		}
		make_readonly(L);
		lua_setfield(L, -2, "pages");
		make_readonly(L);
		lua_rawseti(L, -2, (lua_Integer)++k);
		i = j;
	}
	make_readonly(L);
	lua_setfield(L, -2, "cited_by");
}

/*
 * Fills the data table (on top of the stack) of one page with its plain fields: what lists of
 * pages (a section's sidebar, an index) read of every page, cheap to set for all of them.
 */
/* Pushes the plain field f of node: nil when the page has none. */
static void
push_plain(struct hb_luaenv *e, const struct hb_node *node, enum plain_field f)
{
	lua_State *L = e->L;
	const struct hb_page *p = node->page;
	const char *const strings[] = { p->id, p->title, p->summary, p->type, p->date,
		p->end_date, p->venue, p->format, p->abbr, p->expansion, p->date_inferred,
		p->layout, p->index_type, p->out_path, p->src_path, p->section };

	switch (f) {
	case P_IS_INDEX: lua_pushboolean(L, p->is_index); break;
	case P_DRAFT: lua_pushboolean(L, p->is_draft); break;
	case P_WEIGHT: lua_pushinteger(L, p->weight); break;
	case P_ORDER: lua_pushinteger(L, (lua_Integer)node->order + 1); break;
	case P_POSITION:
		if (e->positions[node->order] > 0)
			lua_pushinteger(L, (lua_Integer)e->positions[node->order]);
		else
			lua_pushnil(L);
		break;
	default:
		if (strings[f] != NULL)
			push_text(L, strings[f]);
		else
			lua_pushnil(L);
	}
}

/* Every plain field of node into the data table on top of the stack. */
static void
fill_plain(struct hb_luaenv *e, const struct hb_node *node)
{
	int f;

	for (f = 0; f < N_PLAIN; f++) {
		push_plain(e, node, (enum plain_field)f);
		lua_setfield(e->L, -2, plain_fields[f]);
	}
}

/*
 * Adds one group of the rest to the data table on top of the stack: lists, front matter,
 * headings, links, history or citations, unless it is there. Filled on first use
 * (l_view_index), since most pages are only ever read as an entry of a list; a page's fields
 * are the same whenever they are filled. Returns 1 when it filled.
 */
static int
fill_rich(struct hb_luaenv *e, const struct hb_node *node, int group)
{
	lua_State *L = e->L;
	const struct hb_page *p = node->page;
	const struct hb_graph *g = e->g;

	if (e->filled_groups[node->order] & (1u << group))
		return 0;
	luaL_checkstack(L, 16, "page fields");
	switch ((enum rich_group)group) {
	case G_ALIASES: set_strings(L, "aliases", &p->aliases); break;
	case G_TAGS: set_strings(L, "tags", &p->tags); break;
	case G_SOURCES: set_refs(e, g, "sources", &p->sources); break;
	case G_PARTICIPANTS: set_refs(e, g, "participants", &p->participants); break;
	case G_RELATED: set_refs(e, g, "related", &p->related); break;
	case G_NEIGHBOURS: set_neighbours(e, node); break;
	case G_PARAMS:
		push_value(L, p->front);
		lua_setfield(L, -2, "params");
		break;
	case G_DATA:
		if (p->data != NULL) {
			push_value(L, p->data);
			lua_setfield(L, -2, "data");
		}
		break;
	case G_HEADINGS: set_headings(L, &node->doc); break;
	case G_BACKLINKS: set_backlinks(e, node); break;
	case G_PARTICIPATED: set_participated(e, node); break;
	case G_HISTORY:
		set_history(L, e->history ? hb_history_get(e->history, p->path) : NULL);
		break;
	case G_CITATIONS: set_citations(e, node); break;
	case G_CITED_BY: set_cited_by(e, node); break;
	case N_GROUPS: break;
	}
	if (e->filled_groups[node->order] == 0) {
		e->filled = hb_xgrow(e->filled, &e->filled_alloc, e->n_filled + 1,
		    sizeof(*e->filled));
		e->filled[e->n_filled++] = (uint32_t)node->order;
	}
	e->filled_groups[node->order] |= 1u << group;
	return 1;
}

/*
 * Takes the rich fields out of the pages filled during a render: a page's are seldom read
 * again by another render, and keeping every page's would hold the whole site in each worker.
 */
static void
empty_filled_pages(struct hb_luaenv *e)
{
	lua_State *L = e->L;
	size_t i, k;

	lua_rawgeti(L, LUA_REGISTRYINDEX, e->ref_data);
	for (i = 0; i < e->n_filled; i++) {
		lua_rawgeti(L, -1, (lua_Integer)e->filled[i] + 1);
		for (k = 0; k < sizeof(rich_fields) / sizeof(rich_fields[0]); k++) {
			if (e->filled_groups[e->filled[i]] & (1u << rich_fields[k].group)) {
				lua_pushnil(L);
				lua_setfield(L, -2, rich_fields[k].name);
			}
		}
		lua_pop(L, 1);
		e->filled_groups[e->filled[i]] = 0;
	}
	lua_pop(L, 1);
	e->n_filled = 0;
}

static const char *
section_title(struct hb_arena *a, const struct hb_section *s)
{
	char *t;

	if (s->index)
		return s->index->page->title;
	if (s->name[0] == '\0')
		return "Home";
	t = hb_arena_strdup(a, s->name);
	if (t[0] >= 'a' && t[0] <= 'z')
		t[0] = (char)(t[0] - 'a' + 'A');
	return t;
}

static void
set_sections(struct hb_luaenv *e, const struct hb_graph *g)
{
	lua_State *L = e->L;
	struct hb_arena a;
	size_t i, j;

	hb_arena_init(&a);
	lua_createtable(L, (int)g->n_sections, 0);
	for (i = 0; i < g->n_sections; i++) {
		const struct hb_section *s = &g->sections[i];

		lua_createtable(L, 0, 4);
		set_string(L, "name", s->name);
		set_string(L, "title", section_title(&a, s));
		if (s->index) {
			push_proxy(e, s->index);
			lua_setfield(L, -2, "page");
		}
		lua_createtable(L, (int)s->n_pages, 0);
		for (j = 0; j < s->n_pages; j++) {
			push_proxy(e, s->pages[j]);
			lua_rawseti(L, -2, (lua_Integer)j + 1);
		}
		make_readonly(L);
		lua_setfield(L, -2, "pages");
		make_view(e, VIEW_SECTION, i);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	make_readonly(L);
	lua_setfield(L, -2, "sections");
	hb_arena_free(&a);
}

/* site.indexes: the generated type indexes, so templates need not scan every page for them. */
static void
set_generated(struct hb_luaenv *e, const struct hb_graph *g)
{
	lua_State *L = e->L;
	lua_Integer k = 0;
	size_t i;

	lua_newtable(L);
	for (i = 0; i < g->n_nodes; i++) {
		const char *layout = g->order[i]->page->layout;

		if (layout == NULL || strcmp(layout, "type-index.html") != 0)
			continue;
		push_proxy(e, g->order[i]);
		lua_rawseti(L, -2, ++k);
	}
	make_readonly(L);
	lua_setfield(L, -2, "indexes");
}

static void
push_edition(lua_State *L, const struct hb_edition *ed)
{
	lua_createtable(L, 0, 3);
	set_string(L, "name", ed->tag);
	set_string(L, "date", ed->date);
	lua_pushfstring(L, "%sindex.html", ed->prefix);
	lua_setfield(L, -2, "path");
	make_readonly(L);
}

/* site.edition (the one being built) and site.editions (all, oldest first) into the table on
 * top; neither when the build is not of editions. */
static void
set_edition_fields(struct hb_luaenv *e)
{
	const struct hb_editions *set = e->edition.editions;
	lua_State *L = e->L;
	size_t i;

	if (set == NULL)
		return;
	push_edition(L, &set->v[e->edition.current]);
	lua_setfield(L, -2, "edition");
	lua_createtable(L, (int)set->n, 0);
	for (i = 0; i < set->n; i++) {
		push_edition(L, &set->v[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	make_readonly(L);
	lua_setfield(L, -2, "editions");
}

/*
 * page.editions: for every edition, oldest first, {name, date, url, current, exists}: url leads
 * to the same page in that edition (renames followed), or to its home page when it has none.
 */
static void
push_editions(struct hb_luaenv *e, const struct hb_node *node)
{
	const struct hb_editions *set = e->edition.editions;
	const char *out_path = node->page->out_path;
	lua_State *L = e->L;
	char *self = NULL;
	size_t i;

	lua_createtable(L, set ? (int)set->n : 0, 0);
	if (set == NULL) {
		make_readonly(L);
		return;
	}
	self = hb_xmalloc(strlen(e->edition.prefix) + strlen(e->cur_path) + 1);
	strcpy(self, e->edition.prefix);
	strcat(self, e->cur_path);
	for (i = 0; i < set->n; i++) {
		const char *there = hb_editions_follow(set, e->edition.current, out_path, i);
		int is_current = i == e->edition.current;
		struct hb_buf target = HB_BUF_INIT;
		char *url;

		/* Pages the build makes without a file (landing pages, generated views) exist in
		 * every edition that has their section; keep their own path. */
		if (there == NULL && node->page->oid[0] == '\0')
			there = out_path;
		/* The edition being built may sit at the site's root (the newest one does). */
		hb_buf_printf(&target, "%s%s", is_current ? e->edition.prefix : set->v[i].prefix,
		    there ? there : "index.html");
		url = hb_path_relurl(self, target.buf);
		lua_createtable(L, 0, 5);
		set_string(L, "name", set->v[i].tag);
		set_string(L, "date", set->v[i].date);
		set_string(L, "url", url);
		lua_pushboolean(L, is_current);
		lua_setfield(L, -2, "current");
		lua_pushboolean(L, there != NULL);
		lua_setfield(L, -2, "exists");
		make_readonly(L);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
		free(url);
		hb_buf_free(&target);
	}
	free(self);
	make_readonly(L);
}

/* site.page(id): the page with that id, or nil. */
static int
l_site_page(lua_State *L)
{
	struct hb_luaenv *e = env_of(L);

	luaL_checkstring(L, 1);
	lua_rawgeti(L, LUA_REGISTRYINDEX, e->ref_ids);
	lua_pushvalue(L, 1);
	if (lua_rawget(L, -2) == LUA_TNIL)
		touch(e, e->dep_base + DEP_ALL);	/* a page with that id would change this */
	else {
		lua_getfield(L, -1, "id");	/* a recorded read: the page must still exist */
		lua_pop(L, 1);
	}
	return 1;
}

static void
set_site_fields(struct hb_luaenv *e, const struct hb_graph *g, const struct hb_config *cfg,
    const struct hb_history *h)
{
	lua_State *L = e->L;
	size_t i;

	lua_newtable(L);
	set_string(L, "title", cfg->title);
	set_string(L, "description", cfg->description);
	set_string(L, "language", cfg->language);
	set_string(L, "base_url", cfg->base_url);
	if (cfg->raw) {
		push_value(L, cfg->raw);
		lua_setfield(L, -2, "params");
	}
	lua_createtable(L, (int)g->n_nodes, 0);
	for (i = 0; i < g->n_nodes; i++) {
		push_proxy(e, g->order[i]);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	make_readonly(L);
	lua_setfield(L, -2, "pages");
	set_generated(e, g);
	set_sections(e, g);
	lua_pushcfunction(L, l_site_page);
	lua_setfield(L, -2, "page");
	set_string(L, "build_date", h ? h->build_date : NULL);
	set_edition_fields(e);
	make_view(e, VIEW_SITE, 0);
}

/* page.position: the page's place in its section's list (1-based), for navigation; set with
 * the plain fields (fill_plain), 0 for a page in no list. */
static void
set_positions(struct hb_luaenv *e, const struct hb_graph *g)
{
	size_t i, j;

	free(e->positions);
	e->positions = hb_xcalloc(g->n_nodes + 1, sizeof(*e->positions));
	for (i = 0; i < g->n_sections; i++) {
		for (j = 0; j < g->sections[i].n_pages; j++)
			e->positions[g->sections[i].pages[j]->order] = j + 1;
	}
}

void
hb_luaenv_set_site(struct hb_luaenv *e, const struct hb_graph *g, const struct hb_config *cfg,
    const struct hb_history *h)
{
	lua_State *L = e->L;
	size_t i;
	int data, meta, k;

	e->g = g;
	e->history = h;
	free(e->filled_groups);
	e->filled_groups = hb_xcalloc(g->n_nodes + 1, sizeof(*e->filled_groups));
	free(e->is_plain);
	e->is_plain = hb_xcalloc(g->n_nodes + 1, 1);
	e->n_nodes = g->n_nodes;
	e->n_sections = g->n_sections;
	e->dep_base = 3 * g->n_nodes + g->n_sections;
	e->stamp = hb_xcalloc(e->dep_base + N_DEP_LISTS, sizeof(*e->stamp));
	e->memo_stamp = hb_xcalloc(e->dep_base + N_DEP_LISTS, sizeof(*e->memo_stamp));
	/* Every page gets its view first, so pages can refer to each other (its data table comes
	 * when it is first read). The views share their metamethods; each has a metatable of its
	 * own, which tells its page (page_order_of) without a lookup. */
	lua_createtable(L, (int)g->n_nodes, 0);
	data = lua_gettop(L);
	lua_createtable(L, (int)g->n_nodes, 0);
	lua_createtable(L, 0, (int)g->n_nodes);
	push_view_meta_values(e, data, VIEW_PAGE, -1);
	meta = lua_gettop(L) - N_VIEW_META + 1;
	for (i = 0; i < g->n_nodes; i++) {
		lua_newtable(L);
		for (k = 0; k < N_VIEW_META; k++)
			lua_pushvalue(L, meta + k);
		set_view_meta(L, 1);
		lua_pushinteger(L, (lua_Integer)i);
		lua_rawseti(L, -2, 1);
		lua_setmetatable(L, -2);
		lua_pushvalue(L, -1);
		lua_rawseti(L, data + 1, (lua_Integer)i + 1);
		lua_setfield(L, data + 2, g->order[i]->page->id);
	}
	lua_settop(L, data + 2);
	e->ref_ids = new_ref(L);
	e->ref_proxy = new_ref(L);
	e->ref_data = new_ref(L);
	lua_newtable(L);
	e->ref_urls = new_ref(L);
	free(e->cur_dir);
	e->cur_dir = NULL;
	set_positions(e, g);
	lua_rawgeti(L, LUA_REGISTRYINDEX, e->ref_base);
	set_site_fields(e, g, cfg, h);
	lua_setfield(L, -2, "site");
	lua_pop(L, 1);
}

static int
message_handler(lua_State *L)
{
	if (lua_type(L, 1) != LUA_TSTRING)
		lua_pushfstring(L, "error object is a %s value", luaL_typename(L, 1));
	return 1;
}

/* Lua shortens long chunk names to "...tail"; finds the template path that ends with the tail. */
static void
untruncate(const struct hb_luaenv *e, struct hb_buf *where)
{
	const char *tail = where->buf + 3;
	size_t i, tail_len = strlen(tail);

	for (i = 0; i < e->n_names; i++) {
		struct hb_buf full = HB_BUF_INIT;

		hb_buf_printf(&full, "%s/layouts/%s", e->theme_dir, e->names[i]);
		if (full.len >= tail_len && strcmp(full.buf + full.len - tail_len, tail) == 0) {
			hb_buf_reset(where);
			hb_buf_puts(where, full.buf);
			hb_buf_free(&full);
			return;
		}
		hb_buf_free(&full);
	}
}

/* Reports "chunk:line: msg" as a diagnostic at that template line. */
static void
report_lua_error(struct hb_luaenv *e, const char *msg, const char *layout, struct hb_diag *d)
{
	const char *p = strstr(msg, ".html:");
	struct hb_buf where = HB_BUF_INIT;
	struct hb_loc loc = { NULL, 0, 0 };
	const char *text = msg;

	if (p != NULL && strstr(p + 6, ": ") != NULL) {
		hb_buf_put(&where, msg, (size_t)(p + 5 - msg));
		if (strncmp(where.buf, "...", 3) == 0)
			untruncate(e, &where);
		loc.line = atoi(p + 6);
		text = strstr(p + 6, ": ") + 2;
	} else {
		hb_buf_printf(&where, "%s/layouts/%s", e->theme_dir, layout);
	}
	loc.path = where.buf;
	hb_diag(d, HB_ERROR, loc, "%s", text);
	hb_buf_free(&where);
}

/* Runs the layout (argument 1) inside lua_pcall, so every error is caught. */
static int
l_run_layout(lua_State *L)
{
	call_template(L, 1, 2);
	return 0;
}

static void
set_content(struct hb_luaenv *e, const struct hb_node *node, const char *html)
{
	lua_State *L = e->L;

	lua_rawgeti(L, LUA_REGISTRYINDEX, e->ref_data);
	push_page_data(L, lua_gettop(L), node->order);
	if (html)
		push_text(L, html);
	else
		lua_pushnil(L);
	lua_setfield(L, -2, "content");
	lua_pop(L, 2);
}

/*
 * Every URL a template wrote passes url.h's filter. The edition slot is filtered on its own,
 * back to front, so its offsets stay right.
 */
static void
filter_urls(struct hb_luaenv *e, size_t out_start)
{
	size_t cut;

	if (!e->has_slot) {
		hb_url_filter_html_skipping(e->out, out_start, e->out->len, e->clean, e->n_clean);
		return;
	}
	hb_url_filter_html_skipping(e->out, e->slot_end, e->out->len, e->clean, e->n_clean);
	e->slot_end -= hb_url_filter_html_skipping(e->out, e->slot_start, e->slot_end, e->clean,
	    e->n_clean);
	cut = hb_url_filter_html_skipping(e->out, out_start, e->slot_start, e->clean, e->n_clean);
	e->slot_start -= cut;
	e->slot_end -= cut;
}

int
hb_luaenv_render(struct hb_buf *out, struct hb_luaenv *e, const struct hb_node *node,
    const char *content_html, const char *layout, struct hb_diag *d)
{
	lua_State *L = e->L;
	int top = lua_gettop(L), status;
	size_t out_start;

	lua_rawgeti(L, LUA_REGISTRYINDEX, e->ref_templates);
	if (lua_getfield(L, -1, layout) != LUA_TFUNCTION) {
		struct hb_loc loc = { e->theme_dir, 0, 0 };

		hb_diag(d, HB_ERROR, loc, "the theme has no layout '%s'", layout);
		lua_settop(L, top);
		return -1;
	}
	set_content(e, node, content_html);
	push_proxy(e, node);
	e->ref_current = new_ref(L);
	e->out = out;
	out_start = out->len;
	e->cur_path = node->page->out_path;
	enter_dir(e);
	lua_pushcfunction(L, message_handler);
	lua_pushcfunction(L, l_run_layout);
	lua_pushvalue(L, -3);
	lua_pushnil(L);
	e->used = 0;
	e->tripped = 0;
	e->serial++;
	e->n_deps = 0;
	e->n_clean = 0;
	clear_groups(e);
	e->memo_depth = 0;
	e->slot_depth = 0;
	e->has_slot = 0;
	e->mem_limit = e->mem_used + e->mem_quota;
	atomic_store(&e->at_source, NULL);
	atomic_store(&e->at_layout, layout);
	atomic_store(&e->render_start_ns, now_ns());
	lua_sethook(L, count_hook, LUA_MASKCOUNT, HOOK_STEP);
	status = lua_pcall(L, 2, 0, top + 3);
	lua_sethook(L, NULL, 0, 0);
	atomic_store(&e->render_start_ns, 0);
	e->mem_limit = SIZE_MAX;
	if (status == LUA_ERRMEM) {
		struct hb_buf where = HB_BUF_INIT;
		struct hb_loc loc = { NULL, 0, 0 };

		hb_buf_printf(&where, "%s/layouts/%s", e->theme_dir, layout);
		loc.path = where.buf;
		hb_diag(d, HB_ERROR, loc, "template exceeded its memory quota of %zu MiB",
		    e->mem_quota >> 20);
		hb_buf_free(&where);
	} else if (status != LUA_OK) {
		report_lua_error(e, lua_tostring(L, -1), layout, d);
	}
	luaL_unref(L, LUA_REGISTRYINDEX, e->ref_current);
	e->ref_current = LUA_REFNIL;
	set_content(e, node, NULL);
	lua_settop(L, top);
	empty_filled_pages(e);
	if (status == LUA_OK)
		filter_urls(e, out_start);
	e->out = NULL;
	return status == LUA_OK ? 0 : -1;
}


void
hb_luaenv_set_edition(struct hb_luaenv *e, const struct hb_luaenv_edition *edition)
{
	e->edition = *edition;
}

/* Sorts dependency indexes deps[0..n) into out's lists. */
static void
fill_info(const struct hb_luaenv *e, const uint32_t *deps, size_t n_deps,
    struct hb_render_info *out)
{
	size_t i, n = e->n_nodes;

	memset(out, 0, sizeof(*out));
	out->pages = hb_xcalloc(n_deps + 1, sizeof(*out->pages));
	out->deep_pages = hb_xcalloc(n_deps + 1, sizeof(*out->deep_pages));
	out->neighbour_pages = hb_xcalloc(n_deps + 1, sizeof(*out->neighbour_pages));
	out->sections = hb_xcalloc(n_deps + 1, sizeof(*out->sections));
	for (i = 0; i < n_deps; i++) {
		size_t d = deps[i];

		if (d < n)
			out->pages[out->n_pages++] = e->g->order[d];
		else if (d < 2 * n)
			out->deep_pages[out->n_deep_pages++] = e->g->order[d - n];
		else if (d < 3 * n)
			out->neighbour_pages[out->n_neighbour_pages++] = e->g->order[d - 2 * n];
		else if (d < e->dep_base)
			out->sections[out->n_sections++] = &e->g->sections[d - 3 * n];
		else if (d == e->dep_base + DEP_ALL)
			out->uses_all = 1;
		else if (d == e->dep_base + DEP_SECTIONS)
			out->uses_sections = 1;
		else if (d == e->dep_base + DEP_INDEXES)
			out->uses_indexes = 1;
		else
			out->uses_edition = 1;
	}
}

void
hb_luaenv_render_info(const struct hb_luaenv *e, struct hb_render_info *out)
{
	fill_info(e, e->deps, e->n_deps, out);
	out->groups = (const char *const *)e->groups;
	out->n_groups = e->n_groups;
	out->has_slot = e->has_slot;
	out->slot_start = e->slot_start;
	out->slot_end = e->slot_end;
}

int
hb_luaenv_memo_info(const struct hb_luaenv *e, const char *key, struct hb_render_info *out)
{
	lua_State *L = e->L;
	const char *packed;
	uint32_t *deps;
	size_t len;
	int found;

	lua_rawgeti(L, LUA_REGISTRYINDEX, e->ref_memo_deps);
	lua_pushstring(L, key);
	lua_rawget(L, -2);
	packed = lua_tolstring(L, -1, &len);
	found = packed != NULL;
	deps = hb_xcalloc(len / sizeof(*deps) + 1, sizeof(*deps));
	if (found)
		memcpy(deps, packed, len / sizeof(*deps) * sizeof(*deps));
	fill_info(e, deps, len / sizeof(*deps), out);
	free(deps);
	lua_pop(L, 2);
	return found ? 0 : -1;
}

void
hb_render_info_free(struct hb_render_info *info)
{
	free(info->pages);
	free(info->deep_pages);
	free(info->neighbour_pages);
	free(info->sections);
}
