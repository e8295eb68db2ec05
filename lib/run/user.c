/*
 * user.c - the simulated user's state machine (see user.h).
 *
 * A user walks its class's flow with struct lt_cursor (scenario.h): each
 * step is an HTTP request on the user's own easy handle, an exec'd
 * command, a sleep or a variable assignment.  Between iterations it
 * thinks (ev_timer), per the class's wait kind.  Every request or command
 * that was started produces exactly one req event, from its completion,
 * its failure to start, or its interruption.
 *
 * Exec children are watched with a pidfd (pidfd_open(2)) rather than
 * ev_child: ev_child only works on libev's default loop, which reaps
 * every child itself, and lt-run runs one loop per thread.
 *
 * Nothing here allocates per request once the user's buffers have grown:
 * URLs are expanded into the shard's scratch buffer (libcurl copies
 * CURLOPT_URL), bodies and header lines into the user's own buffers,
 * which must stay put while the transfer runs (CURLOPT_POSTFIELDS and
 * CURLOPT_HTTPHEADER are not copied).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "core/jsonw.h"
#include "run/user.h"

#define USER_BODY_CAP (1 << 20)
#define MAX_HEADERS   64
#define MAX_ARGV      64

extern char **environ;

static void advance(struct lt_user *u);
static void run_step(struct lt_user *u);

static double
mono_s(void)
{
	return (double)lt_http_mono_us() / 1e6;
}

static void
die(struct lt_user *u)
{
	if (u->state == LT_U_DEAD)
		return;
	ev_timer_stop(u->sh->loop, &u->timer);
	u->state = LT_U_DEAD;
	u->ops->dead(u->ops_ctx, u);
}

/* --- events -------------------------------------------------------- */

/* Appends ,"k": for a literal key k (no escaping needed). */
#define PUT_KEY(b, k) lt_buf_add((b), ",\"" k "\":", sizeof(k) + 3)

static void
put_key(struct lt_buf *b, const char *k)
{
	lt_buf_addc(b, ',');
	lt_jsonw_key(b, k);
}

/* Writes the fields every req event has up to "error" (exclusive). */
static void
event_head(struct lt_user *u, struct lt_buf *b, const char *method,
    const char *url, size_t url_len, long status, int ok)
{
	lt_buf_adds(b, "{\"type\":\"req\",\"ts\":");
	lt_jsonw_fixed(b, u->ts_us, 6);
	PUT_KEY(b, "name");
	lt_jsonw_cstr(b, u->step->name);
	PUT_KEY(b, "method");
	lt_jsonw_cstr(b, method);
	PUT_KEY(b, "url");
	lt_jsonw_str(b, url, url_len);
	PUT_KEY(b, "status");
	lt_jsonw_i64(b, status);
	PUT_KEY(b, "ok");
	lt_jsonw_bool(b, ok);
}

static void
event_tail(struct lt_user *u, struct lt_buf *b)
{
	size_t i;

	PUT_KEY(b, "user");
	lt_jsonw_i64(b, u->id);
	PUT_KEY(b, "class");
	lt_jsonw_cstr(b, u->c->name);
	if (u->wait_us >= 0) {
		PUT_KEY(b, "wait_ms");
		lt_jsonw_fixed(b, u->wait_us, 3);
	}
	if (u->step->ntags > 0) {
		PUT_KEY(b, "tags");
		lt_buf_addc(b, '[');
		for (i = 0; i < u->step->ntags; i++) {
			if (i > 0)
				lt_buf_addc(b, ',');
			lt_jsonw_cstr(b, u->step->tags[i]);
		}
		lt_buf_addc(b, ']');
	}
}

static int
emit_end(struct lt_user *u)
{
	if (lt_evout_end(&u->sh->out) != 0)
		u->ops->output_broken(u->ops_ctx);
	return 0;
}

/* --- results ------------------------------------------------------- */

static int
needs_body(const struct lt_checks *cs)
{
	size_t i;

	if (cs->need_json)
		return 1;
	for (i = 0; i < cs->n; i++)
		switch (cs->v[i].kind) {
		case LT_CHK_BODY_CONTAINS:
		case LT_CHK_BODY_LACKS:
		case LT_CHK_BODY_MATCH:
		case LT_CHK_BODY_NOMATCH:
			return 1;
		default:
			break;
		}
	for (i = 0; i < cs->ncap; i++)
		if (cs->cap[i].kind == LT_CAP_REGEX ||
		    cs->cap[i].kind == LT_CAP_BODY ||
		    cs->cap[i].kind == LT_CAP_JSON)
			return 1;
	return 0;
}

static int
needs_headers(const struct lt_checks *cs)
{
	size_t i;

	for (i = 0; i < cs->n; i++)
		if (cs->v[i].kind == LT_CHK_HEADER_EXISTS ||
		    cs->v[i].kind == LT_CHK_HEADER_EQ ||
		    cs->v[i].kind == LT_CHK_HEADER_MATCH)
			return 1;
	for (i = 0; i < cs->ncap; i++)
		if (cs->cap[i].kind == LT_CAP_HEADER)
			return 1;
	return 0;
}

