/*
 * check_test.c - unit tests of checks and captures (lib/run/check*.c), through
 * scenarios parsed from text so the syntax is tested with the semantics:
 * status lists and ranges, body contains/regex, JSON paths, headers after
 * redirects, latency, captures into variables, and the failure reasons.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/check.h"
#include "run/scenario.h"
#include "../tap.h"

static struct lt_scenario *sc;
static struct lt_vars vars;
static struct lt_tmpl_ctx ctx;
static struct lt_buf scratch, reason;

static const char body_json[] =
    "{\"token\":\"t-123\",\"user\":{\"id\":7,\"tags\":[\"a\",\"b\"],"
    "\"ok\":true,\"price\":9.5},\"items\":[{\"id\":1},{\"id\":2}],"
    "\"n\":3,\"odd key\":\"v\"}";

static const char headers[] =
    "HTTP/1.1 302 Found\r\nLocation: /next\r\nX-First: 1\r\n\r\n"
    "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
    "X-Id:   42  \r\nSet-Cookie: a=b\r\n\r\n";

/* The step of the first task of the only class. */
static const struct lt_step *
step(void)
{
	return sc->classes[0].tasks.tasks[0].step;
}

static int
load(const char *text)
{
	struct lt_err err;

	lt_scenario_free(sc);
	sc = NULL;
	lt_vars_fini(&vars);
	if (lt_scenario_parse_buf("t.lt", text, strlen(text), ".", &sc, &err) !=
	    0) {
		printf("# parse error: %s\n", err.msg);
		return -1;
	}
	lt_vars_init(&vars, sc->nvars, sc->ndatas);
	ctx.vars = &vars;
	ctx.var_names = sc->vars;
	return 0;
}

/* Evaluates the step's checks on a response; returns the reason or "ok". */
static const char *
eval(long status, const char *body, int64_t latency_us)
{
	struct lt_response r = { 0 };
	int rc;

	r.status = status;
	r.headers = headers;
	r.headers_len = strlen(headers);
	r.body = body;
	r.body_len = body ? strlen(body) : 0;
	r.latency_us = latency_us;
	rc = lt_check_eval(&step()->checks, &r, &ctx, &scratch, &reason, NULL);
	if (rc == LT_CHECK_OK)
		return "ok";
	return lt_buf_cstr(&reason);
}

/* Parses "GET /\n  LINE" and evaluates it on the canned JSON response. */
static const char *
one(const char *line, long status)
{
	char text[1024];

	snprintf(text, sizeof(text), "GET /x\n  %s\n", line);
	if (load(text) != 0)
		return "(parse error)";
	return eval(status, body_json, 1000);
}

static void
test_status(void)
{
	TAP_EQ_STR(one("tag a", 200), "ok", "no expectation: 200 passes");
	TAP_EQ_STR(one("tag a", 404), "http: status 404",
	    "no expectation: >= 400 fails as http");
	TAP_EQ_STR(one("expect status 200", 500), "check: status 500 != 200",
	    "status ==");
	TAP_EQ_STR(one("expect status 404", 404), "ok",
	    "an expected 404 is not an http failure");
	TAP_EQ_STR(one("expect status 200-299", 204), "ok", "range passes");
	TAP_EQ_STR(one("expect status 200-299 404", 302),
	    "check: status 302 not in 200-299 404", "list fails with the list");
	TAP_EQ_STR(one("expect status 2xx,3xx", 302), "ok", "2xx,3xx classes");
	TAP_EQ_STR(one("expect status 200 201", 201), "ok", "list passes");
}

