/*
 * scenario_test.c - unit tests of the scenario language (lib/run/scn*.c,
 * lib/run/flow.c): every construct, inheritance of settings, the cursor over
 * weights, sequences and nested groups, think times, URLs, tag filtering,
 * loading from files and generators, every parse error with its
 * file:line:col message, and that the example scenarios parse.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run/scenario.h"
#include "run/shape.h"
#include "../tap.h"
#include "../testfile.h"

static char dir[] = "/tmp/lt-scen-test.XXXXXX";

struct err_case {
	const char *text;
	const char *msg;
};

/* Each case: a scenario and the exact error message it must give. */
static const struct err_case err_cases[] = {
	{ "task 5 GTE /x\n",
	    "t.lt:1:8: expected a method after 'task 5', got 'GTE'" },
	{ "user A\n  task 5 GTE /x\n",
	    "t.lt:2:10: expected a method after 'task 5', got 'GTE'" },
	{ "user A\n  GET\n",
	    "t.lt:2:6: expected a URL path (/x) or http:// URL after 'GET', "
	    "got end of line" },
	{ "user A\n  GET products\n",
	    "t.lt:2:7: expected a URL path (/x) or http:// URL after 'GET', "
	    "got 'products'" },
	{ "user A\n  GET /x bogus\n",
	    "t.lt:2:10: expected name, json, form, body or end of line after "
	    "'GET /x', got 'bogus'" },
	{ "user A weight\n",
	    "t.lt:1:14: expected a number after 'user A weight', got end of "
	    "line" },
	{ "user A weight x\n",
	    "t.lt:1:15: expected a weight (a number >= 0) after 'user A "
	    "weight', got 'x'" },
	{ "user A colour 3\n",
	    "t.lt:1:8: expected 'weight N', 'count N' or end of line after "
	    "'user A', got 'colour'" },
	{ "user A\n  GET /\nuser A\n  GET /\n",
	    "t.lt:3:6: user class 'A' already defined on line 1" },
	{ "user\n",
	    "t.lt:1:5: expected a class name after 'user', got end of line" },
	{ "host localhost:8080\nGET /\n",
	    "t.lt:1:6: expected a URL starting with http:// or https:// after "
	    "'host', got 'localhost:8080'" },
	{ "user A\n", "t.lt:1: expected tasks in user class 'A'" },
	{ "wait between 2 1\n",
	    "t.lt:1:16: expected a maximum >= the minimum" },
	{ "wait sometimes\n",
	    "t.lt:1:6: expected between, constant, pacing, throughput or none "
	    "after 'wait', got 'sometimes'" },
	{ "wait between 1\n",
	    "t.lt:1:15: expected a second duration after 'wait between 1', got "
	    "end of line" },
	{ "wait throughput 0\n",
	    "t.lt:1:17: expected iterations per second (> 0) after 'wait "
	    "throughput', got '0'" },
	{ "GET /\n  expect status 2000\n",
	    "t.lt:2:17: expected a status, a range (200-299) or 2xx after "
	    "'expect status', got '2000'" },
	{ "GET /\n  expect status\n",
	    "t.lt:2:16: expected a status, a range (200-299) or 2xx after "
	    "'expect status', got end of line" },
	{ "GET /\n  expect stat 200\n",
	    "t.lt:2:10: expected status, body, json, header or latency after "
	    "'expect', got 'stat'" },
	{ "GET /\n  expect body has \"x\"\n",
	    "t.lt:2:15: expected contains, not contains, ~ or !~ after 'expect "
	    "body', got 'has'" },
	{ "GET /\n  expect body ~ \"(\"\n",
	    "t.lt:2:17: bad regex \"(\": Unmatched ( or \\(" },
	{ "GET /\n  expect json token == 1\n",
	    "t.lt:2:15: expected a JSON path starting with '.', as in "
	    ".a.b[0]" },
	{ "GET /\n  expect json .a[x] == 1\n",
	    "t.lt:2:18: expected an integer index and ']' in the JSON path" },
	{ "GET /\n  expect json .a >= 1\n",
	    "t.lt:2:18: expected exists, missing, ==, != or ~ after 'expect "
	    "json .a', got '>='" },
	{ "GET /\n  expect latency > 5ms\n",
	    "t.lt:2:18: expected '<' after 'expect latency', got '>'" },
	{ "GET /\n  expect latency < soon\n",
	    "t.lt:2:20: expected a duration (500ms, 2s) after 'expect latency "
	    "<', got 'soon'" },
	{ "GET /\n  save 1x json .a\n",
	    "t.lt:2:8: expected a variable name after 'save', got '1x'" },
	{ "GET /\n  save t cookie a\n",
	    "t.lt:2:10: expected json, header, regex, status or body after "
	    "'save t', got 'cookie'" },
	{ "GET /\n  header NoColon\n",
	    "t.lt:2:10: expected 'Name: value' after 'header', got 'NoColon'" },
	{ "GET /\n  timeout forever\n",
	    "t.lt:2:11: expected a duration (5s, 500ms) after 'timeout', got "
	    "'forever'" },
	{ "GET /\n  redirects maybe\n",
	    "t.lt:2:13: expected 'on' or 'off' after 'redirects', got "
	    "'maybe'" },
	{ "GET /\n  json {\"a\": 1}\n  form a=1\n",
	    "t.lt:3:3: a second body for this request (the first is on line "
	    "2)" },
	{ "GET /x/${rnd 1 2}\n",
	    "t.lt:1:10: expected a builtin (random, choice, uuid, env, data, "
	    "user, class, seq, time, ts_ms), got 'rnd'" },
	{ "GET /\n  body @/nonexistent/file\n",
	    "t.lt:2:9: /nonexistent/file: No such file or directory" },
	{ "GET /\n  body \"unterminated\n",
	    "t.lt:2:8: expected a closing '\"' for this string" },
	{ "GET /\n  wibble 3\n",
	    "t.lt:2:3: expected a request modifier (header, json, form, body, "
	    "query, timeout, expect, save, tag, name...), got 'wibble'" },
	{ "exec\n",
	    "t.lt:1:5: expected a command after 'exec', got end of line" },
	{ "exec 2 ./x.sh\n  query a=1\n",
	    "t.lt:2:3: expected a modifier of 'exec' (timeout, output, expect, "
	    "save, tag, name), got 'query'" },
	{ "group\n  task 0 GET /\n", "t.lt:2:8: expected a weight >= 1" },
	{ "group\n  tag x\n",
	    "t.lt:1: expected indented tasks under this group" },
	{ "sequence 2\n",
	    "t.lt:1: expected indented tasks under this sequence" },
	{ "GET /\n   expect status 200\n  tag x\n",
	    "t.lt:3:3: indentation of 2 does not line up with the lines above "
	    "(3)" },
	{ "  GET /\n",
	    "t.lt:1:1: unexpected indentation: this line is not inside a "
	    "block" },
	{ "GET /\n\t  tag x\n",
	    "t.lt:2:4: indentation mixes tabs and spaces on one line" },
	/* QA F31: TLS files are checked at load */
	{ "GET /\n  tls cafile /nonexistent/ca.pem\n",
	    "t.lt:2:14: /nonexistent/ca.pem: No such file or directory" },
	{ "tls cert /nonexistent/c.pem\nGET /\n",
	    "t.lt:1:10: /nonexistent/c.pem: No such file or directory" },
	{ "GET /\n  tls key /tmp\n", "t.lt:2:11: /tmp: not a regular file" },
	{ "data d /nonexistent.csv\n",
	    "t.lt:1:8: /nonexistent.csv: No such file or directory" },
	{ "set 9 x\n",
	    "t.lt:1:5: expected a variable name after 'set', got '9'" },
	{ "tls pinned\n",
	    "t.lt:1:5: expected insecure, verify, cafile, cert or key after "
	    "'tls', got 'pinned'" },
	{ "auth digest a b\n",
	    "t.lt:1:6: expected basic, bearer or none after 'auth', got "
	    "'digest'" },
	{ "on_start\n  task GET /\n",
	    "t.lt:2:3: expected a method, exec, sleep or set, got 'task'" },
	{ "GET /\n  stream websocket\n",
	    "t.lt:2:10: expected 'sse', 'openai' or 'timeout' after 'stream', "
	    "got 'websocket'" },
	{ "GET /\nuser A\n  GET /\n",
	    "t.lt:2:1: expected no 'user' after tasks at the top level (they "
	    "make a class 'User')" },
	{ "GET /\n  tag\n",
	    "t.lt:2:6: expected a tag name after 'tag', got end of line" },
	{ "group\n group\n  group\n   group\n    group\n     group\n      "
	  "group\n       group\n        group\n         GET /\n",
	    "t.lt:9:9: groups nest too deep (at most 8)" },
	{ "user A\n  on_start FOO /x\n",
	    "t.lt:2:12: expected a method, exec, sleep, set or end of line "
	    "after 'on_start', got 'FOO'" },
	{ "", "t.lt:1: expected at least one task or user class" },
	{ "# only a comment\n",
	    "t.lt:1: expected at least one task or user class" },
	{ "GET /\n  expect header\n",
	    "t.lt:2:16: expected a header name after 'expect header', got end "
	    "of line" },
	{ "GET /\n  name\n",
	    "t.lt:2:7: expected a name after 'name', got end of line" },
	{ "GET /\n  query nokey\n",
	    "t.lt:2:9: expected 'key=value' after 'query', got 'nokey'" },
	{ "GET /\n  output json\n",
	    "t.lt:2:3: expected a request modifier (header, json, form, body, "
	    "query, timeout, expect, save, tag, name...), got 'output'" },
	{ "exec ./x\n  output xml\n",
	    "t.lt:2:10: expected 'json' after 'output', got 'xml'" },
	{ "GET / json\n",
	    "t.lt:1:11: expected a JSON body after 'GET / json', got end of "
	    "line" },
	{ "user A count -1\n",
	    "t.lt:1:14: expected a user count after 'user A count', got '-1'" },
	{ "sleep\n",
	    "t.lt:1:6: expected a duration (1.5, 500ms) after 'sleep', got end "
	    "of line" },
	{ "sleep 1x\n",
	    "t.lt:1:7: expected a duration (1.5, 500ms) after 'sleep', got "
	    "'1x'" },
	{ "GET /\n\"quoted\"\n", "t.lt:2:1: expected a keyword, got 'quoted'" },
	{ "GET / name\n",
	    "t.lt:1:11: expected a name after 'GET / name', got end of line" },
};

