#define _GNU_SOURCE
#include "editions.h"

#include <fnmatch.h>
#include <git2.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "path.h"
#include "xalloc.h"

struct reader {
	struct hb_editions *e;
	git_repository *repo;
	const char *prefix;		/* content directory in the repository: "" or "content/" */
	struct hb_diag *d;
	struct hb_err *err;
	const char *content_dir;
};

static void
set_git_err(struct hb_err *err, const char *what)
{
	const git_error *ge = git_error_last();

	hb_err_set(err, "%s: %s", what, ge && ge->message ? ge->message : "unknown libgit2 error");
}

static int
is_markdown(const char *path)
{
	size_t n = strlen(path);

	return n > 3 && strcmp(path + n - 3, ".md") == 0;
}

const char *
hb_editions_out_path(struct hb_arena *a, const char *path)
{
	const char *last = strrchr(path, '/');
	const char *stem = last ? last + 1 : path;
	size_t dir_len = last ? (size_t)(last - path) : 0;

	if (strcmp(stem, "_index.md") == 0)
		return dir_len ? hb_arena_printf(a, "%.*s/index.html", (int)dir_len, path) :
		    "index.html";
	return hb_arena_printf(a, "%.*s.html", (int)(strlen(path) - 3), path);
}

static int
matches(const char *tag, const char *const *patterns)
{
	for (; *patterns; patterns++) {
		if (fnmatch(*patterns, tag, 0) == 0)
			return 1;
	}
	return 0;
}

/* Adds the edition a tag names, unless it cannot be one (warned). */
static void
add_tag(struct reader *r, const char *tag, git_commit *commit)
{
	struct hb_editions *e = r->e;
	struct hb_edition *ed;
	char id[GIT_OID_HEXSZ + 1];
	struct hb_loc loc = { r->content_dir, 0, 0 };

	if (strchr(tag, '/') != NULL || tag[0] == '.' || !hb_path_is_safe(tag)) {
		hb_diag(r->d, HB_WARNING, loc, "tag '%s' cannot name a folder: not an edition", tag);
		return;
	}
	e->v = hb_xrealloc(e->v, (e->n + 1) * sizeof(*e->v));
	ed = &e->v[e->n++];
	memset(ed, 0, sizeof(*ed));
	git_oid_tostr(id, sizeof(id), git_commit_id(commit));
	ed->tag = hb_arena_strdup(&e->arena, tag);
	ed->commit = hb_arena_strdup(&e->arena, id);
	ed->time = (long long)git_commit_time(commit);
	ed->date = hb_history_date(&e->arena, ed->time);
	ed->prefix = hb_arena_printf(&e->arena, "editions/%s/", tag);
	hb_map_init(&ed->pages, HB_MAP_EXACT);
	hb_map_init(&ed->renamed_from, HB_MAP_EXACT);
	hb_map_init(&ed->renamed_to, HB_MAP_EXACT);
}

static int
list_tags(struct reader *r, const char *const *patterns)
{
	git_strarray names = { NULL, 0 };
	size_t i;

	if (git_tag_list(&names, r->repo) != 0) {
		set_git_err(r->err, "cannot list tags");
		return -1;
	}
	for (i = 0; i < names.count; i++) {
		git_reference *ref = NULL;
		git_object *obj = NULL;
		git_commit *commit = NULL;
		char *name = NULL;

		if (!matches(names.strings[i], patterns))
			continue;
		name = hb_xstrdup("refs/tags/");
		name = hb_xrealloc(name, strlen(name) + strlen(names.strings[i]) + 1);
		strcat(name, names.strings[i]);
		/* Not git_revparse_single: in libgit2 1.5.1 it leaks a reference when the tag's
		 * object is missing, as in a shallow clone. */
		if (git_reference_lookup(&ref, r->repo, name) == 0 &&
		    git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT) == 0 &&
		    git_object_peel((git_object **)&commit, obj, GIT_OBJECT_COMMIT) == 0) {
			add_tag(r, names.strings[i], commit);
		} else {
			struct hb_loc loc = { r->content_dir, 0, 0 };

			hb_diag(r->d, HB_WARNING, loc, "tag '%s' names no commit this repository "
			    "has (a shallow clone?): not an edition", names.strings[i]);
		}
		git_commit_free(commit);
		git_object_free(obj);
		git_reference_free(ref);
		free(name);
	}
	git_strarray_dispose(&names);
	return 0;
}