/*
 * Evaluates checks; returns 1 when the request failed, with the reason
 * (a complete "category: message") in sh->reason.
 */
static int
judge(struct lt_user *u, const struct lt_checks *cs, long status,
    const char *body, size_t body_len, const char *hdr, size_t hdr_len,
    int64_t latency_us, int exec)
{
	struct lt_shard *sh = u->sh;
	struct lt_response r;
	int rc;

	lt_buf_reset(&sh->reason);
	if (cs->n == 0 && cs->ncap == 0) {
		if (exec && status != 0) {
			lt_buf_printf(
			    &sh->reason, "exec: exit status %ld", status);
			return 1;
		}
		if (!exec && status >= 400) {
			lt_buf_printf(&sh->reason, "http: status %ld", status);
			return 1;
		}
		return 0;
	}
	memset(&r, 0, sizeof(r));
	r.status = status;
	r.headers = hdr;
	r.headers_len = hdr_len;
	r.body = body;
	r.body_len = body_len;
	r.latency_us = latency_us;
	u->ctx.now_us = lt_http_real_us();
	lt_buf_reset(&sh->tmp);
	rc = lt_check_eval(cs, &r, &u->ctx, &sh->tmp, &sh->reason);
	if (rc == LT_CHECK_OK) {
		if (exec && status != 0 && !cs->has_status) {
			lt_buf_reset(&sh->reason);
			lt_buf_printf(
			    &sh->reason, "exec: exit status %ld", status);
			return 1;
		}
		return 0;
	}
	if (rc == LT_CHECK_HTTP && exec) {
		lt_buf_reset(&sh->reason);
		lt_buf_printf(&sh->reason, "exec: exit status %ld", status);
	} else if (rc < 0) {
		lt_buf_reset(&sh->reason);
		lt_buf_adds(&sh->reason, "check: out of memory");
	}
	return 1;
}

/* --- HTTP ---------------------------------------------------------- */

static void
http_done(struct lt_http_xfer *x, void *arg)
{
	struct lt_user *u = arg;
	struct lt_shard *sh = u->sh;
	const struct lt_step *s = u->step;
	const struct lt_http_result *r = &x->res;
	struct lt_buf *b;
	char *url = NULL;
	int failed;
	const char *err_cat = NULL, *err_msg = NULL;
	size_t err_len = 0;

	if (r->category != NULL) {
		failed = 1;
		/* connect/dns: see CAVEATS in lt-run(1) */
		if (r->code == CURLE_COULDNT_CONNECT ||
		    r->code == CURLE_COULDNT_RESOLVE_HOST)
			u->backoff = 1;
		err_cat = r->category;
		err_msg = r->message;
		err_len = strlen(r->message);
	} else {
		/* NUL-terminated, for regexec(3) on views into them */
		if (x->body.data != NULL)
			lt_buf_cstr(&x->body);
		if (x->headers.data != NULL)
			lt_buf_cstr(&x->headers);
		failed =
		    judge(u, &s->checks, r->status, x->body.data, x->body.len,
		        x->headers.data, x->headers.len, r->latency_us, 0);
		if (failed) {
			err_msg = lt_buf_cstr(&sh->reason);
			err_len = sh->reason.len;
		}
	}
	curl_easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &url);
	b = lt_evout_begin(&sh->out);
	event_head(u, b, s->http->method, url ? url : "", url ? strlen(url) : 0,
	    r->status, !failed);
	PUT_KEY(b, "error");
	if (!failed) {
		lt_jsonw_null(b);
	} else if (err_cat != NULL) {
		lt_buf_printf(&sh->tmp, "%s", "");
		lt_buf_reset(&sh->tmp);
		lt_buf_adds(&sh->tmp, err_cat);
		lt_buf_adds(&sh->tmp, ": ");
		lt_buf_add(&sh->tmp, err_msg, err_len);
		lt_jsonw_str(b, sh->tmp.data, sh->tmp.len);
	} else {
		lt_jsonw_str(b, err_msg, err_len);
	}
	PUT_KEY(b, "latency_ms");
	lt_jsonw_fixed(b, r->latency_us, 3);
	PUT_KEY(b, "ttfb_ms");
	lt_jsonw_fixed(b, r->ttfb_us, 3);
	PUT_KEY(b, "connect_ms");
	lt_jsonw_fixed(b, r->connect_us, 3);
	PUT_KEY(b, "bytes");
	lt_jsonw_i64(b, r->bytes);
	event_tail(u, b);
	PUT_KEY(b, "new_conn");
	lt_jsonw_bool(b, r->new_conn);
	if (r->http_version == CURL_HTTP_VERSION_2_0) {
		/* optional: only when HTTP/2 was negotiated */
		PUT_KEY(b, "http");
		lt_buf_addc(b, '2');
	}
	if (x->streaming) {
		PUT_KEY(b, "first_event_ms");
		if (r->first_chunk_us >= 0)
			lt_jsonw_fixed(b, r->first_chunk_us, 3);
		else
			lt_jsonw_null(b);
		PUT_KEY(b, "events");
		lt_jsonw_i64(b, r->events);
	}
	lt_buf_addc(b, '}');
	emit_end(u);
	u->ops->record(
	    u->ops_ctx, s->http->method, s->name, r->latency_us, failed);
	u->state = LT_U_TIMER;
	advance(u);
}