static struct lt_scenario *
parse(const char *text)
{
	struct lt_scenario *s;
	struct lt_err err;

	if (lt_scenario_parse_buf("t.lt", text, strlen(text), dir, &s, &err) !=
	    0) {
		printf("# parse error: %s\n", err.msg);
		return NULL;
	}
	return s;
}

static void
write_file(const char *name, const char *text, int mode)
{
	test_write_file(dir, name, text, mode);
}

static void
test_errors(void)
{
	size_t i;

	for (i = 0; i < sizeof(err_cases) / sizeof(err_cases[0]); i++) {
		struct lt_scenario *s = NULL;
		struct lt_err err;
		char desc[64];
		int r;

		r = lt_scenario_parse_buf("t.lt", err_cases[i].text,
		    strlen(err_cases[i].text), dir, &s, &err);
		if (r == 0) {
			TAP_OK(0, "error case %zu parses, want: %s", i,
			    err_cases[i].msg);
			lt_scenario_free(s);
			continue;
		}
		snprintf(desc, sizeof(desc), "error case %zu: message", i);
		TAP_EQ_STR(err.msg, err_cases[i].msg, desc);
		TAP_OK(err.code == LT_EXIT_USAGE,
		    "error case %zu is a usage "
		    "error (exit 2)",
		    i);
	}
}

/* Expands a template with a fixed context into a static string. */
static const char *
x(const struct lt_tmpl *t)
{
	static struct lt_buf b;
	struct lt_rng rng;
	struct lt_tmpl_ctx ctx = { 0 };

	if (b.cap == 0)
		lt_buf_init(&b, 0);
	lt_rng_seed(&rng, 1, 1);
	ctx.rng = &rng;
	ctx.user = 5;
	lt_buf_reset(&b);
	if (t == NULL)
		return "(null)";
	lt_tmpl_expand(t, &ctx, &b);
	return lt_buf_cstr(&b);
}

static const struct lt_header *
hdr(const struct lt_http *h, const char *name)
{
	size_t i;

	for (i = 0; i < h->nheaders; i++)
		if (strcasecmp(h->headers[i].name, name) == 0)
			return &h->headers[i];
	return NULL;
}

