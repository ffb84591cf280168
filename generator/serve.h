/*
 * serve: `handbook serve`, the editor's loop.
 *
 * Builds the working tree (drafts included) into a private temporary directory, serves it over
 * HTTP with libmicrohttpd, watches the content, the theme and the configuration (watch.h) and
 * rebuilds on every change through one build session (build.h: only pages whose output can
 * change are rendered again). Open tabs hear about each build on a Server-Sent Events stream,
 * /__handbook/events, and only once the new site has been swapped in:
 *   event: built   data: <build id>         the tab reloads unless it shows that build (the
 *                                           browser keeps the scroll position)
 *   event: failed  data: <diagnostics>      the tab shows them over the page, which stays the
 *                                           last good build, until a build succeeds
 * The script that listens, /__handbook/live.js, is added to HTML responses only: the files on
 * disk are those `handbook build` writes.
 *
 * Only files of the built site are served: a path with an empty, "." or ".." component, a
 * symlink or anything but a regular file is not found, and there are no directory listings (a
 * directory redirects to its slash form, which serves its index.html). Missing files get the
 * site's 404.html with status 404. GET and HEAD only; responses are never cached. Bound to a
 * loopback address (the default), it answers only requests whose Host names this machine
 * (localhost, 127.x.x.x, [::1]): a 403 otherwise, against DNS rebinding.
 *
 * SIGINT and SIGTERM stop it: the build in progress is cancelled, event streams end, and the
 * temporary directory is removed, within a second. A second signal exits at once.
 */
#ifndef HB_SERVE_H
#define HB_SERVE_H

#include "build.h"

struct hb_serve_options {
	const char *bind;	/* an IPv4 or IPv6 address; default 127.0.0.1 */
	int port;		/* 0: any free port */
	int use_poll;		/* watch by polling instead of inotify */
	int is_quiet;
	int is_verbose;		/* print each build's stage times */
	int use_color;
};

/* Serves until stopped; returns the exit status (0 stopped by a signal, 2 could not start). */
int hb_serve(const struct hb_options *o, const struct hb_serve_options *so);

#endif
