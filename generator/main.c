/*
 * main: argv -> struct hb_options -> hb_build(), hb_build_editions() or hb_serve(); prints
 * diagnostics, a progress bar while a long build runs on a terminal, and the summary.
 * Exit status: 0 success, 1 content or template errors, 2 usage or environment errors.
 */
#include <getopt.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "build.h"
#include "config.h"
#include "diag.h"
#include "scaffold.h"
#include "serve.h"

#define HB_VERSION "0.1.0"

static const char usage[] =
    "usage: handbook build [options]   build the site into --out\n"
    "       handbook check [options]   build in memory and report every problem\n"
    "       handbook editions [options]\n"
    "                                  build every edition (tags matching handbook.yaml's\n"
    "                                  'editions', default edition-* and v*) into\n"
    "                                  editions/<tag>/, and the newest at the root\n"
    "       handbook serve [--port N] [--bind ADDR] [--poll] [options]\n"
    "                                  build, serve at http://127.0.0.1:8080/, rebuild on\n"
    "                                  every change and reload open tabs (drafts shown)\n"
    "       handbook new TYPE \"Title\" [--content DIR] [--theme DIR]\n"
    "                                  start a draft page from the theme's archetype\n"
    "       handbook --version | --help\n"
    "\n"
    "options:\n"
    "  --content DIR     content directory (default: content)\n"
    "  --theme DIR       theme directory (default: themes/default)\n"
    "  --out DIR         output directory (default: site)\n"
    "  --config FILE     configuration file (default: handbook.yaml, optional)\n"
    "  --rev REV         build content and theme from a git revision\n"
    "  --jobs N          worker threads (default: the number of processors)\n"
    "  --drafts          include pages with 'draft: true'\n"
    "  --base-url URL    absolute URL of the published site\n"
    "  --strict          treat warnings as errors\n"
    "  --quiet           print only diagnostics\n"
    "  --verbose         also print the time each stage took\n"
    "  --no-reuse        build everything: ignore .handbook-cache, reuse no edition's pages\n"
    "  --port N          serve: the port (default 8080; 0 picks a free one)\n"
    "  --bind ADDR       serve: the address to listen on (default 127.0.0.1)\n"
    "  --poll            serve: watch files by polling (where inotify does not work)\n"
    "\n"
    "Diagnostics are 'path:line:col: error: message'. Exit status: 0 success,\n"
    "1 errors in content or templates, 2 usage or environment errors.\n"
    "On a terminal a long build shows a progress bar; colours unless NO_COLOR is set.\n";

enum { OPT_CONTENT = 256, OPT_THEME, OPT_OUT, OPT_CONFIG, OPT_REV, OPT_JOBS, OPT_DRAFTS,
    OPT_BASE_URL, OPT_STRICT, OPT_QUIET, OPT_VERBOSE, OPT_NO_REUSE, OPT_PORT, OPT_BIND,
    OPT_POLL };

static const struct option long_options[] = {
	{ "content", required_argument, NULL, OPT_CONTENT },
	{ "theme", required_argument, NULL, OPT_THEME },
	{ "out", required_argument, NULL, OPT_OUT },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "rev", required_argument, NULL, OPT_REV },
	{ "jobs", required_argument, NULL, OPT_JOBS },
	{ "drafts", no_argument, NULL, OPT_DRAFTS },
	{ "base-url", required_argument, NULL, OPT_BASE_URL },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ "verbose", no_argument, NULL, OPT_VERBOSE },
	{ "no-reuse", no_argument, NULL, OPT_NO_REUSE },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "bind", required_argument, NULL, OPT_BIND },
	{ "poll", no_argument, NULL, OPT_POLL },
	{ NULL, 0, NULL, 0 },
};

struct cli {
	struct hb_options o;
	struct hb_serve_options serve;
	int is_serve;
	int has_serve_option;	/* --port, --bind or --poll */
	int has_out;
	int is_strict;
	int is_quiet;
	int is_verbose;
};

static int
usage_error(const char *msg, const char *arg)
{
	fprintf(stderr, "handbook: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
	fputs("Try 'handbook --help'.\n", stderr);
	return 2;
}

static int
parse_number(const char *s, long min, long max, int *out)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || n < min || n > max)
		return -1;
	*out = (int)n;
	return 0;
}