static void
test_design_example(void)
{
	static const char text[] =
	    "# scenarios/shop.lt\n"
	    "host http://127.0.0.1:8080\n"
	    "\n"
	    "user Browser weight 3\n"
	    "  wait between 0.5 2\n"
	    "  on_start POST /login json {\"user\": \"u${user}\", "
	    "\"password\": \"secret\"}\n"
	    "    expect status 200\n"
	    "    save token json .token\n"
	    "  task 5 GET /products\n"
	    "  task 1 GET /products/${random 1 100} name /products/{id}\n"
	    "    header Authorization: Bearer ${token}\n"
	    "    expect status 200\n"
	    "    expect body ~ \"price\"\n"
	    "\n"
	    "user Buyer weight 1\n"
	    "  wait pacing 2\n"
	    "  sequence\n"
	    "    GET /cart\n"
	    "    POST /cart json {\"sku\": ${random 1 50}}\n"
	    "    POST /checkout form qty=1&pay=card\n"
	    "      tag checkout\n";
	struct lt_scenario *s = parse(text);
	const struct lt_class *b, *y;
	const struct lt_step *st;

	TAP_OK(s != NULL, "DESIGN.md example parses");
	if (s == NULL)
		return;
	TAP_EQ_STR(s->host, "http://127.0.0.1:8080", "host");
	TAP_EQ_INT(s->nclasses, 2, "two classes");
	b = &s->classes[0];
	y = &s->classes[1];
	TAP_EQ_STR(b->name, "Browser", "class name");
	TAP_OK(b->weight == 3 && y->weight == 1, "class weights");
	TAP_OK(b->wait.kind == LT_WAIT_BETWEEN && b->wait.a_s == 0.5 &&
	        b->wait.b_s == 2,
	    "wait between");
	TAP_OK(y->wait.kind == LT_WAIT_PACING && y->wait.a_s == 2, "pacing");
	TAP_EQ_INT(b->non_start, 1, "one on_start step");
	st = b->on_start[0];
	TAP_EQ_STR(st->http->method, "POST", "on_start method");
	TAP_EQ_STR(x(st->http->body),
	    "{\"user\": \"u5\", \"password\": \"secret\"}",
	    "json body template");
	TAP_EQ_INT(st->http->body_kind, LT_BODY_JSON, "json body kind");
	TAP_OK(hdr(st->http, "Content-Type") != NULL &&
	        strcmp(x(hdr(st->http, "Content-Type")->value),
	            "application/json") == 0,
	    "json sets Content-Type");
	TAP_OK(st->checks.has_status && st->checks.ncap == 1 &&
	        st->checks.need_json,
	    "on_start checks and capture");
	TAP_EQ_INT(b->tasks.ntasks, 2, "two tasks");
	TAP_EQ_INT(b->tasks.total_weight, 6, "task weights add up");
	st = b->tasks.tasks[1].step;
	TAP_EQ_STR(st->name, "/products/{id}", "name groups dynamic URLs");
	TAP_EQ_STR(b->tasks.tasks[0].step->name, "/products",
	    "the default name is the URL as written");
	TAP_EQ_STR(x(hdr(st->http, "Authorization")->value), "Bearer ",
	    "header template");
	TAP_EQ_INT(st->checks.n, 2, "two checks");
	TAP_EQ_INT(y->tasks.ntasks, 1, "the sequence is one task");
	TAP_OK(y->tasks.tasks[0].group != NULL &&
	        y->tasks.tasks[0].group->kind == LT_GROUP_SEQUENCE &&
	        y->tasks.tasks[0].group->ntasks == 3,
	    "a sequence of three");
	st = y->tasks.tasks[0].group->tasks[2].step;
	TAP_EQ_INT(st->http->body_kind, LT_BODY_FORM, "form body");
	TAP_OK(st->ntags == 1 && strcmp(st->tags[0], "checkout") == 0, "tag");
	TAP_OK(lt_scenario_var(s, "token") >= 0, "the variable is known");
	TAP_OK(lt_scenario_var(s, "nope") < 0, "unknown variables are not");
	lt_scenario_free(s);
}

static void
test_settings(void)
{
	static const char text[] = "header X-Run: r1\n"
	                           "header X-Over: top\n"
	                           "timeout 5s\n"
	                           "gzip on\n"
	                           "expect status 2xx\n"
	                           "tls insecure\n"
	                           "user A count 4\n"
	                           "  host http://127.0.0.1:9\n"
	                           "  timeout 2500ms\n"
	                           "  auth basic ann ${pw}\n"
	                           "  group 2\n"
	                           "    header X-Over: group\n"
	                           "    redirects off\n"
	                           "    tag g\n"
	                           "    GET /a\n"
	                           "      header x-over: step\n"
	                           "      timeout none\n"
	                           "      http2 on\n"
	                           "      tls cafile ca.pem\n"
	                           "      tls cert c.pem\n"
	                           "      tls key k.pem\n"
	                           "      expect json .ok\n"
	                           "      tag s g\n"
	                           "    GET http://other:1/b?x=1\n"
	                           "      auth bearer ${tok}\n"
	                           "      query q=${v}\n"
	                           "      query r=2\n"
	                           "      stream sse\n"
	                           "      auth none\n"
	                           "  task GET /c\n"
	                           "    body \"line1\\nline2\"\n"
	                           "  task GET /d\n"
	                           "    body raw text ${user}\n"
	                           "  task GET /e\n"
	                           "    body @body.bin\n";
	struct lt_scenario *s;
	const struct lt_class *c;
	const struct lt_group *g;
	const struct lt_http *a, *b;

	write_file("body.bin", "BIN\001DATA", 0644);
	write_file("ca.pem", "not checked beyond being readable\n", 0644);
	write_file("c.pem", "cert\n", 0644);
	write_file("k.pem", "key\n", 0644);
	s = parse(text);
	TAP_OK(s != NULL, "settings scenario parses");
	if (s == NULL)
		return;
	c = &s->classes[0];
	TAP_OK(c->fixed_count == 4 && c->weight == 0, "count N");
	TAP_EQ_STR(c->host, "http://127.0.0.1:9", "class host");
	TAP_EQ_STR(c->name, "A", "class name");
	g = c->tasks.tasks[0].group;
	TAP_OK(g != NULL && c->tasks.tasks[0].weight == 2 &&
	        g->kind == LT_GROUP_WEIGHTED,
	    "group 2");
	a = g->tasks[0].step->http;
	b = g->tasks[1].step->http;
	TAP_EQ_STR(x(hdr(a, "X-Run")->value), "r1", "inherited header");
	TAP_EQ_STR(x(hdr(a, "X-Over")->value), "step",
	    "the innermost header wins, names compare without case");
	TAP_EQ_STR(x(hdr(b, "X-Over")->value), "group", "group header");
	TAP_EQ_INT(a->timeout_ms, 0, "timeout none");
	TAP_EQ_INT(b->timeout_ms, 2500, "class timeout");
	TAP_EQ_INT(c->tasks.tasks[1].step->http->timeout_ms, 2500,
	    "class timeout for a plain task");
	TAP_OK(a->follow_redirects == 0 && b->follow_redirects == 0,
	    "redirects off in the group");
	TAP_OK(c->tasks.tasks[1].step->http->follow_redirects == 1,
	    "redirects on by default");
	TAP_OK(a->gzip && b->gzip, "gzip from the top");
	TAP_OK(a->http2 && !b->http2, "http2 per request");
	TAP_OK(a->tls.insecure && b->tls.insecure, "tls insecure inherited");
	TAP_OK(a->tls.cafile && strstr(a->tls.cafile, "/ca.pem") &&
	        strstr(a->tls.cert, "/c.pem") && strstr(a->tls.key, "/k.pem"),
	    "tls files resolved from the scenario directory");
	TAP_EQ_INT(a->auth, LT_AUTH_BASIC, "auth basic from the class");
	TAP_EQ_STR(x(a->auth_user), "ann", "basic user");
	TAP_EQ_INT(b->auth, LT_AUTH_NONE, "auth none");
	TAP_EQ_STR(x(hdr(b, "Authorization")->value), "Bearer ",
	    "auth bearer is an Authorization header");
	TAP_EQ_INT(g->tasks[0].step->checks.n, 2, "inherited expect + own");
	TAP_OK(g->tasks[0].step->checks.has_status &&
	        g->tasks[0].step->checks.need_json,
	    "flags");
	TAP_EQ_INT(g->tasks[0].step->ntags, 2, "tags deduplicated: g, s");
	TAP_OK(b->url_absolute && !a->url_absolute, "absolute URLs");
	TAP_EQ_INT(b->nquery, 2, "query pairs");
	TAP_EQ_INT(b->stream, LT_STREAM_SSE, "stream sse");
	TAP_EQ_STR(x(c->tasks.tasks[1].step->http->body), "line1\nline2",
	    "quoted body with escapes");
	TAP_EQ_STR(x(c->tasks.tasks[2].step->http->body), "raw text 5",
	    "unquoted body is the rest of the line");
	TAP_OK(c->tasks.tasks[3].step->http->body_kind == LT_BODY_FILE &&
	        c->tasks.tasks[3].step->http->body_len == 8 &&
	        memcmp(c->tasks.tasks[3].step->http->body_data, "BIN\001DATA",
	            8) == 0,
	    "body @file read at load");
	lt_scenario_free(s);
}