/* Expands the step's header lines into u->hdrs and links u->hn. */
static struct curl_slist *
build_headers(struct lt_user *u, const struct lt_http *h)
{
	size_t off[MAX_HEADERS], i, n = h->nheaders;

	if (n == 0)
		return NULL;
	if (n > MAX_HEADERS)
		n = MAX_HEADERS;
	if (u->hn_cap < n) {
		free(u->hn);
		u->hn = calloc(n, sizeof(*u->hn));
		u->hn_cap = u->hn ? n : 0;
		if (u->hn == NULL)
			return NULL;
	}
	lt_buf_reset(&u->hdrs);
	for (i = 0; i < n; i++) {
		off[i] = u->hdrs.len;
		lt_buf_add(
		    &u->hdrs, h->headers[i].name, h->headers[i].name_len);
		lt_buf_add(&u->hdrs, ": ", 2);
		lt_tmpl_expand(h->headers[i].value, &u->ctx, &u->hdrs);
		lt_buf_addc(&u->hdrs, '\0');
	}
	if (u->hdrs.data == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		u->hn[i].data = u->hdrs.data + off[i];
		u->hn[i].next = i + 1 < n ? &u->hn[i + 1] : NULL;
	}
	return u->hn;
}

static void
set_body(struct lt_user *u, CURL *e, const struct lt_http *h)
{
	const char *p;
	size_t n = 0;

	switch (h->body_kind) {
	case LT_BODY_NONE:
		if (strcmp(h->method, "POST") != 0)
			return;
		p = "";
		break;
	case LT_BODY_FILE:
		p = h->body_data;
		n = h->body_len;
		break;
	default:
		p = lt_tmpl_literal(h->body, &n);
		if (p == NULL) {
			lt_buf_reset(&u->reqbody);
			lt_tmpl_expand(h->body, &u->ctx, &u->reqbody);
			p = lt_buf_cstr(&u->reqbody);
			n = u->reqbody.len;
		}
		break;
	}
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)n);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, p);
}

static void
set_auth_tls(struct lt_user *u, CURL *e, const struct lt_http *h)
{
	struct lt_shard *sh = u->sh;

	if (h->auth == LT_AUTH_BASIC) {
		lt_buf_reset(&sh->tmp);
		lt_tmpl_expand(h->auth_user, &u->ctx, &sh->tmp);
		curl_easy_setopt(e, CURLOPT_USERNAME, lt_buf_cstr(&sh->tmp));
		lt_buf_reset(&sh->tmp);
		lt_tmpl_expand(h->auth_pass, &u->ctx, &sh->tmp);
		curl_easy_setopt(e, CURLOPT_PASSWORD, lt_buf_cstr(&sh->tmp));
		curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		u->auth_set = 1;
	} else if (u->auth_set) {
		curl_easy_setopt(e, CURLOPT_USERNAME, NULL);
		curl_easy_setopt(e, CURLOPT_PASSWORD, NULL);
		u->auth_set = 0;
	}
	if (h->tls.insecure || sh->opts->insecure || h->tls.cafile ||
	    h->tls.cert || h->tls.key || u->tls_set) {
		int verify = !(h->tls.insecure || sh->opts->insecure);

		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, (long)verify);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, verify ? 2L : 0L);
		curl_easy_setopt(e, CURLOPT_CAINFO, h->tls.cafile);
		curl_easy_setopt(e, CURLOPT_SSLCERT, h->tls.cert);
		curl_easy_setopt(e, CURLOPT_SSLKEY, h->tls.key);
		u->tls_set = h->tls.cafile || h->tls.cert || h->tls.key;
	}
}

/* Records a request that could not be started (no host, curl refused). */
static void
http_fail_now(struct lt_user *u, const char *url, const char *why)
{
	struct lt_shard *sh = u->sh;
	struct lt_buf *b = lt_evout_begin(&sh->out);

	event_head(u, b, u->step->http->method, url, strlen(url), 0, 0);
	PUT_KEY(b, "error");
	lt_jsonw_cstr(b, why);
	lt_buf_adds(b,
	    ",\"latency_ms\":0.000,\"ttfb_ms\":0.000,"
	    "\"connect_ms\":0.000,\"bytes\":0");
	event_tail(u, b);
	lt_buf_addc(b, '}');
	emit_end(u);
	u->ops->record(u->ops_ctx, u->step->http->method, u->step->name, 0, 1);
}

