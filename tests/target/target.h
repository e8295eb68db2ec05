/*
 * target.h - shared declarations of lt-target, the HTTP/1.1 server fixture
 * that the pipeline tests, `make demo` and the benchmarks run against.
 *
 * One libev loop, non-blocking sockets, one struct tg_conn per connection
 * whose input and output buffers are reused from request to request, so the
 * common path (parse, route, answer) does not allocate.  A parsed request
 * is a set of string views into the connection's input buffer, valid only
 * while its handler runs: handlers copy what they need to keep.
 *
 * Files: main.c (options, listening socket, signals, exit report), conn.c
 * (connection life cycle, pipelining, deferred and streamed responses),
 * httpparse.c (request head and chunked body parser), reply.c (response
 * framing), routes.c (endpoints), auth.c (login, tokens, cookies),
 * query.c (query strings and numbers), counts.c (per-path request
 * counts), rng.c (the seeded PRNG behind /delay distributions), llm.c
 * (OpenAI-compatible streaming endpoints).
 */
#ifndef LT_TARGET_H
#define LT_TARGET_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <ev.h>

#include "core/buf.h"

/* Limits: a longer request head gets 431, a larger body 413. */
#define TG_HEAD_CAP    (16 * 1024)
#define TG_MAX_HEADERS 64
#define TG_BODY_CAP    (1024 * 1024)
/* Largest generated body (/bytes, /chunked) and largest built one. */
#define TG_GEN_CAP ((uint64_t)64 * 1024 * 1024)
#define TG_OUT_CAP (16 * 1024 * 1024)

/* A string view; not NUL-terminated. */
struct tg_str {
	const char *p;
	size_t n;
};

struct tg_hdr {
	struct tg_str name;
	struct tg_str value;
};

/* A parsed request: views into the connection's input buffer. */
struct tg_req {
	struct tg_str method;
	struct tg_str path;     /* without the query, as sent */
	struct tg_str query;    /* after '?', empty when none */
	int minor;              /* HTTP/1.minor: 0 or 1 */
	int keep_alive;         /* the connection may serve another request */
	int head;               /* HEAD: no body in the response */
	int chunked;            /* Transfer-Encoding: chunked */
	int expect_continue;    /* Expect: 100-continue */
	int64_t content_length; /* -1 when absent */
	struct tg_hdr hdrs[TG_MAX_HEADERS];
	int nhdrs;
	struct tg_str cookie; /* Cookie header, empty when none */
	struct tg_str auth;   /* Authorization header */
	struct tg_str ctype;  /* Content-Type header */
	const char *body;     /* decoded request body */
	size_t body_len;
};

/* Results of the parsers: > 0 done, 0 needs more input, < 0 an error. */
enum tg_parse {
	TG_PARSE_OK = 1,
	TG_PARSE_AGAIN = 0,
	TG_PARSE_BAD = -1,        /* 400 */
	TG_PARSE_TOO_BIG = -2,    /* head: 431, body: 413 */
	TG_PARSE_VERSION = -3,    /* 505 */
	TG_PARSE_UNSUPPORTED = -4 /* 501: a transfer coding we lack */
};

/* Per-path request counts. */
struct tg_count_slot {
	char *key; /* owned, NUL-terminated; NULL when the slot is free */
	size_t len;
	uint64_t hash;
	uint64_t n;
};

struct tg_counts {
	struct tg_count_slot *slots;
	size_t cap; /* a power of two */
	size_t used;
	uint64_t total;
};

struct tg_conn;

/* The server: everything lives on its one loop. */
struct tg_server {
	struct ev_loop *loop;
	int lfd;
	ev_io lio;
	ev_timer accept_retry; /* re-arms accepting after EMFILE */
	struct tg_conn *conns; /* all open connections */
	struct tg_counts counts;
	uint64_t rng;          /* PRNG state (rng.c) */
	struct lt_buf scratch; /* response bodies built by handlers */
	struct lt_buf tmp;     /* handlers' temporary strings */
	uint64_t orders;       /* POST /checkout sequence */
	FILE *llm_log;         /* --llm-log: each token's send time, or NULL */
};

/* httpparse.c */

