#define _GNU_SOURCE
#include "history.h"

#include <errno.h>
#include <git2.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xalloc.h"

struct walk {
	struct hb_history *h;
	struct hb_arena *a;
	git_repository *repo;
	const char *prefix;		/* the content directory in the repository, "" or "x/" */
	struct hb_map renamed;		/* older path -> the path the file has at `rev` */
	struct hb_map lists;		/* path at `rev` -> struct list */
};

/* A file's commits, grown inside the arena (the history lives as long as the build). */
struct list {
	struct hb_file_history fh;	/* first, so a list is also its hb_file_history */
	size_t n_alloc;
};

const char *
hb_history_date(struct hb_arena *a, long long t)
{
	time_t tt;
	struct tm tm;
	char buf[16];

	/* Keep dates within years 1970..9999, which every template and format can show. */
	if (t < 0)
		t = 0;
	if (t > 253402300799LL)
		t = 253402300799LL;
	tt = (time_t)t;
	if (gmtime_r(&tt, &tm) == NULL || strftime(buf, sizeof(buf), "%Y-%m-%d", &tm) == 0)
		return "1970-01-01";
	return hb_arena_strdup(a, buf);
}

static void
set_git_err(struct hb_err *err, const char *what)
{
	const git_error *e = git_error_last();

	hb_err_set(err, "%s: %s", what, e && e->message ? e->message : "unknown libgit2 error");
}

static char *
with_slash(const char *s)
{
	size_t n = strlen(s);
	char *p = hb_xmalloc(n + 2);

	memcpy(p, s, n);
	p[n] = '/';
	p[n + 1] = '\0';
	return p;
}

char *
hb_history_content_prefix(git_repository *repo, const char *content_dir)
{
	const char *workdir = git_repository_workdir(repo);
	char *real = realpath(content_dir, NULL), *rwork = workdir ? realpath(workdir, NULL) : NULL;
	char *prefix = NULL;
	size_t n;

	if (real && rwork) {
		n = strlen(rwork);
		if (strncmp(real, rwork, n) == 0 && (real[n] == '/' || real[n] == '\0')) {
			prefix = real[n] == '/' ? with_slash(real + n + 1) : hb_xstrdup("");
		}
	}
	free(real);
	free(rwork);
	return prefix;
}

/* Adds commit c to the file that repo_path names at `rev` (following renames seen so far). */
static void
record(struct walk *w, const char *repo_path, const struct hb_commit *c)
{
	size_t plen = strlen(w->prefix);
	const char *path, *final;
	struct list *l;

	if (strncmp(repo_path, w->prefix, plen) != 0)
		return;
	path = repo_path + plen;
	final = hb_map_get(&w->renamed, path);
	if (final == NULL)
		final = path;
	if ((l = hb_map_get(&w->lists, final)) == NULL) {
		l = hb_arena_alloc(w->a, sizeof(*l));
		hb_map_put(&w->lists, final, l);
	}
	if (l->fh.n_commits > 0 && l->fh.commits[l->fh.n_commits - 1] == c)
		return;
	if (l->fh.n_commits == l->n_alloc) {
		const struct hb_commit **v;

		l->n_alloc = l->n_alloc ? 2 * l->n_alloc : 4;
		v = hb_arena_alloc(w->a, l->n_alloc * sizeof(*v));
		if (l->fh.n_commits)
			memcpy(v, l->fh.commits, l->fh.n_commits * sizeof(*v));
		l->fh.commits = v;
	}
	l->fh.commits[l->fh.n_commits++] = c;
}

static void
note_rename(struct walk *w, const char *old_repo_path, const char *new_repo_path)
{
	size_t plen = strlen(w->prefix);
	const char *final;

	if (strncmp(old_repo_path, w->prefix, plen) != 0 ||
	    strncmp(new_repo_path, w->prefix, plen) != 0)
		return;
	final = hb_map_get(&w->renamed, new_repo_path + plen);
	if (final == NULL)
		final = hb_arena_strdup(w->a, new_repo_path + plen);
	hb_map_put(&w->renamed, old_repo_path + plen, (void *)final);
}

