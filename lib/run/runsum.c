/*
 * runsum.c - lt-run's console text: the live line and the final table
 * (declared in runner.h).  Formatted into a buffer; the main prints it.
 * The table follows Locust's console summary (locust.md 5.5).
 */
#include <stdio.h>

#include "run/runner.h"

int
lt_run_tick_format(const struct lt_run_tick *t, struct lt_buf *out)
{
	return lt_buf_printf(out,
	    "lt-run: %6.0fs users %-6ld %8.1f req/s %6.1f fail/s  "
	    "p50 %.2f ms  p95 %.2f ms  total %llu (%llu failed)\n",
	    t->elapsed_s, t->users, t->rps, t->fails_per_s, t->p50_ms,
	    t->p95_ms, (unsigned long long)t->requests,
	    (unsigned long long)t->failures);
}

static void
ms_col(struct lt_buf *out, int64_t us)
{
	lt_buf_printf(out, " %9.2f", (double)us / 1000.0);
}

/*
 * One row, from the same histogram and the same percentile rule as
 * lt-agg's (core/hist.h): the figures agree with lt-agg's on the events.
 */
static void
row(struct lt_buf *out, const char *method, const char *name, uint64_t requests,
    const struct lt_hist *h, uint64_t fails, double secs)
{
	static const double pcts[3] = { 50, 95, 99 };
	int64_t p[3] = { 0, 0, 0 };
	int has = h->counts != NULL && h->count > 0;

	if (has)
		lt_hist_percentiles(h, pcts, 3, p);
	lt_buf_printf(out, "%-7s %-30.30s %9llu %7llu", method, name,
	    (unsigned long long)requests, (unsigned long long)fails);
	lt_buf_printf(out, " %9.2f", has ? lt_hist_mean_us(h) / 1000.0 : 0.);
	ms_col(out, has ? h->min : 0);
	ms_col(out, has ? h->max : 0);
	ms_col(out, p[0]);
	ms_col(out, p[1]);
	ms_col(out, p[2]);
	lt_buf_printf(out, " %8.1f\n", secs > 0 ? (double)requests / secs : 0.);
}

int
lt_run_stats_format(const struct lt_run_stats *st, struct lt_buf *out)
{
	int i;

	lt_buf_printf(out, "%-7s %-30s %9s %7s %9s %9s %9s %9s %9s %9s %8s\n",
	    "Type", "Name", "# reqs", "# fails", "Avg ms", "Min ms", "Max ms",
	    "Med ms", "95% ms", "99% ms", "req/s");
	for (i = 0; i < st->n_endpoints; i++)
		row(out, st->endpoints[i].method, st->endpoints[i].name,
		    st->endpoints[i].requests, &st->endpoints[i].hist,
		    st->endpoints[i].fails, st->elapsed_s);
	row(out, "", "Aggregated", st->requests, &st->total, st->failures,
	    st->elapsed_s);
	lt_buf_printf(out,
	    "lt-run: %.1f s, ended by %s, %llu requests, %llu failed "
	    "(%.2f%%)",
	    st->elapsed_s, st->reason ? st->reason : "error",
	    (unsigned long long)st->requests, (unsigned long long)st->failures,
	    st->requests ? 100.0 * (double)st->failures / (double)st->requests
	                 : 0.);
	if (st->drops > 0)
		lt_buf_printf(out, ", %llu iterations dropped (all users busy)",
		    (unsigned long long)st->drops);
	if (st->check_passes + st->check_fails > 0)
		lt_buf_printf(out, ", checks %.2f%% passed (%llu of %llu)",
		    100.0 * (double)st->check_passes /
		        (double)(st->check_passes + st->check_fails),
		    (unsigned long long)st->check_passes,
		    (unsigned long long)(st->check_passes + st->check_fails));
	return lt_buf_addc(out, '\n');
}