static long
timeout_ms(struct lt_user *u, const struct lt_http *h)
{
	double t = u->sh->opts->timeout_s;

	if (t > 0 && h->timeout_ms == LT_SCENARIO_DEFAULT_TIMEOUT_MS)
		return (long)(t * 1000);
	return h->timeout_ms;
}

static int
http_start(struct lt_user *u)
{
	struct lt_shard *sh = u->sh;
	const struct lt_http *h = u->step->http;
	CURL *e = u->x.easy;
	/* --host, else the class's host, else the scenario's */
	const char *host = sh->opts->host != NULL ? sh->opts->host
	    : u->c->host != NULL                  ? u->c->host
	                                          : sh->sc->host;

	lt_buf_reset(&sh->url);
	u->ctx.now_us = lt_http_real_us();
	if (lt_http_url(h, host, &u->ctx, &sh->url) != 0) {
		http_fail_now(u, lt_buf_cstr(&sh->url),
		    "http: no host for a relative URL (use -H URL)");
		return -1;
	}
	lt_http_set_url(&u->x, lt_buf_cstr(&sh->url), sh->url.len);
	curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, NULL);
	curl_easy_setopt(e, CURLOPT_NOBODY, 0L);
	if (strcmp(h->method, "HEAD") == 0)
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	else {
		set_body(u, e, h);
		if (strcmp(h->method, "GET") != 0 &&
		    strcmp(h->method, "POST") != 0)
			curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, h->method);
	}
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, build_headers(u, h));
	u->x.timeout_ms = timeout_ms(u, h); /* for lt-http's message */
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, u->x.timeout_ms);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, (long)h->follow_redirects);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, h->gzip ? "" : NULL);
	/* the step's "http2" setting; back to 1.1 for the next step */
	if (!sh->opts->http2 && (h->http2 || u->x.http2))
		curl_easy_setopt(e, CURLOPT_HTTP_VERSION,
		    h->http2 ? (long)CURL_HTTP_VERSION_2TLS
		             : (long)CURL_HTTP_VERSION_1_1);
	u->x.http2 = h->http2;
	set_auth_tls(u, e, h);
	u->x.want_body = needs_body(&u->step->checks);
	u->x.want_headers = needs_headers(&u->step->checks);
	u->x.streaming = h->stream == LT_STREAM_SSE;
	if (lt_http_start(&u->x) != 0) {
		http_fail_now(u, lt_buf_cstr(&sh->url),
		    "http: libcurl refused the request");
		return -1;
	}
	u->state = LT_U_BUSY;
	return 0;
}

/* --- exec ---------------------------------------------------------- */

static void exec_finish(struct lt_user *u, const char *interrupted);

static void
exec_out(struct ev_loop *loop, ev_io *w, int revents)
{
	struct lt_user *u = w->data;
	char buf[4096];
	ssize_t n;
	size_t room;

	(void)revents;
	for (;;) {
		n = read(u->outfd, buf, sizeof(buf));
		if (n > 0) {
			u->exec_bytes += n;
			room = u->x.body.cap - u->x.body.len;
			lt_buf_add(&u->x.body, buf,
			    (size_t)n < room ? (size_t)n : room);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0 || (n < 0 && errno != EAGAIN)) {
			ev_io_stop(loop, w);
			close(u->outfd);
			u->outfd = -1;
		}
		break;
	}
}

static void
exec_exited(struct ev_loop *loop, ev_io *w, int revents)
{
	struct lt_user *u = w->data;

	(void)loop;
	(void)revents;
	exec_finish(u, NULL);
}

static void
exec_timeout(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct lt_user *u = w->data;

	(void)loop;
	(void)revents;
	u->exec_timed_out = 1;
	/* the command's whole process group: sh -c's children too */
	kill(-u->pid, SIGKILL);
}

/* The first output line as a JSON object, or NULL. */
static json_t *
exec_json(struct lt_user *u)
{
	const char *p = u->x.body.data, *nl;
	size_t n = u->x.body.len;
	json_t *j;

	if (p == NULL)
		return NULL;
	nl = memchr(p, '\n', n);
	if (nl != NULL)
		n = (size_t)(nl - p);
	j = json_loadb(p, n, 0, NULL);
	if (j != NULL && !json_is_object(j)) {
		json_decref(j);
		j = NULL;
	}
	return j;
}

/*
 * Members of lt-events(5) (any event type: readers check their types)
 * that a command's "output json" cannot set.  The measurements
 * latency_ms, ttfb_ms, connect_ms and bytes are not among them: a
 * command may report its own, checked (see exec_meas).
 */
static const char *const exec_reserved[] = { "type", "ts", "name", "method",
	"url", "status", "ok", "error", "user", "class", "wait_ms", "exit",
	"tags", "new_conn", "http", "first_event_ms", "events", "count",
	"classes", "phase", "host", "reason", "scenario", "options", "worker",
	"state", "requests", "lt_version" };

