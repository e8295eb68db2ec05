/*
 * csv.c - Locust-compatible CSV writers; see csv.h.  The formats were
 * checked against files written by Locust 2.12 (tests/data/locust/) and
 * locust.md section 5; tests/pipe/report_csv.sh compares them column by
 * column.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/csv.h"

#define CRLF "\r\n"

static const char stats_header[] =
    "Type,Name,Request Count,Failure Count,"
    "Median Response Time,Average Response Time,Min Response Time,"
    "Max Response Time,Average Content Size,Requests/s,Failures/s,"
    "50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%" CRLF;
static const char history_header[] =
    "Timestamp,User Count,Type,Name,"
    "Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,"
    "100%,Total Request Count,Total Failure Count,Total Median Response "
    "Time,Total Average Response Time,Total Min Response Time,Total Max "
    "Response Time,Total Average Content Size" CRLF;
static const char failures_header[] = "Method,Name,Error,Occurrences" CRLF;
static const char exceptions_header[] = "Count,Message,Traceback,Nodes" CRLF;

/* Rows filled into gaps, at most (about 11 days of empty seconds). */
#define HISTORY_MAX_FILL 1000000

int
lt_csv_field(struct lt_buf *b, const char *s)
{
	const char *p;
	int rc = 0;

	if (strpbrk(s, ",\"\r\n") == NULL)
		return lt_buf_adds(b, s);
	rc |= lt_buf_addc(b, '"');
	for (p = s; *p != '\0'; p++) {
		if (*p == '"')
			rc |= lt_buf_addc(b, '"');
		rc |= lt_buf_addc(b, *p);
	}
	rc |= lt_buf_addc(b, '"');
	return rc ? -1 : 0;
}

