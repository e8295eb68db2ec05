/*
 * routes.c - the endpoints of lt-target (see lt-target(1)).
 *
 * A table maps paths to handlers; "/" is tested first because it is what
 * the benchmarks hammer.  Handlers build JSON bodies in the server's
 * scratch buffer (reused, so no allocation per request) and never keep
 * pointers into the request, whose views die when they return.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/jsonw.h"
#include "target.h"

#define DELAY_MAX_MS  600000.0
#define STREAM_MAX_MS 60000.0
#define PIECES_MAX    1000000
#define CHUNK_MAX     (1024 * 1024)
#define JSON_MAX      100000
#define ID_MAX        1000000000000000ULL

typedef void route_fn(struct tg_conn *c, struct tg_req *r);

struct route {
	const char *path;
	int prefix; /* matches every path that starts with it */
	route_fn *fn;
};

static void
bad(struct tg_conn *c, const struct tg_req *r, const char *why)
{
	tg_reply_str(c, r, 400, "text/plain", NULL, why);
}

static void
r_root(struct tg_conn *c, struct tg_req *r)
{
	tg_reply(c, r, 200, "text/plain", NULL, "hello from lt-target\n", 21);
}

static void
r_ok(struct tg_conn *c, struct tg_req *r)
{
	tg_reply(c, r, 200, "text/plain", NULL, "ok\n", 3);
}

static void
r_not_found(struct tg_conn *c, struct tg_req *r)
{
	tg_reply(c, r, 404, "text/plain", NULL, "not found\n", 10);
}

static void
r_bytes(struct tg_conn *c, struct tg_req *r)
{
	uint64_t n;

	if (tg_query_u64(r->query, "n", 1024, TG_GEN_CAP, &n) != 0) {
		bad(c, r, "n: expected 0..67108864\n");
		return;
	}
	if (tg_reply_head(
	        c, r, 200, "application/octet-stream", NULL, (int64_t)n) >= 0)
		tg_conn_stream(c, TG_GEN_BYTES, n, 0, 0, 0);
}

/* Reads the delay of a /delay request; returns 0 or -1 (bad parameters). */
static int
delay_ms(struct tg_conn *c, const struct tg_req *r, double *ms)
{
	char dist[16];
	double mean, sd, lo, hi;
	long n;

	n = tg_query_get(r->query, "dist", dist, sizeof(dist));
	if (n == -1)
		return tg_query_num(r->query, "ms", 0, DELAY_MAX_MS, ms);
	if (n < 0 ||
	    tg_query_num(r->query, "mean", 100, DELAY_MAX_MS, &mean) != 0 ||
	    tg_query_num(r->query, "sd", mean / 4, DELAY_MAX_MS, &sd) != 0 ||
	    tg_query_num(r->query, "min", -1, DELAY_MAX_MS, &lo) != 0 ||
	    tg_query_num(r->query, "max", -1, DELAY_MAX_MS, &hi) != 0)
		return -1;
	if (lo >= 0 && hi >= 0 && lo > hi)
		return -1;
	return tg_rng_delay(
	    &tg_conn_server(c)->rng, dist, mean, sd, lo, hi, ms);
}

static void
r_delay(struct tg_conn *c, struct tg_req *r)
{
	struct lt_buf *b = &tg_conn_server(c)->scratch;
	char extra[64];
	double ms;
	int64_t us;

	if (delay_ms(c, r, &ms) != 0) {
		bad(c, r,
		    "expected ms=N or dist=exp|uniform|normal&mean=M"
		    "[&sd=S][&min=A&max=B]\n");
		return;
	}
	us = (int64_t)llround((ms > DELAY_MAX_MS ? DELAY_MAX_MS : ms) * 1000);
	lt_buf_reset(b);
	lt_buf_adds(b, "{\"delay_ms\":");
	lt_jsonw_fixed(b, us, 3);
	lt_buf_adds(b, "}\n");
	snprintf(extra, sizeof(extra), "X-Delay-Ms: %lld.%03lld\r\n",
	    (long long)(us / 1000), (long long)(us % 1000));
	tg_conn_hold(c, (double)us / 1000.0);
	tg_reply_json(c, r, 200, extra);
}

