/*
 * aggwrite.c - the aggregate JSON document and the text summary; see
 * aggwrite.h and lt-aggregate(5).
 *
 * Written by hand with jsonw (no DOM): the output is deterministic, in the
 * documented key order, with milliseconds printed exactly from integer
 * microseconds.  Timeline histograms are stored sparse and expanded into
 * one scratch histogram per second while writing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg/aggcheck.h"
#include "agg/aggclass.h"
#include "agg/aggwrite.h"
#include "agg/llmjson.h"
#include "core/jsonw.h"
#include "core/version.h"

#define ADD(s) lt_buf_adds(b, s)

static int
w_ts(struct lt_buf *b, int64_t us)
{
	if (us == LT_TS_NONE)
		return lt_jsonw_null(b);
	return lt_jsonw_fixed(b, us, 6);
}

static int
w_ms(struct lt_buf *b, int64_t us)
{
	return lt_jsonw_fixed(b, us, 3);
}

static int
w_msd(struct lt_buf *b, double us)
{
	return lt_jsonw_double(b, us / 1000.0, 3);
}

static int
w_kv_i64(struct lt_buf *b, const char *k, int64_t v)
{
	return lt_jsonw_key(b, k) | lt_jsonw_i64(b, v);
}

static int
w_pcts(struct lt_buf *b, const int64_t *pct_us)
{
	int rc = lt_buf_addc(b, '{');

	for (int i = 0; i < LT_PCT_N; i++) {
		if (i)
			rc |= lt_buf_addc(b, ',');
		rc |= lt_jsonw_key(b, lt_pct_keys[i]);
		rc |= w_ms(b, pct_us[i]);
	}
	return rc | lt_buf_addc(b, '}');
}

static int
w_ep(const struct lt_agg *agg, const struct lt_ep *ep, int total,
    struct lt_buf *b)
{
	struct lt_ep_stats st;
	int rc = 0, first = 1;

	lt_agg_stats(agg, ep, &st);
	rc |= ADD("{\"method\":");
	rc |= total ? ADD("\"\"") : lt_jsonw_str(b, ep->key.p[0], ep->key.n[0]);
	rc |= ADD(",\"name\":");
	rc |= total ? ADD("\"Aggregated\"")
	            : lt_jsonw_str(b, ep->key.p[1], ep->key.n[1]);
	rc |= ADD(",");
	rc |= w_kv_i64(b, "requests", st.requests);
	rc |= ADD(",");
	rc |= w_kv_i64(b, "failures", st.failures);
	rc |= ADD(",\"fail_ratio\":") | lt_jsonw_double(b, st.fail_ratio, 6);
	rc |= ADD(",\"rps\":") | lt_jsonw_double(b, st.rps, 3);
	rc |= ADD(",\"fps\":") | lt_jsonw_double(b, st.fps, 3);
	rc |= ADD(",\"min_ms\":") | w_ms(b, st.min_us);
	rc |= ADD(",\"max_ms\":") | w_ms(b, st.max_us);
	rc |= ADD(",\"mean_ms\":") | w_msd(b, st.mean_us);
	rc |= ADD(",\"median_ms\":") | w_ms(b, st.median_us);
	rc |= ADD(",\"percentiles_ms\":") | w_pcts(b, st.pct_us);
	rc |= ADD(",\"avg_bytes\":") | lt_jsonw_double(b, st.avg_bytes, 3);
	rc |= ADD(",") | w_kv_i64(b, "bytes", ep->bytes);
	if (ep->has_sent)
		rc |= ADD(",") | w_kv_i64(b, "bytes_sent", ep->bytes_sent);
	rc |= ADD(",\"status\":{");
	for (int i = 0; i < LT_STATUS_N; i++) {
		char k[16];

		if (ep->status[i] == 0)
			continue;
		snprintf(k, sizeof(k), "%d", i);
		rc |= first ? 0 : lt_buf_addc(b, ',');
		first = 0;
		rc |= w_kv_i64(b, k, ep->status[i]);
	}
	rc |= ADD("},\"ttfb\":");
	if (st.has_ttfb) {
		rc |= ADD("{\"mean_ms\":") | w_msd(b, st.ttfb_mean_us);
		rc |= ADD(",\"percentiles_ms\":") | w_pcts(b, st.ttfb_pct_us);
		rc |= ADD("}");
	} else {
		rc |= ADD("null");
	}
	rc |= ADD(",\"co\":");
	if (st.has_co) {
		rc |= ADD("{\"mean_ms\":") | w_msd(b, st.co_mean_us);
		rc |= ADD(",\"max_ms\":") | w_ms(b, st.co_max_us);
		rc |= ADD(",\"percentiles_ms\":") | w_pcts(b, st.co_pct_us);
		rc |= ADD(",\"hist\":") | lt_hist_write_json(&ep->co, b);
		rc |= ADD("}");
	} else {
		rc |= ADD("null");
	}
	rc |= ADD(",\"first_ts\":") | w_ts(b, ep->first_ts_us);
	rc |= ADD(",\"last_ts\":") | w_ts(b, ep->last_ts_us);
	if (!total)
		rc |= ADD(",") | w_kv_i64(b, "seq", ep->seq);
	rc |= ADD(",\"hist\":") | lt_hist_write_json(&ep->hist, b);
	rc |= ADD(",\"ttfb_hist\":");
	if (ep->ttfb.counts)
		rc |= lt_hist_write_json(&ep->ttfb, b);
	else
		rc |= ADD("{\"count\":0,\"min_us\":0,\"max_us\":0,\"sum_us\":0,"
		          "\"overflow\":0,\"counts\":[]}");
	return rc | ADD("}");
}

static int
w_str_or_null(struct lt_buf *b, const char *s)
{
	return s ? lt_jsonw_cstr(b, s) : lt_jsonw_null(b);
}

static int
w_run(const struct lt_agg *agg, struct lt_buf *b)
{
	int rc = 0;

	rc |= ADD("\"run\":{\"start\":") | w_ts(b, agg->start_us);
	rc |= ADD(",\"end\":") | w_ts(b, agg->end_us);
	rc |= ADD(",\"duration_s\":") |
	    lt_jsonw_fixed(b, lt_agg_duration_us(agg), 6);
	rc |= ADD(",\"host\":") | w_str_or_null(b, agg->host);
	rc |= ADD(",\"scenario\":") | w_str_or_null(b, agg->scenario);
	rc |= ADD(",\"options\":") |
	    (agg->options ? ADD(agg->options) : lt_jsonw_null(b));
	rc |= ADD(",\"end_reason\":") | w_str_or_null(b, agg->end_reason);
	rc |= ADD(",") | w_kv_i64(b, "runs", agg->runs);
	rc |= ADD(",") | w_kv_i64(b, "max_users", agg->max_users);
	rc |= ADD(",") | w_kv_i64(b, "dropped", agg->dropped);
	rc |= ADD(",\"run_start_ts\":") | w_ts(b, agg->run_start_us);
	rc |= ADD(",\"run_end_ts\":") | w_ts(b, agg->run_end_us);
	rc |= ADD(",\"first_event_ts\":") | w_ts(b, agg->first_us);
	rc |= ADD(",\"last_event_ts\":") | w_ts(b, agg->last_us);
	rc |= ADD(",\"last_completion_ts\":") | w_ts(b, agg->last_req_us);
	if (agg->opts.since_us > 0 || agg->opts.until_us > 0) {
		rc |= ADD(",\"window\":{\"since_s\":");
		rc |= agg->opts.since_us > 0
		    ? lt_jsonw_fixed(b, agg->opts.since_us, 6)
		    : lt_jsonw_null(b);
		rc |= ADD(",\"until_s\":");
		rc |= agg->opts.until_us > 0
		    ? lt_jsonw_fixed(b, agg->opts.until_us, 6)
		    : lt_jsonw_null(b);
		rc |=
		    ADD(",") | w_kv_i64(b, "outside", agg->outside) | ADD("}");
	}
	return rc | ADD("},\n");
}

static int
w_input(const struct lt_agg *agg, struct lt_buf *b)
{
	int rc = 0;

	rc |= ADD("\"input\":{") | w_kv_i64(b, "lines", agg->lines);
	rc |= ADD(",") | w_kv_i64(b, "events", agg->events);
	rc |= ADD(",") | w_kv_i64(b, "rejected", agg->rejected);
	rc |= ADD(",") | w_kv_i64(b, "unknown", agg->unknown);
	rc |= ADD(",") |
	    w_kv_i64(b, "other_endpoint_events", agg->other_endpoint_events);
	rc |= ADD(",\"rejects\":[");
	for (int i = 0; i < agg->nrejects; i++) {
		const struct lt_reject *r = &agg->rejects[i];

		rc |= ADD(i ? ",{\"file\":" : "{\"file\":");
		rc |= lt_jsonw_cstr(b, r->file);
		rc |= ADD(",") | w_kv_i64(b, "line", r->line);
		rc |= ADD(",\"reason\":") | lt_jsonw_cstr(b, r->reason);
		rc |= ADD("}");
	}
	return rc | ADD("]},\n");
}

/* Scalars of one second from its (expanded) histograms. */
static int
w_sec_lat(struct lt_buf *b, const struct lt_hist *h, const char *pfx)
{
	static const double p3[3] = { 50, 95, 99 };
	int64_t v[3];
	char k[32];
	int rc = 0;

	lt_hist_percentiles(h, p3, 3, v);
	for (int i = 0; i < 3; i++) {
		snprintf(k, sizeof(k), ",\"%sp%d_ms\":", pfx, (int)p3[i]);
		rc |= ADD(k) | w_ms(b, v[i]);
	}
	snprintf(k, sizeof(k), ",\"%smean_ms\":", pfx);
	return rc | ADD(k) | w_msd(b, lt_hist_mean_us(h));
}

