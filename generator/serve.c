#define _GNU_SOURCE
#include "serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "path.h"
#include "watch.h"
#include "write.h"
#include "xalloc.h"

#define EVENTS_URL "/__handbook/events"
#define SCRIPT_URL "/__handbook/live.js"
#define PING_SECONDS 10

/* The tab's side: reload on a new build (browsers keep the scroll position over a reload),
 * show a failed build. */
static const char live_js[] =
    "(function () {\n"
    "  'use strict';\n"
    "  var me = document.currentScript;\n"
    "  var shown = me ? me.getAttribute('data-build') : '';\n"
    "  var box = null;\n"
    "  function show(text) {\n"
    "    if (!box) {\n"
    "      box = document.createElement('pre');\n"
    "      box.id = 'handbook-build-errors';\n"
    "      box.setAttribute('role', 'alert');\n"
    "      box.style.cssText = 'position:fixed;inset:0;z-index:2147483647;margin:0;' +\n"
    "        'padding:1.5rem;overflow:auto;background:rgba(24,24,27,.94);color:#fafafa;' +\n"
    "        'font:14px/1.5 ui-monospace,monospace;white-space:pre-wrap';\n"
    "      document.body.appendChild(box);\n"
    "    }\n"
    "    box.textContent = 'The build failed. This page is the last good build; it will ' +\n"
    "      'reload when the problem is fixed.\\n\\n' + text;\n"
    "  }\n"
    "  var events = new EventSource('" EVENTS_URL "');\n"
    "  events.addEventListener('built', function (e) {\n"
    "    if (e.data === shown) {\n"
    "      if (box) { box.remove(); box = null; }\n"
    "      return;\n"
    "    }\n"
    "    location.reload();\n"
    "  });\n"
    "  events.addEventListener('failed', function (e) { show(e.data); });\n"
    "})();\n";

/* What every connection thread reads; changed under lock by the main thread. */
struct server {
	char *site;			/* the built site's directory */
	pthread_mutex_t lock;
	pthread_cond_t changed;
	unsigned long version;		/* bumps after every build, good or bad */
	char build_id[48];		/* the last good build: "<pid>.<n>"; "" before the first */
	char *errors;			/* the last build's diagnostics when it failed, else NULL */
	int is_stopping;
	int is_local;			/* bound to a loopback address: answer only local names */
	char *last_diagnostics;		/* the build before's, as text (main thread only) */
};

/* One open event stream. */
struct stream {
	struct server *srv;
	unsigned long sent_version;	/* 0: nothing sent yet */
	struct hb_buf pending;
	size_t pos;
};

static const struct {
	const char *ext, *type;
} mime_types[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".mjs", "text/javascript; charset=utf-8" },
	{ ".json", "application/json" },
	{ ".xml", "application/xml" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".jpg", "image/jpeg" },
	{ ".jpeg", "image/jpeg" },
	{ ".gif", "image/gif" },
	{ ".webp", "image/webp" },
	{ ".avif", "image/avif" },
	{ ".ico", "image/vnd.microsoft.icon" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".md", "text/markdown; charset=utf-8" },
	{ ".pdf", "application/pdf" },
	{ ".woff", "font/woff" },
	{ ".woff2", "font/woff2" },
	{ ".wasm", "application/wasm" },
};

static const char *
mime_type(const char *path)
{
	size_t n = strlen(path), i;

	for (i = 0; i < sizeof(mime_types) / sizeof(mime_types[0]); i++) {
		size_t e = strlen(mime_types[i].ext);

		if (n > e && strcasecmp(path + n - e, mime_types[i].ext) == 0)
			return mime_types[i].type;
	}
	return "application/octet-stream";
}

static int
is_html(const char *path)
{
	return strncmp(mime_type(path), "text/html", 9) == 0;
}

/* The next message of the stream into s->pending, under the lock. */
static void
compose_event(struct stream *s)
{
	const struct server *srv = s->srv;
	const char *line, *end;

	hb_buf_reset(&s->pending);
	s->pos = 0;
	if (s->sent_version == 0)
		hb_buf_puts(&s->pending, "retry: 1000\n");
	s->sent_version = srv->version;
	if (srv->errors == NULL) {
		hb_buf_printf(&s->pending, "event: built\ndata: %s\n\n", srv->build_id);
		return;
	}
	hb_buf_puts(&s->pending, "event: failed\n");
	for (line = srv->errors; *line != '\0'; line = *end ? end + 1 : end) {
		end = line + strcspn(line, "\r\n");
		hb_buf_printf(&s->pending, "data: %.*s\n", (int)(end - line), line);
	}
	hb_buf_puts(&s->pending, "\n");
}

