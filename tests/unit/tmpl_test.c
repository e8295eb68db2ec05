/*
 * tmpl_test.c - unit tests of templates (lib/run/tmpl*.c): every builtin,
 * encodings, variables, data files shared round robin, and compile errors
 * with their columns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/rng.h"
#include "run/tmpl.h"
#include "../tap.h"
#include "../testfile.h"

static struct lt_arena arena;
static struct lt_tmpl_env env;
static char dir[] = "/tmp/lt-tmpl-test.XXXXXX";

static const char *
fake_env(const char *name)
{
	if (strcmp(name, "LT_TEST_HOST") == 0)
		return "example";
	return NULL;
}

/* Compiles src and expands it once with ctx into a static buffer. */
static const char *
expand(const char *src, enum lt_tmpl_enc enc, struct lt_tmpl_ctx *ctx)
{
	static struct lt_buf b;
	static struct lt_err err;
	struct lt_tmpl *t;
	int col;

	if (lt_tmpl_compile(&env, src, strlen(src), enc, &t, &col, &err) != 0)
		return err.msg;
	if (b.cap == 0)
		lt_buf_init(&b, 4096);
	lt_buf_reset(&b);
	if (lt_tmpl_expand(t, ctx, &b) != 0)
		return "(expand failed)";
	return lt_buf_cstr(&b);
}

/* Compiles src expecting an error; returns "COL: message". */
static const char *
compile_err(const char *src)
{
	static char out[600];
	struct lt_tmpl *t;
	struct lt_err err;
	int col = 0;

	if (lt_tmpl_compile(
	        &env, src, strlen(src), LT_ENC_NONE, &t, &col, &err) == 0)
		return "(no error)";
	snprintf(out, sizeof(out), "%d: %s", col, err.msg);
	return out;
}

static void
write_file(const char *name, const char *text)
{
	test_write_file(dir, name, text, -1);
}

