/*
 * thresh.c - parsing and evaluating threshold expressions; see thresh.h.
 *
 * A hand-written scanner over the expression with a column for every
 * error, because the expression comes from a command line or a CI file
 * and "bad expression" alone does not say what to fix.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonw.h"
#include "agg/aggcheck.h"
#include "agg/thresh.h"
#include "agg/llmjson.h"

static const struct {
	const char *name;
	enum lt_thresh_metric m;
} metrics[] = {
	{ "avg", LT_TM_MEAN },
	{ "mean", LT_TM_MEAN },
	{ "min", LT_TM_MIN },
	{ "max", LT_TM_MAX },
	{ "median", LT_TM_MEDIAN },
	{ "rps", LT_TM_RPS },
	{ "fps", LT_TM_FPS },
	{ "fail_ratio", LT_TM_FAIL_RATIO },
	{ "failures", LT_TM_FAILURES },
	{ "requests", LT_TM_REQUESTS },
	{ "dropped", LT_TM_DROPPED },
	{ "dropped_ratio", LT_TM_DROPPED_RATIO },
	{ "checks", LT_TM_CHECKS },
};

static const char *const op_text[] = { "<", "<=", ">", ">=", "==", "!=" };

static int
is_time(enum lt_thresh_metric m)
{
	return m <= LT_TM_MEDIAN;
}

/* An LLM metric in milliseconds, or one that is a ratio. */
static int
llm_unit_is(const struct lt_thresh *t, const char *u)
{
	return t->metric == LT_TM_LLM &&
	    strcmp(lt_llmstat_unit(t->llm), u) == 0;
}

static int
is_ratio(enum lt_thresh_metric m)
{
	return m == LT_TM_FAIL_RATIO || m == LT_TM_DROPPED_RATIO ||
	    m == LT_TM_CHECKS;
}

static int
is_run_wide(enum lt_thresh_metric m)
{
	return m == LT_TM_DROPPED || m == LT_TM_DROPPED_RATIO;
}

static int
bad(struct lt_err *err, const char *expr, const char *at, const char *what)
{
	return lt_err_set(err, LT_EXIT_USAGE, "check '%s': col %d: %s", expr,
	    (int)(at - expr) + 1, what);
}

/* Scans a decimal number (no sign, no inf/nan/hex) at *p into *v. */
static int
number(const char **p, double *v)
{
	const char *s = *p, *q = s;
	char *end;

	while (isdigit((unsigned char)*q))
		q++;
	if (*q == '.') {
		q++;
		while (isdigit((unsigned char)*q))
			q++;
	}
	if (q == s || (q == s + 1 && *s == '.'))
		return -1;
	if (*q == 'e' || *q == 'E') {
		const char *e = q + 1;

		if (*e == '+' || *e == '-')
			e++;
		if (isdigit((unsigned char)*e)) {
			while (isdigit((unsigned char)*e))
				e++;
			q = e;
		}
	}
	*v = strtod(s, &end);
	if (end != q || !isfinite(*v))
		return -1;
	*p = q;
	return 0;
}

static int
parse_selector(const char *s, size_t n, struct lt_thresh *t)
{
	const char *sp = memchr(s, ' ', n);

	if (sp) {
		t->method = strndup(s, (size_t)(sp - s));
		t->name = strndup(sp + 1, n - (size_t)(sp - s) - 1);
	} else {
		t->name = strndup(s, n);
	}
	return t->name && (t->method || !sp) ? 0 : -1;
}

static int
parse_metric(
    const char *expr, const char **pp, struct lt_thresh *t, struct lt_err *err)
{
	const char *p = *pp, *s = p;
	size_t n;

	if ((n = lt_llmstat_metric(p, &t->llm, &t->pct)) > 0) {
		t->metric = LT_TM_LLM;
		p += n;
	} else if (strncmp(p, "co_p", 4) == 0 ||
	    (p[0] == 'p' && (isdigit((unsigned char)p[1]) || p[1] == '.'))) {
		t->metric = p[0] == 'c' ? LT_TM_CO_PCT : LT_TM_PCT;
		p += p[0] == 'c' ? 4 : 1;
		s = p;
		if (number(&p, &t->pct) == -1 || t->pct <= 0 || t->pct > 100)
			return bad(err, expr, s,
			    "expected a percentile in (0, 100] after 'p'");
	} else {
		size_t i;

		while (islower((unsigned char)*p) || *p == '_')
			p++;
		n = (size_t)(p - s);
		for (i = 0; i < sizeof(metrics) / sizeof(metrics[0]); i++)
			if (strlen(metrics[i].name) == n &&
			    strncmp(metrics[i].name, s, n) == 0)
				break;
		if (i == sizeof(metrics) / sizeof(metrics[0]))
			return bad(err, expr, s,
			    "expected a metric (pNN, co_pNN, avg, mean, min, "
			    "max, median, rps, fps, fail_ratio, failures, "
			    "requests, dropped, dropped_ratio, checks)");
		t->metric = metrics[i].m;
	}
	s = *pp;
	n = (size_t)(p - s);
	if (n >= sizeof(t->metric_name))
		return bad(err, expr, s, "metric name too long");
	memcpy(t->metric_name, s, n);
	t->metric_name[n] = '\0';
	*pp = p;
	return 0;
}

