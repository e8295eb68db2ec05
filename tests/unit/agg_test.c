/*
 * agg_test.c - the aggregator's semantics (lib/agg/agg.c, aggstats.c): Locust's
 * definitions of failures and ratios, requests without latency, the
 * endpoint and failure-group caps, the run span and the timeline cache
 * under events far out of order.
 */
#include <stdio.h>
#include <string.h>

#include "agg/agg.h"
#include "../tap.h"

static struct lt_sv
sv(const char *s)
{
	struct lt_sv v = { s, s ? strlen(s) : 0 };

	return v;
}

static struct lt_event
req(const char *method, const char *name, int64_t ts_us, int64_t lat_us, int ok,
    const char *error)
{
	struct lt_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = LT_EV_REQ;
	ev.ts_us = ts_us;
	ev.method = sv(method);
	ev.name = sv(name);
	ev.error = sv(error);
	ev.ok = ok;
	ev.status = ok == 1 ? 200 : 500;
	ev.latency_us = lat_us;
	ev.ttfb_us = ev.connect_us = ev.wait_us = LT_EV_ABSENT;
	ev.bytes = ev.user = ev.count = LT_EV_ABSENT;
	return ev;
}

static int
add(struct lt_agg *agg, struct lt_event ev)
{
	struct lt_err err;

	return lt_agg_event(agg, &ev, &err);
}

static void
semantics(void)
{
	struct lt_agg *agg = lt_agg_new(NULL);
	struct lt_ep_stats st;
	struct lt_event ev;
	struct lt_err err;

	add(agg, req("GET", "/a", 10000000, 1000, 1, NULL));
	add(agg, req("GET", "/a", 10500000, 3000, 0, "http: 500"));
	add(agg, req("GET", "/a", 11000000, LT_EV_ABSENT, -1, "timeout: 5s"));
	add(agg, req("GET", "/a", 11000000, 2000, -1, NULL));
	ev = req("GET", "/a", 11000000, -5, 1, NULL);
	TAP_EQ_INT(
	    lt_agg_event(agg, &ev, &err), 1, "negative latency rejected");
	ev = req("GET", "/a", 11000000, 5, 1, NULL);
	ev.status = 1000;
	TAP_EQ_INT(lt_agg_event(agg, &ev, &err), 1, "status 1000 rejected");
	ev.type = LT_EV_UNKNOWN;
	TAP_EQ_INT(lt_agg_event(agg, &ev, &err), 0, "unknown type skipped");
	lt_agg_finish(agg);
	TAP_EQ_INT(agg->n_eps, 1, "one endpoint");
	lt_agg_stats(agg, agg->eps[0], &st);
	TAP_EQ_INT(st.requests, 4, "requests include failures and no-latency");
	TAP_EQ_INT(st.failures, 2, "ok false, or no ok with an error, fails");
	TAP_OK(st.fail_ratio == 0.5, "fail_ratio = failures / requests");
	TAP_OK(st.mean_us == 2000.0, "mean over requests with a latency");
	TAP_EQ_INT(
	    agg->eps[0]->hist.count, 3, "no-latency request not recorded");
	TAP_EQ_INT(agg->start_us, 10000000, "run starts at the first event");
	TAP_EQ_INT(agg->end_us, 11002000, "and ends at the last completion");
	TAP_OK(st.rps == 4 / 1.002, "rps over the run duration");
	TAP_EQ_INT(agg->unknown, 1, "unknown counted");
	TAP_EQ_INT(agg->n_fails, 2, "two failure groups");
	lt_agg_free(agg);
}

static void
caps(void)
{
	struct lt_agg *agg = lt_agg_new(NULL);
	char name[32];
	int folded = 0;

	for (int i = 0; i < LT_AGG_MAX_ENDPOINTS + 5; i++) {
		snprintf(name, sizeof(name), "/e%d", i);
		add(agg, req("GET", name, 1000000, 10, 0, name));
	}
	lt_agg_finish(agg);
	TAP_EQ_INT(agg->n_eps, LT_AGG_MAX_ENDPOINTS + 1,
	    "endpoints capped, plus (other)");
	for (size_t i = 0; i < agg->n_eps; i++)
		if (strcmp(agg->eps[i]->key.p[1], "(other)") == 0)
			folded = (int)agg->eps[i]->requests;
	TAP_EQ_INT(folded, 5, "further endpoints fold into (other)");
	TAP_EQ_INT(agg->other_endpoint_events, 5, "and are counted");
	TAP_EQ_INT(agg->total.requests, LT_AGG_MAX_ENDPOINTS + 5,
	    "total keeps every request");
	TAP_EQ_INT(agg->n_fails, LT_AGG_MAX_FAILGROUPS + 1,
	    "failure groups capped, plus (other errors)");
	lt_agg_free(agg);
}

static void
out_of_order(void)
{
	struct lt_agg *agg = lt_agg_new(NULL);
	int64_t sum = 0, bad = 0;

	/* 40 seconds visited in a scattered order, many times each: every
	 * visit to an evicted second reloads it from its sparse form */
	for (int round = 0; round < 50; round++)
		for (int k = 0; k < 40; k++) {
			int64_t t = (k * 17) % 40;

			add(agg,
			    req("GET", "/o", (1000 + t) * 1000000 + round,
			        100 + t * 10 + round % 7, 1, NULL));
		}
	lt_agg_finish(agg);
	TAP_EQ_INT(agg->tl.n, 40, "40 seconds");
	for (size_t i = 0; i < agg->tl.n; i++) {
		const struct lt_sec *s = &agg->tl.secs[i];

		sum += s->requests;
		if (s->requests != 50 || s->hist.count != 50 ||
		    s->hist.min != 100 + (s->t - 1000) * 10)
			bad++;
	}
	TAP_EQ_INT(sum, 2000, "every request in the timeline");
	TAP_EQ_INT(bad, 0, "every second complete after evictions");
	lt_agg_free(agg);
}

int
main(void)
{
	semantics();
	caps();
	out_of_order();
	return tap_done();
}