static void
test_steps(void)
{
	static const char text[] =
	    "set base v${user}\n"
	    "user A\n"
	    "  set greeting \"hello ${base}\"\n"
	    "  wait constant 1.5\n"
	    "  on_start\n"
	    "    GET /login\n"
	    "    sleep 250ms\n"
	    "  on_stop exec ./bye.sh ${user}\n"
	    "  exec 3 ./probe.sh --id \"a b\" ${user} name probe\n"
	    "    timeout 2s\n"
	    "    output json\n"
	    "    expect body contains ok\n"
	    "  sequence\n"
	    "    set step one\n"
	    "    task 2 GET /s\n"
	    "    sleep 1\n"
	    "user B\n"
	    "  wait throughput 4\n"
	    "  GET /\n"
	    "user C\n"
	    "  wait none\n"
	    "  GET /\n";
	struct lt_scenario *s = parse(text);
	const struct lt_class *c;
	const struct lt_step *st;
	struct lt_vars v;
	struct lt_rng rng;
	struct lt_tmpl_ctx ctx = { 0 };

	TAP_OK(s != NULL, "steps scenario parses");
	if (s == NULL)
		return;
	c = &s->classes[0];
	TAP_OK(c->wait.kind == LT_WAIT_CONSTANT && c->wait.a_s == 1.5,
	    "wait constant");
	TAP_OK(s->classes[1].wait.kind == LT_WAIT_THROUGHPUT &&
	        s->classes[1].wait.per_s == 4 && s->classes[1].wait.a_s == 0.25,
	    "wait throughput");
	TAP_OK(s->classes[2].wait.kind == LT_WAIT_NONE, "wait none");
	TAP_EQ_INT(c->non_start, 2, "on_start block");
	TAP_OK(c->on_start[1]->kind == LT_STEP_SLEEP &&
	        c->on_start[1]->sleep_s == 0.25,
	    "sleep step");
	TAP_EQ_INT(c->non_stop, 1, "on_stop one-liner");
	TAP_OK(c->on_stop[0]->kind == LT_STEP_EXEC, "on_stop exec");
	st = c->tasks.tasks[0].step;
	TAP_OK(st->kind == LT_STEP_EXEC && c->tasks.tasks[0].weight == 3,
	    "exec with a weight");
	TAP_EQ_STR(st->name, "probe", "exec name");
	TAP_EQ_INT(st->exec->argc, 4, "exec words, quotes group");
	TAP_EQ_STR(x(st->exec->argv[2]), "a b", "quoted word");
	TAP_EQ_STR(x(st->exec->argv[3]), "5", "template word");
	TAP_EQ_INT(st->exec->timeout_ms, 2000, "exec timeout");
	TAP_OK(st->exec->output_json, "output json");
	TAP_EQ_INT(st->checks.n, 1, "exec check");
	TAP_EQ_STR(c->on_stop[0]->name, "./bye.sh ${user}",
	    "exec default name is the command as written");
	st = c->tasks.tasks[1].group->tasks[0].step;
	TAP_OK(st->kind == LT_STEP_SET, "set step in a sequence");
	TAP_EQ_STR(x(st->set_value), "one", "set step value");
	TAP_EQ_INT(c->nsets, 2, "scenario and class sets");
	lt_rng_seed(&rng, 1, 1);
	ctx.rng = &rng;
	ctx.user = 9;
	TAP_OK(lt_scenario_user_init(s, c, NULL, &v, &ctx) == 0, "user init");
	TAP_EQ_STR(lt_vars_get(&v, (size_t)lt_scenario_var(s, "base"), NULL),
	    "v9", "scenario set expanded per user");
	TAP_EQ_STR(
	    lt_vars_get(&v, (size_t)lt_scenario_var(s, "greeting"), NULL),
	    "hello v9", "class set sees the earlier set");
	lt_vars_fini(&v);
	lt_scenario_free(s);
}

static void
test_implicit(void)
{
	struct lt_scenario *s = parse("GET /\n");

	TAP_OK(s != NULL && s->nclasses == 1 &&
	        strcmp(s->classes[0].name, "User") == 0 &&
	        s->classes[0].weight == 1,
	    "a bare request makes class User");
	lt_scenario_free(s);
	s = parse("host http://h:1\nwait between 1 2\nheader A: b\n"
	          "on_start GET /in\nGET /\n");
	TAP_OK(s != NULL && s->classes[0].non_start == 1 &&
	        s->classes[0].wait.kind == LT_WAIT_BETWEEN &&
	        s->classes[0].tasks.tasks[0].step->http->nheaders == 1,
	    "top-level settings apply to the implicit class");
	lt_scenario_free(s);
	s = parse("\xef\xbb\xbfGET /\r\n  expect status 200\r\n");
	TAP_OK(s != NULL, "a UTF-8 byte-order mark is skipped");
	lt_scenario_free(s);
	s = parse("GET /\r\n  expect status 200\r\n\t\n# end\n");
	TAP_OK(s != NULL, "CRLF line ends and blank lines with tabs");
	lt_scenario_free(s);
	s = parse(
	    "POST /x name /x (big) json {\"a\": 1}\nGET /y name \"q n\"\n");
	TAP_OK(s != NULL &&
	        strcmp(s->classes[0].tasks.tasks[0].step->name, "/x (big)") ==
	            0 &&
	        s->classes[0].tasks.tasks[0].step->http->body_kind ==
	            LT_BODY_JSON &&
	        strcmp(s->classes[0].tasks.tasks[1].step->name, "q n") == 0,
	    "names with blanks on the request line, then a body");
	lt_scenario_free(s);
	s = parse("user A\n\tGET /\n\t\texpect status 200\n");
	TAP_OK(s != NULL, "tabs for indentation");
	lt_scenario_free(s);
}