static void
test_body(void)
{
	TAP_EQ_STR(one("expect body contains \"t-123\"", 200), "ok",
	    "contains passes");
	TAP_EQ_STR(one("expect body contains price", 200), "ok",
	    "contains an unquoted word");
	TAP_EQ_STR(one("expect body contains \"nope\"", 200),
	    "check: body lacks \"nope\"", "contains fails");
	TAP_EQ_STR(one("expect body not contains \"t-123\"", 200),
	    "check: body contains \"t-123\"", "not contains fails");
	TAP_EQ_STR(
	    one("expect body ~ \"t-[0-9]+\"", 200), "ok", "regex passes");
	TAP_EQ_STR(one("expect body ~ \"id\\\":\\d{2}\"", 200),
	    "check: body does not match \"id\\\":\\\\d{2}\"",
	    "regex with \\d fails");
	TAP_EQ_STR(
	    one("expect body ~ \"id\\\":\\d\"", 200), "ok", "\\d is a digit");
	TAP_EQ_STR(one("expect body !~ \"t-1\"", 200),
	    "check: body matches \"t-1\"", "!~ fails when it matches");
	TAP_EQ_STR(one("expect body contains \"u${user}\"", 200),
	    "check: body lacks \"u0\"", "templates in contains");
}

static void
test_json(void)
{
	TAP_EQ_STR(one("expect json .token == \"t-123\"", 200), "ok",
	    "json string equals");
	TAP_EQ_STR(one("expect json .token == t-123", 200), "ok",
	    "a bare word compares as a string");
	TAP_EQ_STR(one("expect json .user.id == 7", 200), "ok", "json number");
	TAP_EQ_STR(one("expect json .user.id == 7.0", 200), "ok", "7 == 7.0");
	TAP_EQ_STR(one("expect json .user.price == 9.5", 200), "ok", "real");
	TAP_EQ_STR(one("expect json .user.ok == true", 200), "ok", "bool");
	TAP_EQ_STR(one("expect json .user.tags == [\"a\",\"b\"]", 200), "ok",
	    "array equality");
	TAP_EQ_STR(one("expect json .items[1].id == 2", 200), "ok", "index");
	TAP_EQ_STR(
	    one("expect json .items[-1].id == 2", 200), "ok", "negative index");
	TAP_EQ_STR(one("expect json .user.tags[0] == \"a\"", 200), "ok",
	    "index after key");
	TAP_EQ_STR(
	    one("expect json .\"odd key\" == \"v\"", 200), "ok", "quoted key");
	TAP_EQ_STR(one("expect json .user.id == 8", 200),
	    "check: json .user.id is 7, want 8", "json != fails with both");
	TAP_EQ_STR(one("expect json .user.id != 7", 200),
	    "check: json .user.id == 7", "!= fails");
	TAP_EQ_STR(one("expect json .missing", 200),
	    "check: json .missing missing", "exists fails");
	TAP_EQ_STR(one("expect json .token exists", 200), "ok", "exists");
	TAP_EQ_STR(one("expect json .nope missing", 200), "ok", "missing");
	TAP_EQ_STR(one("expect json .token not exists", 200),
	    "check: json .token exists", "not exists fails");
	TAP_EQ_STR(one("expect json .token ~ \"^t-\\d+$\"", 200), "ok",
	    "json ~ regex");
	TAP_EQ_STR(one("expect json .n ~ \"^4$\"", 200),
	    "check: json .n \"3\" does not match \"^4$\"", "json ~ fails");
	TAP_EQ_STR(one("expect json .user.id == ${user}", 200),
	    "check: json .user.id is 7, want 0", "templates in json values");
	if (load("GET /x\n  expect json .a == 1\n") == 0)
		TAP_EQ_STR(eval(200, "<html>", 0),
		    "check: body is not JSON (json .a)", "not JSON");
	else
		TAP_OK(0, "parse");
	if (load("GET /x\n  expect json .[1].id == 2\n") == 0)
		TAP_EQ_STR(eval(200, "[{\"id\":1},{\"id\":2}]", 0), "ok",
		    ".[1] on a top-level array");
	else
		TAP_OK(0, "parse");
	if (load("GET /x\n  expect json . == 5\n") == 0)
		TAP_EQ_STR(
		    eval(200, "5", 0), "ok", "'.' is the whole document");
	else
		TAP_OK(0, "parse");
	TAP_OK(step()->checks.need_json, "json checks ask for the JSON body");
}