static int
w_sec_eps(const struct lt_agg *agg, int64_t t, struct lt_hist *h,
    struct lt_buf *kb, struct lt_buf *b)
{
	int rc = ADD(",\"endpoints\":{"), first = 1;

	for (size_t i = 0; i < agg->n_eps; i++) {
		const struct lt_ep *ep = agg->eps[i];
		const struct lt_sec *s =
		    ep->tl ? lt_series_find(ep->tl, t) : NULL;

		if (s == NULL)
			continue;
		lt_hist_reset(h);
		lt_shist_add_to(&s->hist, h);
		rc |= first ? 0 : lt_buf_addc(b, ',');
		first = 0;
		lt_buf_reset(kb);
		rc |= lt_buf_add(kb, ep->key.p[0], ep->key.n[0]);
		rc |= lt_buf_addc(kb, ' ');
		rc |= lt_buf_add(kb, ep->key.p[1], ep->key.n[1]);
		rc |= lt_jsonw_str(b, kb->data, kb->len);
		rc |= ADD(":{\"method\":") |
		    lt_jsonw_str(b, ep->key.p[0], ep->key.n[0]);
		rc |= ADD(",\"name\":") |
		    lt_jsonw_str(b, ep->key.p[1], ep->key.n[1]);
		rc |= ADD(",") | w_kv_i64(b, "requests", s->requests);
		rc |= ADD(",") | w_kv_i64(b, "failures", s->failures);
		rc |= w_sec_lat(b, h, "");
		rc |= ADD(",\"hist\":") | lt_hist_write_json(h, b) | ADD("}");
	}
	return rc | ADD("}");
}

