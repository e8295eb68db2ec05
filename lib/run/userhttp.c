/*
 * userhttp.c - a user's HTTP step: the request expanded into the user's
 * own buffers (URL, headers, body, auth and TLS options on its easy
 * handle), started on the shard's multi handle, and its completion turned
 * into one req event and a statistics record.
 *
 * Nothing here allocates per request once the user's buffers have grown:
 * URLs are expanded into the shard's scratch buffer (libcurl copies
 * CURLOPT_URL), bodies and header lines into the user's own buffers,
 * which must stay put while the transfer runs (CURLOPT_POSTFIELDS and
 * CURLOPT_HTTPHEADER are not copied).
 */
#include <jansson.h>
#include <string.h>
#include <strings.h>

#include "core/jsonw.h"
#include "run/llm.h"
#include "run/secret.h"
#include "run/user.h"
#include "run/userpriv.h"

#define MAX_HEADERS 64

/* --- HTTP ---------------------------------------------------------- */

void
user_http_done(struct lt_http_xfer *x, void *arg)
{
	struct lt_user *u = arg;
	struct lt_shard *sh = u->sh;
	const struct lt_step *s = u->step;
	const struct lt_http_result *r = &x->res;
	struct lt_buf *b;
	char *url = NULL;
	int failed, judged = 0;
	const char *err_cat = NULL, *err_msg = NULL;
	size_t err_len = 0;

	if (x->llm != NULL && x->streaming &&
	    lt_llm_end(x->llm, r->category, r->status, &err_cat, &err_msg)) {
		failed = 1; /* the stream's own failure (run/llm.h) */
		err_len = strlen(err_msg);
	} else if (r->category != NULL) {
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
		failed = user_judge(u, &s->checks, r->status, x->body.data,
		    x->body.len, x->headers.data, x->headers.len, r->latency_us,
		    0);
		judged = 1;
		if (failed) {
			err_msg = lt_buf_cstr(&sh->reason);
			err_len = sh->reason.len;
		}
	}
	curl_easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &url);
	b = lt_evout_begin(&sh->out);
	user_event_head(u, b, s->http->method, url ? url : "",
	    url ? strlen(url) : 0, r->status, !failed);
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
	PUT_KEY(b, "bytes_sent");
	lt_jsonw_i64(b, r->bytes_sent);
	user_event_tail(u, b);
	if (judged)
		user_put_checks(u, b, &s->checks);
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
		if (x->llm != NULL)
			lt_llm_put(x->llm, b, x->t0_us);
	}
	lt_buf_addc(b, '}');
	user_emit_end(u);
	/* an interrupted request has no response time (as in lt-agg) */
	u->ops->record(u->ops_ctx, s->http->method, user_step_name(u),
	    err_cat && strcmp(err_cat, "interrupted") == 0 ? -1 : r->latency_us,
	    failed);
	u->state = LT_U_TIMER;
	user_advance(u);
}

/*
 * Whether the header line at p makes libcurl send the body apart from the
 * headers (Expect: 100-continue, Transfer-Encoding): see http_finish.
 */
static int
body_apart(const char *p, size_t name_len)
{
	if (name_len == 17)
		return strncasecmp(p, "Transfer-Encoding", 17) == 0;
	return name_len == 6 && strncasecmp(p, "Expect", 6) == 0 &&
	    strcasestr(p + 6, "100-continue") != NULL;
}