/* Blocks (this is the connection's own thread) until there is something to send. */
static ssize_t
read_events(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *s = cls;
	struct server *srv = s->srv;
	size_t n;

	(void)pos;
	if (s->pos == s->pending.len) {
		struct timespec until;
		int timed_out = 0;

		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += PING_SECONDS;
		pthread_mutex_lock(&srv->lock);
		while (!srv->is_stopping && s->sent_version == srv->version && !timed_out)
			timed_out = pthread_cond_timedwait(&srv->changed, &srv->lock, &until) != 0;
		if (srv->is_stopping) {
			pthread_mutex_unlock(&srv->lock);
			return MHD_CONTENT_READER_END_OF_STREAM;
		}
		if (s->sent_version != srv->version) {
			compose_event(s);
		} else {
			hb_buf_reset(&s->pending);
			s->pos = 0;
			hb_buf_puts(&s->pending, ": ping\n\n");
		}
		pthread_mutex_unlock(&srv->lock);
	}
	n = s->pending.len - s->pos < max ? s->pending.len - s->pos : max;
	memcpy(buf, s->pending.buf + s->pos, n);
	s->pos += n;
	return (ssize_t)n;
}

static void
free_stream(void *cls)
{
	struct stream *s = cls;

	hb_buf_free(&s->pending);
	free(s);
}

