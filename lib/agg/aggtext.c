/*
 * aggtext.c - the human summary of lt-agg --format text and the live table
 * of --live, laid out like Locust's console output (locust.md 5.5) so that
 * people who know Locust read it at once.  Times are milliseconds, with
 * decimals below 100 ms (Locust prints integers, which hides fast
 * endpoints entirely).
 */
#include <stdio.h>
#include <string.h>

#include "agg/aggcheck.h"
#include "agg/llmjson.h"
#include "agg/aggwrite.h"

/* Formats us as milliseconds into s (cap 16). */
static const char *
ms(char *s, double us)
{
	if (us >= 100000)
		snprintf(s, 16, "%.0f", us / 1000.0);
	else if (us >= 10000)
		snprintf(s, 16, "%.1f", us / 1000.0);
	else
		snprintf(s, 16, "%.2f", us / 1000.0);
	return s;
}

static int
dashes(struct lt_buf *b, const int *w, int n)
{
	int rc = 0;

	for (int i = 0; i < n; i++) {
		for (int j = 0; j < w[i]; j++)
			rc |= lt_buf_addc(b, '-');
		rc |= lt_buf_addc(b, i + 1 < n ? '|' : '\n');
	}
	return rc;
}

size_t
lt_agg_text_cols(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

/* Bytes of the first cols characters of s[0..n). */
static size_t
cut_cols(const char *s, size_t n, size_t cols)
{
	size_t i = 0;

	for (size_t c = 0; i < n; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80 && c++ == cols)
			break;
	}
	return i;
}

/*
 * Name of an endpoint, cut to width characters (UTF-8: padding and cuts
 * count characters, as Locust's table does, not bytes).  *pad is the
 * printf width that pads name to width characters.
 */
static void
ep_names(const struct lt_ep *ep, int total, int width, char *method, char *name,
    size_t cap, int *pad)
{
	size_t n;

	if (total) {
		method[0] = '\0';
		snprintf(name, cap, "Aggregated");
		*pad = width;
		return;
	}
	snprintf(method, 16, "%.*s", (int)(ep->key.n[0] > 8 ? 8 : ep->key.n[0]),
	    ep->key.p[0]);
	n = cut_cols(ep->key.p[1], ep->key.n[1], (size_t)width);
	if (n >= cap)
		n = cut_cols(
		    ep->key.p[1], n, lt_agg_text_cols(ep->key.p[1], cap - 4));
	snprintf(name, cap, "%.*s", (int)n, ep->key.p[1]);
	*pad = width + (int)(n - lt_agg_text_cols(name, n));
}

static int
stats_row(const struct lt_agg *agg, const struct lt_ep *ep, int total,
    int width, double interval_s, struct lt_buf *b)
{
	struct lt_ep_stats st;
	char method[16], name[400], fails[40], a[16], mi[16], ma[16], me[16];
	double rps, fps;
	int pad;

	lt_agg_stats(agg, ep, &st);
	ep_names(ep, total, width, method, name, sizeof(name), &pad);
	snprintf(fails, sizeof(fails), "%lld(%.2f%%)", (long long)st.failures,
	    st.fail_ratio * 100.0);
	rps = st.rps;
	fps = st.fps;
	if (interval_s > 0) {
		int64_t r = total ? agg->live_requests : ep->live_requests;
		int64_t f = total ? agg->live_failures : ep->live_failures;

		rps = (double)(ep->requests - r) / interval_s;
		fps = (double)(ep->failures - f) / interval_s;
	}
	return lt_buf_printf(b,
	    "%-8s %-*s %7lld %12s | %7s %7s %7s %7s | %7.2f %11.2f\n", method,
	    pad, name, (long long)st.requests, fails, ms(a, st.mean_us),
	    ms(mi, (double)st.min_us), ms(ma, (double)st.max_us),
	    ms(me, (double)st.median_us), rps, fps);
}

static int
stats_table(
    const struct lt_agg *agg, int width, double interval_s, struct lt_buf *b)
{
	const int w[] = { 8, width, 7, 13, 8, 8, 8, 9, 8, 12 };
	int rc = 0;

	rc |= lt_buf_printf(b,
	    "%-8s %-*s %7s %12s | %7s %7s %7s %7s | %7s %11s\n", "Type", width,
	    "Name", "# reqs", "# fails", "Avg", "Min", "Max", "Med", "req/s",
	    "failures/s");
	rc |= dashes(b, w, 10);
	for (size_t i = 0; i < agg->n_eps; i++)
		rc |= stats_row(agg, agg->eps[i], 0, width, interval_s, b);
	rc |= dashes(b, w, 10);
	rc |= stats_row(agg, &agg->total, 1, width, interval_s, b);
	return rc;
}

static int
pct_row(const struct lt_ep *ep, int total, int width, const int64_t *pct,
    int64_t n, struct lt_buf *b)
{
	char method[16], name[400], v[16];
	int rc = 0, pad;

	ep_names(ep, total, width, method, name, sizeof(name), &pad);
	rc |= lt_buf_printf(b, "%-8s %-*s", method, pad, name);
	for (int i = 0; i < LT_PCT_N; i++)
		rc |= lt_buf_printf(b, " %7s", ms(v, (double)pct[i]));
	return rc | lt_buf_printf(b, " %7lld\n", (long long)n);
}