/*
 * Parses the request head at p[0..len).  *scanned is the caller's memory of
 * how many bytes were already searched (0 for a new request); it is
 * updated when the head is incomplete.  Returns TG_PARSE_OK with *r filled
 * (views into p) and *head_len the head's size including leading empty
 * lines, TG_PARSE_AGAIN, or an error.  Does not look at the body.
 */
int tg_parse_head(const char *p, size_t len, size_t *scanned, struct tg_req *r,
    size_t *head_len);

/*
 * Scans a chunked body at p[0..len) without changing it.  Returns
 * TG_PARSE_OK with *raw_len the bytes it spans (trailers included) and
 * *body_len the decoded size, TG_PARSE_AGAIN, TG_PARSE_BAD, or
 * TG_PARSE_TOO_BIG when the decoded size would pass TG_BODY_CAP.
 */
int tg_chunked_scan(
    const char *p, size_t len, size_t *raw_len, size_t *body_len);

/* Decodes a body that tg_chunked_scan accepted, in place; returns its size. */
size_t tg_chunked_decode(char *p, size_t raw_len);

/* Case-insensitive comparison of a view with a NUL-terminated string. */
int tg_str_ieq(struct tg_str s, const char *lit);

/* Exact comparison of a view with a NUL-terminated string. */
int tg_str_eq(struct tg_str s, const char *lit);

/* The value of hex digit c, or -1 when c is none. */
int tg_hexval(int c);

/* Returns the value of header name (case-insensitive), or an empty view. */
struct tg_str tg_req_header(const struct tg_req *r, const char *name);

/* query.c */

/*
 * Looks up parameter name in the query (or form body) q and writes its
 * percent-decoded value ('+' is a space) to out, NUL-terminated.  Returns
 * its length, -1 when absent, -2 when it does not fit in cap bytes.
 */
long tg_query_get(struct tg_str q, const char *name, char *out, size_t cap);

/*
 * Reads an unsigned decimal parameter into *v: def when absent.  Returns 0,
 * or -1 when it is not a number or exceeds max.
 */
int tg_query_u64(
    struct tg_str q, const char *name, uint64_t def, uint64_t max, uint64_t *v);

/* Like tg_query_u64 for a non-negative decimal number (e.g. 12.5). */
int tg_query_num(
    struct tg_str q, const char *name, double def, double max, double *v);

/* Parses all of s as an unsigned decimal <= max.  Returns 0 or -1. */
int tg_parse_u64(struct tg_str s, uint64_t max, uint64_t *v);

/* counts.c */

void tg_counts_init(struct tg_counts *c);
void tg_counts_fini(struct tg_counts *c);

/* Counts one request for path (may allocate the first time a path is seen). */
void tg_counts_add(struct tg_counts *c, const char *path, size_t len);

/*
 * Appends {"total":N,"paths":{...}} (paths sorted) to b.  Returns 0, or -1
 * when b is full or memory runs out.
 */
int tg_counts_json(const struct tg_counts *c, struct lt_buf *b);

/* rng.c */

/* Seeds the generator. */
void tg_rng_seed(uint64_t *state, uint64_t seed);

/* Returns a uniform double in [0, 1). */
double tg_rng_unit(uint64_t *state);

/*
 * Draws a delay in milliseconds for /delay: dist is "exp", "uniform" or
 * "normal"; min and max (negative when absent) clamp the result.  Returns
 * 0, or -1 for an unknown distribution.
 */
int tg_rng_delay(uint64_t *state, const char *dist, double mean, double sd,
    double min, double max, double *ms);

/* conn.c: what handlers may do with their connection. */

/* Starts serving the accepted socket fd (non-blocking). */
void tg_conn_open(struct tg_server *s, int fd);

/* Closes every connection (shutdown). */
void tg_conn_close_all(struct tg_server *s);

/* The server a connection belongs to. */
struct tg_server *tg_conn_server(struct tg_conn *c);

/*
 * Holds back the response that the handler is about to write for ms
 * milliseconds (a libev timer); later requests wait behind it.
 */
void tg_conn_hold(struct tg_conn *c, double ms);