static enum MHD_Result
queue(struct MHD_Connection *c, unsigned status, struct MHD_Response *r, const char *type)
{
	enum MHD_Result ret;

	if (r == NULL)
		return MHD_NO;
	if (type != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result
send_text(struct MHD_Connection *c, unsigned status, const char *type, const char *text,
    size_t len)
{
	return queue(c, status, MHD_create_response_from_buffer(len, (void *)text,
	    MHD_RESPMEM_MUST_COPY), type);
}

static enum MHD_Result
send_events(struct MHD_Connection *c, struct server *srv)
{
	struct stream *s = hb_xcalloc(1, sizeof(*s));
	struct MHD_Response *r;

	s->srv = srv;
	hb_buf_init(&s->pending);
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, read_events, s,
	    free_stream);
	if (r == NULL) {
		free_stream(s);
		return MHD_NO;
	}
	return queue(c, MHD_HTTP_OK, r, "text/event-stream");
}

/* The page with the live script before its last </body> (or at its end). */
static enum MHD_Result
send_html(struct MHD_Connection *c, struct server *srv, unsigned status, const char *html,
    size_t len)
{
	struct hb_buf page = HB_BUF_INIT;
	const char *body = NULL, *p;
	size_t at;
	enum MHD_Result ret;

	for (p = html; (p = memmem(p, len - (size_t)(p - html), "</body>", 7)) != NULL; p++)
		body = p;
	at = body ? (size_t)(body - html) : len;
	hb_buf_put(&page, html, at);
	pthread_mutex_lock(&srv->lock);
	hb_buf_printf(&page, "<script src=\"" SCRIPT_URL "\" data-build=\"%s\"></script>",
	    srv->build_id);
	pthread_mutex_unlock(&srv->lock);
	hb_buf_put(&page, html + at, len - at);
	ret = send_text(c, status, "text/html; charset=utf-8", page.buf, page.len);
	hb_buf_free(&page);
	return ret;
}

/* send_html() of a file; closes fd. */
static enum MHD_Result
send_html_file(struct MHD_Connection *c, struct server *srv, unsigned status, int fd)
{
	struct hb_buf page = HB_BUF_INIT;
	char chunk[65536];
	ssize_t n;
	enum MHD_Result ret;

	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		hb_buf_put(&page, chunk, (size_t)n);
	close(fd);
	ret = send_html(c, srv, status, page.buf, page.len);
	hb_buf_free(&page);
	return ret;
}

/* Before the first good build, or a theme without a 404 layout. */
static const char no_site_page[] =
    "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title>"
    "</head><body><h1>Not found</h1><p>There is no such page in the handbook.</p></body>"
    "</html>";

/* Opens a regular file of the site, never through a symlink; -1 when there is none. */
static int
open_site_file(const struct server *srv, const char *rel, struct stat *st)
{
	char *path;
	int fd;

	if (!hb_path_is_safe(rel) || strcmp(rel, HB_WRITE_MARKER) == 0)
		return -1;
	path = hb_path_join(srv->site, rel);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	free(path);
	if (fd >= 0 && fstat(fd, st) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static enum MHD_Result
send_not_found(struct MHD_Connection *c, struct server *srv)
{
	struct stat st;
	int fd = open_site_file(srv, "404.html", &st);

	if (fd >= 0 && S_ISREG(st.st_mode))
		return send_html_file(c, srv, MHD_HTTP_NOT_FOUND, fd);
	if (fd >= 0)
		close(fd);
	return send_html(c, srv, MHD_HTTP_NOT_FOUND, no_site_page, sizeof(no_site_page) - 1);
}

/* A directory: to its slash form, whose index.html is the page. */
static enum MHD_Result
redirect_to_slash(struct MHD_Connection *c, const char *rel)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"",
	    MHD_RESPMEM_PERSISTENT);
	char *encoded = hb_path_relurl("x", rel);	/* percent-encoded, from the root */
	char *to = hb_xmalloc(strlen(encoded) + 3);

	sprintf(to, "/%s/", encoded);
	if (r != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, to);
	free(encoded);
	free(to);
	return queue(c, MHD_HTTP_MOVED_PERMANENTLY, r, NULL);
}

static enum MHD_Result
send_file(struct MHD_Connection *c, struct server *srv, const char *url)
{
	struct hb_buf rel = HB_BUF_INIT;
	struct stat st;
	enum MHD_Result ret;
	int fd;

	hb_buf_puts(&rel, url + 1);
	if (rel.len == 0 || rel.buf[rel.len - 1] == '/')
		hb_buf_puts(&rel, "index.html");
	fd = open_site_file(srv, rel.buf, &st);
	if (fd >= 0 && S_ISDIR(st.st_mode) && url[strlen(url) - 1] != '/') {
		close(fd);
		ret = redirect_to_slash(c, rel.buf);
	} else if (fd < 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		ret = send_not_found(c, srv);
	} else if (is_html(rel.buf)) {
		ret = send_html_file(c, srv, MHD_HTTP_OK, fd);
	} else {
		ret = queue(c, MHD_HTTP_OK, MHD_create_response_from_fd64((uint64_t)st.st_size, fd),
		    mime_type(rel.buf));
	}
	hb_buf_free(&rel);
	return ret;
}

/*
 * Whether the Host header names this machine: localhost (or a subdomain of it), 127.x.x.x or
 * [::1], with any port. A page elsewhere that makes a browser send requests to a name it
 * resolves to 127.0.0.1 (DNS rebinding) gets a 403 instead of the site.
 */
static int
is_local_host(const char *host)
{
	size_t n;
	const char *colon;

	if (host == NULL)
		return 0;
	if (strncmp(host, "[::1]", 5) == 0)
		return host[5] == '\0' || host[5] == ':';
	colon = strrchr(host, ':');
	n = colon ? (size_t)(colon - host) : strlen(host);
	if ((n == 9 && strncasecmp(host, "localhost", 9) == 0) ||
	    (n > 10 && strncasecmp(host + n - 10, ".localhost", 10) == 0))
		return 1;
	if (n < 7 || strncmp(host, "127.", 4) != 0)
		return 0;
	return strspn(host, "0123456789.") >= n;
}

static enum MHD_Result
handle_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
	struct server *srv = cls;

	(void)version;
	(void)upload_data;
	if (*con_cls == NULL) {		/* the headers: wait for the end of the request */
		*con_cls = srv;
		return MHD_YES;
	}
	if (*upload_size != 0) {
		*upload_size = 0;	/* a body is read and ignored */
		return MHD_YES;
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
		struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"",
		    MHD_RESPMEM_PERSISTENT);

		if (r != NULL)
			MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
		return queue(c, MHD_HTTP_METHOD_NOT_ALLOWED, r, NULL);
	}
	if (srv->is_local && !is_local_host(MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_HOST))) {
		static const char refused[] = "handbook serve answers only to localhost\n";

		return send_text(c, MHD_HTTP_FORBIDDEN, "text/plain; charset=utf-8", refused,
		    sizeof(refused) - 1);
	}
	if (url[0] != '/')
		return send_not_found(c, srv);
	if (strcmp(url, EVENTS_URL) == 0)
		return send_events(c, srv);
	if (strcmp(url, SCRIPT_URL) == 0)
		return send_text(c, MHD_HTTP_OK, "text/javascript; charset=utf-8", live_js,
		    sizeof(live_js) - 1);
	return send_file(c, srv, url);
}

