/*
 * main.c - lt-target, the HTTP/1.1 server fixture: options, the listening
 * socket, signals and the exit report (per-path request counts).
 *
 * It binds loopback only (127.0.0.1 or ::1): it is a test fixture with
 * endpoints that stall, reset and echo, and must never face a network.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/err.h"
#include "core/outclose.h"
#include "core/version.h"
#include "target.h"

#define ACCEPT_BATCH 64

struct opts {
	long port;
	const char *port_file;
	const char *host;
	const char *counts_file;
	const char *llm_log;
	uint64_t seed;
	int quiet;
};

static void
usage(FILE *f)
{
	fputs("usage: lt-target [-q] [-p port] [--port-file file] "
	      "[--host 127.0.0.1|::1]\n"
	      "                 [--seed n] [--counts-file file] "
	      "[--llm-log file]\n"
	      "  -p, --port N         port to listen on; 0 picks a free one "
	      "(default 8080)\n"
	      "      --port-file FILE write the port number to FILE\n"
	      "      --host ADDR      127.0.0.1 (default) or ::1\n"
	      "      --seed N         seed of the /delay distributions "
	      "(default 1)\n"
	      "      --counts-file FILE  write the request counts to FILE "
	      "at exit\n"
	      "      --llm-log FILE   write when each streamed token was "
	      "sent to FILE\n"
	      "  -q, --quiet          no listening message\n"
	      "  -h, --help           this help\n"
	      "      --version        print the version\n",
	    f);
}

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lopts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "port-file", required_argument, NULL, 'P' },
		{ "host", required_argument, NULL, 'H' },
		{ "seed", required_argument, NULL, 'S' },
		{ "counts-file", required_argument, NULL, 'C' },
		{ "llm-log", required_argument, NULL, 'L' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int ch;

	o->port = 8080;
	o->port_file = NULL;
	o->host = "127.0.0.1";
	o->counts_file = NULL;
	o->llm_log = NULL;
	o->seed = 1;
	o->quiet = 0;
	for (;;) {
		ch = getopt_long(argc, argv, "hp:q", lopts, NULL);
		if (ch == -1)
			break;
		switch (ch) {
		case 'p':
			errno = 0;
			o->port = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || o->port < 0 ||
			    o->port > 65535) {
				fprintf(stderr, "lt-target: bad port: %s\n",
				    optarg);
				return -1;
			}
			break;
		case 'P':
			o->port_file = optarg;
			break;
		case 'H':
			if (strcmp(optarg, "127.0.0.1") != 0 &&
			    strcmp(optarg, "::1") != 0) {
				fprintf(stderr,
				    "lt-target: --host: only "
				    "127.0.0.1 or ::1: %s\n",
				    optarg);
				return -1;
			}
			o->host = optarg;
			break;
		case 'S':
			errno = 0;
			o->seed = strtoull(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || *end != '\0' ||
			    errno != 0) {
				fprintf(stderr, "lt-target: bad seed: %s\n",
				    optarg);
				return -1;
			}
			break;
		case 'C':
			o->counts_file = optarg;
			break;
		case 'L':
			o->llm_log = optarg;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'h':
			usage(stdout);
			exit(LT_EXIT_OK);
		case 'V':
			printf("lt-target %s\n", LT_VERSION);
			exit(LT_EXIT_OK);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "lt-target: unexpected argument: %s\n",
		    argv[optind]);
		usage(stderr);
		return -1;
	}
	return 0;
}

/* Opens the listening socket; returns it, or -1 with err set. */
static int
listen_on(const struct opts *o, int *port, struct lt_err *err)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	socklen_t sl;
	int fd, one = 1, v6 = strchr(o->host, ':') != NULL;

	memset(&ss, 0, sizeof(ss));
	if (v6) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)o->port);
		s6->sin6_addr = in6addr_loopback;
		sl = sizeof(*s6);
	} else {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)o->port);
		s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sl = sizeof(*s4);
	}
	fd =
	    socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return lt_err_sys(err, LT_EXIT_RUNTIME, errno, "socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (v6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sl) != 0 ||
	    listen(fd, SOMAXCONN) != 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) {
		lt_err_sys(err, LT_EXIT_RUNTIME, errno, "%s port %ld", o->host,
		    o->port);
		close(fd);
		return -1;
	}
	*port = ntohs(v6 ? s6->sin6_port : s4->sin_port);
	return fd;
}

/* Writes text to path through path.tmp and rename(2): readers never see
 * a partial file. */
static int
write_atomic(const char *path, const char *text, size_t len, struct lt_err *err)
{
	char tmp[4096];
	FILE *f;
	int bad;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return lt_err_set(
		    err, LT_EXIT_USAGE, "%s: name too long", path);
	f = fopen(tmp, "w");
	if (f == NULL)
		return lt_err_sys(err, LT_EXIT_RUNTIME, errno, "%s", tmp);
	bad = fwrite(text, 1, len, f) != len;
	bad |= fclose(f) != 0;
	if (bad || rename(tmp, path) != 0) {
		lt_err_sys(err, LT_EXIT_RUNTIME, errno, "%s", path);
		unlink(tmp);
		return -1;
	}
	return 0;
}