static int
exec_member_kept(const char *k)
{
	size_t i;

	if (strcmp(k, "latency_ms") == 0 || strcmp(k, "ttfb_ms") == 0 ||
	    strcmp(k, "connect_ms") == 0 || strcmp(k, "bytes") == 0)
		return 0; /* written by exec_event, from exec_meas */
	for (i = 0; i < sizeof(exec_reserved) / sizeof(exec_reserved[0]); i++)
		if (strcmp(k, exec_reserved[i]) == 0)
			return 0;
	return 1;
}

/*
 * Reads the duration member k of j (milliseconds) into *us; 0 when it
 * is absent or valid, -1 when it is not a number in 0 .. 1e12 ms.
 */
static int
meas_ms(json_t *j, const char *k, int64_t *us)
{
	json_t *v = json_object_get(j, k);
	double d;

	if (v == NULL)
		return 0;
	if (!json_is_number(v))
		return -1;
	d = json_number_value(v);
	if (!(d >= 0 && d <= 1e12))
		return -1;
	*us = (int64_t)(d * 1000 + 0.5); /* half away from zero, d >= 0 */
	return 0;
}

/*
 * Takes the measurements a command reported in its output json; returns
 * NULL, or the reason the request fails (its reported value is unusable).
 */
static const char *
exec_meas(json_t *j, int64_t *lat, int64_t *ttfb, int64_t *conn, int64_t *bytes)
{
	json_t *v;

	if (meas_ms(j, "latency_ms", lat) != 0)
		return "exec: output json: latency_ms is not a number >= 0";
	/* a reported latency is the time to the first byte too, unless
	 * the command reports that */
	if (json_object_get(j, "latency_ms") != NULL)
		*ttfb = *lat;
	if (meas_ms(j, "ttfb_ms", ttfb) != 0)
		return "exec: output json: ttfb_ms is not a number >= 0";
	if (meas_ms(j, "connect_ms", conn) != 0)
		return "exec: output json: connect_ms is not a number >= 0";
	v = json_object_get(j, "bytes");
	if (v != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return "exec: output json: bytes is not an integer "
			       ">= 0";
		*bytes = json_integer_value(v);
	}
	return NULL;
}

/*
 * Writes the command's req event; cat and msg are the failure found so
 * far (timeout, interrupted, cannot start), or NULL.  status is the
 * exit status, -1 when the command did not start.
 */
static void
exec_event(struct lt_user *u, long status, int64_t lat_us, const char *cat,
    const char *msg)
{
	struct lt_shard *sh = u->sh;
	struct lt_buf *b;
	json_t *j = NULL, *v;
	const char *k, *cmd = u->step->name, *bad = NULL;
	int64_t ttfb_us = lat_us, conn_us = 0, bytes = u->exec_bytes;
	int failed = 0;
	char *s;

	/* output json: only from a command that ran to its end */
	if (cat == NULL && u->step->exec->output_json) {
		j = exec_json(u);
		if (j == NULL)
			bad = "exec: output is not a JSON object";
		else
			bad = exec_meas(j, &lat_us, &ttfb_us, &conn_us, &bytes);
	}
	if (cat != NULL) {
		failed = 1;
		lt_buf_reset(&sh->reason);
		lt_buf_printf(&sh->reason, "%s: %s", cat, msg);
	} else {
		if (u->x.body.data != NULL)
			lt_buf_cstr(&u->x.body);
		failed = judge(u, &u->step->checks, status, u->x.body.data,
		    u->x.body.len, NULL, 0, lat_us, 1);
		if (!failed && bad != NULL) {
			failed = 1;
			lt_buf_reset(&sh->reason);
			lt_buf_adds(&sh->reason, bad);
		}
	}
	b = lt_evout_begin(&sh->out);
	/* status 0: a command has no protocol status code (lt-events(5));
	 * its exit status goes in "exit" alone */
	event_head(u, b, "EXEC", cmd, strlen(cmd), 0, !failed);
	PUT_KEY(b, "error");
	if (failed)
		lt_jsonw_str(b, sh->reason.data, sh->reason.len);
	else
		lt_jsonw_null(b);
	PUT_KEY(b, "latency_ms");
	lt_jsonw_fixed(b, lat_us, 3);
	PUT_KEY(b, "ttfb_ms");
	lt_jsonw_fixed(b, ttfb_us, 3);
	PUT_KEY(b, "connect_ms");
	lt_jsonw_fixed(b, conn_us, 3);
	PUT_KEY(b, "bytes");
	lt_jsonw_i64(b, bytes);
	event_tail(u, b);
	if (status >= 0) { /* none when the command did not start */
		PUT_KEY(b, "exit");
		lt_jsonw_i64(b, status);
	}
	json_object_foreach(j, k, v)
	{
		if (!exec_member_kept(k))
			continue;
		s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		if (s == NULL)
			continue;
		put_key(b, k);
		lt_buf_adds(b, s);
		free(s);
	}
	if (j != NULL)
		json_decref(j);
	lt_buf_addc(b, '}');
	emit_end(u);
	u->ops->record(u->ops_ctx, "EXEC", cmd, lat_us, failed);
}