/* Signals: the first cancels the build and wakes the main loop; a second exits at once. */
struct signals {
	sigset_t set;
	atomic_int *cancel;
	int wake_fd;
};

static void *
wait_for_signals(void *arg)
{
	struct signals *sg = arg;
	uint64_t one = 1;
	int sig;

	if (sigwait(&sg->set, &sig) != 0)
		return NULL;
	atomic_store(sg->cancel, 1);
	if (write(sg->wake_fd, &one, sizeof(one)) < 0)
		_exit(130);
	if (sigwait(&sg->set, &sig) == 0)
		_exit(130);
	return NULL;
}

static struct MHD_Daemon *
start_daemon(struct server *srv, const struct hb_serve_options *so, int *port)
{
	struct sockaddr_in6 in6;
	struct sockaddr_in in4;
	struct sockaddr *addr;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION;
	struct MHD_Daemon *daemon;
	const union MHD_DaemonInfo *info;

	memset(&in4, 0, sizeof(in4));
	memset(&in6, 0, sizeof(in6));
	if (inet_pton(AF_INET, so->bind, &in4.sin_addr) == 1) {
		in4.sin_family = AF_INET;
		in4.sin_port = htons((uint16_t)so->port);
		addr = (struct sockaddr *)&in4;
	} else if (inet_pton(AF_INET6, so->bind, &in6.sin6_addr) == 1) {
		in6.sin6_family = AF_INET6;
		in6.sin6_port = htons((uint16_t)so->port);
		addr = (struct sockaddr *)&in6;
		flags |= MHD_USE_IPv6;
	} else {
		errno = EINVAL;
		return NULL;
	}
	daemon = MHD_start_daemon(flags, (uint16_t)so->port, NULL, NULL, handle_request, srv,
	    MHD_OPTION_SOCK_ADDR, addr, MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)(3 * PING_SECONDS), MHD_OPTION_END);
	if (daemon != NULL && (info = MHD_get_daemon_info(daemon,
	    MHD_DAEMON_INFO_BIND_PORT)) != NULL)
		*port = info->port;
	return daemon;
}

/* Diagnostics as the terminal shows them without colour, and err's message when rc < 0. */
static char *
diagnostics_text(const struct hb_diag *d, int rc, const struct hb_err *err)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	if (fp == NULL)
		return hb_xstrdup(err->msg);
	hb_diag_print(d, fp, 0);
	if (rc < 0)
		fprintf(fp, "handbook: %s\n", err->msg);
	fclose(fp);
	return text;
}

/* Prints the build's diagnostics; the same warnings as the build before only as a count, so an
 * editor sees what changed. */
static void
print_diagnostics(struct server *srv, const struct hb_diag *d, const char *text,
    const struct hb_serve_options *so)
{
	if (d->n_errors == 0 && d->n_warnings > 0 && srv->last_diagnostics != NULL &&
	    strcmp(text, srv->last_diagnostics) == 0) {
		fprintf(stderr, "handbook: the same %zu warning%s as the build before\n",
		    d->n_warnings, d->n_warnings == 1 ? "" : "s");
		return;
	}
	hb_diag_print(d, stderr, so->use_color);
	hb_diag_print_counts(d, stderr);
}

static void
rebuild(struct server *srv, struct hb_session *session, const struct hb_serve_options *so,
    unsigned long *n_builds)
{
	struct hb_diag d;
	struct hb_stats st;
	struct hb_err err = { "" };
	char *failure = NULL, *text;
	int rc;

	hb_diag_init(&d);
	rc = hb_session_build(session, &d, &st, &err);
	malloc_trim(0);		/* what the build freed goes back while the server waits */
	hb_diag_sort(&d);
	text = diagnostics_text(&d, 0, &err);
	print_diagnostics(srv, &d, text, so);
	free(srv->last_diagnostics);
	srv->last_diagnostics = text;
	if (rc != 0) {
		if (err.msg[0] != '\0' && strcmp(err.msg, "interrupted") != 0)
			fprintf(stderr, "handbook: %s\n", err.msg);
		failure = diagnostics_text(&d, rc, &err);
	} else if (!so->is_quiet) {
		fprintf(stderr, "built %zu pages (%zu reused) in %.2f s\n", st.n_pages, st.n_reused,
		    st.seconds);
	}
	if (so->is_verbose)
		hb_stats_print_stages(&st, stderr);
	hb_diag_free(&d);
	pthread_mutex_lock(&srv->lock);
	free(srv->errors);
	srv->errors = failure;
	if (rc == 0)
		snprintf(srv->build_id, sizeof(srv->build_id), "%ld.%lu", (long)getpid(),
		    ++*n_builds);
	srv->version++;
	pthread_cond_broadcast(&srv->changed);
	pthread_mutex_unlock(&srv->lock);
}