/* Parses the options after the command; returns 0, or an exit status. */
static int
parse_options(struct cli *c, int argc, char **argv)
{
	int ch;

	c->o.content_dir = "content";
	c->o.theme_dir = "themes/default";
	c->o.out_dir = "site";
	c->o.config_path = "handbook.yaml";
	c->serve.bind = "127.0.0.1";
	c->serve.port = 8080;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
		switch (ch) {
		case OPT_CONTENT: c->o.content_dir = optarg; break;
		case OPT_THEME: c->o.theme_dir = optarg; break;
		case OPT_OUT: c->o.out_dir = optarg; c->has_out = 1; break;
		case OPT_CONFIG: c->o.config_path = optarg; c->o.is_config_explicit = 1; break;
		case OPT_REV: c->o.rev = optarg; break;
		case OPT_DRAFTS: c->o.include_drafts = 1; break;
		case OPT_BASE_URL: c->o.base_url = optarg; break;
		case OPT_STRICT: c->is_strict = 1; break;
		case OPT_QUIET: c->is_quiet = 1; break;
		case OPT_VERBOSE: c->is_verbose = 1; break;
		case OPT_NO_REUSE: c->o.no_reuse = 1; break;
		case OPT_JOBS:
			if (parse_number(optarg, 1, 256, &c->o.jobs) != 0)
				return usage_error("--jobs needs a number from 1 to 256", optarg);
			break;
		case OPT_PORT:
			if (parse_number(optarg, 0, 65535, &c->serve.port) != 0)
				return usage_error("--port needs a number from 0 to 65535", optarg);
			c->has_serve_option = 1;
			break;
		case OPT_BIND: c->serve.bind = optarg; c->has_serve_option = 1; break;
		case OPT_POLL: c->serve.use_poll = 1; c->has_serve_option = 1; break;
		default:
			return usage_error("unknown or incomplete option", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument", argv[optind]);
	if (c->o.base_url != NULL && !hb_config_is_base_url(c->o.base_url))
		return usage_error("--base-url needs an http:// or https:// URL", c->o.base_url);
	if (c->has_serve_option && !c->is_serve)
		return usage_error("--port, --bind and --poll are options of 'handbook serve'", NULL);
	if (c->is_serve && (c->has_out || c->o.rev))
		return usage_error("serve builds the working tree into a private directory; "
		    "--out and --rev are for 'handbook build'", NULL);
	return 0;
}

static void
print_summary(const struct cli *c, const struct hb_diag *d, const struct hb_stats *st, int rc)
{
	hb_diag_print_counts(d, stderr);
	if (c->is_verbose)
		hb_stats_print_stages(st, stderr);
	if (c->is_quiet || rc != 0)
		return;
	if (c->o.is_check)
		fprintf(stderr, "checked %zu pages in %.2f s\n", st->n_pages, st->seconds);
	else if (st->n_editions > 0)
		fprintf(stderr, "built %zu edition%s and the newest at the root: %zu pages "
		    "(%zu reused) in %.2f s\n", st->n_editions, st->n_editions == 1 ? "" : "s",
		    st->n_pages, st->n_reused, st->seconds);
	else if (st->is_unchanged)
		fprintf(stderr, "%zu pages up to date: nothing changed since the last build "
		    "(%.2f s)\n", st->n_pages, st->seconds);
	else if (st->n_reused > 0)
		fprintf(stderr, "built %zu pages (%zu kept from the last build) in %.2f s\n",
		    st->n_pages, st->n_reused, st->seconds);
	else
		fprintf(stderr, "built %zu pages in %.2f s\n", st->n_pages, st->seconds);
}

/*
 * A progress bar on stderr, drawn once a build has run for half a second (for tests,
 * HANDBOOK_PROGRESS_AFTER_MS changes that), ten times a second.
 */
struct progress_bar {
	struct hb_progress p;
	long after_ticks;	/* tenths of a second before the first draw */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t finished;
	int is_finished;
};

static void
draw_progress(struct hb_progress *p)
{
	static const char fill[] = "##############################";
	const int width = (int)sizeof(fill) - 1;
	const char *stage = atomic_load(&p->stage);
	size_t done = atomic_load(&p->done), total = atomic_load(&p->total);
	int n = total ? (int)(done * (size_t)width / total) : 0;

	if (total == 0)
		fprintf(stderr, "\r\033[K%s", stage);
	else
		fprintf(stderr, "\r\033[K%-9s [%.*s%*s] %zu/%zu pages", stage, n, fill, width - n, "",
		    done > total ? total : done, total);
	fflush(stderr);
}

static void *
run_progress(void *arg)
{
	struct progress_bar *bar = arg;
	struct timespec until;
	int ticks = 0, has_drawn = 0;

	pthread_mutex_lock(&bar->lock);
	while (!bar->is_finished) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 100000000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&bar->finished, &bar->lock, &until);
		if (!bar->is_finished && ++ticks >= bar->after_ticks &&
		    atomic_load(&bar->p.stage) != NULL) {
			draw_progress(&bar->p);
			has_drawn = 1;
		}
	}
	if (has_drawn)
		fputs("\r\033[K", stderr);
	pthread_mutex_unlock(&bar->lock);
	return NULL;
}

