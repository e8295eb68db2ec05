/*
 * fuzz_response.c - fuzz harness for what lt-run reads from a server:
 * response headers and bodies through checks and captures
 * (lib/run/check*.c: JSON paths over the parsed body, regexes, header
 * lookup across redirect blocks) and secret masking (lib/run/secret.c).
 *
 * The input is split at its first NUL byte: headers before, body after
 * (no NUL: all body).  Every step of a fixed scenario is evaluated on it.
 * Properties: each evaluation returns a known result, a failure has a
 * reason starting with a category, and captured values fit their cap.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/check.h"
#include "run/scenario.h"
#include "run/secret.h"
#include "fuzz.h"

static const char scenario[] =
    "secret tok\n"
    "sequence\n"
    "  GET /a\n"
    "    save tok json .token\n"
    "    expect json .user.id == 7\n"
    "  GET /b\n"
    "    save id regex \"id=([0-9]+)\"\n"
    "    expect body ~ ^[{]\n"
    "    expect json .items[-1].name != \"x\"\n"
    "  GET /c\n"
    "    save loc header Location\n"
    "    expect header Authorization == Bearer ${tok}\n"
    "    expect header Content-Type ~ json\n"
    "  GET /d\n"
    "    save all body\n"
    "    expect json . exists\n"
    "    expect body not contains ${id}\n"
    "    expect status 200-299\n";

static void
check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_response: property failed: %s\n", what);
		abort();
	}
}

static int
known_reason(const char *r)
{
	return strncmp(r, "check: ", 7) == 0 || strncmp(r, "http: ", 6) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lt_scenario *sc;
	struct lt_vars vars;
	struct lt_tmpl_ctx ctx;
	struct lt_buf scratch, reason, mask;
	struct lt_response r;
	struct lt_err err;
	const uint8_t *nul = memchr(data, 0, size);
	size_t i, nfail, hl = nul != NULL ? (size_t)(nul - data) : 0;
	unsigned char marks[64];
	int rc;

	if (sc == NULL &&
	    lt_scenario_parse_buf(
	        "f.lt", scenario, sizeof(scenario) - 1, ".", &sc, &err) != 0) {
		fprintf(stderr, "fuzz_response: %s\n", err.msg);
		abort();
	}
	memset(&ctx, 0, sizeof(ctx));
	check(lt_vars_init(&vars, sc->nvars, sc->ndatas) == 0, "vars");
	ctx.vars = &vars;
	ctx.var_names = sc->vars;
	lt_buf_init(&scratch, 1 << 20);
	lt_buf_init(&reason, 4096);
	lt_buf_init(&mask, 1 << 16);
	memset(&r, 0, sizeof(r));
	r.status = 200;
	r.headers = nul != NULL ? (const char *)data : NULL;
	r.headers_len = hl;
	r.body = nul != NULL ? (const char *)nul + 1 : (const char *)data;
	r.body_len = nul != NULL ? size - hl - 1 : size;
	for (i = 0; i < sc->nsteps; i++) {
		const struct lt_step *st = sc->steps[i];

		if (st->http == NULL)
			continue;
		check(st->checks.n + st->checks.ncap <= sizeof(marks), "marks");
		rc = lt_check_eval(
		    &st->checks, &r, &ctx, &scratch, &reason, marks);
		check(rc == LT_CHECK_OK || rc == LT_CHECK_FAIL ||
		        rc == LT_CHECK_HTTP || rc < 0,
		    "known result");
		nfail = 0;
		for (size_t k = 0; k < st->checks.n + st->checks.ncap; k++)
			nfail += marks[k] == LT_MARK_FAIL;
		check(rc < 0 || (rc == LT_CHECK_OK) == (nfail == 0),
		    "a failure is marked, and only then");
		if (rc == LT_CHECK_FAIL || rc == LT_CHECK_HTTP) {
			check(known_reason(lt_buf_cstr(&reason)), "category");
			/* masking a captured value leaves no copy of it
			 * (one without '*', which the mask could recreate) */
			if (vars.set[0] && vars.val[0].len > 0 &&
			    memchr(vars.val[0].data, '*', vars.val[0].len) ==
			        NULL) {
				lt_secret_mask(&reason, 0, vars.val[0].data,
				    vars.val[0].len, &mask);
				check(memmem(reason.data, reason.len,
				          vars.val[0].data,
				          vars.val[0].len) == NULL,
				    "masked");
			}
		}
	}
	lt_buf_fini(&scratch);
	lt_buf_fini(&reason);
	lt_buf_fini(&mask);
	lt_vars_fini(&vars);
	return 0;
}