static int
w_timeline(const struct lt_agg *agg, struct lt_buf *b)
{
	struct lt_hist h, co;
	struct lt_buf kb;
	size_t *order = lt_series_order(&agg->tl);
	int64_t users = -1;
	int rc = 0;

	rc |= ADD("\"timeline\":[");
	if (agg->tl.n && order == NULL)
		return -1;
	lt_buf_init(&kb, 0);
	rc |= lt_hist_init(&h, LT_TL_SIG) | lt_hist_init(&co, LT_TL_SIG);
	for (size_t i = 0; rc == 0 && i < agg->tl.n; i++) {
		const struct lt_sec *s = &agg->tl.secs[order[i]];

		lt_hist_reset(&h);
		lt_shist_add_to(&s->hist, &h);
		if (s->users >= 0)
			users = s->users;
		rc |=
		    ADD(i ? ",\n{\"t\":" : "\n{\"t\":") | lt_jsonw_i64(b, s->t);
		rc |= ADD(",\"users\":");
		rc |= users >= 0 ? lt_jsonw_i64(b, users) : lt_jsonw_null(b);
		rc |= ADD(",\"users_ts\":") |
		    w_ts(b, s->users >= 0 ? s->users_ts_us : LT_TS_NONE);
		rc |= ADD(",") | w_kv_i64(b, "requests", s->requests);
		rc |= ADD(",") | w_kv_i64(b, "failures", s->failures);
		if (!agg->tl_no_bytes)
			rc |= ADD(",") | w_kv_i64(b, "bytes", s->bytes);
		if (agg->total.has_sent)
			rc |=
			    ADD(",") | w_kv_i64(b, "bytes_sent", s->bytes_sent);
		rc |= w_sec_lat(b, &h, "");
		if (s->has_co) {
			lt_hist_reset(&co);
			lt_shist_add_to(&s->co, &co);
			rc |= w_sec_lat(b, &co, "co_");
		}
		rc |= ADD(",") | w_kv_i64(b, "dropped", s->dropped);
		rc |= ADD(",\"hist\":") | lt_hist_write_json(&h, b);
		if (s->has_co)
			rc |= ADD(",\"co_hist\":") | lt_hist_write_json(&co, b);
		if (agg->opts.timeline_endpoints)
			rc |= w_sec_eps(agg, s->t, &h, &kb, b);
		rc |= ADD("}");
	}
	rc |= ADD(agg->tl.n ? "\n],\n" : "],\n");
	lt_hist_fini(&h);
	lt_hist_fini(&co);
	lt_buf_fini(&kb);
	free(order);
	return rc;
}