/* Generated bodies for tg_conn_stream. */
enum tg_gen {
	TG_GEN_BYTES,  /* count bytes of 'x' */
	TG_GEN_CHUNKS, /* count chunks of size bytes of 'x' */
	TG_GEN_SSE,    /* count events data: {"i":k} */
	TG_GEN_FN      /* pieces made by a function, see tg_conn_stream_fn */
};

/* What a piece maker returns (tg_conn_stream_fn). */
enum tg_gen_status {
	TG_GEN_MORE = 0,  /* call again after *next_ms */
	TG_GEN_END = 1,   /* that was the last piece: end the body */
	TG_GEN_STALL = 2, /* send nothing more, keep the connection open */
};

/*
 * Appends the next piece of a body to out (may append nothing) and sets
 * *next_ms, the delay before the next call.  Returns a tg_gen_status, or
 * -1 to drop the connection.
 */
typedef int tg_gen_fn(void *arg, struct lt_buf *out, double *next_ms);

/*
 * Answers with a generated body after the response head that the handler
 * wrote with tg_reply_head: every interval_ms one piece, or as fast as the
 * client reads when interval_ms is 0.  chunked frames pieces with
 * Transfer-Encoding: chunked.
 */
void tg_conn_stream(struct tg_conn *c, enum tg_gen kind, uint64_t count,
    size_t size, double interval_ms, int chunked);

/*
 * Answers with a body made piece by piece by fn(arg, ...) after the head
 * that the handler wrote: the first piece at once, each next one after the
 * delay the previous call asked for.  arg (malloc'd) is owned by c from
 * now on and freed with free(3) when the body ends or c closes.
 */
void tg_conn_stream_fn(
    struct tg_conn *c, tg_gen_fn *fn, void *arg, int chunked);

/* Closes the connection with a TCP RST once earlier answers are sent. */
void tg_conn_reset(struct tg_conn *c);

/* Never answers; keeps the connection until the client closes it. */
void tg_conn_stall(struct tg_conn *c);

/* reply.c */

/* The output buffer of c, for tg_reply_* only. */
struct lt_buf *tg_conn_out(struct tg_conn *c);

/* Marks c to close after the current answer. */
void tg_conn_close_after(struct tg_conn *c);

/* Marks c as broken (its output buffer overflowed): it closes at once. */
void tg_conn_fail(struct tg_conn *c);

/* The reason phrase of an HTTP status code. */
const char *tg_status_text(int status);

/*
 * Writes a complete response: status line, Content-Type (when ctype is not
 * NULL), Content-Length, Connection when needed, the extra header lines
 * (each ending in \r\n, or NULL) and the body (not for HEAD, 1xx, 204 and
 * 304).  Closes the connection afterwards unless r->keep_alive.
 */
void tg_reply(struct tg_conn *c, const struct tg_req *r, int status,
    const char *ctype, const char *extra, const char *body, size_t len);

/* tg_reply with a NUL-terminated body. */
void tg_reply_str(struct tg_conn *c, const struct tg_req *r, int status,
    const char *ctype, const char *extra, const char *body);

/* tg_reply of the server's scratch buffer as application/json. */
void tg_reply_json(
    struct tg_conn *c, const struct tg_req *r, int status, const char *extra);

/*
 * Writes the head of a response whose body follows: with Content-Length
 * when length >= 0, else chunked (HTTP/1.1) or ended by closing the
 * connection (HTTP/1.0).  Returns 1 when the body is to be chunked, 0
 * when not, -1 when no body is to follow (HEAD).
 */
int tg_reply_head(struct tg_conn *c, const struct tg_req *r, int status,
    const char *ctype, const char *extra, int64_t length);

/* routes.c */

/* Answers one request (the head is parsed and the body complete). */
void tg_route(struct tg_conn *c, struct tg_req *r);

/* auth.c */

void tg_route_login(struct tg_conn *c, struct tg_req *r);
void tg_route_secure(struct tg_conn *c, struct tg_req *r);
void tg_route_cookie(struct tg_conn *c, struct tg_req *r);

/* llm.c: OpenAI-compatible /v1/chat/completions and /v1/completions */

void tg_route_llm(struct tg_conn *c, struct tg_req *r);

#endif
