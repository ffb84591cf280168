/*
 * Fuzz target: the template compiler. Whatever it accepts must be Lua that loads (as text, the
 * way luaenv.c loads it); anything else must be a located error.
 */
#include <stdint.h>
#include <limits.h>
#include <lauxlib.h>
#include <lua.h>
#include <stdlib.h>

#include "buf.h"
#include "diag.h"
#include "fuzz.h"
#include "template.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hb_buf lua = HB_BUF_INIT;
	struct hb_diag d;

	hb_diag_init(&d);
	if (hb_template_compile(&lua, (const char *)data, size, "fuzz.html", &d) == 0) {
		lua_State *L = luaL_newstate();

		/* Syntax errors are the template's (an unbalanced `end` in a code tag); what must
		 * never happen is a crash, or bytecode getting through. */
		(void)luaL_loadbufferx(L, lua.buf, lua.len, "=fuzz", "t");
		lua_close(L);
	} else if (d.n_errors == 0) {
		abort();	/* a refusal must say where */
	}
	hb_buf_free(&lua);
	hb_diag_free(&d);
	return 0;
}