/* Starts the bar when stderr is a terminal that can draw it; returns 1 when started. */
static int
start_progress(struct progress_bar *bar, const struct cli *c)
{
	const char *term = getenv("TERM"), *after = getenv("HANDBOOK_PROGRESS_AFTER_MS");

	if (c->is_quiet || !isatty(2) || (term != NULL && strcmp(term, "dumb") == 0))
		return 0;
	memset(bar, 0, sizeof(*bar));
	bar->after_ticks = after != NULL ? atol(after) / 100 : 5;
	pthread_mutex_init(&bar->lock, NULL);
	pthread_cond_init(&bar->finished, NULL);
	return pthread_create(&bar->thread, NULL, run_progress, bar) == 0;
}

static void
stop_progress(struct progress_bar *bar)
{
	pthread_mutex_lock(&bar->lock);
	bar->is_finished = 1;
	pthread_cond_signal(&bar->finished);
	pthread_mutex_unlock(&bar->lock);
	pthread_join(bar->thread, NULL);
}

/* SIGINT and SIGTERM cancel a build: it stops, removes its staging directory and leaves the
 * previous site as it was; the exit status is then 128 + the signal. */
static atomic_int cancelled_by;

static void
on_signal(int sig)
{
	atomic_store(&cancelled_by, sig);
}

/* SIGINT and SIGTERM, blocked while handbook starts itself again (restart_with_huge_pages): one
 * sent then waits for the handler instead of killing the process outright. */
static void
block_cancel_signals(int how, sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(how, &set, old);
}

static void
cancel_on_signals(struct hb_options *o)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	o->cancel = &cancelled_by;
	block_cancel_signals(SIG_UNBLOCK, NULL);
}

static int
run_build(int argc, char **argv, int is_check, int is_editions)
{
	struct cli c;
	struct hb_diag d;
	struct hb_stats stats;
	struct hb_err err = { "" };
	struct progress_bar bar;
	int rc, has_bar, use_color = isatty(2) && getenv("NO_COLOR") == NULL;

	memset(&c, 0, sizeof(c));
	c.o.is_check = is_check;
	if ((rc = parse_options(&c, argc, argv)) != 0)
		return rc;
	hb_diag_init(&d);
	d.warnings_are_errors = c.is_strict;
	hb_build_init();
	if ((has_bar = start_progress(&bar, &c)) != 0)
		c.o.progress = &bar.p;
	cancel_on_signals(&c.o);
	rc = is_editions ? hb_build_editions(&c.o, &d, &stats, &err) :
	    hb_build(&c.o, &d, &stats, &err);
	if (has_bar)
		stop_progress(&bar);
	hb_diag_sort(&d);
	hb_diag_print(&d, stderr, use_color);
	if (rc < 0)
		fprintf(stderr, "handbook: %s\n", err.msg);
	else
		print_summary(&c, &d, &stats, rc);
	hb_diag_free(&d);
	hb_build_shutdown();
	if (rc != 0 && atomic_load(&cancelled_by) != 0)
		return 128 + atomic_load(&cancelled_by);
	return rc < 0 ? 2 : rc;
}

static int
run_serve(int argc, char **argv)
{
	struct cli c;
	int rc;

	memset(&c, 0, sizeof(c));
	c.is_serve = 1;
	if ((rc = parse_options(&c, argc, argv)) != 0)
		return rc;
	c.o.include_drafts = 1;
	c.serve.is_quiet = c.is_quiet;
	c.serve.is_verbose = c.is_verbose;
	c.serve.use_color = isatty(2) && getenv("NO_COLOR") == NULL;
	hb_build_init();
	rc = hb_serve(&c.o, &c.serve);
	hb_build_shutdown();
	return rc;
}