/*
 * When the command (its group's leader) has exited, kills what is left
 * of its process group (background children it did not wait for), then
 * reaps it into *st and returns 1; returns 0 when it still runs and
 * nohang is set.  The group is killed before the leader is reaped: the
 * unreaped leader keeps its PID, so the group ID cannot have been
 * reused by then.
 */
static int
exec_reap(pid_t pid, int *st, int nohang)
{
	siginfo_t si;

	for (;;) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)pid, &si,
		        WEXITED | WNOWAIT | (nohang ? WNOHANG : 0)) == 0)
			break;
		if (errno != EINTR)
			goto reap; /* cannot happen: it is our child */
	}
	if (si.si_pid == 0)
		return 0;
	kill(-pid, SIGKILL);
reap:
	while (waitpid(pid, st, 0) < 0 && errno == EINTR)
		;
	return 1;
}

static void
exec_finish(struct lt_user *u, const char *interrupted)
{
	struct ev_loop *loop = u->sh->loop;
	int st = 0;
	long status = -1;
	int64_t lat = lt_http_mono_us() - u->exec_t0_us;
	const char *cat = NULL, *msg = NULL;
	char sigmsg[64];

	if (interrupted != NULL)
		kill(-u->pid, SIGKILL);
	if (!exec_reap(u->pid, &st, interrupted == NULL))
		return; /* spurious: still running */
	ev_io_stop(loop, &u->pid_io);
	ev_timer_stop(loop, &u->exec_timer);
	close(u->pidfd);
	u->pidfd = -1;
	if (u->outfd >= 0) {
		exec_out(loop, &u->out_io, 0);
		if (u->outfd >= 0) {
			ev_io_stop(loop, &u->out_io);
			close(u->outfd);
			u->outfd = -1;
		}
	}
	if (WIFEXITED(st))
		status = WEXITSTATUS(st);
	else if (WIFSIGNALED(st))
		status = 128 + WTERMSIG(st);
	if (interrupted != NULL) {
		cat = "interrupted";
		msg = interrupted;
	} else if (u->exec_timed_out) {
		cat = "timeout";
		msg = "command timed out";
	} else if (WIFSIGNALED(st)) {
		snprintf(sigmsg, sizeof(sigmsg), "killed by signal %d",
		    WTERMSIG(st));
		cat = "exec";
		msg = sigmsg;
	}
	u->pid = 0;
	exec_event(u, status, lat, cat, msg);
	u->state = LT_U_TIMER;
	advance(u);
}