/* Runs n iterations of class k and counts each step by its name. */
static void
count_names(
    const struct lt_class *k, int n, const char **names, int *counts, int nn)
{
	struct lt_cursor cur;
	struct lt_rng rng;
	const struct lt_step *st;
	int it = 0, i, r;

	lt_rng_seed(&rng, 99, 1);
	lt_cursor_init(&cur, k);
	while (it < n) {
		r = lt_cursor_next(&cur, &rng, &st);
		if (r == LT_CUR_DONE)
			break;
		if (r == LT_CUR_ITERATION_END) {
			it++;
			continue;
		}
		for (i = 0; i < nn; i++)
			if (strcmp(st->name, names[i]) == 0)
				counts[i]++;
	}
}

/* Locust waits after every task of a SequentialTaskSet: "wait ... each" */
static void
test_wait_each(void)
{
	static const char text[] = "user E\n"
	                           "  wait constant 2 each\n"
	                           "  on_start GET /s1\n"
	                           "  on_start GET /s2\n"
	                           "  sequence\n"
	                           "    GET /a\n"
	                           "    set v 1\n"
	                           "    task 2 GET /b\n"
	                           "    sleep 1\n"
	                           "    exec true\n"
	                           "user P\n"
	                           "  wait between 1 3\n"
	                           "  sequence\n"
	                           "    GET /a\n"
	                           "    GET /b\n";
	struct lt_scenario *s = parse(text);
	struct lt_cursor cur;
	struct lt_rng rng;
	const struct lt_step *st;
	char seq[512] = "", one[64];
	int r, i;

	TAP_OK(s != NULL, "wait each parses");
	if (s == NULL)
		return;
	TAP_OK(s->classes[0].wait.each == 1 && s->classes[1].wait.each == 0,
	    "each is a class option");
	lt_rng_seed(&rng, 1, 1);
	lt_cursor_init(&cur, &s->classes[0]);
	for (i = 0; i < 16; i++) {
		r = lt_cursor_next(&cur, &rng, &st);
		if (r == LT_CUR_ITERATION_END) {
			strcat(seq, "| ");
			continue;
		}
		if (st->kind == LT_STEP_SLEEP)
			snprintf(
			    one, sizeof(one), "%s(%g) ", st->name, st->sleep_s);
		else
			snprintf(one, sizeof(one), "%s ",
			    st->kind == LT_STEP_SET ? "set" : st->name);
		strcat(seq, one);
	}
	TAP_EQ_STR(seq,
	    "/s1 /s2 /a set wait(2) /b wait(2) /b sleep(1) wait(2) true | "
	    "/a set wait(2) /b ",
	    "a pause before every request or command but the first of an "
	    "iteration; none in on_start");
	lt_cursor_stop(&cur);
	TAP_EQ_INT(lt_cursor_next(&cur, &rng, &st), LT_CUR_DONE,
	    "stop drops a held step");
	lt_cursor_init(&cur, &s->classes[1]);
	seq[0] = '\0';
	for (i = 0; i < 4; i++) {
		r = lt_cursor_next(&cur, &rng, &st);
		strcat(seq, r == LT_CUR_ITERATION_END ? "| " : st->name);
	}
	TAP_EQ_STR(seq, "/a/b| /a", "without each: no pause in a sequence");
	lt_scenario_free(s);
	TAP_OK(parse("wait pacing 2 each\nGET /\n") == NULL,
	    "each is for between and constant only");
	TAP_OK(parse("wait between 1 2 eech\nGET /\n") == NULL,
	    "a typo after wait is an error");
}

static void
test_cursor(void)
{
	static const char text[] = "user A\n"
	                           "  on_start GET /start\n"
	                           "  on_stop GET /stop\n"
	                           "  task 3 GET /a\n"
	                           "  task 1 GET /b\n"
	                           "  group 4\n"
	                           "    GET /c\n"
	                           "    task 3 GET /d\n"
	                           "user S\n"
	                           "  sequence\n"
	                           "    GET /1\n"
	                           "    task 2 GET /2\n"
	                           "    group\n"
	                           "      GET /g1\n"
	                           "      GET /g2\n"
	                           "    sequence\n"
	                           "      GET /n1\n"
	                           "      GET /n2\n"
	                           "    GET /3\n";
	static const char *names[] = { "/a", "/b", "/c", "/d" };
	struct lt_scenario *s = parse(text);
	struct lt_cursor cur;
	struct lt_rng rng;
	const struct lt_step *st;
	char seq[256] = "";
	int counts[4] = { 0 }, r, total, i;

	TAP_OK(s != NULL, "cursor scenario parses");
	if (s == NULL)
		return;
	count_names(&s->classes[0], 16000, names, counts, 4);
	total = counts[0] + counts[1] + counts[2] + counts[3];
	TAP_EQ_INT(total, 16000, "one step per weighted iteration");
	/* expected shares: a 3/8, b 1/8, c 4/8*1/4, d 4/8*3/4 */
	TAP_OK(fabs(counts[0] / 16000.0 - 0.375) < 0.02 &&
	        fabs(counts[1] / 16000.0 - 0.125) < 0.02 &&
	        fabs(counts[2] / 16000.0 - 0.125) < 0.02 &&
	        fabs(counts[3] / 16000.0 - 0.375) < 0.02,
	    "weights hold, nested too (%d %d %d %d)", counts[0], counts[1],
	    counts[2], counts[3]);

	lt_rng_seed(&rng, 1, 1);
	lt_cursor_init(&cur, &s->classes[0]);
	r = lt_cursor_next(&cur, &rng, &st);
	TAP_OK(r == LT_CUR_STEP && strcmp(st->name, "/start") == 0,
	    "on_start first");
	r = lt_cursor_next(&cur, &rng, &st);
	TAP_OK(r == LT_CUR_STEP && strcmp(st->name, "/start") != 0,
	    "then a task, without an iteration end between");
	lt_cursor_stop(&cur);
	r = lt_cursor_next(&cur, &rng, &st);
	TAP_OK(r == LT_CUR_STEP && strcmp(st->name, "/stop") == 0,
	    "stop runs on_stop");
	TAP_EQ_INT(lt_cursor_next(&cur, &rng, &st), LT_CUR_DONE, "then done");
	TAP_EQ_INT(
	    lt_cursor_next(&cur, &rng, &st), LT_CUR_DONE, "and stays done");

	lt_cursor_init(&cur, &s->classes[1]);
	for (i = 0; i < 16; i++) {
		r = lt_cursor_next(&cur, &rng, &st);
		if (r == LT_CUR_ITERATION_END)
			strcat(seq, "| ");
		else if (r == LT_CUR_STEP && strncmp(st->name, "/g", 2) == 0)
			strcat(seq, "g ");
		else if (r == LT_CUR_STEP) {
			strcat(seq, st->name + 1);
			strcat(seq, " ");
		}
	}
	TAP_EQ_STR(seq, "1 2 2 g n1 n2 3 | 1 2 2 g n1 n2 3 | ",
	    "sequence order, weight repeats, a group runs one, nested "
	    "sequence");
	lt_scenario_free(s);
}