static int
parse_op(
    const char *expr, const char **pp, struct lt_thresh *t, struct lt_err *err)
{
	const char *p = *pp;

	for (int i = 5; i >= 0; i--) {
		size_t n = strlen(op_text[i]);

		/* two-character operators are tried first (i = 5..1 order) */
		if (n == 2 && strncmp(p, op_text[i], 2) == 0) {
			t->op = (enum lt_thresh_op)i;
			*pp = p + 2;
			return 0;
		}
	}
	if (*p == '<' || *p == '>') {
		t->op = *p == '<' ? LT_OP_LT : LT_OP_GT;
		*pp = p + 1;
		return 0;
	}
	return bad(err, expr, p, "expected an operator (< <= > >= == !=)");
}

static int
parse_unit(
    const char *expr, const char *p, struct lt_thresh *t, struct lt_err *err)
{
	const char *u = p;
	size_t n;

	while (*p && *p != ' ')
		p++;
	n = (size_t)(p - u);
	while (*p == ' ')
		p++;
	if (*p)
		return bad(err, expr, p, "unexpected text after the value");
	if (is_time(t->metric) || t->metric == LT_TM_CO_PCT ||
	    llm_unit_is(t, "ms")) {
		if (n == 0 || (n == 2 && strncmp(u, "ms", 2) == 0))
			return 0;
		if (n == 1 && *u == 's') {
			t->limit *= 1000.0;
			return 0;
		}
		if (n == 2 && strncmp(u, "us", 2) == 0) {
			t->limit /= 1000.0;
			return 0;
		}
		return bad(err, expr, u, "expected a time unit (ms, s, us)");
	}
	if (n == 0)
		return 0;
	if ((is_ratio(t->metric) || llm_unit_is(t, "ratio")) && n == 1 &&
	    *u == '%') {
		t->limit /= 100.0;
		return 0;
	}
	return bad(err, expr, u,
	    is_ratio(t->metric) || llm_unit_is(t, "ratio")
	        ? "expected no unit or '%'"
	        : "this metric takes no unit");
}

int
lt_thresh_parse(const char *expr, struct lt_thresh *t, struct lt_err *err)
{
	const char *colon = strrchr(expr, ':'), *p;

	memset(t, 0, sizeof(*t));
	t->expr = strdup(expr);
	if (t->expr == NULL)
		return lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
	p = expr;
	if (colon) {
		if (colon == expr)
			return bad(
			    err, expr, expr, "expected an endpoint before ':'");
		if (parse_selector(expr, (size_t)(colon - expr), t) == -1)
			return lt_err_set(
			    err, LT_EXIT_RUNTIME, "out of memory");
		p = colon + 1;
	}
	while (*p == ' ')
		p++;
	if (parse_metric(expr, &p, t, err) == -1)
		return -1;
	if (colon && is_run_wide(t->metric))
		return bad(err, expr, expr,
		    "dropped and dropped_ratio are for the whole run, not an "
		    "endpoint");
	while (*p == ' ')
		p++;
	if (parse_op(expr, &p, t, err) == -1)
		return -1;
	while (*p == ' ')
		p++;
	if (number(&p, &t->limit) == -1)
		return bad(err, expr, p, "expected a number");
	return parse_unit(expr, p, t, err);
}

void
lt_thresh_fini(struct lt_thresh *t)
{
	free(t->expr);
	free(t->method);
	free(t->name);
	memset(t, 0, sizeof(*t));
}