/* Diffs one commit against its first parent and records what it changed. */
static int
walk_commit(struct walk *w, git_commit *commit, const struct hb_commit *c, struct hb_err *err)
{
	git_tree *tree = NULL, *parent_tree = NULL;
	git_commit *parent = NULL;
	git_diff *diff = NULL;
	git_diff_options opts;
	git_diff_find_options find;
	char *spec = hb_xstrdup(w->prefix);
	size_t i, n;
	int rc = -1;

	git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	git_diff_find_options_init(&find, GIT_DIFF_FIND_OPTIONS_VERSION);
	if (spec[0] != '\0') {
		spec[strlen(spec) - 1] = '\0';
		opts.pathspec.strings = &spec;
		opts.pathspec.count = 1;
	}
	find.flags = GIT_DIFF_FIND_RENAMES;
	if (git_commit_parentcount(commit) > 0 && git_commit_parent(&parent, commit, 0) != 0) {
		rc = 0;		/* the edge of a shallow clone: what it changed is unknown */
		goto out;
	}
	if (git_commit_tree(&tree, commit) != 0 ||
	    (parent != NULL && git_commit_tree(&parent_tree, parent) != 0) ||
	    git_diff_tree_to_tree(&diff, w->repo, parent_tree, tree, &opts) != 0 ||
	    git_diff_find_similar(diff, &find) != 0) {
		set_git_err(err, "cannot read the history");
		goto out;
	}
	n = git_diff_num_deltas(diff);
	for (i = 0; i < n; i++) {
		const git_diff_delta *delta = git_diff_get_delta(diff, i);

		if (delta->status == GIT_DELTA_DELETED) {
			record(w, delta->old_file.path, c);
			continue;
		}
		record(w, delta->new_file.path, c);
		if (delta->status == GIT_DELTA_RENAMED)
			note_rename(w, delta->old_file.path, delta->new_file.path);
	}
	rc = 0;
out:
	git_diff_free(diff);
	git_tree_free(tree);
	git_tree_free(parent_tree);
	git_commit_free(parent);
	free(spec);
	return rc;
}

static void
describe_commit(struct hb_commit *c, git_commit *commit, struct hb_arena *a)
{
	char id[GIT_OID_HEXSZ + 1];
	const char *summary = git_commit_summary(commit);

	git_oid_tostr(id, sizeof(id), git_commit_id(commit));
	c->id = hb_arena_strdup(a, id);
	c->short_id = hb_arena_strndup(a, id, 7);
	c->time = (long long)git_commit_time(commit);
	c->date = hb_history_date(a, c->time);
	c->subject = hb_arena_strdup(a, summary ? summary : "");
}

/*
 * Follows first parents from start, newest first. A parent the object database lacks ends the
 * walk quietly: that is where a shallow clone's history stops (libgit2 1.5.1's revwalk would
 * walk no commit at all there). Sets *is_cut when that happened.
 */
static int
walk_history(struct walk *w, const git_oid *start, int *is_cut, struct hb_err *err)
{
	git_commit *commit = NULL;
	size_t n_alloc = 0;

	*is_cut = 0;
	if (git_commit_lookup(&commit, w->repo, start) != 0) {
		set_git_err(err, "cannot read a commit");
		return -1;
	}
	while (commit != NULL) {
		struct hb_history *h = w->h;
		git_commit *parent = NULL;

		h->commits = hb_xgrow(h->commits, &n_alloc, h->n_commits + 1, sizeof(*h->commits));
		describe_commit(&h->commits[h->n_commits++], commit, w->a);
		if (git_commit_parentcount(commit) > 0 &&
		    git_commit_parent(&parent, commit, 0) != 0)
			*is_cut = 1;
		git_commit_free(commit);
		commit = parent;
	}
	return 0;
}

/* SOURCE_DATE_EPOCH, when set to a number, fixes the build date (reproducible builds). */
static int
source_date_epoch(long long *out)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long t;

	if (s == NULL || *s == '\0')
		return 0;
	errno = 0;
	t = strtoll(s, &end, 10);
	if (*end != '\0' || errno != 0 || t < 0)
		return 0;
	*out = t;
	return 1;
}