static void
r_status(struct tg_conn *c, struct tg_req *r)
{
	uint64_t code;
	char body[64];

	if (tg_query_u64(r->query, "code", 200, 599, &code) != 0 ||
	    code < 200) {
		bad(c, r, "code: expected 200..599\n");
		return;
	}
	snprintf(body, sizeof(body), "%d %s\n", (int)code,
	    tg_status_text((int)code));
	tg_reply_str(c, r, (int)code, "text/plain", NULL, body);
}

static int
same_name(const struct tg_hdr *a, const struct tg_hdr *b)
{
	return a->name.n == b->name.n &&
	    strncasecmp(a->name.p, b->name.p, a->name.n) == 0;
}

/*
 * Appends the headers of r as a JSON object: names lowercased, the values
 * of repeated names joined with ", " (RFC 9110 5.3).
 */
static int
echo_headers(struct tg_server *s, const struct tg_req *r)
{
	struct lt_buf *b = &s->scratch, *v = &s->tmp;
	const struct tg_hdr *h;
	int i, j, rc = 0, first = 1;
	size_t k;

	rc |= lt_buf_addc(b, '{');
	for (i = 0; i < r->nhdrs; i++) {
		h = &r->hdrs[i];
		for (j = 0; j < i; j++)
			if (same_name(&r->hdrs[j], h))
				break;
		if (j < i)
			continue; /* merged into the first one */
		lt_buf_reset(v);
		for (j = i; j < r->nhdrs; j++) {
			if (!same_name(&r->hdrs[j], h))
				continue;
			if (j > i)
				rc |= lt_buf_add(v, ", ", 2);
			rc |= lt_buf_add(
			    v, r->hdrs[j].value.p, r->hdrs[j].value.n);
		}
		if (!first)
			rc |= lt_buf_addc(b, ',');
		first = 0;
		/* Names are tokens: nothing in them needs escaping. */
		rc |= lt_buf_addc(b, '"');
		for (k = 0; k < h->name.n; k++)
			rc |= lt_buf_addc(
			    b, (char)tolower((unsigned char)h->name.p[k]));
		rc |= lt_buf_add(b, "\":", 2);
		rc |= lt_jsonw_str(b, v->len > 0 ? v->data : "", v->len);
	}
	rc |= lt_buf_addc(b, '}');
	return rc;
}

static void
r_echo(struct tg_conn *c, struct tg_req *r)
{
	struct tg_server *s = tg_conn_server(c);
	struct lt_buf *b = &s->scratch;
	int rc = 0;

	lt_buf_reset(b);
	rc |= lt_buf_adds(b, "{\"method\":");
	rc |= lt_jsonw_str(b, r->method.p, r->method.n);
	rc |= lt_buf_adds(b, ",\"path\":");
	rc |= lt_jsonw_str(b, r->path.p, r->path.n);
	rc |= lt_buf_adds(b, ",\"query\":");
	rc |= lt_jsonw_str(b, r->query.p, r->query.n);
	rc |= lt_buf_adds(b, ",\"headers\":");
	rc |= echo_headers(s, r);
	rc |= lt_buf_adds(b, ",\"body\":");
	rc |= lt_jsonw_str(b, r->body, r->body_len);
	rc |= lt_buf_adds(b, "}\n");
	if (rc != 0) {
		tg_reply_str(c, r, 500, "text/plain", NULL, "too large\n");
		return;
	}
	tg_reply_json(c, r, 200, NULL);
}