static int
w_failures(const struct lt_agg *agg, struct lt_buf *b)
{
	int rc = ADD("\"failures\":[");

	for (size_t i = 0; i < agg->n_fails; i++) {
		const struct lt_failgroup *f = agg->fails[i];

		rc |= ADD(i ? ",\n{\"method\":" : "\n{\"method\":");
		rc |= lt_jsonw_str(b, f->key.p[0], f->key.n[0]);
		rc |= ADD(",\"name\":") |
		    lt_jsonw_str(b, f->key.p[1], f->key.n[1]);
		rc |= ADD(",\"error\":") |
		    lt_jsonw_str(b, f->key.p[2], f->key.n[2]);
		if (f->example)
			rc |= ADD(",\"example\":") |
			    lt_jsonw_str(b, f->example, f->example_len);
		rc |= ADD(",") | w_kv_i64(b, "occurrences", f->occurrences);
		rc |= ADD("}");
	}
	return rc | ADD(agg->n_fails ? "\n],\n" : "],\n");
}

int
lt_agg_write_json(const struct lt_agg *agg, const char *thresholds_json,
    const char *baseline_json, struct lt_buf *b)
{
	int rc = 0;

	rc |= ADD("{\"lt_aggregate\":1,\"lt_version\":\"" LT_VERSION "\",\n");
	rc |= w_run(agg, b);
	rc |= w_input(agg, b);
	rc |= ADD("\"hist\":{\"unit_us\":1,\"highest_us\":3600000000,"
	          "\"sig\":3,\"timeline_sig\":2},\n");
	rc |= ADD("\"endpoints\":[");
	for (size_t i = 0; i < agg->n_eps; i++) {
		rc |= ADD(i ? ",\n" : "\n");
		rc |= w_ep(agg, agg->eps[i], 0, b);
	}
	rc |= ADD(agg->n_eps ? "\n],\n\"total\":" : "],\n\"total\":");
	rc |= w_ep(agg, &agg->total, 1, b);
	rc |= ADD(",\n");
	rc |= w_timeline(agg, b);
	rc |= w_failures(agg, b);
	rc |= lt_aggcls_write(agg->cls, lt_agg_duration_s(agg),
	    b);                             /* "classes":[...], when seen */
	rc |= lt_aggchk_write(agg->chk, b); /* "checks":[...], when seen */
	rc |= lt_llmstat_write(agg, b);     /* "llm":{...}, when streams */
	rc |= ADD("\"thresholds\":");
	rc |= ADD(thresholds_json ? thresholds_json : "[]");
	rc |= ADD(",\n\"baseline\":");
	rc |= ADD(baseline_json ? baseline_json : "null");
	rc |= ADD("}\n");
	return rc ? -1 : 0;
}