/* Walks and diffs; returns 0, 1 when history is unavailable (warned), -1 on failure. */
static int
read_repository(struct walk *w, const char *content_dir, const char *rev, struct hb_diag *d,
    struct hb_err *err)
{
	struct hb_loc loc = { content_dir, 0, 0 };
	git_object *obj = NULL, *commit_obj = NULL;
	char *prefix = NULL;
	size_t i;
	int rc = 1, is_cut = 0;

	if (git_repository_open_ext(&w->repo, content_dir, 0, NULL) != 0) {
		hb_diag(d, HB_WARNING, loc,
		    "not in a git repository: pages are built without history");
		return 1;
	}
	if ((prefix = hb_history_content_prefix(w->repo, content_dir)) == NULL) {
		hb_diag(d, HB_WARNING, loc, "outside the repository's working tree: no history");
		return 1;
	}
	w->prefix = hb_arena_strdup(w->a, prefix);
	free(prefix);
	if (git_revparse_single(&obj, w->repo, rev ? rev : "HEAD") != 0) {
		if (rev != NULL) {
			hb_err_set(err, "unknown revision '%s'", rev);
			return -1;
		}
		hb_diag(d, HB_WARNING, loc, "the repository has no commits yet: no history");
		return 1;
	}
	if (git_object_type(obj) == GIT_OBJECT_TREE) {
		/* A bare tree (`git write-tree`: the staged files, as the pre-commit hook checks
		 * them) has no history of its own: its pages get HEAD's. */
		git_object_free(obj);
		obj = NULL;
		if (git_revparse_single(&obj, w->repo, "HEAD") != 0) {
			hb_diag(d, HB_WARNING, loc, "the repository has no commits yet: no history");
			return 1;
		}
	}
	rc = -1;
	if (git_object_peel(&commit_obj, obj, GIT_OBJECT_COMMIT) == 0 &&
	    walk_history(w, git_object_id(commit_obj), &is_cut, err) == 0) {
		if (is_cut)
			hb_diag(d, HB_WARNING, loc, "shallow clone: history before %s (%s) is "
			    "missing, so pages may look newer than they are",
			    w->h->commits[w->h->n_commits - 1].short_id,
			    w->h->commits[w->h->n_commits - 1].date);
		rc = 0;
		for (i = 0; rc == 0 && i < w->h->n_commits; i++) {
			git_commit *commit = NULL;
			git_oid oid;

			git_oid_fromstr(&oid, w->h->commits[i].id);
			if (git_commit_lookup(&commit, w->repo, &oid) != 0) {
				set_git_err(err, "cannot read a commit");
				rc = -1;
				break;
			}
			rc = walk_commit(w, commit, &w->h->commits[i], err);
			git_commit_free(commit);
		}
	} else if (err->msg[0] == '\0') {
		set_git_err(err, "cannot read the history");
	}
	git_object_free(commit_obj);
	git_object_free(obj);
	return rc;
}

int
hb_history_read(struct hb_history *out, const char *content_dir, const char *rev,
    struct hb_arena *a, struct hb_diag *d, struct hb_err *err)
{
	struct walk w;
	long long t;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&w, 0, sizeof(w));
	w.h = out;
	w.a = a;
	hb_map_init(&w.renamed, HB_MAP_EXACT);
	hb_map_init(&w.lists, HB_MAP_EXACT);
	err->msg[0] = '\0';
	rc = read_repository(&w, content_dir, rev, d, err);
	git_repository_free(w.repo);
	hb_map_free(&w.renamed);
	out->by_path = w.lists;		/* path -> struct list, whose first member is the history */
	out->is_available = rc == 0;
	if (source_date_epoch(&t)) {
		out->build_time = t;
		out->build_date = hb_history_date(a, t);
	} else if (rc == 0 && out->n_commits > 0) {
		out->build_time = out->commits[0].time;
		out->build_date = out->commits[0].date;
	}
	return rc < 0 ? -1 : 0;
}

const struct hb_file_history *
hb_history_get(const struct hb_history *h, const char *path)
{
	return hb_map_get(&h->by_path, path);
}

void
hb_history_free(struct hb_history *h)
{
	hb_map_free(&h->by_path);
	free(h->commits);
	memset(h, 0, sizeof(*h));
}