static void
test_wait(void)
{
	struct lt_wait w = { LT_WAIT_BETWEEN, 1, 3, 0 };
	struct lt_rng rng;
	double sum = 0, v, lo = 10, hi = 0;
	int i;

	lt_rng_seed(&rng, 3, 3);
	for (i = 0; i < 10000; i++) {
		v = lt_wait_next(&w, &rng, 0, 0);
		sum += v;
		lo = v < lo ? v : lo;
		hi = v > hi ? v : hi;
	}
	TAP_OK(lo >= 1 && hi <= 3 && fabs(sum / 10000 - 2) < 0.05,
	    "between is uniform in [a, b] (mean %.3f)", sum / 10000);
	w.kind = LT_WAIT_CONSTANT;
	w.a_s = 1.5;
	TAP_OK(lt_wait_next(&w, &rng, 0, 9) == 1.5, "constant");
	w.kind = LT_WAIT_PACING;
	w.a_s = 2;
	TAP_OK(fabs(lt_wait_next(&w, &rng, 10, 10.5) - 1.5) < 1e-9,
	    "pacing waits the rest of the interval");
	TAP_OK(lt_wait_next(&w, &rng, 10, 13) == 0, "pacing overrun: no wait");
	w.kind = LT_WAIT_NONE;
	TAP_OK(lt_wait_next(&w, &rng, 0, 0) == 0, "none");
}

static void
test_durations(void)
{
	double d = -1;

	TAP_OK(lt_duration_parse("1.5", 3, &d) == 0 && d == 1.5, "seconds");
	TAP_OK(lt_duration_parse("500ms", 5, &d) == 0 && fabs(d - 0.5) < 1e-12,
	    "ms");
	TAP_OK(lt_duration_parse("5m", 2, &d) == 0 && d == 300, "minutes");
	TAP_OK(lt_duration_parse("1h30m", 5, &d) == 0 && d == 5400, "1h30m");
	TAP_OK(lt_duration_parse("90s", 3, &d) == 0 && d == 90, "90s");
	TAP_OK(lt_duration_parse("x", 1, &d) != 0, "x is not a duration");
	TAP_OK(lt_duration_parse("5q", 2, &d) != 0, "unknown unit");
	TAP_OK(lt_duration_parse("", 0, &d) != 0, "empty");
	TAP_OK(lt_duration_parse("-1", 2, &d) != 0, "negative");
}

static const char *
url(const struct lt_scenario *s, int task, const char *host, int *rc)
{
	static struct lt_buf b;
	struct lt_rng rng;
	struct lt_tmpl_ctx ctx = { 0 };

	if (b.cap == 0)
		lt_buf_init(&b, 0);
	lt_rng_seed(&rng, 1, 1);
	ctx.rng = &rng;
	ctx.user = 4;
	lt_buf_reset(&b);
	*rc = lt_http_url(
	    s->classes[0].tasks.tasks[task].step->http, host, &ctx, &b);
	return lt_buf_cstr(&b);
}

static void
test_urls(void)
{
	struct lt_scenario *s =
	    parse("GET /items/${user}\n  query a=b c\n  query n=${user}\n"
	          "GET /x?k=1\n  query y=2\n"
	          "GET http://abs:1/p\n"
	          "GET ${path}\n");
	int rc;

	TAP_OK(s != NULL, "url scenario parses");
	if (s == NULL)
		return;
	TAP_EQ_STR(url(s, 0, "http://h:8/", &rc),
	    "http://h:8/items/4?a=b%20c&n=4",
	    "host joined, query appended, literal blanks encoded");
	TAP_EQ_STR(url(s, 1, "http://h:8", &rc), "http://h:8/x?k=1&y=2",
	    "query after an existing ?");
	TAP_EQ_STR(url(s, 2, "http://h:8", &rc), "http://abs:1/p",
	    "absolute URL ignores the host");
	url(s, 0, NULL, &rc);
	TAP_EQ_INT(rc, -1, "a relative URL without a host fails");
	TAP_EQ_STR(url(s, 3, "http://h:8", &rc), "http://h:8/",
	    "an empty path still gets a slash");
	/* QA F16: a host with a query keeps the path before it */
	TAP_EQ_STR(url(s, 0, "http://h:8/?x=1#f", &rc),
	    "http://h:8/items/4?x=1&a=b%20c&n=4",
	    "the host's query joins the URL's, its fragment is dropped");
	TAP_EQ_STR(url(s, 1, "http://h:8?x=1", &rc), "http://h:8/x?k=1&x=1&y=2",
	    "after the URL's own query");
	lt_scenario_free(s);
	/* QA F23 and F4: values in the URL are encoded by context, raw
	   UTF-8 in the literal text too */
	s = parse(
	    "set v a&b=c d\nGET /u/${v}?q=${v}\nGET /index.html?c=\xc3\xbc\n");
	TAP_OK(s != NULL, "url template scenario parses");
	if (s == NULL)
		return;
	{
		struct lt_vars v;
		struct lt_tmpl_ctx ctx = { 0 };
		struct lt_buf b;

		lt_buf_init(&b, 0);
		TAP_OK(lt_scenario_user_init(
		           s, &s->classes[0], NULL, &v, &ctx) == 0,
		    "user init");
		rc = lt_http_url(s->classes[0].tasks.tasks[0].step->http,
		    "http://h", &ctx, &b);
		TAP_EQ_STR(lt_buf_cstr(&b),
		    "http://h/u/a%26b%3Dc%20d?q=a%26b%3Dc%20d",
		    "template values percent-encoded in path and query");
		lt_buf_reset(&b);
		rc = lt_http_url(s->classes[0].tasks.tasks[1].step->http,
		    "http://h", &ctx, &b);
		TAP_EQ_STR(lt_buf_cstr(&b), "http://h/index.html?c=%C3%BC",
		    "raw UTF-8 in the URL is percent-encoded");
		lt_buf_fini(&b);
		lt_vars_fini(&v);
	}
	lt_scenario_free(s);
	s = parse("GET /q\n  query k=a&b %41 ${user}=\n");
	TAP_OK(s != NULL, "query scenario parses");
	if (s == NULL)
		return;
	TAP_EQ_STR(url(s, 0, "http://h", &rc),
	    "http://h/q?k=a%26b%20%41%204%3D",
	    "query values: literal text encoded, %XX kept, template encoded");
	lt_scenario_free(s);
}