static void
test_basic(void)
{
	struct lt_rng rng;
	struct lt_vars v;
	struct lt_tmpl_ctx ctx = { 0 };
	struct lt_tmpl *t;
	struct lt_err err;
	const char *s;
	long id;
	int col, i, ok;

	lt_rng_seed(&rng, 42, 3);
	ctx.user = 3;
	ctx.class_name = "Browser";
	ctx.seq = 17;
	ctx.now_us = 1764400000123456LL;
	ctx.rng = &rng;
	TAP_EQ_STR(expand("/plain", LT_ENC_NONE, &ctx), "/plain", "literal");
	TAP_OK(
	    lt_tmpl_compile(&env, "/x", 2, LT_ENC_NONE, &t, &col, &err) == 0 &&
	        t->literal && lt_tmpl_literal(t, NULL) != NULL,
	    "a literal template says so");
	TAP_EQ_STR(expand("u${user}-${class}-${seq}", LT_ENC_NONE, &ctx),
	    "u3-Browser-17", "user, class, seq");
	TAP_EQ_STR(expand("${time} ${ts_ms}", LT_ENC_NONE, &ctx),
	    "1764400000 1764400000123", "time and ts_ms");
	TAP_EQ_STR(expand("$${user} $x ${user}$", LT_ENC_NONE, &ctx),
	    "${user} $x 3$", "$${ is a literal ${, a lone $ is literal");
	TAP_EQ_STR(
	    expand("${env LT_TEST_HOST}:${env LT_NOPE}", LT_ENC_NONE, &ctx),
	    "example:", "env resolved at load, unset is empty");
	ok = 1;
	for (i = 0; i < 2000; i++) {
		long n = atol(expand("${random -5 5}", LT_ENC_NONE, &ctx));

		ok &= n >= -5 && n <= 5;
	}
	TAP_OK(ok, "random stays within [A, B]");
	s = expand("${choice red green blue}", LT_ENC_NONE, &ctx);
	TAP_OK(strcmp(s, "red") == 0 || strcmp(s, "green") == 0 ||
	        strcmp(s, "blue") == 0,
	    "choice picks a word (%s)", s);
	s = expand("${uuid}", LT_ENC_NONE, &ctx);
	TAP_OK(strlen(s) == 36 && s[14] == '4' && s[8] == '-' &&
	        strchr("89ab", s[19]) != NULL,
	    "uuid is a v4 UUID (%s)", s);

	/* determinism: the same seed gives the same expansion */
	{
		char a[64], b[64];

		lt_rng_seed(&rng, 7, 1);
		snprintf(a, sizeof(a), "%s",
		    expand("${random 1 1000000} ${uuid}", LT_ENC_NONE, &ctx));
		lt_rng_seed(&rng, 7, 1);
		snprintf(b, sizeof(b), "%s",
		    expand("${random 1 1000000} ${uuid}", LT_ENC_NONE, &ctx));
		TAP_EQ_STR(a, b, "same seed, same expansion");
		lt_rng_seed(&rng, 7, 2);
		TAP_OK(strcmp(a,
		           expand("${random 1 1000000} ${uuid}", LT_ENC_NONE,
		               &ctx)) != 0,
		    "another user, another expansion");
	}

	/* variables */
	id = lt_tmpl_env_var(&env, "token", 5);
	TAP_OK(id >= 0 && lt_tmpl_env_var(&env, "token", 5) == id,
	    "variables are interned once");
	lt_vars_init(&v, env.nvars + 4, env.ndatas);
	ctx.vars = &v;
	ctx.missing = 0;
	TAP_EQ_STR(expand("Bearer ${token}", LT_ENC_NONE, &ctx), "Bearer ",
	    "an unset variable expands to nothing");
	TAP_EQ_INT(ctx.missing, 1, "and is counted");
	TAP_EQ_INT(ctx.missing_var, id, "with its id");
	{
		struct lt_buf r;
		const char *names[] = { NULL, NULL, NULL, NULL, NULL, NULL,
			NULL, NULL };

		names[id] = "token";
		ctx.var_names = names;
		lt_buf_init(&r, 0);
		TAP_OK(lt_tmpl_missing_reason(&ctx, &r) == 0 &&
		        strcmp(r.data, "check: variable token is not set") == 0,
		    "the reason names the variable");
		ctx.missing = 3;
		lt_tmpl_missing_reason(&ctx, &r);
		TAP_EQ_STR(r.data,
		    "check: variable token is not set (and 2 "
		    "more)",
		    "and counts the others");
		ctx.missing = 0;
		TAP_OK(lt_tmpl_missing_reason(&ctx, &r) != 0,
		    "nothing missing, no reason");
		ctx.var_names = NULL;
		lt_buf_fini(&r);
	}
	lt_vars_set(&v, (size_t)id, "abc\"d", 5);
	ctx.missing = 0;
	TAP_EQ_STR(expand("Bearer ${token}", LT_ENC_NONE, &ctx),
	    "Bearer abc\"d", "a set variable expands");
	TAP_EQ_INT(ctx.missing, 0, "nothing missing");
	TAP_EQ_STR(expand("{\"t\": \"${token}\"}", LT_ENC_JSON, &ctx),
	    "{\"t\": \"abc\\\"d\"}",
	    "json encoding escapes values, not literals");
	lt_vars_set(&v, (size_t)id, "a b&c/é", strlen("a b&c/é"));
	TAP_EQ_STR(expand("q=${token}&x=1", LT_ENC_URL, &ctx),
	    "q=a%20b%26c%2F%C3%A9&x=1", "url encoding of values");
	/* QA F23/F4: URL templates encode per context */
	lt_vars_set(&v, (size_t)id, "a&b=c d/e#f:@", strlen("a&b=c d/e#f:@"));
	TAP_EQ_STR(expand("/u/${token}/x?q=${token}&r=1", LT_ENC_URI, &ctx),
	    "/u/a%26b%3Dc%20d%2Fe%23f:@/x?q=a%26b%3Dc%20d%2Fe%23f%3A%40&r=1",
	    "url: a path segment, then a query value");
	TAP_EQ_STR(expand("${token}/z", LT_ENC_URI, &ctx), "a&b=c%20d/e#f:@/z",
	    "url: a leading template is URL text");
	TAP_EQ_STR(expand("/p?c=\xc3\xbc&d=a%20b{}", LT_ENC_URI, &ctx),
	    "/p?c=%C3%BC&d=a%20b%7B%7D",
	    "url: literal raw UTF-8 encoded, %XX and the rest kept");
	/* QA F24: JSON bodies stay valid whatever the variables hold */
	TAP_EQ_STR(
	    expand("{\"k\": \"${token}\", \"n\": ${token}}", LT_ENC_JSON, &ctx),
	    "{\"k\": \"a&b=c d/e#f:@\", \"n\": \"a&b=c d/e#f:@\"}",
	    "json: a bare template with text becomes a JSON string");
	lt_vars_set(&v, (size_t)id, "-12.5e3", 7);
	TAP_EQ_STR(expand("{\"n\": ${token}, \"s\": \"x\\\"${token}\"}",
	               LT_ENC_JSON, &ctx),
	    "{\"n\": -12.5e3, \"s\": \"x\\\"-12.5e3\"}",
	    "json: a number stays a number; escaped quotes keep the context");
	lt_vars_set(&v, (size_t)id, "{\"a\": [1, true, null]}", 22);
	TAP_EQ_STR(expand("[${token}]", LT_ENC_JSON, &ctx),
	    "[{\"a\": [1, true, null]}]", "json: JSON text is inserted as is");
	lt_vars_set(&v, (size_t)id, "012", 3);
	TAP_OK(strncmp(expand("[${token},${uuid}]", LT_ENC_JSON, &ctx),
	           "[\"012\",\"", 8) == 0,
	    "json: not a JSON number: quoted; uuid quoted");
	lt_vars_set(&v, (size_t)id, "x\r\nEvil: 1", 11);
	TAP_EQ_STR(expand("${token}", LT_ENC_HEADER, &ctx), "xEvil: 1",
	    "header encoding drops CR and LF");
	lt_vars_clear(&v);
	TAP_OK(lt_vars_get(&v, (size_t)id, NULL) == NULL, "clear unsets");
	lt_vars_fini(&v);
	ctx.vars = NULL;
}