/* which: 0 latency, 1 CO-corrected */
static int
pct_table(const struct lt_agg *agg, int width, int which, struct lt_buf *b)
{
	int w[LT_PCT_N + 3] = { 8, width };
	struct lt_ep_stats st;
	int rc = 0;

	for (int i = 2; i < LT_PCT_N + 3; i++)
		w[i] = 7;
	rc |= lt_buf_adds(b,
	    which ? "\nResponse time percentiles corrected "
	            "for coordinated omission (wait + latency)\n"
	          : "\nResponse time percentiles (approximated)\n");
	rc |= lt_buf_printf(b, "%-8s %-*s", "Type", width, "Name");
	for (int i = 0; i < LT_PCT_N; i++)
		rc |= lt_buf_printf(b, " %6s%%", lt_pct_keys[i]);
	rc |= lt_buf_printf(b, " %7s\n", "# reqs");
	rc |= dashes(b, w, LT_PCT_N + 3);
	for (size_t i = 0; i <= agg->n_eps; i++) {
		const struct lt_ep *ep =
		    i < agg->n_eps ? agg->eps[i] : &agg->total;

		if (i == agg->n_eps)
			rc |= dashes(b, w, LT_PCT_N + 3);
		lt_agg_stats(agg, ep, &st);
		if (which && !st.has_co)
			continue;
		rc |= pct_row(ep, i == agg->n_eps, width,
		    which ? st.co_pct_us : st.pct_us,
		    which ? ep->co.count : st.requests, b);
	}
	return rc;
}

static int
error_report(const struct lt_agg *agg, struct lt_buf *b)
{
	const int w[] = { 18, 60 };
	int rc = 0;

	if (agg->n_fails == 0)
		return 0;
	rc |= lt_buf_adds(b, "\nError report\n");
	rc |= lt_buf_printf(b, "%-18s %s\n", "# occurrences", "Error");
	rc |= dashes(b, w, 2);
	for (size_t i = 0; i < agg->n_fails; i++) {
		const struct lt_failgroup *f = agg->fails[i];

		rc |= lt_buf_printf(b, "%-18lld %s%s%s: %s\n",
		    (long long)f->occurrences, f->key.p[0],
		    f->key.n[0] ? " " : "", f->key.p[1], f->key.p[2]);
	}
	return rc;
}

int
lt_agg_write_text(const struct lt_agg *agg, int name_width, struct lt_buf *b)
{
	int rc = 0;

	rc |= stats_table(agg, name_width, 0, b);
	rc |= pct_table(agg, name_width, 0, b);
	if (agg->total.co.counts && agg->total.co.count)
		rc |= pct_table(agg, name_width, 1, b);
	rc |= lt_llmstat_write_text(agg, b);
	rc |= error_report(agg, b);
	rc |= lt_aggchk_write_text(agg->chk, b);
	rc |= lt_buf_printf(b,
	    "\nRun: %.3f s, %lld run(s), max users %lld, dropped %lld\n"
	    "Input: %lld lines, %lld events, %lld rejected, %lld unknown\n",
	    lt_agg_duration_s(agg), (long long)agg->runs,
	    (long long)agg->max_users, (long long)agg->dropped,
	    (long long)agg->lines, (long long)agg->events,
	    (long long)agg->rejected, (long long)agg->unknown);
	for (int i = 0; i < agg->nrejects; i++)
		rc |= lt_buf_printf(b, "  rejected %s:%lld: %s\n",
		    agg->rejects[i].file, (long long)agg->rejects[i].line,
		    agg->rejects[i].reason);
	return rc ? -1 : 0;
}

int
lt_agg_write_live(struct lt_agg *agg, double interval_s, struct lt_buf *b)
{
	int rc = 0, width = 10;

	for (size_t i = 0; i < agg->n_eps; i++) {
		int c = (int)lt_agg_text_cols(
		    agg->eps[i]->key.p[1], agg->eps[i]->key.n[1]);

		if (c > width)
			width = c;
	}
	if (width > 50)
		width = 50;
	rc |= lt_buf_printf(b, "lt-agg: %lld events, %lld rejected\n",
	    (long long)agg->events, (long long)agg->rejected);
	rc |= stats_table(agg, width, interval_s > 0 ? interval_s : 1e-9, b);
	rc |= lt_buf_addc(b, '\n');
	lt_agg_live_mark(agg);
	return rc ? -1 : 0;
}

void
lt_agg_live_mark(struct lt_agg *agg)
{
	for (size_t i = 0; i < agg->n_eps; i++) {
		agg->eps[i]->live_requests = agg->eps[i]->requests;
		agg->eps[i]->live_failures = agg->eps[i]->failures;
	}
	agg->live_requests = agg->total.requests;
	agg->live_failures = agg->total.failures;
}
