/* Fuzz target: a whole content file through the limits and the front-matter parser (libyaml). */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "fuzz.h"
#include "page.h"
#include "source.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hb_file file = { (char *)"fuzz.md", NULL, size, "", NULL };
	struct hb_arena a;
	struct hb_diag d;
	struct hb_page page;

	file.data = malloc(size + 1);
	memcpy(file.data, data, size);
	file.data[size] = '\0';
	hb_arena_init(&a);
	hb_diag_init(&d);
	(void)hb_page_parse(&page, &a, &file, "content", &d);
	hb_diag_free(&d);
	hb_arena_free(&a);
	free(file.data);
	return 0;
}