static void
test_headers_latency(void)
{
	TAP_EQ_STR(
	    one("expect header Content-Type ~ json", 200), "ok", "header ~");
	TAP_EQ_STR(one("expect header content-type", 200), "ok",
	    "header names are case-insensitive");
	TAP_EQ_STR(
	    one("expect header X-Id == 42", 200), "ok", "header value trimmed");
	TAP_EQ_STR(one("expect header Location", 200),
	    "check: no header Location",
	    "only the last response's headers count after redirects");
	TAP_EQ_STR(one("expect header X-Id == \"41\"", 200),
	    "check: header X-Id is \"42\", want \"41\"", "header == fails");
	TAP_EQ_STR(one("expect header Content-Type ~ \"^text/\"", 200),
	    "check: header Content-Type \"application/json; charset=utf-8\" "
	    "does not match \"^text/\"",
	    "header ~ fails");
	TAP_EQ_STR(one("expect latency < 500ms", 200), "ok", "latency passes");
	TAP_EQ_STR(one("expect latency < 0.5ms", 200),
	    "check: latency 1.0ms >= 0.5ms", "latency fails");
}

static void
test_captures(void)
{
	const char *v;
	long id;

	TAP_OK(
	    load("GET /x\n  save tok json .token\n  save uid json .user.id\n"
	         "  save tags json .user.tags\n  save ct header Content-Type\n"
	         "  save num regex \"\\\"n\\\":(\\d+)\"\n  save st status\n"
	         "  save whole regex \"t-\\d+\"\n") == 0,
	    "captures parse");
	TAP_EQ_STR(eval(201, body_json, 0), "ok", "captures succeed");
	id = lt_scenario_var(sc, "tok");
	v = lt_vars_get(&vars, (size_t)id, NULL);
	TAP_EQ_STR(v, "t-123", "json string saved unquoted");
	TAP_EQ_STR(lt_vars_get(&vars, (size_t)lt_scenario_var(sc, "uid"), NULL),
	    "7", "json number saved as text");
	TAP_EQ_STR(
	    lt_vars_get(&vars, (size_t)lt_scenario_var(sc, "tags"), NULL),
	    "[\"a\",\"b\"]", "json array saved as JSON");
	TAP_EQ_STR(lt_vars_get(&vars, (size_t)lt_scenario_var(sc, "ct"), NULL),
	    "application/json; charset=utf-8", "header saved");
	TAP_EQ_STR(lt_vars_get(&vars, (size_t)lt_scenario_var(sc, "num"), NULL),
	    "3", "regex group 1 saved");
	TAP_EQ_STR(lt_vars_get(&vars, (size_t)lt_scenario_var(sc, "st"), NULL),
	    "201", "status saved");
	TAP_EQ_STR(
	    lt_vars_get(&vars, (size_t)lt_scenario_var(sc, "whole"), NULL),
	    "t-123", "regex without a group saves the match");
	TAP_OK(load("GET /x\n  save tok json .nope\n") == 0, "parse");
	TAP_EQ_STR(eval(200, body_json, 0),
	    "check: save tok: json .nope missing",
	    "a capture that finds nothing fails");
	TAP_OK(load("GET /x\n  save loc header Location\n") == 0, "parse");
	TAP_EQ_STR(eval(200, body_json, 0),
	    "check: save loc: no header Location", "missing header capture");
	TAP_OK(load("GET /x\n  save id regex \"id=(\\d+)\"\n") == 0, "parse");
	TAP_EQ_STR(eval(200, "no ids", 0),
	    "check: save id: regex \"id=(\\\\d+)\" does not match",
	    "regex capture that does not match");
	TAP_EQ_STR(eval(200, "x id=981 y", 0), "ok", "regex capture matches");
	TAP_EQ_STR(lt_vars_get(&vars, (size_t)lt_scenario_var(sc, "id"), NULL),
	    "981", "regex with \\d captured");
	TAP_OK(
	    load("GET /x\n  save tok json .token\n  expect status 200\n") == 0,
	    "parse");
	TAP_EQ_STR(eval(500, body_json, 0), "check: status 500 != 200",
	    "status checks run before captures");
	TAP_OK(lt_vars_get(&vars, (size_t)lt_scenario_var(sc, "tok"), NULL) ==
	        NULL,
	    "and nothing was captured");
}

