/*
 * scenario_bench.c - the per-request cost of the scenario layer: building
 * a request from compiled templates and judging its response, against
 * parsing the same templates at every request.  Counts heap allocations
 * per request by wrapping malloc (glibc's __libc_malloc), to show the hot
 * path allocates nothing.
 *
 * Usage: scenario_bench MODE N   (MODE: literal, templated, reparse,
 * checks, json); prints "MODE N seconds allocs".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scenario.h"

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

static unsigned long long nallocs;

void *malloc(size_t n);
void *calloc(size_t a, size_t b);
void *realloc(void *p, size_t n);

void *
malloc(size_t n)
{
	nallocs++;
	return __libc_malloc(n);
}

void *
calloc(size_t a, size_t b)
{
	nallocs++;
	return __libc_calloc(a, b);
}

void *
realloc(void *p, size_t n)
{
	nallocs++;
	return __libc_realloc(p, n);
}

static const char text[] =
    "user A\n"
    "  GET /products/list\n"
    "    header Accept: application/json\n"
    "    header X-Client: lt\n"
    "  POST /items/${random 1 1000}/${user}\n"
    "    header X-Id: ${uuid}\n"
    "    header Authorization: Bearer ${tok}\n"
    "    json {\"user\": \"u${user}\", \"seq\": ${seq}, \"c\": \"${choice a b c}\"}\n"
    "    query q=${tok}\n"
    "  GET /c\n"
    "    expect status 200-299\n"
    "    expect body contains \"price\"\n"
    "    expect header Content-Type ~ \"json\"\n"
    "    save tok header X-Token\n"
    "  GET /j\n"
    "    expect json .items[1].price exists\n"
    "    save tok json .token\n";

static const char hdrs[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json"
			   "\r\nX-Token: abc123\r\n\r\n";
static const char body[] = "{\"token\":\"t1\",\"items\":[{\"id\":1,\"price\":3},"
			   "{\"id\":2,\"price\":4}]}";

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Builds the request of step st into b: URL, headers, body. */
static void
build(const struct lt_step *st, struct lt_tmpl_ctx *ctx, struct lt_buf *b)
{
	size_t i;

	lt_buf_reset(b);
	lt_http_url(st->http, "http://127.0.0.1:8080", ctx, b);
	for (i = 0; i < st->http->nheaders; i++)
		lt_tmpl_expand(st->http->headers[i].value, ctx, b);
	if (st->http->body != NULL)
		lt_tmpl_expand(st->http->body, ctx, b);
}

/* What an interpreter would do: parse every template at every request. */
static void
reparse(const struct lt_step *st, struct lt_tmpl_env *env,
    struct lt_tmpl_ctx *ctx, struct lt_buf *b)
{
	struct lt_arena a;
	struct lt_tmpl *t;
	struct lt_err err;
	struct lt_arena *keep = env->arena;
	size_t i;
	int col;

	lt_arena_init(&a);
	env->arena = &a;
	lt_buf_reset(b);
	lt_buf_adds(b, "http://127.0.0.1:8080");
	if (lt_tmpl_compile(env, st->http->url->src, strlen(st->http->url->src),
		LT_ENC_NONE, &t, &col, &err) == 0)
		lt_tmpl_expand(t, ctx, b);
	for (i = 0; i < st->http->nquery; i++) {
		const char *src = st->http->query[i]->src;

		lt_buf_addc(b, '?');
		if (lt_tmpl_compile(env, src, strlen(src), LT_ENC_URL, &t, &col,
			&err) == 0)
			lt_tmpl_expand(t, ctx, b);
	}
	for (i = 0; i < st->http->nheaders; i++) {
		const char *src = st->http->headers[i].value->src;

		if (lt_tmpl_compile(env, src, strlen(src), LT_ENC_HEADER, &t,
			&col, &err) == 0)
			lt_tmpl_expand(t, ctx, b);
	}
	if (lt_tmpl_compile(env, st->http->body->src,
		strlen(st->http->body->src), LT_ENC_JSON, &t, &col, &err) == 0)
		lt_tmpl_expand(t, ctx, b);
	env->arena = keep;
	lt_arena_fini(&a);
}

int
main(int argc, char **argv)
{
	struct lt_scenario *s;
	struct lt_err err;
	struct lt_rng rng;
	struct lt_vars v;
	struct lt_tmpl_ctx ctx = { 0 };
	struct lt_buf b, scratch, reason;
	struct lt_response r = { 200, hdrs, sizeof(hdrs) - 1, body,
		sizeof(body) - 1, 1000 };
	const struct lt_group *g;
	const char *mode = argc > 1 ? argv[1] : "templated";
	long n = argc > 2 ? atol(argv[2]) : 1000000, i;
	unsigned long long a0;
	double t0;

	if (lt_scenario_parse_buf("bench", text, sizeof(text) - 1, ".", &s,
		&err) != 0) {
		fprintf(stderr, "%s\n", err.msg);
		return 2;
	}
	g = &s->classes[0].tasks;
	lt_rng_seed(&rng, 1, 1);
	ctx.rng = &rng;
	ctx.var_names = s->vars;
	lt_scenario_user_init(s, &s->classes[0], &v, &ctx);
	lt_vars_set(&v, (size_t)lt_scenario_var(s, "tok"), "tok-1", 5);
	lt_buf_init(&b, 0);
	lt_buf_init(&scratch, 0);
	lt_buf_init(&reason, 0);
	/* warm up: buffers reach their working size */
	build(g->tasks[1].step, &ctx, &b);
	lt_check_eval(&g->tasks[2].step->checks, &r, &ctx, &scratch, &reason);
	a0 = nallocs;
	t0 = now();
	for (i = 0; i < n; i++) {
		ctx.seq = (uint64_t)i;
		if (strcmp(mode, "literal") == 0)
			build(g->tasks[0].step, &ctx, &b);
		else if (strcmp(mode, "templated") == 0)
			build(g->tasks[1].step, &ctx, &b);
		else if (strcmp(mode, "reparse") == 0)
			reparse(g->tasks[1].step, &s->env, &ctx, &b);
		else if (strcmp(mode, "checks") == 0)
			lt_check_eval(&g->tasks[2].step->checks, &r, &ctx,
			    &scratch, &reason);
		else
			lt_check_eval(&g->tasks[3].step->checks, &r, &ctx,
			    &scratch, &reason);
	}
	printf("%s %ld %.6f %llu\n", mode, n, now() - t0, nallocs - a0);
	lt_buf_fini(&b);
	lt_buf_fini(&scratch);
	lt_buf_fini(&reason);
	lt_vars_fini(&v);
	lt_scenario_free(s);
	return 0;
}