static void
test_data(void)
{
	struct lt_rng rng;
	struct lt_vars v1, v2;
	struct lt_tmpl_ctx c1 = { 0 }, c2 = { 0 };
	char seen[64] = "";
	int i;

	write_file("users.csv", "name,password\nann,pa\n\"bo,b\",pb\ncid,pc\n");
	write_file("ids.txt", "10\n\n20\r\n30\n");
	write_file("empty.txt", "\n\n");
	lt_rng_seed(&rng, 1, 1);
	/* declare the sources first (data_* tests below use them) */
	TAP_EQ_STR(expand("${data ids.txt}", LT_ENC_NONE, &c1), "10",
	    "data: first row");
	TAP_EQ_STR(expand("${data users.csv name}", LT_ENC_NONE, &c1), "ann",
	    "data csv column by name");
	lt_vars_init(&v1, env.nvars, env.ndatas);
	lt_vars_init(&v2, env.nvars, env.ndatas);
	c1.vars = &v1;
	c2.vars = &v2;
	c1.rng = c2.rng = &rng;
	/* round robin across users: user 1 and 2 alternate rows */
	for (i = 0; i < 4; i++) {
		struct lt_tmpl_ctx *c = i % 2 ? &c2 : &c1;

		c->seq++;
		strcat(seen, expand("${data ids.txt}", LT_ENC_NONE, c));
		strcat(seen, " ");
	}
	TAP_EQ_STR(
	    seen, "20 30 10 20 ", "rows are shared round robin, circular");
	c1.seq++;
	TAP_EQ_STR(expand("${data users.csv name}/${data users.csv password}/"
	                  "${data users.csv 2}",
	               LT_ENC_NONE, &c1),
	    "bo,b/pb/pb",
	    "one row per iteration: columns of a row match; quoted CSV cell");
	TAP_EQ_STR(expand("${data users.csv name}", LT_ENC_NONE, &c1), "bo,b",
	    "same iteration, same row");
	c1.seq++;
	TAP_EQ_STR(expand("${data users.csv name}", LT_ENC_NONE, &c1), "cid",
	    "next iteration, next row");
	TAP_EQ_STR(expand("${data users.csv 9}", LT_ENC_NONE, &c1), "",
	    "a missing cell is empty");
	TAP_EQ_STR(compile_err("${data users.csv login}"),
	    "18: data source 'users.csv' has no column 'login'",
	    "unknown csv column");
	TAP_EQ_STR(compile_err("${data ids.txt name}"),
	    "16: data source 'ids.txt' has no header line to name column "
	    "'name'; use a column number or declare it with 'data NAME FILE "
	    "csv'",
	    "column name without a header");
	TAP_OK(strstr(compile_err("${data nope.txt}"), "No such file") != NULL,
	    "missing data file: %s", compile_err("${data nope.txt}"));
	TAP_OK(
	    strstr(compile_err("${data empty.txt}"), "empty data file") != NULL,
	    "empty data file");
	lt_vars_fini(&v1);
	lt_vars_fini(&v2);
}

static void
test_errors(void)
{
	TAP_EQ_STR(compile_err("/x/${rand 1 2}"),
	    "6: expected a builtin (random, choice, uuid, env, data, user, "
	    "class, seq, time, ts_ms), got 'rand'",
	    "unknown builtin");
	TAP_EQ_STR(compile_err("ab${user"), "3: expected '}' to close '${'",
	    "unclosed ${");
	TAP_EQ_STR(
	    compile_err("${}"), "1: expected a name inside '${}'", "empty ${}");
	TAP_EQ_STR(compile_err("${random 1}"),
	    "3: expected two integers after 'random', as in ${random 1 100}",
	    "random with one argument");
	TAP_EQ_STR(compile_err("${random 1 x}"),
	    "12: expected an integer after 'random 1', got 'x'",
	    "random with a bad bound");
	TAP_EQ_STR(compile_err("${random 9 1}"),
	    "12: expected an upper bound >= 9, got '1'",
	    "random bounds reversed");
	TAP_EQ_STR(compile_err("${choice}"),
	    "3: expected words after 'choice', as in ${choice a b c}",
	    "choice without words");
	TAP_EQ_STR(compile_err("${user 2}"),
	    "8: expected '}' after 'user', got '2'", "user takes no argument");
	TAP_EQ_STR(compile_err("${a-b}"),
	    "3: expected a variable name (letters, digits, _), got 'a-b'",
	    "bad variable name");
	TAP_EQ_STR(compile_err("${env}"),
	    "3: expected one variable name after 'env', as in ${env HOME}",
	    "env without a name");
}

int
main(void)
{
	if (mkdtemp(dir) == NULL)
		return 1;
	lt_arena_init(&arena);
	lt_tmpl_env_init(&env, &arena);
	env.basedir = dir;
	env.getenv = fake_env;
	test_basic();
	test_data();
	test_errors();
	lt_arena_fini(&arena);
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			return 1;
	}
	return tap_done();
}