int
lt_csv_pyfloat(struct lt_buf *b, double v)
{
	char e[40], digits[24] = "0", out[64];
	int prec, exp, nd = 0, i, o = 0;
	char *p;

	if (isnan(v))
		return lt_buf_adds(b, "nan");
	if (isinf(v))
		return lt_buf_adds(b, v < 0 ? "-inf" : "inf");
	if (v == 0)
		return lt_buf_adds(b, signbit(v) ? "-0.0" : "0.0");
	for (prec = 1; prec <= 17; prec++) {
		snprintf(e, sizeof(e), "%.*e", prec - 1, v);
		if (strtod(e, NULL) == v)
			break;
	}
	/* e is "[-]d[.ddd]e[+-]XX": split into digits and exponent. */
	p = e;
	if (*p == '-')
		out[o++] = *p++;
	for (; *p != 'e'; p++)
		if (*p != '.')
			digits[nd++] = *p;
	exp = atoi(p + 1);
	if (exp >= -4 && exp < 16) {
		if (exp < 0) {
			out[o++] = '0';
			out[o++] = '.';
			for (i = 0; i < -exp - 1; i++)
				out[o++] = '0';
			for (i = 0; i < nd; i++)
				out[o++] = digits[i];
		} else {
			for (i = 0; i <= exp; i++)
				out[o++] = i < nd ? digits[i] : '0';
			out[o++] = '.';
			if (nd <= exp + 1)
				out[o++] = '0';
			for (i = exp + 1; i < nd; i++)
				out[o++] = digits[i];
		}
		out[o] = '\0';
	} else {
		out[o++] = digits[0];
		if (nd > 1) {
			out[o++] = '.';
			for (i = 1; i < nd; i++)
				out[o++] = digits[i];
		}
		snprintf(out + o, sizeof(out) - (size_t)o, "e%c%02d",
		    exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
	}
	return lt_buf_adds(b, out);
}

/* An integer number of milliseconds, as Locust's int(bucket). */
static int
ms_int(struct lt_buf *b, double ms)
{
	return lt_buf_printf(b, "%lld", (long long)llround(ms));
}

static int
pct_fields(struct lt_buf *b, const double *pct, int have)
{
	int i, rc = 0;

	for (i = 0; i < LT_REP_NPCT; i++) {
		rc |= lt_buf_addc(b, ',');
		if (have)
			rc |= ms_int(b, pct[i]);
		else
			rc |= lt_buf_adds(b, "N/A");
	}
	return rc;
}

/*
 * A text field from the run (a name, an error).  With safe (lt-report
 * --csv-safe), one that a spreadsheet would take for a formula (leading
 * =, +, -, @, tab or CR) gets a leading apostrophe, OWASP's escaping;
 * without, it is written as Locust writes it (lt-report(1)).
 */
static int
text_field(struct lt_buf *b, const char *s, int safe)
{
	if (safe && s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL) {
		struct lt_buf t;
		int rc;

		lt_buf_init(&t, 0);
		rc = lt_buf_addc(&t, '\'') | lt_buf_adds(&t, s);
		rc |= rc ? 0 : lt_csv_field(b, lt_buf_cstr(&t));
		lt_buf_fini(&t);
		return rc ? -1 : 0;
	}
	return lt_csv_field(b, s);
}

static int
stats_row(struct lt_buf *b, const struct lt_rep_ep *e, int safe)
{
	int rc = 0;

	rc |= text_field(b, e->method, safe);
	rc |= lt_buf_addc(b, ',');
	rc |= text_field(b, e->name, safe);
	rc |= lt_buf_printf(
	    b, ",%lld,%lld,", (long long)e->requests, (long long)e->failures);
	if (e->requests > 0) {
		rc |= ms_int(b, e->median_ms);
		rc |= lt_buf_addc(b, ',');
		rc |= lt_csv_pyfloat(b, e->mean_ms);
		rc |= lt_buf_addc(b, ',');
		rc |= lt_csv_pyfloat(b, e->min_ms);
		rc |= lt_buf_addc(b, ',');
		rc |= lt_csv_pyfloat(b, e->max_ms);
		rc |= lt_buf_addc(b, ',');
		rc |= lt_csv_pyfloat(b, e->avg_bytes);
	} else {
		/* Locust's values for an entry that saw nothing. */
		rc |= lt_buf_adds(b, "0,0.0,0,0,0");
	}
	rc |= lt_buf_addc(b, ',');
	rc |= lt_csv_pyfloat(b, e->rps);
	rc |= lt_buf_addc(b, ',');
	rc |= lt_csv_pyfloat(b, e->fps);
	rc |= pct_fields(b, e->pct_ms, e->requests > 0);
	rc |= lt_buf_adds(b, CRLF);
	return rc ? -1 : 0;
}

int
lt_csv_stats(struct lt_buf *b, const struct lt_report *r)
{
	size_t i;
	int rc = lt_buf_adds(b, stats_header);

	for (i = 0; i < r->n_eps; i++)
		rc |= stats_row(b, &r->eps[i], r->csv_safe);
	rc |= stats_row(b, &r->total, r->csv_safe);
	return rc ? -1 : 0;
}

/* Running totals for the history rows: the run's, or one endpoint's. */
struct cum {
	const char *method, *name; /* "" and "Aggregated" for the run */
	double avg_bytes;          /* when the timeline has no bytes: the
				      run's (the endpoint's) average */
	int has_bytes;             /* bytes counts every second's bytes */
	struct lt_hist h;          /* sig 2, like the timeline's */
	int64_t requests, failures, users, bytes;
	int64_t sec_requests, sec_failures; /* this second's */
};

static int
history_row(struct lt_buf *b, const struct cum *c, int64_t t, int64_t users)
{
	double pct[LT_REP_NPCT];
	int64_t us[LT_REP_NPCT];
	int i, rc = 0;

	lt_hist_percentiles(&c->h, lt_pct_list, LT_REP_NPCT, us);
	for (i = 0; i < LT_REP_NPCT; i++)
		pct[i] = (double)us[i] / 1000.0;
	rc |= lt_buf_printf(b, "%lld,%lld,", (long long)t, (long long)users);
	rc |= lt_csv_field(b, c->method);
	rc |= lt_buf_addc(b, ',');
	rc |= lt_csv_field(b, c->name);
	rc |= lt_buf_printf(
	    b, ",%.6f,%.6f", (double)c->sec_requests, (double)c->sec_failures);
	rc |= pct_fields(b, pct, c->requests > 0);
	rc |= lt_buf_printf(
	    b, ",%lld,%lld,", (long long)c->requests, (long long)c->failures);
	if (c->requests > 0 && c->h.count > 0) {
		rc |= ms_int(b, pct[0]);
		rc |= lt_buf_addc(b, ',');
		rc |= lt_csv_pyfloat(
		    b, (double)c->h.sum / (double)c->h.count / 1000.0);
		rc |= lt_buf_addc(b, ',');
		rc |= lt_csv_pyfloat(b, (double)c->h.min / 1000.0);
		rc |= lt_buf_addc(b, ',');
		rc |= lt_csv_pyfloat(b, (double)c->h.max / 1000.0);
		rc |= lt_buf_addc(b, ',');
		/*
		 * Cumulative, as Locust's; an aggregate from an older lt-agg
		 * (or an endpoint's series) has no bytes per second: the
		 * run's (the endpoint's) average stands in.
		 */
		rc |= lt_csv_pyfloat(b,
		    c->has_bytes ? (double)c->bytes / (double)c->requests
		                 : c->avg_bytes);
	} else {
		rc |= lt_buf_adds(b, "0,0.0,0,0,0");
	}
	rc |= lt_buf_adds(b, CRLF);
	return rc ? -1 : 0;
}

/* Adds second s of the timeline to the running totals (NULL: empty). */
static void
cum_add(struct cum *c, const struct lt_rep_sec *s)
{
	c->sec_requests = c->sec_failures = 0;
	if (s == NULL)
		return;
	lt_shist_add_to(s->hist, &c->h);
	c->requests += s->requests;
	c->failures += s->failures;
	c->sec_requests = s->requests;
	c->sec_failures = s->failures;
	c->bytes += s->bytes;
	if (s->users >= 0)
		c->users = s->users;
}

/* Adds endpoint c's series in second s (NULL: none) to its totals. */
static void
cum_add_ep(struct cum *c, const struct lt_rep_sec *s)
{
	size_t i;

	c->sec_requests = c->sec_failures = 0;
	if (s == NULL || s->src == NULL)
		return;
	for (i = 0; i < s->src->n_eps; i++) {
		const struct lt_doc_sec_ep *x = &s->src->eps[i];

		if (strcmp(x->method, c->method) != 0 ||
		    strcmp(x->name, c->name) != 0)
			continue;
		lt_shist_add_to(&x->hist, &c->h);
		c->requests += x->requests;
		c->failures += x->failures;
		c->sec_requests = x->requests;
		c->sec_failures = x->failures;
		return;
	}
}

/*
 * One second's rows: with per-endpoint totals (nep > 0), a row for each
 * endpoint that has had requests so far, then the Aggregated one.
 */
static int
history_second(struct lt_buf *b, struct cum *run, struct cum *ep, size_t nep,
    int64_t t, const struct lt_rep_sec *s)
{
	size_t i;
	int rc = 0;

	cum_add(run, s);
	for (i = 0; i < nep; i++) {
		cum_add_ep(&ep[i], s);
		if (ep[i].requests > 0)
			rc |= history_row(b, &ep[i], t, run->users);
	}
	rc |= history_row(b, run, t, run->users);
	return rc;
}

static void
cums_fini(struct cum *ep, size_t nep)
{
	size_t i;

	for (i = 0; i < nep; i++)
		lt_hist_fini(&ep[i].h);
	free(ep);
}

/* Per-endpoint totals for --csv-full-history; *nep 0 when not asked. */
static int
cums_init(const struct lt_report *r, struct cum **out, size_t *nep)
{
	struct cum *ep;
	size_t i;

	*out = NULL;
	*nep = 0;
	if (!r->csv_full_history || !r->has_sec_eps || r->n_eps == 0)
		return 0;
	ep = calloc(r->n_eps, sizeof(*ep));
	if (ep == NULL)
		return -1;
	for (i = 0; i < r->n_eps; i++) {
		ep[i].method = r->eps[i].method;
		ep[i].name = r->eps[i].name;
		ep[i].avg_bytes = r->eps[i].avg_bytes;
		if (lt_hist_init(&ep[i].h, 2) != 0) {
			cums_fini(ep, i);
			return -1;
		}
	}
	*out = ep;
	*nep = r->n_eps;
	return 0;
}

int
lt_csv_history(struct lt_buf *b, const struct lt_report *r)
{
	struct cum c, *ep;
	size_t i, nep;
	int64_t t, fill_left = HISTORY_MAX_FILL;
	int gaps, rc = lt_buf_adds(b, history_header);

	if (r->n_secs == 0)
		return rc;
	memset(&c, 0, sizeof(c));
	c.method = "";
	c.name = "Aggregated";
	c.avg_bytes = r->total.avg_bytes;
	c.has_bytes = r->has_sec_bytes;
	if (lt_hist_init(&c.h, 2) != 0)
		return -1;
	if (cums_init(r, &ep, &nep) != 0) {
		lt_hist_fini(&c.h);
		return -1;
	}
	/*
	 * Locust writes a row every second: every second of the timeline is
	 * written, and, when the timeline is sane, the empty seconds between
	 * them too, for gaps of at most LT_REP_GAP_FILL_MAX seconds and
	 * HISTORY_MAX_FILL rows in all (lt-report warns about wider gaps).
	 */
	gaps = lt_report_timeline_ok(r);
	for (i = 0; i < r->n_secs && rc == 0; i++) {
		const struct lt_rep_sec *s = &r->secs[i];
		/* Only a sane timeline's seconds can be subtracted. */
		int64_t empty = gaps && i > 0 ? s->t - r->secs[i - 1].t - 1 : 0;

		if (empty > 0 && empty <= LT_REP_GAP_FILL_MAX &&
		    empty <= fill_left) {
			for (t = r->secs[i - 1].t + 1; t < s->t && rc == 0; t++)
				rc |= history_second(b, &c, ep, nep, t, NULL);
			fill_left -= empty;
		}
		rc |= history_second(b, &c, ep, nep, s->t, s);
	}
	cums_fini(ep, nep);
	lt_hist_fini(&c.h);
	return rc ? -1 : 0;
}

int
lt_csv_failures(struct lt_buf *b, const struct lt_report *r)
{
	size_t i;
	int rc = lt_buf_adds(b, failures_header);

	for (i = 0; i < r->n_fails; i++) {
		const struct lt_rep_fail *f = &r->fails[i];

		rc |= text_field(b, f->method, r->csv_safe);
		rc |= lt_buf_addc(b, ',');
		rc |= text_field(b, f->name, r->csv_safe);
		rc |= lt_buf_addc(b, ',');
		rc |= text_field(b, f->error, r->csv_safe);
		rc |= lt_buf_printf(b, ",%lld" CRLF, (long long)f->occurrences);
	}
	return rc ? -1 : 0;
}

/*
 * Locust's exceptions are errors of the test's own code, not of the
 * target; lt's test code is its exec tasks, so a failure whose category
 * is "exec" (could not run, a non-zero exit status, bad output json) is
 * one.  Traceback says where: the task; Nodes is "local", as Locust's
 * standalone runs write.
 */
int
lt_csv_exceptions(struct lt_buf *b, const struct lt_report *r)
{
	size_t i;
	int rc = lt_buf_adds(b, exceptions_header);

	for (i = 0; i < r->n_fails; i++) {
		const struct lt_rep_fail *f = &r->fails[i];
		struct lt_buf where;

		if (strncmp(f->error, "exec:", 5) != 0)
			continue;
		lt_buf_init(&where, 0);
		rc |= lt_buf_printf(b, "%lld,", (long long)f->occurrences);
		rc |= lt_csv_field(b, f->error);
		rc |= lt_buf_addc(b, ',');
		rc |= lt_buf_printf(&where, "exec task %s", f->name);
		rc |= lt_csv_field(b, lt_buf_cstr(&where));
		rc |= lt_buf_adds(b, ",local" CRLF);
		lt_buf_fini(&where);
	}
	return rc ? -1 : 0;
}