static int
cmp_edition(const void *pa, const void *pb)
{
	const struct hb_edition *a = pa, *b = pb;

	if (a->time != b->time)
		return a->time < b->time ? -1 : 1;
	return strcmp(a->tag, b->tag);
}

/* The tree of the content directory in an edition's commit, or NULL (no such directory). */
static git_tree *
content_tree(struct reader *r, const struct hb_edition *ed)
{
	git_oid oid;
	git_commit *commit = NULL;
	git_tree *root = NULL, *tree = NULL;
	git_tree_entry *entry = NULL;

	git_oid_fromstr(&oid, ed->commit);
	if (git_commit_lookup(&commit, r->repo, &oid) != 0 || git_commit_tree(&root, commit) != 0)
		goto out;
	if (r->prefix[0] == '\0') {
		tree = root;
		root = NULL;
		goto out;
	}
	{
		char *dir = hb_xstrndup(r->prefix, strlen(r->prefix) - 1);

		if (git_tree_entry_bypath(&entry, root, dir) == 0 &&
		    git_tree_entry_type(entry) == GIT_OBJECT_TREE)
			git_tree_lookup(&tree, r->repo, git_tree_entry_id(entry));
		free(dir);
	}
out:
	git_tree_entry_free(entry);
	git_tree_free(root);
	git_commit_free(commit);
	return tree;
}

struct pages_walk {
	struct hb_edition *ed;
	struct hb_arena *a;
};

static int
page_cb(const char *root, const git_tree_entry *entry, void *payload)
{
	struct pages_walk *pw = payload;
	const char *name = git_tree_entry_name(entry);
	char *path;

	if (name[0] == '.')
		return git_tree_entry_type(entry) == GIT_OBJECT_TREE ? 1 : 0;
	if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB ||
	    git_tree_entry_filemode(entry) == GIT_FILEMODE_LINK || !is_markdown(name))
		return 0;
	path = hb_arena_printf(pw->a, "%s%s", root, name);
	if (hb_path_is_safe(path))
		hb_map_put(&pw->ed->pages, hb_editions_out_path(pw->a, path), path);
	return 0;
}

static const char *
blob_text(struct reader *r, const git_oid *id, size_t *len)
{
	git_blob *blob = NULL;
	const char *text = "";

	*len = 0;
	if (git_oid_is_zero(id) || git_blob_lookup(&blob, r->repo, id) != 0)
		return text;
	*len = (size_t)git_blob_rawsize(blob);
	text = hb_arena_strndup(&r->e->arena, git_blob_rawcontent(blob), *len);
	git_blob_free(blob);
	return text;
}

static void
add_change(struct reader *r, struct hb_edition *ed, const git_diff_delta *delta, size_t *alloc)
{
	struct hb_change *c;
	/* The trees compared are the content directory's own: paths are content paths. */
	const char *old_path = hb_arena_strdup(&r->e->arena, delta->old_file.path);
	const char *new_path = hb_arena_strdup(&r->e->arena, delta->new_file.path);

	if (!is_markdown(delta->old_file.path) && !is_markdown(delta->new_file.path))
		return;
	ed->changes = hb_xgrow(ed->changes, alloc, ed->n_changes + 1, sizeof(*ed->changes));
	c = &ed->changes[ed->n_changes++];
	memset(c, 0, sizeof(*c));
	switch (delta->status) {
	case GIT_DELTA_ADDED:
		c->kind = HB_CHANGE_ADDED;
		break;
	case GIT_DELTA_DELETED:
		c->kind = HB_CHANGE_REMOVED;
		break;
	case GIT_DELTA_RENAMED:
		c->kind = HB_CHANGE_RENAMED;
		break;
	default:
		c->kind = HB_CHANGE_CHANGED;
		break;
	}
	c->old_path = c->kind == HB_CHANGE_ADDED ? NULL : old_path;
	c->new_path = c->kind == HB_CHANGE_REMOVED ? NULL : new_path;
	c->old_text = blob_text(r, &delta->old_file.id, &c->old_len);
	c->new_text = blob_text(r, &delta->new_file.id, &c->new_len);
	if (c->kind == HB_CHANGE_RENAMED) {
		const char *from = hb_editions_out_path(&r->e->arena, old_path);
		const char *to = hb_editions_out_path(&r->e->arena, new_path);

		hb_map_put(&ed->renamed_from, to, (void *)from);
		hb_map_put(&ed->renamed_to, from, (void *)to);
	}
}