/* ep's value of t's metric, or NULL and *reason when it has no samples. */
static double
value_of(const struct lt_thresh *t, const struct lt_agg *agg,
    const struct lt_ep *ep, const char **reason)
{
	struct lt_ep_stats st;

	*reason = NULL;
	if (t->metric == LT_TM_DROPPED)
		return (double)agg->dropped;
	if (t->metric == LT_TM_DROPPED_RATIO) {
		/* of the scheduled work: dropped iterations and requests */
		double all = (double)agg->dropped + (double)ep->requests;

		if (all == 0) {
			*reason = "no requests";
			return 0;
		}
		return (double)agg->dropped / all;
	}
	if (t->metric == LT_TM_LLM)
		return lt_llmstat_value(agg, ep->llm, t->llm, t->pct, reason);
	if (t->metric != LT_TM_REQUESTS && ep->requests == 0) {
		*reason = "no requests";
		return 0;
	}
	if (is_time(t->metric) && ep->hist.count == 0) {
		/* every request cut short: no response time to judge */
		*reason = "no latency samples (every request was interrupted "
		          "or had no latency)";
		return 0;
	}
	if (t->metric == LT_TM_CO_PCT &&
	    (ep->co.counts == NULL || ep->co.count == 0)) {
		*reason = "no corrected latency (no wait_ms: not an "
		          "open-model run)";
		return 0;
	}
	lt_agg_stats(agg, ep, &st);
	switch (t->metric) {
	case LT_TM_PCT:
		return (double)lt_hist_percentile(&ep->hist, t->pct) / 1000.0;
	case LT_TM_CO_PCT:
		return (double)lt_hist_percentile(&ep->co, t->pct) / 1000.0;
	case LT_TM_MEAN:
		return st.mean_us / 1000.0;
	case LT_TM_MIN:
		return (double)st.min_us / 1000.0;
	case LT_TM_MAX:
		return (double)st.max_us / 1000.0;
	case LT_TM_MEDIAN:
		return (double)st.median_us / 1000.0;
	case LT_TM_RPS:
		return st.rps;
	case LT_TM_FPS:
		return st.fps;
	case LT_TM_FAIL_RATIO:
		return st.fail_ratio;
	case LT_TM_FAILURES:
		return (double)st.failures;
	default:
		return (double)st.requests;
	}
}

static int
compare(double v, enum lt_thresh_op op, double lim)
{
	switch (op) {
	case LT_OP_LT:
		return v < lim;
	case LT_OP_LE:
		return v <= lim;
	case LT_OP_GT:
		return v > lim;
	case LT_OP_GE:
		return v >= lim;
	case LT_OP_EQ:
		return v == lim;
	default:
		return v != lim;
	}
}

/* Whether the endpoint key (p[0] method, p[1] name) is t's selection. */
static int
matches(const struct lt_thresh *t, const struct lt_keyed *key)
{
	if (strlen(t->name) != key->n[1] ||
	    memcmp(t->name, key->p[1], key->n[1]) != 0)
		return 0;
	return t->method == NULL ||
	    (strlen(t->method) == key->n[0] &&
	        memcmp(t->method, key->p[0], key->n[0]) == 0);
}

/* checks: the pass fraction over the selected endpoints' checks. */
static void
eval_checks(struct lt_thresh *t, const struct lt_agg *agg)
{
	const struct lt_aggchk *c = agg->chk;
	int64_t pass = 0, all = 0;

	for (size_t i = 0; c != NULL && i <= c->t.n; i++) {
		const struct lt_chk *k = lt_aggchk_at(c, i);

		/* the folded entry counts for the total only */
		if (k == NULL ||
		    (t->name != NULL && (i == c->t.n || !matches(t, &k->key))))
			continue;
		pass += k->passes;
		all += k->passes + k->fails;
	}
	if (all == 0) {
		t->reason = "no checks evaluated";
		return;
	}
	t->value = (double)pass / (double)all;
}

int
lt_thresh_eval(struct lt_thresh *t, const struct lt_agg *agg)
{
	struct lt_ep sum;
	const struct lt_ep *one = NULL;
	int n = 0, rc = 0;

	t->found = 0;
	t->reason = NULL;
	t->ok = 0;
	t->value = 0;
	if (t->name == NULL) {
		one = &agg->total;
		n = 1;
	} else {
		for (size_t i = 0; i < agg->n_eps; i++)
			if (matches(t, &agg->eps[i]->key)) {
				one = agg->eps[i];
				n++;
			}
	}
	if (n == 0)
		return 0;
	t->found = 1;
	if (t->metric == LT_TM_CHECKS) {
		eval_checks(t, agg);
		t->ok = t->reason == NULL && compare(t->value, t->op, t->limit);
		return 0;
	}
	if (n == 1) {
		t->value = value_of(t, agg, one, &t->reason);
	} else {
		if (lt_ep_init(&sum, 0) == -1)
			return -1;
		for (size_t i = 0; i < agg->n_eps && rc == 0; i++)
			if (matches(t, &agg->eps[i]->key))
				rc = lt_ep_add(&sum, agg->eps[i]);
		if (rc == 0)
			t->value = value_of(t, agg, &sum, &t->reason);
		lt_ep_fini(&sum);
		if (rc)
			return -1;
	}
	t->ok = t->reason == NULL && compare(t->value, t->op, t->limit);
	return 0;
}