/*
 * Responses in exact-size buffers without a terminating NUL, as an engine
 * collects them: under ASan any read past the end fails the test.
 */
static void
test_unterminated(void)
{
	size_t hn = strlen(headers), bn = strlen(body_json);
	char *h = malloc(hn), *b = malloc(bn);
	struct lt_response r = { 0 };

	if (h == NULL || b == NULL)
		return;
	memcpy(h, headers, hn);
	memcpy(b, body_json, bn);
	r.status = 200;
	r.headers = h;
	r.headers_len = hn;
	r.body = b;
	r.body_len = bn;
	TAP_OK(load("GET /x\n  expect header Content-Type ~ \"json\"\n"
	            "  expect body ~ \"t-[0-9]+\"\n  expect body contains "
	            "price\n  expect json .n ~ \"3\"\n  save t regex "
	            "\"(t-[0-9]+)\"\n  save ct header X-Id\n") == 0,
	    "parse");
	TAP_EQ_INT(
	    lt_check_eval(&step()->checks, &r, &ctx, &scratch, &reason, NULL),
	    LT_CHECK_OK, "regex checks on unterminated buffers");
	TAP_EQ_STR(lt_vars_get(&vars, (size_t)lt_scenario_var(sc, "t"), NULL),
	    "t-123", "regex capture from an unterminated body");
	TAP_EQ_STR(lt_vars_get(&vars, (size_t)lt_scenario_var(sc, "ct"), NULL),
	    "42", "header capture from an unterminated block");
	r.body_len = 5; /* cut inside the body: {"tok */
	TAP_OK(load("GET /x\n  expect body ~ \"tok\"\n  expect body !~ "
	            "\"token\"\n") == 0,
	    "parse");
	TAP_EQ_INT(
	    lt_check_eval(&step()->checks, &r, &ctx, &scratch, &reason, NULL),
	    LT_CHECK_OK, "regexes see only body_len bytes");
	free(h);
	free(b);
}

static void
test_regex_limits(void)
{
	regex_t re;
	struct lt_err err;
	char big[1100];

	TAP_OK(lt_check_regcomp(&re, "a++", 0, &err) != 0 &&
	        strcmp(err.msg,
	            "bad regex \"a++\": a repetition of a repetition") == 0,
	    "stacked repetitions are refused: %s", err.msg);
	TAP_OK(lt_check_regcomp(&re, "((a{100}){100}){10}", 0, &err) != 0 &&
	        strstr(err.msg, "too complex") != NULL,
	    "multiplying bounds are refused: %s", err.msg);
	TAP_OK(lt_check_regcomp(&re, "(a)\\1", 0, &err) != 0 &&
	        strstr(err.msg, "back-references") != NULL,
	    "back-references refused");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	TAP_OK(lt_check_regcomp(&re, big, 0, &err) != 0 &&
	        strstr(err.msg, "longer than 1024") != NULL,
	    "long regexes refused");
	TAP_OK(
	    lt_check_regcomp(&re, "^id=([0-9]{1,8})(,[a-z]+)*$", 0, &err) == 0,
	    "an ordinary regex is fine");
	regfree(&re);
	TAP_OK(lt_check_regcomp(&re, "[+*]+x{2}", 0, &err) == 0,
	    "quantifier characters inside brackets are atoms");
	regfree(&re);
}