static void
r_chunked(struct tg_conn *c, struct tg_req *r)
{
	uint64_t n, size;
	double ms;
	int chunked;

	if (tg_query_u64(r->query, "n", 4, PIECES_MAX, &n) != 0 ||
	    tg_query_u64(r->query, "size", 16, CHUNK_MAX, &size) != 0 ||
	    size == 0 || n * size > TG_GEN_CAP ||
	    tg_query_num(r->query, "ms", 0, STREAM_MAX_MS, &ms) != 0) {
		bad(c, r,
		    "expected n=N&size=S[&ms=D], S 1..1048576, "
		    "N*S <= 64 MiB\n");
		return;
	}
	chunked = tg_reply_head(c, r, 200, "text/plain", NULL, -1);
	if (chunked >= 0)
		tg_conn_stream(c, TG_GEN_CHUNKS, n, (size_t)size, ms, chunked);
}

static void
r_sse(struct tg_conn *c, struct tg_req *r)
{
	uint64_t n;
	double ms;
	int chunked;

	if (tg_query_u64(r->query, "n", 3, PIECES_MAX, &n) != 0 ||
	    tg_query_num(r->query, "ms", 100, STREAM_MAX_MS, &ms) != 0) {
		bad(c, r, "expected n=N&ms=D\n");
		return;
	}
	chunked = tg_reply_head(
	    c, r, 200, "text/event-stream", "Cache-Control: no-cache\r\n", -1);
	if (chunked >= 0)
		tg_conn_stream(c, TG_GEN_SSE, n, 0, ms, chunked);
}

static void
r_close(struct tg_conn *c, struct tg_req *r)
{
	r->keep_alive = 0;
	tg_reply(c, r, 200, "text/plain", NULL, "closing\n", 8);
}

static void
r_reset(struct tg_conn *c, struct tg_req *r)
{
	(void)r;
	tg_conn_reset(c);
}

static void
r_stall(struct tg_conn *c, struct tg_req *r)
{
	(void)r;
	tg_conn_stall(c);
}

static void
r_counts(struct tg_conn *c, struct tg_req *r)
{
	struct tg_server *s = tg_conn_server(c);

	lt_buf_reset(&s->scratch);
	if (tg_counts_json(&s->counts, &s->scratch) != 0 ||
	    lt_buf_addc(&s->scratch, '\n') != 0) {
		tg_reply_str(c, r, 500, "text/plain", NULL, "too large\n");
		return;
	}
	tg_reply_json(c, r, 200, NULL);
}

/* A made-up but stable price in cents for an id: 1.00 to 999.99. */
static int64_t
price_cents(uint64_t id)
{
	return (int64_t)((id * 7919) % 99900 + 100);
}

/* Appends {"id":ID[,"name":"PREFIX ID"],"price":P}. */
static int
add_item(struct lt_buf *b, uint64_t id, const char *prefix)
{
	int rc = 0;

	rc |= lt_buf_adds(b, "{\"id\":");
	rc |= lt_jsonw_u64(b, id);
	if (prefix != NULL) {
		rc |= lt_buf_adds(b, ",\"name\":\"");
		rc |= lt_buf_adds(b, prefix);
		rc |= lt_buf_addc(b, ' ');
		rc |= lt_jsonw_u64(b, id);
		rc |= lt_buf_addc(b, '"');
	}
	rc |= lt_buf_adds(b, ",\"price\":");
	rc |= lt_jsonw_fixed(b, price_cents(id), 2);
	rc |= lt_buf_addc(b, '}');
	return rc;
}

/* Answers a JSON array of n items with ids 1..n. */
static void
item_list(struct tg_conn *c, struct tg_req *r, uint64_t n, const char *prefix)
{
	struct lt_buf *b = &tg_conn_server(c)->scratch;
	uint64_t i;
	int rc = 0;

	lt_buf_reset(b);
	rc |= lt_buf_addc(b, '[');
	for (i = 1; i <= n && rc == 0; i++) {
		if (i > 1)
			rc |= lt_buf_addc(b, ',');
		rc |= add_item(b, i, prefix);
	}
	rc |= lt_buf_adds(b, "]\n");
	if (rc != 0) {
		tg_reply_str(c, r, 500, "text/plain", NULL, "too large\n");
		return;
	}
	tg_reply_json(c, r, 200, NULL);
}

