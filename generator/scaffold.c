#include "scaffold.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "markdown.h"
#include "path.h"
#include "xalloc.h"

static const char *const sections[][2] = {
	{ "meeting", "meetings" }, { "initiative", "initiatives" }, { "programme", "programmes" },
	{ "person", "people" }, { "organisation", "organisations" }, { "country", "countries" },
	{ "concept", "concepts" }, { "source", "sources" }, { "glossary", "glossary" },
};

static const char *
section_of(const char *type)
{
	size_t i;

	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		if (strcmp(sections[i][0], type) == 0)
			return sections[i][1];
	}
	return NULL;
}

/*
 * "8th ASEAN-Japan Meeting (2023)" -> "8th-asean-japan-meeting-2023": the heading anchor of the
 * title (lower case, punctuation dropped, non-ASCII letters kept) with runs of '-' collapsed.
 */
static char *
slugify(const char *title)
{
	struct hb_arena a;
	struct hb_buf b = HB_BUF_INIT;
	const char *p;

	hb_arena_init(&a);
	/* At most 80 bytes, never cutting a UTF-8 character. */
	for (p = hb_markdown_anchor(&a, title);
	    *p && (b.len < 80 || ((unsigned char)*p & 0xC0) == 0x80); p++) {
		if (*p != '-' || (b.len > 0 && b.buf[b.len - 1] != '-'))
			hb_buf_putc(&b, *p);
	}
	while (b.len > 0 && b.buf[b.len - 1] == '-')
		b.buf[--b.len] = '\0';
	hb_arena_free(&a);
	if (strcmp(b.buf, "section") == 0)	/* the anchor of a title with no letter */
		hb_buf_reset(&b);
	return hb_buf_detach(&b, NULL);
}

static char *
read_file(const char *path)
{
	struct hb_buf b = HB_BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *fp = fopen(path, "rb");

	if (fp == NULL)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		hb_buf_put(&b, chunk, n);
	fclose(fp);
	return hb_buf_detach(&b, NULL);
}

/* The archetype with {{title}} (as a double-quoted YAML string) and {{type}} filled in. */
static char *
fill(const char *archetype, const char *type, const char *title)
{
	struct hb_buf out = HB_BUF_INIT;
	const char *p = archetype, *t;

	while (*p) {
		if (strncmp(p, "{{title}}", 9) == 0) {
			hb_buf_putc(&out, '"');
			for (t = title; *t; t++) {
				if (*t == '"' || *t == '\\')
					hb_buf_putc(&out, '\\');
				hb_buf_putc(&out, *t);
			}
			hb_buf_putc(&out, '"');
			p += 9;
		} else if (strncmp(p, "{{type}}", 8) == 0) {
			hb_buf_puts(&out, type);
			p += 8;
		} else {
			hb_buf_putc(&out, *p++);
		}
	}
	return hb_buf_detach(&out, NULL);
}

static char *
load_archetype(const char *theme_dir, const char *type)
{
	struct hb_buf path = HB_BUF_INIT;
	char *text;

	hb_buf_printf(&path, "%s/archetypes/%s.md", theme_dir, type);
	if ((text = read_file(path.buf)) == NULL) {
		hb_buf_reset(&path);
		hb_buf_printf(&path, "%s/archetypes/default.md", theme_dir);
		text = read_file(path.buf);
	}
	hb_buf_free(&path);
	return text;
}

int
hb_scaffold_new(char **path_out, const char *content_dir, const char *theme_dir,
    const char *type, const char *title, struct hb_err *err)
{
	const char *section = section_of(type);
	char *slug = NULL, *archetype = NULL, *text = NULL, *dir = NULL, *path = NULL;
	int fd = -1, rc = -1;

	*path_out = NULL;
	if (section == NULL) {
		hb_err_set(err, "unknown type '%s' (meeting, initiative, programme, person, "
		    "organisation, country, concept, source or glossary)", type);
		goto out;
	}
	slug = slugify(title);
	if (slug[0] == '\0') {
		hb_err_set(err, "the title '%s' gives no file name", title);
		goto out;
	}
	if ((archetype = load_archetype(theme_dir, type)) == NULL) {
		hb_err_set(err, "no archetype %s/archetypes/%s.md or default.md", theme_dir, type);
		goto out;
	}
	text = fill(archetype, type, title);
	dir = hb_path_join(content_dir, section);
	path = hb_path_join(dir, slug);
	free(slug);
	slug = path;
	path = hb_xmalloc(strlen(slug) + 4);
	sprintf(path, "%s.md", slug);
	if (hb_path_mkdirs(dir, err) != 0)
		goto out;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644)) < 0) {
		hb_err_set(err, errno == EEXIST ? "%s already exists; not overwritten" :
		    "cannot create %s: %s", path, strerror(errno));
		goto out;
	}
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text) || close(fd) != 0) {
		hb_err_set(err, "cannot write %s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		goto out;
	}
	*path_out = path;
	path = NULL;
	rc = 0;
out:
	free(slug);
	free(archetype);
	free(text);
	free(dir);
	free(path);
	return rc;
}