/* Marks of the step's checks as "label=P|F|-" joined by ';'. */
static const char *
marks_of(long status, const char *body, const char **why)
{
	static char out[1024];
	const struct lt_checks *cs = &step()->checks;
	struct lt_response r = { 0 };
	unsigned char m[32];
	size_t i, n = cs->n + cs->ncap, o = 0;
	int rc;

	r.status = status;
	r.headers = headers;
	r.headers_len = strlen(headers);
	r.body = body;
	r.body_len = strlen(body);
	memset(m, 0xee, sizeof(m));
	rc = lt_check_eval(cs, &r, &ctx, &scratch, &reason, m);
	*why = rc == LT_CHECK_OK ? "ok" : lt_buf_cstr(&reason);
	out[0] = '\0';
	for (i = 0; i < n && o < sizeof(out) - 80; i++)
		o += (size_t)snprintf(out + o, sizeof(out) - o, "%s%s=%c",
		    i ? ";" : "",
		    i < cs->n ? cs->v[i].label : cs->cap[i - cs->n].label,
		    m[i] == LT_MARK_PASS          ? 'P'
		        : m[i] == LT_MARK_FAIL    ? 'F'
		        : m[i] == LT_MARK_NOT_RUN ? '-'
		                                  : '?');
	return out;
}

/* Every check is evaluated and marked; the first failure names the error. */
static void
test_marks(void)
{
	const char *why;

	TAP_OK(load("expect status 200\nGET /x\n  expect   body contains "
	            "\"price\"  \n"
	            "  expect json .n == 4\n  expect header X-Id == 42\n"
	            "  save tok json .token\n  save nope json .nope\n"
	            "  expect status 200\n") == 0,
	    "parse");
	TAP_EQ_INT(
	    (long)step()->checks.n, 4, "a repeated inherited check is one");
	TAP_EQ_STR(marks_of(200, body_json, &why),
	    "status 200=P;body contains \"price\"=P;json .n == 4=F;"
	    "header X-Id == 42=P;save tok json .token=P;save nope json .nope=F",
	    "labels as written, trimmed; checks after a failure still run");
	TAP_EQ_STR(why, "check: save nope: json .nope missing",
	    "the first failure (captures before other checks) is the error");
	TAP_EQ_STR(marks_of(500, body_json, &why),
	    "status 200=F;body contains \"price\"=P;json .n == 4=F;"
	    "header X-Id == 42=P;save tok json .token=-;save nope json .nope=-",
	    "a failed status: captures not run, other checks still marked");
	TAP_EQ_STR(why, "check: status 500 != 200", "the status is the error");
	TAP_OK(
	    load(
	        "GET /x\n  expect body contains zzz\n  save t json .token\n") ==
	        0,
	    "parse");
	TAP_EQ_STR(marks_of(503, "{}", &why),
	    "body contains zzz=F;save t json .token=-",
	    "no expect status and 503: body checks marked, captures not run");
	TAP_EQ_STR(why, "http: status 503", "the http rule names the error");
	TAP_OK(
	    load("GET /x\n  save a json .token\n  save a json .token\n") == 0,
	    "parse");
	TAP_EQ_INT((long)step()->checks.ncap, 1, "a repeated capture is one");
	TAP_OK(load("GET /x\n  expect header Cookie == s=abc123\n"
	            "  expect header Authorization ~ ^Bearer t0k\n"
	            "  expect header X-Id == 42\n") == 0,
	    "parse");
	TAP_EQ_STR(marks_of(200, "{}", &why),
	    "header Cookie == ***=F;header Authorization ~ ***=F;"
	    "header X-Id == 42=P",
	    "a credential header's value is masked in the check's name");
	TAP_OK(load("expect header Cookie == a=1\nGET /x\n"
	            "  expect header Cookie == b=2\n"
	            "  expect header Cookie == c=3\n") == 0,
	    "parse");
	TAP_EQ_STR(marks_of(200, "{}", &why),
	    "header Cookie == ***=F;header Cookie == *** #2=F;"
	    "header Cookie == *** #3=F",
	    "masked names that collide are numbered");
}

int
main(void)
{
	lt_buf_init(&scratch, 0);
	lt_buf_init(&reason, 0);
	test_status();
	test_body();
	test_json();
	test_headers_latency();
	test_captures();
	test_regex_limits();
	test_unterminated();
	test_marks();
	lt_scenario_free(sc);
	lt_vars_fini(&vars);
	lt_buf_fini(&scratch);
	lt_buf_fini(&reason);
	return tap_done();
}