static int
kept(const struct lt_scenario *s, const char *cls, const char *name)
{
	size_t i, j, k;

	for (i = 0; i < s->nclasses; i++) {
		const struct lt_group *g = &s->classes[i].tasks;

		if (strcmp(s->classes[i].name, cls) != 0)
			continue;
		for (j = 0; j < g->ntasks; j++) {
			if (g->tasks[j].step &&
			    strcmp(g->tasks[j].step->name, name) == 0)
				return 1;
			if (g->tasks[j].group == NULL)
				continue;
			for (k = 0; k < g->tasks[j].group->ntasks; k++)
				if (g->tasks[j].group->tasks[k].step &&
				    strcmp(
				        g->tasks[j].group->tasks[k].step->name,
				        name) == 0)
					return 1;
		}
	}
	return 0;
}

static void
test_tags(void)
{
	static const char text[] = "user A\n"
	                           "  task 2 GET /a\n"
	                           "    tag browse\n"
	                           "  task GET /b\n"
	                           "    tag buy slow\n"
	                           "  group\n"
	                           "    tag grp\n"
	                           "    GET /c\n"
	                           "    GET /d\n"
	                           "      tag slow\n"
	                           "user B\n"
	                           "  GET /e\n"
	                           "    tag other\n";
	struct lt_scenario *s;
	struct lt_err err;

	s = parse(text);
	TAP_OK(s && lt_scenario_filter_tags(s, NULL, "", &err) == 0 &&
	        s->nclasses == 2 && s->classes[0].tasks.ntasks == 3,
	    "no filter keeps everything");
	lt_scenario_free(s);
	s = parse(text);
	TAP_OK(s && lt_scenario_filter_tags(s, "browse,grp", NULL, &err) == 0,
	    "--tags browse,grp");
	TAP_OK(s && s->nclasses == 1 && kept(s, "A", "/a") &&
	        !kept(s, "A", "/b") && kept(s, "A", "/c") && kept(s, "A", "/d"),
	    "keeps tagged tasks and group members; drops class B");
	TAP_EQ_INT(
	    s ? s->classes[0].tasks.total_weight : 0, 3, "weights recomputed");
	lt_scenario_free(s);
	s = parse(text);
	TAP_OK(s && lt_scenario_filter_tags(s, NULL, "slow", &err) == 0 &&
	        kept(s, "A", "/a") && !kept(s, "A", "/b") &&
	        kept(s, "A", "/c") && !kept(s, "A", "/d") && kept(s, "B", "/e"),
	    "--exclude-tags slow, also inside a group");
	lt_scenario_free(s);
	s = parse(text);
	TAP_OK(s && lt_scenario_filter_tags(s, "grp", "slow", &err) == 0 &&
	        kept(s, "A", "/c") && !kept(s, "A", "/d") &&
	        !kept(s, "A", "/a"),
	    "exclusion wins over inclusion");
	lt_scenario_free(s);
	s = parse(text);
	TAP_OK(s && lt_scenario_filter_tags(s, "nothing", NULL, &err) != 0 &&
	        strcmp(err.msg,
	            "t.lt: no tasks left after --tags/--exclude-tags") == 0 &&
	        err.code == LT_EXIT_USAGE,
	    "nothing left is an error");
	lt_scenario_free(s);
	s = parse(text);
	TAP_OK(s && lt_scenario_filter_tags(s, "grp", NULL, &err) == 0 &&
	        s->classes[0].tasks.ntasks == 1 &&
	        s->classes[0].tasks.tasks[0].group != NULL,
	    "a tagged group keeps all its tasks");
	lt_scenario_free(s);
}

static void
test_load(void)
{
	struct lt_scenario *s = NULL;
	struct lt_err err;
	char path[256];

	write_file("ids.csv", "id,name\n1,one\n2,two\n", 0644);
	write_file(
	    "plain.lt", "data ids ids.csv csv\nGET /i/${data ids id}\n", 0644);
	snprintf(path, sizeof(path), "%s/plain.lt", dir);
	TAP_OK(lt_scenario_load(path, &s, &err) == 0 && s->ndatas == 1 &&
	        s->datas[0]->nrows == 2,
	    "load a file; data relative to it");
	lt_scenario_free(s);
	write_file("gen.sh",
	    "#!/bin/sh\nfor i in 1 2 3; do\n"
	    "  printf 'user U%s\\n  GET /u/%s\\n' $i $i\ndone\n",
	    0755);
	snprintf(path, sizeof(path), "%s/gen.sh", dir);
	s = NULL;
	TAP_OK(lt_scenario_load(path, &s, &err) == 0 && s->nclasses == 3 &&
	        strcmp(s->classes[2].name, "U3") == 0,
	    "an executable scenario is run and its output parsed");
	lt_scenario_free(s);
	write_file("bad.sh", "#!/bin/sh\necho 'GET /'\nexit 3\n", 0755);
	snprintf(path, sizeof(path), "%s/bad.sh", dir);
	TAP_OK(lt_scenario_load(path, &s, &err) != 0 &&
	        strstr(err.msg, "scenario generator exited with status 3") !=
	            NULL &&
	        err.code == LT_EXIT_USAGE,
	    "a failing generator: %s", err.msg);
	write_file("badsyn.sh", "#!/bin/sh\necho 'GTE /'\n", 0755);
	snprintf(path, sizeof(path), "%s/badsyn.sh", dir);
	TAP_OK(lt_scenario_load(path, &s, &err) != 0 &&
	        strstr(err.msg, "badsyn.sh:1:1: expected host, user") != NULL,
	    "generated text errors name the generator: %s", err.msg);
	snprintf(path, sizeof(path), "%s/none.lt", dir);
	TAP_OK(lt_scenario_load(path, &s, &err) != 0 &&
	        strstr(err.msg, "No such file") && err.code == LT_EXIT_USAGE,
	    "missing file: %s", err.msg);
	TAP_OK(lt_scenario_load(dir, &s, &err) != 0 &&
	        strstr(err.msg, "is a directory"),
	    "a directory");
}