static int
exec_start(struct lt_user *u)
{
	struct lt_shard *sh = u->sh;
	const struct lt_exec *ex = u->step->exec;
	char *argv[MAX_ARGV + 1];
	size_t off[MAX_ARGV], i, n = ex->argc < MAX_ARGV ? ex->argc : MAX_ARGV;
	int fds[2], rc;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t sa;
	sigset_t dflt;

	lt_buf_reset(&sh->tmp);
	u->ctx.now_us = lt_http_real_us();
	for (i = 0; i < n; i++) {
		off[i] = sh->tmp.len;
		lt_tmpl_expand(ex->argv[i], &u->ctx, &sh->tmp);
		lt_buf_addc(&sh->tmp, '\0');
	}
	for (i = 0; i < n; i++)
		argv[i] = sh->tmp.data + off[i];
	argv[n] = NULL;
	lt_buf_reset(&u->x.body);
	u->exec_bytes = 0;
	u->exec_t0_us = lt_http_mono_us();
	u->exec_timed_out = 0;
	/* Only our end is non-blocking: the command's stdout must block,
	 * as any shell gives it, or writes past the pipe's 64 KB fail. */
	if (pipe2(fds, O_CLOEXEC) != 0)
		goto fail;
	if (fcntl(fds[0], F_SETFL, O_NONBLOCK) != 0) {
		close(fds[0]);
		close(fds[1]);
		goto fail;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	/* lt-run ignores SIGPIPE; the command gets the default back. */
	posix_spawnattr_init(&sa);
	sigemptyset(&dflt);
	sigaddset(&dflt, SIGPIPE);
	posix_spawnattr_setsigdefault(&sa, &dflt);
	/* its own process group, so that a timeout or a stop kills all
	 * it started (see exec_reap) */
	posix_spawnattr_setpgroup(&sa, 0);
	posix_spawnattr_setflags(
	    &sa, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
	rc = posix_spawnp(&u->pid, argv[0], &fa, &sa, argv, environ);
	posix_spawnattr_destroy(&sa);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (rc != 0) {
		u->pid = 0;
		close(fds[0]);
		errno = rc;
		goto fail;
	}
	u->pidfd = pidfd_open(u->pid, 0);
	if (u->pidfd < 0) {
		int e = errno;

		kill(-u->pid, SIGKILL);
		exec_reap(u->pid, &rc, 0);
		u->pid = 0;
		close(fds[0]);
		errno = e;
		goto fail;
	}
	u->outfd = fds[0];
	ev_io_init(&u->out_io, exec_out, u->outfd, EV_READ);
	u->out_io.data = u;
	ev_io_start(sh->loop, &u->out_io);
	ev_io_init(&u->pid_io, exec_exited, u->pidfd, EV_READ);
	u->pid_io.data = u;
	ev_io_start(sh->loop, &u->pid_io);
	if (ex->timeout_ms > 0) {
		ev_timer_init(
		    &u->exec_timer, exec_timeout, ex->timeout_ms / 1000.0, 0.);
		u->exec_timer.data = u;
		ev_timer_start(sh->loop, &u->exec_timer);
	}
	u->state = LT_U_BUSY;
	return 0;
fail:
	snprintf(sh->errline, sizeof(sh->errline), "cannot run %s: %s", argv[0],
	    strerror(errno));
	exec_event(
	    u, -1, lt_http_mono_us() - u->exec_t0_us, "exec", sh->errline);
	return -1;
}

/* --- the flow ------------------------------------------------------ */

static void
timer_fire(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct lt_user *u = w->data;

	(void)loop;
	(void)revents;
	advance(u);
}

static void
sleep_for(struct lt_user *u, double s)
{
	u->state = LT_U_TIMER;
	ev_timer_set(&u->timer, s, 0.);
	ev_timer_start(u->sh->loop, &u->timer);
}

/* Stamps the event time of the step about to start. */
static void
stamp(struct lt_user *u)
{
	struct lt_shard *sh = u->sh;
	int64_t now = lt_http_mono_us();

	if (!sh->open_model) {
		u->ts_us = lt_http_real_us();
		u->wait_us = -1;
	} else if (u->sched_first) {
		u->ts_us = sh->real0_us + (u->sched_us - sh->mono0_us);
		u->wait_us = now > u->sched_us ? now - u->sched_us : 0;
		u->sched_first = 0;
	} else {
		u->ts_us = lt_http_real_us();
		u->wait_us = 0;
	}
}

static void
run_step(struct lt_user *u)
{
	const struct lt_step *s = u->step;

	switch (s->kind) {
	case LT_STEP_HTTP:
		stamp(u);
		u->iter_reqs++;
		if (http_start(u) != 0)
			break;
		return;
	case LT_STEP_EXEC:
		stamp(u);
		u->iter_reqs++;
		if (exec_start(u) != 0)
			break;
		return;
	case LT_STEP_SLEEP:
		if (s->sleep_s > 0) {
			sleep_for(u, s->sleep_s);
			return;
		}
		break;
	case LT_STEP_SET:
		lt_buf_reset(&u->sh->tmp);
		u->ctx.now_us = lt_http_real_us();
		lt_tmpl_expand(s->set_value, &u->ctx, &u->sh->tmp);
		lt_vars_set(
		    &u->vars, s->set_var, u->sh->tmp.data, u->sh->tmp.len);
		break;
	}
	/* The step finished at once: continue on the next loop turn so a
	 * flow of instant steps cannot starve the loop. */
	sleep_for(u, 0.);
}

/* Called at an iteration's end; returns 1 when the user goes on now. */
static int
iteration_end(struct lt_user *u)
{
	struct lt_shard *sh = u->sh;
	double w;

	u->in_iter = 0;
	u->ctx.seq++;
	if (sh->open_model)
		return 1; /* the next step is held until scheduled */
	w = lt_wait_next(&u->c->wait, &u->rng, u->iter_start_s, mono_s());
	if (u->backoff && w < 0.1)
		w = 0.1;
	u->backoff = 0;
	if (w > 0 || u->iter_reqs == 0) {
		sleep_for(u, w > 0 ? w : 0.);
		return 0;
	}
	return 1;
}

/* Starts an iteration (a task step came); 0 when -i says stop. */
static int
iteration_begin(struct lt_user *u)
{
	struct lt_shard *sh = u->sh;
	long lim = sh->opts->iterations;

	u->in_iter = 1;
	u->iter_reqs = 0;
	u->iter_start_s = mono_s();
	if (lim > 0 && atomic_fetch_add(&sh->shared->iterations, 1) >= lim) {
		u->stopping = 1;
		return 0;
	}
	return 1;
}

/*
 * Runs the flow until the user waits for something: a request, a timer,
 * a schedule (open model: the first step of the next iteration is held
 * in u->held until lt_user_iterate), or its end.
 */
static void
advance(struct lt_user *u)
{
	struct lt_shard *sh = u->sh;
	int r;

	for (;;) {
		if (u->state == LT_U_DEAD)
			return;
		u->state = LT_U_TIMER;
		if (u->stopping && !u->stop_done) {
			u->stop_done = 1;
			u->held = NULL;
			if (u->stop_now) {
				die(u);
				return;
			}
			lt_cursor_stop(&u->cur);
		}
		if (u->held != NULL) {
			u->step = u->held;
			u->held = NULL;
		} else {
			r = lt_cursor_next(&u->cur, &u->rng, &u->step);
			if (r == LT_CUR_DONE) {
				die(u);
				return;
			}
			if (r == LT_CUR_ITERATION_END) {
				if (!iteration_end(u))
					return;
				continue;
			}
			if (u->cur.phase == LT_PHASE_TASKS && !u->in_iter &&
			    sh->open_model && !u->stopping) {
				u->held = u->step;
				u->state = LT_U_IDLE;
				u->ops->idle(u->ops_ctx, u);
				return;
			}
		}
		if (u->cur.phase == LT_PHASE_TASKS && !u->in_iter &&
		    !iteration_begin(u))
			continue;
		run_step(u);
		return;
	}
}

/* --- lifecycle ----------------------------------------------------- */

struct lt_user *
lt_user_new(struct lt_shard *sh, const struct lt_class *c, long id,
    const struct lt_user_ops *ops, void *ctx)
{
	struct lt_user *u;
	struct lt_err err;

	u = calloc(1, sizeof(*u));
	if (u == NULL)
		return NULL;
	u->sh = sh;
	u->ops = ops;
	u->ops_ctx = ctx;
	u->c = c;
	u->id = id;
	u->pidfd = -1;
	u->outfd = -1;
	u->wait_us = -1;
	lt_rng_seed(&u->rng, sh->opts->seed, (uint64_t)id);
	lt_cursor_init(&u->cur, c);
	lt_buf_init(&u->reqbody, USER_BODY_CAP);
	lt_buf_init(&u->hdrs, 64 << 10);
	ev_init(&u->timer, timer_fire);
	u->timer.data = u;
	ev_init(&u->exec_timer, exec_timeout);
	u->exec_timer.data = u;
	if (lt_http_xfer_init(
	        &sh->http, &u->x, USER_BODY_CAP, http_done, u, &err) != 0) {
		lt_buf_fini(&u->reqbody);
		lt_buf_fini(&u->hdrs);
		free(u);
		return NULL;
	}
	u->http_on = 1;
	u->ctx.user = (uint64_t)id;
	u->ctx.class_name = c->name;
	u->ctx.vars = &u->vars;
	u->ctx.rng = &u->rng;
	u->ctx.var_names = sh->sc->vars;
	u->ctx.now_us = lt_http_real_us();
	if (lt_scenario_user_init(sh->sc, c, sh->globals, &u->vars, &u->ctx) !=
	    0) {
		lt_user_free(u);
		return NULL;
	}
	return u;
}

void
lt_user_free(struct lt_user *u)
{
	if (u == NULL)
		return;
	if (u->sh->loop != NULL) {
		ev_timer_stop(u->sh->loop, &u->timer);
		ev_timer_stop(u->sh->loop, &u->exec_timer);
		if (u->pidfd >= 0)
			ev_io_stop(u->sh->loop, &u->pid_io);
		if (u->outfd >= 0)
			ev_io_stop(u->sh->loop, &u->out_io);
	}
	if (u->pid > 0) { /* a command still running: no orphans */
		int st;

		kill(-u->pid, SIGKILL);
		exec_reap(u->pid, &st, 0);
	}
	if (u->pidfd >= 0)
		close(u->pidfd);
	if (u->outfd >= 0)
		close(u->outfd);
	if (u->http_on)
		lt_http_xfer_fini(&u->x);
	lt_vars_fini(&u->vars);
	lt_buf_fini(&u->reqbody);
	lt_buf_fini(&u->hdrs);
	free(u->hn);
	free(u);
}

void
lt_user_start(struct lt_user *u)
{
	u->state = LT_U_TIMER;
	advance(u);
}

void
lt_user_iterate(struct lt_user *u, int64_t sched_mono_us)
{
	struct lt_shard *sh = u->sh;

	u->sched_us = sched_mono_us;
	u->sched_first = 1;
	u->state = LT_U_TIMER;
	if (u->held == NULL) {
		advance(u);
		return;
	}
	u->step = u->held;
	u->held = NULL;
	if (!iteration_begin(u)) {
		advance(u);
		return;
	}
	(void)sh;
	run_step(u);
}

void
lt_user_stop(struct lt_user *u, int now)
{
	u->stopping = 1;
	if (now) {
		u->stop_now = 1;
		u->stop_done = 0;
	}
	switch (u->state) {
	case LT_U_NEW:
		die(u);
		break;
	case LT_U_TIMER:
	case LT_U_IDLE:
		ev_timer_stop(u->sh->loop, &u->timer);
		advance(u);
		break;
	default:
		break;
	}
}

void
lt_user_interrupt(struct lt_user *u, const char *why)
{
	if (u->state != LT_U_BUSY)
		return;
	if (u->x.busy)
		lt_http_cancel(&u->x, why);
	else if (u->pid > 0)
		exec_finish(u, why);
}

int
lt_user_alive(const struct lt_user *u)
{
	return u->state != LT_U_DEAD;
}

const struct lt_class *
lt_user_class(const struct lt_user *u)
{
	return u->c;
}