/* Rebuilds on every change until a signal; watch is open and the first build done. */
static int
serve_loop(struct server *srv, struct hb_session *session, struct hb_watch *watch,
    const struct hb_options *o, const struct hb_serve_options *so, int wake_fd,
    unsigned long *n_builds)
{
	struct hb_err err = { "" };
	int r;

	while (!atomic_load(o->cancel) && (r = hb_watch_wait(watch, wake_fd, &err)) == 1)
		rebuild(srv, session, so, n_builds);
	if (!atomic_load(o->cancel)) {
		fprintf(stderr, "handbook: %s\n", err.msg);
		return 2;
	}
	return 0;
}

static void
stop_streams(struct server *srv)
{
	pthread_mutex_lock(&srv->lock);
	srv->is_stopping = 1;
	pthread_cond_broadcast(&srv->changed);
	pthread_mutex_unlock(&srv->lock);
}

int
hb_serve(const struct hb_options *o, const struct hb_serve_options *so)
{
	static atomic_int cancel;
	struct hb_options bo = *o;
	struct server srv;
	struct signals sg;
	struct hb_session *session = NULL;
	struct MHD_Daemon *daemon = NULL;
	struct hb_err err = { "" };
	struct hb_watch *watch = NULL;
	const char *dirs[] = { o->content_dir, o->theme_dir, NULL };
	const char *files[] = { o->config_path, NULL };
	char tmp[] = "/tmp/handbook-serve-XXXXXX";
	pthread_t signal_thread;
	unsigned long n_builds = 0;
	int port = so->port, rc = 2;

	memset(&srv, 0, sizeof(srv));
	pthread_mutex_init(&srv.lock, NULL);
	pthread_cond_init(&srv.changed, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&sg.set);
	sigaddset(&sg.set, SIGINT);
	sigaddset(&sg.set, SIGTERM);
	/* Every thread started from here on (build workers, connections) leaves the signals to
	 * the one thread that waits for them. */
	pthread_sigmask(SIG_BLOCK, &sg.set, NULL);
	sg.cancel = &cancel;
	if ((sg.wake_fd = eventfd(0, EFD_CLOEXEC)) < 0 || mkdtemp(tmp) == NULL) {
		fprintf(stderr, "handbook: cannot start: %s\n", strerror(errno));
		return 2;
	}
	pthread_create(&signal_thread, NULL, wait_for_signals, &sg);
	pthread_detach(signal_thread);
	srv.site = hb_path_join(tmp, "site");
	srv.is_local = strncmp(so->bind, "127.", 4) == 0 || strcmp(so->bind, "::1") == 0;
	bo.out_dir = srv.site;
	bo.cancel = &cancel;
	session = hb_session_new(&bo);
	/* Watching starts before the first build, so no edit made during it is missed. */
	if (hb_watch_open(&watch, dirs, files, so->use_poll, &err) != 0) {
		fprintf(stderr, "handbook: %s\n", err.msg);
	} else if (rebuild(&srv, session, so, &n_builds), atomic_load(&cancel)) {
		rc = 0;		/* stopped during the first build */
	} else if ((daemon = start_daemon(&srv, so, &port)) == NULL) {
		fprintf(stderr, "handbook: cannot listen on %s port %d: %s\n", so->bind, so->port,
		    strerror(errno));
	} else {
		printf("serving http://%s%s%s:%d/ (Ctrl-C stops)\n", strchr(so->bind, ':') ? "[" :
		    "", so->bind, strchr(so->bind, ':') ? "]" : "", port);
		fflush(stdout);
		rc = serve_loop(&srv, session, watch, &bo, so, sg.wake_fd, &n_builds);
		stop_streams(&srv);
		MHD_stop_daemon(daemon);
	}
	hb_watch_free(watch);
	hb_session_free(session);
	if (hb_path_rmtree(tmp, &err) != 0)
		fprintf(stderr, "handbook: %s\n", err.msg);
	free(srv.site);
	free(srv.errors);
	free(srv.last_diagnostics);
	close(sg.wake_fd);
	return rc;
}