/* Expands the step's header lines into u->hdrs and links u->hn. */
static struct curl_slist *
build_headers(struct lt_user *u, const struct lt_http *h)
{
	size_t off[MAX_HEADERS], i, n = h->nheaders;

	u->x.body_apart = 0;
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
		if (body_apart(u->hdrs.data + off[i], h->headers[i].name_len))
			u->x.body_apart = 1;
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

/* What basic auth the easy handle carries (user->auth_set). */
enum {
	LT_UAUTH_BASE, /* -H's credentials, if any (as the easy was made) */
	LT_UAUTH_STEP, /* the step's own "auth basic" */
	LT_UAUTH_NONE, /* none: a URL of another origin than -H's */
};

/*
 * The step's own "auth basic", else the credentials of -H (or of the
 * scenario's host) when the URL goes to their origin, else none: like
 * CURLOPT_UNRESTRICTED_AUTH=0 for redirects, an absolute URL to another
 * host or port never gets them.  Options are set only on a change.
 */
static void
set_auth(struct lt_user *u, CURL *e, const struct lt_http *h)
{
	struct lt_shard *sh = u->sh;
	const struct lt_run_opts *o = sh->opts;
	int want;

	if (h->auth == LT_AUTH_BASIC) {
		lt_buf_reset(&sh->tmp);
		lt_tmpl_expand(h->auth_user, &u->ctx, &sh->tmp);
		curl_easy_setopt(e, CURLOPT_USERNAME, lt_buf_cstr(&sh->tmp));
		lt_buf_reset(&sh->tmp);
		lt_tmpl_expand(h->auth_pass, &u->ctx, &sh->tmp);
		curl_easy_setopt(e, CURLOPT_PASSWORD, lt_buf_cstr(&sh->tmp));
		curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		u->auth_set = LT_UAUTH_STEP;
		return;
	}
	want = LT_UAUTH_NONE;
	if (o->username != NULL &&
	    (!h->url_absolute ||
	        (o->host != NULL &&
	            lt_secret_same_origin(sh->url.data, sh->url.len, o->host))))
		want = LT_UAUTH_BASE;
	if (u->auth_set == want)
		return;
	if (want == LT_UAUTH_BASE) {
		/* as lt_http_xfer_init set them: not NULL, which would wipe
		 * them for every later request (issue 12) */
		curl_easy_setopt(e, CURLOPT_USERNAME, o->username);
		curl_easy_setopt(e, CURLOPT_PASSWORD,
		    o->password != NULL ? o->password : "");
	} else {
		curl_easy_setopt(e, CURLOPT_USERNAME, NULL);
		curl_easy_setopt(e, CURLOPT_PASSWORD, NULL);
	}
	u->auth_set = (unsigned)want;
}

static void
set_auth_tls(struct lt_user *u, CURL *e, const struct lt_http *h)
{
	struct lt_shard *sh = u->sh;

	set_auth(u, e, h);
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

	user_event_head(u, b, u->step->http->method, url, strlen(url), 0, 0);
	PUT_KEY(b, "error");
	lt_jsonw_cstr(b, why);
	lt_buf_adds(b,
	    ",\"latency_ms\":0.000,\"ttfb_ms\":0.000,"
	    "\"connect_ms\":0.000,\"bytes\":0,\"bytes_sent\":0");
	user_event_tail(u, b);
	lt_buf_addc(b, '}');
	user_emit_end(u);
	u->ops->record(
	    u->ops_ctx, u->step->http->method, user_step_name(u), 0, 1);
}

static long
timeout_ms(struct lt_user *u, const struct lt_http *h)
{
	double t = u->sh->opts->timeout_s;

	if (t > 0 && h->timeout_ms == LT_SCENARIO_DEFAULT_TIMEOUT_MS)
		return (long)(t * 1000);
	return h->timeout_ms;
}

int
user_http_start(struct lt_user *u)
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
	u->x.want_body = user_needs_body(&u->step->checks);
	u->x.want_headers = user_needs_headers(&u->step->checks);
	u->x.streaming = h->stream != LT_STREAM_NONE;
	if (lt_llm_setup(&u->x, sh->loop, h->stream == LT_STREAM_OPENAI,
	        h->stream_timeout_ms) != 0) {
		http_fail_now(u, lt_buf_cstr(&sh->url), "http: out of memory");
		return -1;
	}
	if (lt_http_start(&u->x) != 0) {
		http_fail_now(u, lt_buf_cstr(&sh->url),
		    "http: libcurl refused the request");
		return -1;
	}
	u->state = LT_U_BUSY;
	return 0;
}
