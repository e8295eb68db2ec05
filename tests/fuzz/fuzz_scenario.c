/*
 * fuzz_scenario.c - fuzz harness for the scenario language: lib/run/scn*.c,
 * lib/run/tmpl*.c, lib/run/check*.c and lib/run/flow.c.
 *
 * The input is parsed as a scenario.  Besides crashes, leaks and undefined
 * behaviour, the harness checks properties and aborts when one fails:
 *  - a rejected input has a "t.lt:LINE[:COL]: " message naming a line that
 *    exists in the input, and the usage exit status;
 *  - an accepted scenario can be walked: every class's cursor yields steps
 *    and iteration ends, then its on_stop steps and LT_CUR_DONE;
 *  - every template of every step expands, every URL builds, every step's
 *    checks evaluate on a canned response to ok, fail or http;
 *  - tag filtering either leaves a class with tasks or fails cleanly.
 * File names are relative to a directory that does not exist, and the
 * loader refuses devices and FIFOs, so inputs cannot make it block.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/scenario.h"
#include "fuzz.h"

static void
check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_scenario: property failed: %s\n", what);
		abort();
	}
}

static int
count_lines(const uint8_t *d, size_t n)
{
	size_t i;
	int lines = 1;

	for (i = 0; i < n; i++)
		lines += d[i] == '\n';
	return lines;
}

static void
check_error(const struct lt_err *err, const uint8_t *d, size_t n)
{
	long line;
	char *end;

	if (err->code == LT_EXIT_RUNTIME)
		return; /* out of memory */
	check(err->code == LT_EXIT_USAGE, "a parse error is a usage error");
	check(strncmp(err->msg, "t.lt:", 5) == 0, "errors start with the name");
	line = strtol(err->msg + 5, &end, 10);
	check(end != err->msg + 5 && (*end == ':'), "errors name a line");
	check(line >= 1 && line <= count_lines(d, n), "the line exists");
}

static void
expand_step(const struct lt_step *st, struct lt_tmpl_ctx *ctx, struct lt_buf *b)
{
	static const char hdrs[] = "HTTP/1.1 200 OK\r\nContent-Type: "
	                           "application/json\r\nLocation: /x\r\n\r\n";
	static const char body[] = "{\"token\":\"t\",\"a\":{\"b\":[1,2]},"
	                           "\"price\":3}";
	/* exact-size copies without a NUL, as an engine collects them */
	char *h = malloc(sizeof(hdrs) - 1), *bd = malloc(sizeof(body) - 1);
	struct lt_response r = { 200, h, sizeof(hdrs) - 1, bd, sizeof(body) - 1,
		1234 };
	struct lt_buf reason, scratch;
	size_t i;
	int rc;

	lt_buf_reset(b);
	if (st->kind == LT_STEP_HTTP) {
		lt_http_url(st->http, "http://h:1", ctx, b);
		for (i = 0; i < st->http->nheaders; i++)
			check(lt_tmpl_expand(
			          st->http->headers[i].value, ctx, b) == 0,
			    "header expands");
		if (st->http->body != NULL)
			check(lt_tmpl_expand(st->http->body, ctx, b) == 0,
			    "body expands");
		if (st->http->auth == LT_AUTH_BASIC)
			check(
			    lt_tmpl_expand(st->http->auth_user, ctx, b) == 0 &&
			        lt_tmpl_expand(st->http->auth_pass, ctx, b) ==
			            0,
			    "auth expands");
	} else if (st->kind == LT_STEP_EXEC) {
		check(st->exec->argc >= 1, "exec has a command");
		for (i = 0; i < st->exec->argc; i++)
			check(lt_tmpl_expand(st->exec->argv[i], ctx, b) == 0,
			    "exec word expands");
	} else if (st->kind == LT_STEP_SET) {
		check(
		    lt_tmpl_expand(st->set_value, ctx, b) == 0, "set expands");
		lt_vars_set(
		    ctx->vars, st->set_var, b->data ? b->data : "", b->len);
	}
	check(h != NULL && bd != NULL, "alloc");
	memcpy(h, hdrs, sizeof(hdrs) - 1);
	memcpy(bd, body, sizeof(body) - 1);
	lt_buf_init(&reason, 0);
	lt_buf_init(&scratch, 0);
	rc = lt_check_eval(&st->checks, &r, ctx, &scratch, &reason, NULL);
	check(rc == LT_CHECK_OK || rc == LT_CHECK_FAIL || rc == LT_CHECK_HTTP,
	    "checks evaluate");
	check(rc == LT_CHECK_OK || reason.len > 0, "a failure has a reason");
	lt_buf_fini(&reason);
	lt_buf_fini(&scratch);
	free(h);
	free(bd);
}

static void
walk(const struct lt_scenario *s, const struct lt_class *c)
{
	struct lt_cursor cur;
	struct lt_rng rng;
	struct lt_vars v;
	struct lt_tmpl_ctx ctx = { 0 };
	struct lt_buf b;
	const struct lt_step *st;
	int i, r, ends = 0;

	lt_rng_seed(&rng, 1, c->index);
	ctx.rng = &rng;
	ctx.class_name = c->name;
	ctx.now_us = 1764400000000000LL;
	check(lt_scenario_user_init(s, c, NULL, &v, &ctx) == 0, "user init");
	lt_buf_init(&b, 1 << 20);
	lt_cursor_init(&cur, c);
	for (i = 0; i < 64; i++) {
		r = lt_cursor_next(&cur, &rng, &st);
		if (r == LT_CUR_DONE)
			break;
		if (r == LT_CUR_ITERATION_END) {
			ends++;
			ctx.seq++;
			continue;
		}
		check(
		    r == LT_CUR_STEP && st != NULL, "the cursor yields steps");
		expand_step(st, &ctx, &b);
	}
	check(c->tasks.ntasks == 0 || i < 64 || ends > 0 || c->non_start >= 32,
	    "iterations end");
	lt_cursor_stop(&cur);
	for (i = 0; i < 1000; i++) {
		r = lt_cursor_next(&cur, &rng, &st);
		if (r == LT_CUR_DONE)
			break;
		check(r == LT_CUR_STEP, "stopping yields only on_stop steps");
	}
	check(r == LT_CUR_DONE, "a stopped cursor ends");
	lt_buf_fini(&b);
	lt_vars_fini(&v);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lt_scenario *s = NULL;
	struct lt_err err;
	size_t i;

	if (lt_scenario_parse_buf("t.lt", (const char *)data, size,
	        "/nonexistent-lt-fuzz", &s, &err) != 0) {
		check(s == NULL, "no scenario on error");
		check_error(&err, data, size);
		return 0;
	}
	check(s->nclasses > 0, "a scenario has classes");
	for (i = 0; i < s->nclasses; i++) {
		check(s->classes[i].tasks.ntasks > 0, "classes have tasks");
		walk(s, &s->classes[i]);
	}
	if (lt_scenario_filter_tags(s, "a,checkout", "slow", &err) == 0) {
		for (i = 0; i < s->nclasses; i++)
			walk(s, &s->classes[i]);
	} else {
		check(err.code == LT_EXIT_USAGE, "filter errors are usage");
	}
	lt_scenario_free(s);
	return 0;
}