/* handbook new TYPE "Title": prints the new file's path. */
static int
run_new(int argc, char **argv)
{
	struct cli c;
	struct hb_err err = { "" };
	char *path = NULL;
	int rc;

	if (argc < 3)
		return usage_error("usage: handbook new TYPE \"Title\"", NULL);
	memset(&c, 0, sizeof(c));
	if ((rc = parse_options(&c, argc - 2, argv + 2)) != 0)
		return rc;
	if (hb_scaffold_new(&path, c.o.content_dir, c.o.theme_dir, argv[1], argv[2], &err) != 0) {
		fprintf(stderr, "handbook: %s\n", err.msg);
		return 2;
	}
	printf("%s\n", path);
	free(path);
	return 0;
}

/*
 * A page fault costs more on some virtual machines than the work it serves (12 µs each on the
 * benchmark's, where a one-page rebuild faulted in 50 MB): glibc's malloc asks for transparent
 * huge pages for its memory, a fault per 2 MB instead of per 4 KB, when the tunable
 * glibc.malloc.hugetlb=1 is set, which it reads only as a process starts. So a build starts
 * handbook once more with it set, unless it is set already or memory is another tool's to
 * manage (valgrind, the sanitizers). When the system has no transparent huge pages, or the exec
 * fails, nothing changes but a few milliseconds.
 */
static void
restart_with_huge_pages(char **argv)
{
	const char *tunables = getenv("GLIBC_TUNABLES"), *preload = getenv("LD_PRELOAD");
	struct hb_buf value = HB_BUF_INIT;
	sigset_t old;
#ifdef __SANITIZE_ADDRESS__
	const int is_sanitized = 1;
#else
	const int is_sanitized = 0;
#endif

	if (is_sanitized || (tunables != NULL && strstr(tunables, "glibc.malloc.hugetlb") != NULL) ||
	    (preload != NULL && strstr(preload, "vgpreload") != NULL))
		return;
	hb_buf_printf(&value, "%s%sglibc.malloc.hugetlb=1", tunables ? tunables : "",
	    tunables && tunables[0] ? ":" : "");
	block_cancel_signals(SIG_BLOCK, &old);
	if (setenv("GLIBC_TUNABLES", value.buf, 1) == 0)
		execv("/proc/self/exe", argv);
	sigprocmask(SIG_SETMASK, &old, NULL);
	hb_buf_free(&value);
}

/*
 * A build allocates and frees much memory in a short life. By default glibc's malloc gives big
 * blocks their own mappings and hands freed memory back to the system, and the next use faults
 * it in again, 4 KB at a time: 9,000 page faults in a one-page rebuild of the 10,000-page
 * benchmark. Big blocks come from the heap instead, which keeps what is freed (serve trims it
 * after each build) and grows 32 MB at a time: 1,000 faults, and 10 % less time.
 */
static void
keep_memory(void)
{
	mallopt(M_MMAP_THRESHOLD, 32 << 20);	/* glibc's largest */
	mallopt(M_TRIM_THRESHOLD, 512 << 20);
	mallopt(M_TOP_PAD, 32 << 20);
}

int
main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (cmd != NULL && (strcmp(cmd, "build") == 0 || strcmp(cmd, "check") == 0 ||
	    strcmp(cmd, "editions") == 0 || strcmp(cmd, "serve") == 0)) {
		restart_with_huge_pages(argv);
		keep_memory();
	}

	if (cmd == NULL)
		return usage_error("no command", NULL);
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		fputs(usage, stdout);
		return 0;
	}
	if (strcmp(cmd, "--version") == 0) {
		printf("handbook %s\n", HB_VERSION);
		return 0;
	}
	if (strcmp(cmd, "new") == 0)
		return run_new(argc - 1, argv + 1);
	if (strcmp(cmd, "build") == 0 || strcmp(cmd, "check") == 0)
		return run_build(argc - 1, argv + 1, cmd[0] == 'c', 0);
	if (strcmp(cmd, "editions") == 0)
		return run_build(argc - 1, argv + 1, 0, 1);
	if (strcmp(cmd, "serve") == 0) {
		block_cancel_signals(SIG_UNBLOCK, NULL);	/* serve has its own handling */
		return run_serve(argc - 1, argv + 1);
	}
	return usage_error("unknown command", cmd);
}