static void
on_accept(struct ev_loop *loop, ev_io *w, int revents)
{
	struct tg_server *s = w->data;
	int i, fd;

	(void)revents;
	for (i = 0; i < ACCEPT_BATCH; i++) {
		fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0) {
			tg_conn_open(s, fd);
			continue;
		}
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		    errno == ENOMEM) {
			/* Level-triggered: pause rather than spin. */
			ev_io_stop(loop, &s->lio);
			ev_timer_set(&s->accept_retry, 0.1, 0.0);
			ev_timer_start(loop, &s->accept_retry);
		}
		return;
	}
}

static void
on_accept_retry(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct tg_server *s = w->data;

	(void)revents;
	ev_io_start(loop, &s->lio);
}

static void
on_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
	(void)w;
	(void)revents;
	ev_break(loop, EVBREAK_ALL);
}

/* Prints the counts on stdout and to --counts-file. */
static int
report(struct tg_server *s, const struct opts *o, struct lt_err *err)
{
	struct lt_buf *b = &s->scratch;

	lt_buf_reset(b);
	if (tg_counts_json(&s->counts, b) != 0 || lt_buf_addc(b, '\n') != 0)
		return lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
	fwrite(b->data, 1, b->len, stdout);
	if (o->counts_file != NULL &&
	    write_atomic(o->counts_file, b->data, b->len, err) != 0)
		return -1;
	return lt_stdout_close(err);
}

static int
serve(struct tg_server *s, const struct opts *o, struct lt_err *err)
{
	ev_signal sint, sterm;
	char num[16];
	int port = 0, n;

	s->lfd = listen_on(o, &port, err);
	if (s->lfd < 0)
		return -1;
	n = snprintf(num, sizeof(num), "%d\n", port);
	if (o->port_file != NULL &&
	    write_atomic(o->port_file, num, (size_t)n, err) != 0)
		return -1;
	if (!o->quiet)
		fprintf(stderr, "listening on http://%s%s%s:%d\n",
		    strchr(o->host, ':') ? "[" : "", o->host,
		    strchr(o->host, ':') ? "]" : "", port);
	ev_io_init(&s->lio, on_accept, s->lfd, EV_READ);
	s->lio.data = s;
	ev_init(&s->accept_retry, on_accept_retry);
	s->accept_retry.data = s;
	ev_signal_init(&sint, on_signal, SIGINT);
	ev_signal_init(&sterm, on_signal, SIGTERM);
	ev_signal_start(s->loop, &sint);
	ev_signal_start(s->loop, &sterm);
	ev_io_start(s->loop, &s->lio);
	ev_run(s->loop, 0);
	ev_io_stop(s->loop, &s->lio);
	ev_timer_stop(s->loop, &s->accept_retry);
	ev_signal_stop(s->loop, &sint);
	ev_signal_stop(s->loop, &sterm);
	tg_conn_close_all(s);
	return report(s, o, err);
}

/* Load tests open many connections: take all the descriptors allowed. */
static void
raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int
main(int argc, char **argv)
{
	struct tg_server s;
	struct opts o;
	struct lt_err err;
	int rc;

	if (parse_opts(argc, argv, &o) != 0)
		return LT_EXIT_USAGE;
	signal(SIGPIPE, SIG_IGN);
	raise_fd_limit();
	lt_err_clear(&err);
	memset(&s, 0, sizeof(s));
	s.lfd = -1;
	s.loop = ev_default_loop(EVFLAG_AUTO);
	if (s.loop == NULL) {
		fprintf(stderr, "lt-target: cannot start libev\n");
		return LT_EXIT_RUNTIME;
	}
	tg_counts_init(&s.counts);
	tg_rng_seed(&s.rng, o.seed);
	lt_buf_init(&s.scratch, TG_OUT_CAP);
	lt_buf_init(&s.tmp, TG_OUT_CAP);
	rc = 0;
	if (o.llm_log != NULL) {
		s.llm_log = fopen(o.llm_log, "w");
		if (s.llm_log == NULL)
			rc = lt_err_sys(
			    &err, LT_EXIT_RUNTIME, errno, "%s", o.llm_log);
		else /* a token's line is in the file before the token leaves */
			setvbuf(s.llm_log, NULL, _IOLBF, 0);
	}
	if (rc == 0)
		rc = serve(&s, &o, &err);
	if (s.llm_log != NULL && fclose(s.llm_log) != 0 && rc == 0)
		rc = lt_err_sys(&err, LT_EXIT_RUNTIME, errno, "%s", o.llm_log);
	if (s.lfd >= 0)
		close(s.lfd);
	tg_counts_fini(&s.counts);
	lt_buf_fini(&s.scratch);
	lt_buf_fini(&s.tmp);
	ev_loop_destroy(s.loop);
	if (rc != 0) {
		fprintf(stderr, "lt-target: %s\n", err.msg);
		return err.code ? err.code : LT_EXIT_RUNTIME;
	}
	return LT_EXIT_OK;
}