static const char *
change_path(const struct hb_change *c)
{
	return c->new_path ? c->new_path : c->old_path;
}

static int
cmp_change(const void *pa, const void *pb)
{
	return strcmp(change_path(pa), change_path(pb));
}

/* The changes of the content directory between two trees (renames found by similarity). */
static int
diff_editions(struct reader *r, struct hb_edition *ed, git_tree *old, git_tree *new_tree)
{
	git_diff *diff = NULL;
	git_diff_find_options find;
	size_t i, alloc = 0;

	git_diff_find_options_init(&find, GIT_DIFF_FIND_OPTIONS_VERSION);
	find.flags = GIT_DIFF_FIND_RENAMES;
	if (git_diff_tree_to_tree(&diff, r->repo, old, new_tree, NULL) != 0 ||
	    git_diff_find_similar(diff, &find) != 0) {
		git_diff_free(diff);
		set_git_err(r->err, "cannot compare editions");
		return -1;
	}
	for (i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *delta = git_diff_get_delta(diff, i);

		if (hb_path_is_safe(delta->old_file.path) && hb_path_is_safe(delta->new_file.path))
			add_change(r, ed, delta, &alloc);
	}
	git_diff_free(diff);
	if (ed->n_changes > 1)
		qsort(ed->changes, ed->n_changes, sizeof(*ed->changes), cmp_change);
	return 0;
}

/* Lists each edition's pages and its changes since the one before; drops editions without
 * the content directory (warned). */
static int
read_contents(struct reader *r)
{
	struct hb_editions *e = r->e;
	git_tree *prev = NULL;
	size_t i, k = 0;
	int rc = 0;

	for (i = 0; i < e->n && rc == 0; i++) {
		struct hb_edition *ed = &e->v[i];
		git_tree *tree = content_tree(r, ed);
		struct pages_walk pw = { ed, &e->arena };

		if (tree == NULL) {
			struct hb_loc loc = { r->content_dir, 0, 0 };

			hb_diag(r->d, HB_WARNING, loc, "tag '%s' has no %s: not an edition", ed->tag,
			    r->content_dir);
			continue;
		}
		git_tree_walk(tree, GIT_TREEWALK_PRE, page_cb, &pw);
		if (prev != NULL)
			rc = diff_editions(r, ed, prev, tree);
		git_tree_free(prev);
		prev = tree;
		e->v[k++] = *ed;
	}
	git_tree_free(prev);
	e->n = k;
	return rc;
}

int
hb_editions_read(struct hb_editions *out, const char *content_dir,
    const char *const *patterns, struct hb_diag *d, struct hb_err *err)
{
	struct reader r = { out, NULL, NULL, d, err, content_dir };
	char *prefix = NULL;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	hb_arena_init(&out->arena);
	if (git_repository_open_ext(&r.repo, content_dir, 0, NULL) != 0) {
		hb_err_set(err, "%s: not in a git repository, so there are no editions", content_dir);
		return -1;
	}
	if ((prefix = hb_history_content_prefix(r.repo, content_dir)) == NULL) {
		hb_err_set(err, "%s: outside the repository's working tree", content_dir);
		goto out;
	}
	r.prefix = prefix;
	if (list_tags(&r, patterns) != 0)
		goto out;
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), cmp_edition);
	rc = read_contents(&r);
out:
	free(prefix);
	git_repository_free(r.repo);
	return rc;
}

void
hb_editions_free(struct hb_editions *e)
{
	size_t i;

	for (i = 0; i < e->n; i++) {
		hb_map_free(&e->v[i].pages);
		hb_map_free(&e->v[i].renamed_from);
		hb_map_free(&e->v[i].renamed_to);
		free(e->v[i].changes);
	}
	free(e->v);
	hb_arena_free(&e->arena);
	memset(e, 0, sizeof(*e));
}

const char *
hb_editions_follow(const struct hb_editions *e, size_t from, const char *out_path, size_t to)
{
	const char *p = out_path, *q;
	size_t i;

	for (i = from; i < to; i++) {
		if ((q = hb_map_get(&e->v[i + 1].renamed_to, p)) != NULL)
			p = q;
	}
	for (i = from; i > to; i--) {
		if ((q = hb_map_get(&e->v[i].renamed_from, p)) != NULL)
			p = q;
	}
	return hb_map_get(&e->v[to].pages, p) != NULL ? p : NULL;
}