/* v to 3 significant decimals after the point for display (2.27%, not
 * 2.27001%): below 1e-9 relative the reader cannot tell anyway. */
static double
round_sig(double v)
{
	double a = fabs(v);

	if (a >= 1e15 || a == 0 || !isfinite(v))
		return v;
	return round(v * 1e3) / 1e3;
}

const char *
lt_thresh_unit(const struct lt_thresh *t)
{
	if (is_time(t->metric) || t->metric == LT_TM_CO_PCT ||
	    llm_unit_is(t, "ms"))
		return "ms";
	if (llm_unit_is(t, "1/s"))
		return "1/s";
	if (t->metric == LT_TM_RPS || t->metric == LT_TM_FPS)
		return "1/s";
	return "";
}

static int
w_endpoint(const struct lt_thresh *t, struct lt_buf *b)
{
	int rc = 0;

	if (t->name == NULL)
		return lt_jsonw_null(b);
	if (t->method == NULL)
		return lt_jsonw_cstr(b, t->name);
	{
		struct lt_buf k;

		lt_buf_init(&k, 0);
		rc |= lt_buf_printf(&k, "%s %s", t->method, t->name);
		rc |= lt_jsonw_str(b, k.data, k.len);
		lt_buf_fini(&k);
	}
	return rc;
}

int
lt_thresh_write_json(const struct lt_thresh *t, size_t n, struct lt_buf *b)
{
	int rc = lt_buf_addc(b, '[');

	for (size_t i = 0; i < n; i++) {
		rc |= lt_buf_adds(b, i ? ",\n{\"expr\":" : "\n{\"expr\":");
		rc |= lt_jsonw_cstr(b, t[i].expr);
		rc |= lt_buf_adds(b, ",\"ok\":") | lt_jsonw_bool(b, t[i].ok);
		rc |= lt_buf_adds(b, ",\"value\":");
		rc |= t[i].found && !t[i].reason
		    ? lt_jsonw_double(b, t[i].value, 6)
		    : lt_jsonw_null(b);
		rc |= lt_buf_adds(b, ",\"limit\":") |
		    lt_jsonw_double(b, t[i].limit, 6);
		rc |= lt_buf_adds(b, ",\"op\":") |
		    lt_jsonw_cstr(b, op_text[t[i].op]);
		rc |= lt_buf_adds(b, ",\"unit\":") |
		    lt_jsonw_cstr(b, lt_thresh_unit(&t[i]));
		rc |= lt_buf_adds(b, ",\"metric\":") |
		    lt_jsonw_cstr(b, t[i].metric_name);
		rc |= lt_buf_adds(b, ",\"endpoint\":") | w_endpoint(&t[i], b);
		rc |= lt_buf_adds(b, ",\"reason\":");
		rc |= !t[i].found ? lt_jsonw_cstr(b, "no endpoint")
		    : t[i].reason ? lt_jsonw_cstr(b, t[i].reason)
		                  : lt_jsonw_null(b);
		rc |= lt_buf_adds(b, "}");
	}
	return rc | lt_buf_adds(b, n ? "\n]" : "]");
}

int
lt_thresh_describe(const struct lt_thresh *t, struct lt_buf *b)
{
	const char *u = lt_thresh_unit(t);
	const char *sp = *u ? " " : "";
	double scale = 1;

	if (!t->found)
		return lt_buf_printf(b, "FAIL %s: no endpoint %s%s%s\n",
		    t->expr, t->method ? t->method : "", t->method ? " " : "",
		    t->name);
	if (t->reason)
		return lt_buf_printf(b, "FAIL %s: %s\n", t->expr, t->reason);
	if (is_ratio(t->metric) || llm_unit_is(t, "ratio")) {
		/* fractions read as the percent they were written in */
		scale = 100;
		u = "%";
		sp = "";
	}
	return lt_buf_printf(b, "%s %s: %s = %.6g%s%s (limit %s %.6g%s%s)\n",
	    t->ok ? "PASS" : "FAIL", t->expr, t->metric_name,
	    round_sig(t->value * scale), sp, u, op_text[t->op],
	    round_sig(t->limit * scale), sp, u);
}