static void
test_include(void)
{
	struct lt_scenario *s = NULL;
	struct lt_err err;
	char path[256], want[512];

	mkdir(strcat(strcpy(path, dir), "/inc"), 0755);
	write_file("inc/common.lt",
	    "header X-Common: 1\ndata ids ids.txt\n"
	    "user Shared weight 2\n  GET /s/${data ids}\n",
	    0644);
	write_file("inc/ids.txt", "7\n", 0644);
	write_file(
	    "main.lt", "include inc/common.lt\nuser Own\n  GET /o\n", 0644);
	snprintf(path, sizeof(path), "%s/main.lt", dir);
	TAP_OK(lt_scenario_load(path, &s, &err) == 0 && s->nclasses == 2 &&
	        strcmp(s->classes[0].name, "Shared") == 0 &&
	        s->classes[1].tasks.tasks[0].step->http->nheaders == 1,
	    "include: classes and settings of the included file");
	TAP_OK(s && s->ndatas == 1 && strstr(s->datas[0]->path, "/inc/ids.txt"),
	    "include: its file names start from its directory");
	lt_scenario_free(s);
	write_file("loop.lt", "include loop.lt\nGET /\n", 0644);
	snprintf(path, sizeof(path), "%s/loop.lt", dir);
	snprintf(want, sizeof(want),
	    "%s/loop.lt:1:9: include loop: %s/loop.lt is already being read",
	    dir, dir);
	TAP_OK(
	    lt_scenario_load(path, &s, &err) != 0 && strcmp(err.msg, want) == 0,
	    "include loop: %s", err.msg);
	write_file("a.lt", "include b.lt\n", 0644);
	write_file("b.lt", "include a.lt\n", 0644);
	snprintf(path, sizeof(path), "%s/a.lt", dir);
	TAP_OK(lt_scenario_load(path, &s, &err) != 0 &&
	        strstr(err.msg, "include loop: ") != NULL,
	    "indirect include loop: %s", err.msg);
	write_file("badinc.lt", "GET /\n", 0644);
	write_file("inc/bad.lt", "\nuser X\n  GTE /\n", 0644);
	write_file("usebad.lt", "include inc/bad.lt\n", 0644);
	snprintf(path, sizeof(path), "%s/usebad.lt", dir);
	snprintf(want, sizeof(want), "%s/inc/bad.lt:3:3: expected a task", dir);
	TAP_OK(lt_scenario_load(path, &s, &err) != 0 &&
	        strncmp(err.msg, want, strlen(want)) == 0,
	    "errors in an included file name it: %s", err.msg);
	write_file("noinc.lt", "include nope.lt\n", 0644);
	snprintf(path, sizeof(path), "%s/noinc.lt", dir);
	TAP_OK(lt_scenario_load(path, &s, &err) != 0 &&
	        strstr(err.msg, "noinc.lt:1:9: ") != NULL &&
	        strstr(err.msg, "No such file") != NULL,
	    "a missing include: %s", err.msg);
}

/* Every example scenario shipped in scenarios/ parses. */
static void
test_examples(void)
{
	const char *top = getenv("LT_TOP");
	char sdir[512], path[1024];
	struct dirent *de;
	DIR *d;
	int n = 0;

	snprintf(sdir, sizeof(sdir), "%s/scenarios", top ? top : ".");
	d = opendir(sdir);
	if (d == NULL) {
		printf("ok %d - # SKIP no scenarios directory\n", ++tap_n);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		struct lt_scenario *s = NULL;
		struct lt_err err;

		if (!(l > 3 && strcmp(de->d_name + l - 3, ".lt") == 0) &&
		    !(l > 3 && strcmp(de->d_name + l - 3, ".sh") == 0))
			continue;
		snprintf(path, sizeof(path), "%s/%s", sdir, de->d_name);
		n++;
		if (lt_scenario_load(path, &s, &err) != 0) {
			TAP_OK(0, "%s parses: %s", de->d_name, err.msg);
			continue;
		}
		TAP_OK(s->nclasses > 0, "%s parses", de->d_name);
		lt_scenario_free(s);
	}
	closedir(d);
	TAP_OK(n >= 5, "found %d example scenarios", n);
}

/* Checks one literal block of the man page's EXAMPLES section. */
static void
man_example(const char *text, int n)
{
	struct lt_scenario *s = NULL;
	struct lt_shape *sh;
	struct lt_stage st;
	struct lt_err err;
	char path[300];
	int stages = 0;

	if (strncmp(text, "mkfifo", 6) == 0) {
		printf("ok %d - # SKIP man example %d is a shell session\n",
		    ++tap_n, n);
		return;
	}
	if (strncmp(text, "#!", 2) == 0) {
		write_file("man.sh", text, 0755);
		snprintf(path, sizeof(path), "%s/man.sh", dir);
		if (lt_scenario_load(path, &s, &err) != 0)
			printf("# %s\n", err.msg);
		TAP_OK(s != NULL,
		    "man example %d (a generator) runs and parses", n);
		lt_scenario_free(s);
		return;
	}
	if (text[0] >= '0' && text[0] <= '9') {
		sh = lt_shape_new_buf("man");
		TAP_OK(lt_shape_feed(sh, text, strlen(text), 1, &err) == 0,
		    "man example %d (a shape) parses", n);
		while (lt_shape_next(sh, &st))
			stages++;
		TAP_OK(stages > 1 && st.kind == LT_STAGE_END,
		    "man example %d has stages and an end", n);
		lt_shape_close(sh);
		return;
	}
	s = parse(text);
	TAP_OK(s != NULL, "man example %d parses", n);
	lt_scenario_free(s);
}

/* The man page's examples are tested, so the documentation cannot rot. */
static void
test_man(void)
{
	const char *top = getenv("LT_TOP");
	char path[512], line[1024];
	struct lt_buf b;
	FILE *f;
	int in_examples = 0, in_block = 0, n = 0;

	snprintf(path, sizeof(path), "%s/share/man/man5/lt-scenario.5",
	    top ? top : ".");
	f = fopen(path, "r");
	if (f == NULL) {
		printf("ok %d - # SKIP no man page\n", ++tap_n);
		return;
	}
	write_file("accounts.csv", "name,password\nann,secret\n", 0644);
	lt_buf_init(&b, 0);
	while (fgets(line, sizeof(line), f) != NULL) {
		char *p;

		if (strncmp(line, ".Sh ", 4) == 0)
			in_examples = strcmp(line, ".Sh EXAMPLES\n") == 0;
		if (!in_examples)
			continue;
		if (strncmp(line, ".Bd -literal", 12) == 0) {
			in_block = 1;
			lt_buf_reset(&b);
			continue;
		}
		if (in_block && strncmp(line, ".Ed", 3) == 0) {
			in_block = 0;
			man_example(lt_buf_cstr(&b), ++n);
			continue;
		}
		if (!in_block)
			continue;
		for (p = line; *p != '\0'; p++) {
			if (p[0] == '\\' && p[1] == 'e') {
				lt_buf_addc(&b, '\\');
				p++;
			} else {
				lt_buf_addc(&b, *p);
			}
		}
	}
	fclose(f);
	lt_buf_fini(&b);
	TAP_OK(n >= 5, "found %d man page examples", n);
}

int
main(void)
{
	char cmd[300];

	if (mkdtemp(dir) == NULL)
		return 1;
	test_errors();
	test_design_example();
	test_settings();
	test_steps();
	test_implicit();
	test_cursor();
	test_wait_each();
	test_wait();
	test_durations();
	test_urls();
	test_tags();
	test_load();
	test_include();
	test_examples();
	test_man();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return 1;
	return tap_done();
}
