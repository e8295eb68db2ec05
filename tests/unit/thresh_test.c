/* thresh_test.c - the threshold grammar (lib/agg/thresh.c): valid and invalid. */
#include <math.h>
#include <string.h>

#include "agg/thresh.h"
#include "../tap.h"

static void
valid(const char *expr, enum lt_thresh_metric m, double pct,
    enum lt_thresh_op op, double limit, const char *method, const char *name)
{
	struct lt_thresh t;
	struct lt_err err;
	int rc = lt_thresh_parse(expr, &t, &err);
	int same = rc == 0 && t.metric == m && t.op == op &&
	    fabs(t.limit - limit) < 1e-9 && fabs(t.pct - pct) < 1e-9 &&
	    ((method == NULL && t.method == NULL) ||
	        (method && t.method && strcmp(method, t.method) == 0)) &&
	    ((name == NULL && t.name == NULL) ||
	        (name && t.name && strcmp(name, t.name) == 0));

	if (!TAP_OK(same, "valid: %s", expr) && rc)
		printf("#   %s\n", err.msg);
	lt_thresh_fini(&t);
}

static void
invalid(const char *expr, const char *want)
{
	struct lt_thresh t;
	struct lt_err err;
	int rc = lt_thresh_parse(expr, &t, &err);

	if (!TAP_OK(rc == -1 && err.code == LT_EXIT_USAGE &&
	            strstr(err.msg, want) != NULL,
	        "invalid: '%s' -> %s", expr, want))
		printf("#   rc %d msg %s\n", rc, rc ? err.msg : "");
	lt_thresh_fini(&t);
}

int
main(void)
{
	valid("p95<300ms", LT_TM_PCT, 95, LT_OP_LT, 300, NULL, NULL);
	valid("p95 < 300", LT_TM_PCT, 95, LT_OP_LT, 300, NULL, NULL);
	valid("p99.9<=1.5s", LT_TM_PCT, 99.9, LT_OP_LE, 1500, NULL, NULL);
	valid("p100<2000us", LT_TM_PCT, 100, LT_OP_LT, 2, NULL, NULL);
	valid("GET /items/{id}:p99<1s", LT_TM_PCT, 99, LT_OP_LT, 1000, "GET",
	    "/items/{id}");
	valid("/a:b:max<5", LT_TM_MAX, 0, LT_OP_LT, 5, NULL, "/a:b");
	valid(
	    "fail_ratio<0.01", LT_TM_FAIL_RATIO, 0, LT_OP_LT, 0.01, NULL, NULL);
	valid("fail_ratio<1%", LT_TM_FAIL_RATIO, 0, LT_OP_LT, 0.01, NULL, NULL);
	valid("rps>100", LT_TM_RPS, 0, LT_OP_GT, 100, NULL, NULL);
	valid("fps>=1e1", LT_TM_FPS, 0, LT_OP_GE, 10, NULL, NULL);
	valid("avg<200", LT_TM_MEAN, 0, LT_OP_LT, 200, NULL, NULL);
	valid("mean!=3", LT_TM_MEAN, 0, LT_OP_NE, 3, NULL, NULL);
	valid("median==4ms", LT_TM_MEDIAN, 0, LT_OP_EQ, 4, NULL, NULL);
	valid("min>0.5", LT_TM_MIN, 0, LT_OP_GT, 0.5, NULL, NULL);
	valid("failures==0", LT_TM_FAILURES, 0, LT_OP_EQ, 0, NULL, NULL);
	valid("POST /login:requests>=10", LT_TM_REQUESTS, 0, LT_OP_GE, 10,
	    "POST", "/login");
	valid("co_p99<2s", LT_TM_CO_PCT, 99, LT_OP_LT, 2000, NULL, NULL);

	invalid("", "col 1: expected a metric");
	invalid("p95<<3", "col 5: expected a number");
	invalid("p95", "col 4: expected an operator");
	invalid("p0<3", "col 2: expected a percentile");
	invalid("p101<3", "col 2: expected a percentile");
	invalid("latency<3", "col 1: expected a metric");
	invalid("p95<3h", "col 6: expected a time unit");
	invalid("rps>3ms", "col 6: this metric takes no unit");
	invalid("fail_ratio<1s", "col 13: expected no unit or '%'");
	invalid("p95<3 ms", "col 7: unexpected text");
	invalid(":p95<3", "col 1: expected an endpoint");
	invalid("p95<inf", "col 5: expected a number");
	invalid("p95<-3", "col 5: expected a number");
	return tap_done();
}