static void
r_json(struct tg_conn *c, struct tg_req *r)
{
	uint64_t n;

	if (tg_query_u64(r->query, "n", 10, JSON_MAX, &n) != 0) {
		bad(c, r, "n: expected 0..100000\n");
		return;
	}
	item_list(c, r, n, NULL);
}

static void
r_products(struct tg_conn *c, struct tg_req *r)
{
	uint64_t n;

	if (tg_query_u64(r->query, "n", 20, JSON_MAX, &n) != 0) {
		bad(c, r, "n: expected 0..100000\n");
		return;
	}
	item_list(c, r, n, "product");
}

/* /items/ID and /products/ID. */
static void
r_item(struct tg_conn *c, struct tg_req *r)
{
	struct lt_buf *b = &tg_conn_server(c)->scratch;
	int items = r->path.p[1] == 'i';
	size_t skip = items ? 7 : 10;
	struct tg_str id = { r->path.p + skip, r->path.n - skip };
	uint64_t v;

	if (tg_parse_u64(id, ID_MAX, &v) != 0) {
		r_not_found(c, r);
		return;
	}
	lt_buf_reset(b);
	if (add_item(b, v, items ? "item" : "product") != 0 ||
	    lt_buf_addc(b, '\n') != 0) {
		tg_conn_fail(c);
		return;
	}
	tg_reply_json(c, r, 200, NULL);
}

static void
r_cart(struct tg_conn *c, struct tg_req *r)
{
	if (tg_str_eq(r->method, "GET") || r->head)
		tg_reply_str(
		    c, r, 200, "application/json", NULL, "{\"items\":[]}\n");
	else
		tg_reply_str(
		    c, r, 200, "application/json", NULL, "{\"ok\":true}\n");
}

static void
r_checkout(struct tg_conn *c, struct tg_req *r)
{
	struct tg_server *s = tg_conn_server(c);

	if (!tg_str_eq(r->method, "POST")) {
		tg_reply_str(
		    c, r, 405, "text/plain", "Allow: POST\r\n", "use POST\n");
		return;
	}
	lt_buf_reset(&s->scratch);
	lt_buf_adds(&s->scratch, "{\"order\":");
	lt_jsonw_u64(&s->scratch, ++s->orders);
	lt_buf_adds(&s->scratch, "}\n");
	tg_reply_json(c, r, 200, NULL);
}

static const struct route routes[] = {
	{ "/ok", 0, r_ok },
	{ "/bytes", 0, r_bytes },
	{ "/delay", 0, r_delay },
	{ "/status", 0, r_status },
	{ "/login", 0, tg_route_login },
	{ "/secure", 0, tg_route_secure },
	{ "/secure/", 1, tg_route_secure },
	{ "/cookie/", 1, tg_route_cookie },
	{ "/echo", 0, r_echo },
	{ "/chunked", 0, r_chunked },
	{ "/sse", 0, r_sse },
	{ "/close", 0, r_close },
	{ "/reset", 0, r_reset },
	{ "/stall", 0, r_stall },
	{ "/counts", 0, r_counts },
	{ "/json", 0, r_json },
	{ "/items/", 1, r_item },
	{ "/products", 0, r_products },
	{ "/products/", 1, r_item },
	{ "/cart", 0, r_cart },
	{ "/checkout", 0, r_checkout },
	{ "/v1/chat/completions", 0, tg_route_llm },
	{ "/v1/completions", 0, tg_route_llm },
};

void
tg_route(struct tg_conn *c, struct tg_req *r)
{
	size_t i, n;

	if (r->path.n == 1 && r->path.p[0] == '/') {
		r_root(c, r);
		return;
	}
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		n = strlen(routes[i].path);
		if (routes[i].prefix ? r->path.n >= n : r->path.n == n) {
			if (memcmp(r->path.p, routes[i].path, n) == 0) {
				routes[i].fn(c, r);
				return;
			}
		}
	}
	r_not_found(c, r);
}
