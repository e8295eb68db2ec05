/*
 * llmrep.c - the report's "Streamed answers" section and its CSV files
 * (see llmrep.h).  The "llm" object is kept as JSON text by the
 * aggregate reader; it is parsed here into a small model per use.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "report/csv.h"
#include "report/gpstyle.h"
#include "report/llmrep.h"
#include "report/plot.h"

#define NH 4
static const char *const hkey[NH] = { "ttft", "itl", "tpot", "e2e" };
static const char *const hlabel[NH] = { "TTFT", "ITL", "TPOT", "E2E" };

struct lep {
	char *method, *name; /* owned */
	int64_t streams, completed, out, in, good;
	double rps, tokens_s, goodput, goodput_rps;
	struct lt_hist h[NH];
};

struct lmodel {
	char *slo; /* owned, or NULL */
	struct lep total;
	struct lep *eps;
	size_t n_eps;
	int64_t *t, *tok; /* timeline */
	size_t n_tl;
};

static int64_t
geti(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);

	return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

static double
getd(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);

	return json_is_number(v) ? json_number_value(v) : 0;
}

static char *
gets_dup(const json_t *o, const char *k)
{
	const json_t *v = json_object_get(o, k);

	return strdup(json_is_string(v) ? json_string_value(v) : "");
}

static int
lep_read(struct lep *e, const json_t *o, int named)
{
	struct lt_err err;

	memset(e, 0, sizeof(*e));
	if (named) {
		e->method = gets_dup(o, "method");
		e->name = gets_dup(o, "name");
	} else {
		e->method = strdup("");
		e->name = strdup("Aggregated");
	}
	if (e->method == NULL || e->name == NULL)
		return -1;
	e->streams = geti(o, "streams");
	e->completed = geti(o, "completed");
	e->out = geti(o, "output_tokens");
	e->in = geti(o, "input_tokens");
	e->good = geti(o, "good");
	e->rps = getd(o, "requests_per_s");
	e->tokens_s = getd(o, "output_tokens_per_s");
	e->goodput = getd(o, "goodput");
	e->goodput_rps = getd(o, "goodput_rps");
	for (int i = 0; i < NH; i++) {
		const json_t *h =
		    json_object_get(json_object_get(o, hkey[i]), "hist");

		if (lt_hist_init(&e->h[i], 3) == -1)
			return -1;
		if (h != NULL && lt_hist_add_json(&e->h[i], h, &err) == -1)
			lt_hist_reset(&e->h[i]);
	}
	return 0;
}

static void
lep_fini(struct lep *e)
{
	free(e->method);
	free(e->name);
	for (int i = 0; i < NH; i++)
		lt_hist_fini(&e->h[i]);
}

static void
model_free(struct lmodel *m)
{
	if (m == NULL)
		return;
	free(m->slo);
	lep_fini(&m->total);
	for (size_t i = 0; i < m->n_eps; i++)
		lep_fini(&m->eps[i]);
	free(m->eps);
	free(m->t);
	free(m->tok);
	free(m);
}

static struct lmodel *
model_load(const struct lt_report *r)
{
	struct lmodel *m;
	json_t *root, *a, *v;
	size_t i;
	int bad = 0;

	if (r->doc.llm_json == NULL)
		return NULL;
	root = json_loads(r->doc.llm_json, 0, NULL);
	m = calloc(1, sizeof(*m));
	if (root == NULL || m == NULL) {
		json_decref(root);
		free(m);
		return NULL;
	}
	v = json_object_get(root, "goodput_slo");
	if (json_is_string(v))
		m->slo = strdup(json_string_value(v));
	bad |= lep_read(&m->total, json_object_get(root, "total"), 0);
	a = json_object_get(root, "endpoints");
	m->eps = calloc(json_array_size(a) + 1, sizeof(*m->eps));
	bad |= m->eps == NULL;
	json_array_foreach(a, i, v)
	{
		if (!bad)
			bad |= lep_read(&m->eps[m->n_eps++], v, 1);
	}
	a = json_object_get(root, "timeline");
	m->t = calloc(json_array_size(a) + 1, sizeof(*m->t));
	m->tok = calloc(json_array_size(a) + 1, sizeof(*m->tok));
	bad |= m->t == NULL || m->tok == NULL;
	json_array_foreach(a, i, v)
	{
		if (bad)
			break;
		m->t[m->n_tl] = geti(v, "t");
		m->tok[m->n_tl++] = geti(v, "output_tokens");
	}
	json_decref(root);
	if (bad) {
		model_free(m);
		return NULL;
	}
	return m;
}

int
lt_llmrep_has(const struct lt_report *r)
{
	return r->doc.llm_json != NULL;
}

/* --- the section ------------------------------------------------------- */

static void
pct_cell(struct lt_md *d, const struct lt_hist *h, double p)
{
	char a[32];

	if (h->count == 0)
		lt_md_cell(d, LT_MD_NUM, "%s", "");
	else
		lt_md_cell(d, LT_MD_NUM, "%s",
		    lt_md_ms(a, sizeof(a), lt_rep_pct_ms(h, p)));
}

static void
stream_row(struct lt_md *d, const struct lep *e)
{
	lt_md_cell(d, 0, "%s", e->method);
	lt_md_cell(d, LT_MD_ROWHEAD, "%s", e->name);
	lt_md_cell(d, LT_MD_NUM, "%lld", (long long)e->streams);
	lt_md_cell(d, LT_MD_NUM | (e->completed < e->streams ? LT_MD_FAIL : 0),
	    "%lld", (long long)(e->streams - e->completed));
	lt_md_cell(d, LT_MD_NUM, "%lld", (long long)e->out);
	lt_md_cell(d, LT_MD_NUM, "%.1f", e->tokens_s);
	lt_md_cell(d, LT_MD_NUM, "%.2f", e->rps);
	pct_cell(d, &e->h[0], 50);
	pct_cell(d, &e->h[0], 99);
	pct_cell(d, &e->h[1], 50);
	pct_cell(d, &e->h[1], 99);
	pct_cell(d, &e->h[2], 50);
	pct_cell(d, &e->h[3], 50);
	pct_cell(d, &e->h[3], 99);
	lt_md_row_end(d);
}

static void
pct_table(struct lt_md *d, const struct lmodel *m)
{
	static const char *const heads[] = { "Metric", ">Samples", ">Mean",
		">50%", ">90%", ">95%", ">99%", ">Max" };
	char a[32];

	lt_md_table(
	    d, "t-llm-pct", "Stream metrics, all endpoints (ms)", 8, heads);
	for (int i = 0; i < NH; i++) {
		const struct lt_hist *h = &m->total.h[i];

		lt_md_cell(d, LT_MD_ROWHEAD, "%s", hlabel[i]);
		lt_md_cell(d, LT_MD_NUM, "%lld", (long long)h->count);
		lt_md_cell(d, LT_MD_NUM, "%s",
		    h->count
		        ? lt_md_ms(a, sizeof(a), lt_hist_mean_us(h) / 1000.0)
		        : "");
		pct_cell(d, h, 50);
		pct_cell(d, h, 90);
		pct_cell(d, h, 95);
		pct_cell(d, h, 99);
		pct_cell(d, h, 100);
		lt_md_row_end(d);
	}
	lt_md_table_end(d);
}

static void
goodput_table(struct lt_md *d, const struct lmodel *m)
{
	static const char *const heads[] = { "Type", "Name", ">Streams",
		">Good", ">Goodput", ">Good/s" };

	lt_md_text(d,
	    "\nGoodput: the share of streams that completed and met "
	    "every objective (");
	lt_md_esc(d, m->slo);
	lt_md_text(d, "), as DistServe and vLLM define it.\n\n");
	lt_md_table(d, "t-llm-goodput+", "Goodput per endpoint", 6, heads);
	for (size_t i = 0; i <= m->n_eps; i++) {
		const struct lep *e = i < m->n_eps ? &m->eps[i] : &m->total;

		lt_md_cell(d, 0, "%s", e->method);
		lt_md_cell(d, LT_MD_ROWHEAD, "%s", e->name);
		lt_md_cell(d, LT_MD_NUM, "%lld", (long long)e->streams);
		lt_md_cell(d, LT_MD_NUM, "%lld", (long long)e->good);
		lt_md_cell(d, LT_MD_NUM, "%.1f%%", 100.0 * e->goodput);
		lt_md_cell(d, LT_MD_NUM, "%.2f", e->goodput_rps);
		lt_md_row_end(d);
	}
	lt_md_table_end(d);
}

void
lt_llmrep_section(
    struct lt_md *d, const struct lt_report *r, const char *charts_html)
{
	static const char *const heads[] = { "Type", "Name", ">Streams",
		">Failed", ">Output tokens", ">Tokens/s", ">Streams/s",
		">TTFT 50%", ">TTFT 99%", ">ITL 50%", ">ITL 99%", ">TPOT 50%",
		">E2E 50%", ">E2E 99%" };
	struct lmodel *m = model_load(r);

	if (m == NULL)
		return;
	lt_md_text(d,
	    "## Streamed answers\n\n"
	    "Time to first token (TTFT: to the first event with content), "
	    "inter-token latency (ITL: every gap between content events "
	    "is a sample), time per output token (TPOT: (e2e - TTFT) / "
	    "(tokens - 1)) and end to end (E2E: to the last content event), "
	    "over the streams that completed; definitions in lt-agg(1).\n\n");
	lt_md_table(
	    d, "t-llm+", "Streams per endpoint (times in ms)", 14, heads);
	for (size_t i = 0; i < m->n_eps; i++)
		stream_row(d, &m->eps[i]);
	stream_row(d, &m->total);
	lt_md_table_end(d);
	lt_md_text(d, "\n");
	pct_table(d, m);
	if (m->slo != NULL)
		goodput_table(d, m);
	if (d->html && charts_html != NULL)
		lt_md_block(d, charts_html);
	lt_md_text(d, "\n");
	model_free(m);
}

/* --- charts ------------------------------------------------------------ */

static int
preamble(struct lt_buf *b)
{
	/* The page's chart style (gpstyle.h): readable at any width. */
	return lt_chart_preamble(b, LT_CHART_W_HALF, 380) |
	    lt_buf_adds(b, "set key outside top center horizontal maxcols 2\n");
}

/* Percentile curve of h: x = 1 / (1 - p), as the latency chart. */
static int
dist_block(struct lt_buf *b, const char *name, const struct lt_hist *h)
{
	double lim = h->count < 2 ? 2 : (double)h->count, x;
	int rc = lt_buf_printf(
	    b, "$%s << EOD\n1 %.3f\n", name, (double)h->min / 1000.0);

	if (lim > 1e7)
		lim = 1e7;
	for (int i = 1;; i++) {
		x = pow(10.0, i / 20.0);
		if (x >= lim)
			break;
		rc |= lt_buf_printf(b, "%.6g %.3f\n", x,
		    lt_rep_pct_ms(h, 100.0 * (1.0 - 1.0 / x)));
	}
	rc |= lt_buf_printf(b, "%.6g %.3f\n", lim, (double)h->max / 1000.0);
	return rc | lt_buf_adds(b, "EOD\n");
}

static int
dist_chart(struct lt_buf *b, const struct lmodel *m)
{
	int rc = preamble(b);

	rc |= dist_block(b, "ttft", &m->total.h[0]);
	rc |= dist_block(b, "itl", &m->total.h[1]);
	rc |= lt_buf_adds(b,
	    "set logscale x\nset xrange [1:*]\nset yrange [0:*]\n"
	    "set xtics (\"0%%\" 1, \"50%%\" 2, \"90%%\" 10, \"99%%\" 100, "
	    "\"99.9%%\" 1000, \"99.99%%\" 10000)\n"
	    "set xlabel \"percentile\"\nset ylabel \"ms\"\n"
	    "plot $ttft using 1:2 with lines lw 2 lc rgb \"#1f77b4\" "
	    "title \"time to first token\", "
	    "$itl using 1:2 with lines lw 2 lc rgb \"#ff7f0e\" "
	    "title \"inter-token latency\"\n");
	return rc;
}

/* Users of second t from the report's timeline, or -1. */
static int64_t
users_at(const struct lt_report *r, int64_t t)
{
	for (size_t i = 0; i < r->n_secs; i++)
		if (r->secs[i].t == t)
			return r->secs[i].users;
	return -1;
}

static int
tokens_chart(
    struct lt_buf *b, const struct lt_report *r, const struct lmodel *m)
{
	int rc = preamble(b);
	int64_t u, last_u = -1;

	rc |= lt_buf_adds(b, "$tok << EOD\n");
	for (size_t i = 0; i < m->n_tl; i++) {
		u = users_at(r, m->t[i]);
		if (u >= 0)
			last_u = u;
		rc |= lt_buf_printf(b, "%lld %lld ",
		    (long long)(m->t[i] - m->t[0]), (long long)m->tok[i]);
		rc |= last_u >= 0
		    ? lt_buf_printf(b, "%lld\n", (long long)last_u)
		    : lt_buf_adds(b, "?\n");
	}
	rc |= lt_buf_adds(b,
	    "EOD\nset datafile missing \"?\"\n"
	    "set xlabel \"seconds\"\nset ylabel \"output tokens/s\"\n"
	    "set y2label \"users\"\nset y2tics\nset yrange [0:*]\n"
	    "set y2range [0:*]\n"
	    "plot $tok using 1:2 with steps lw 2 lc rgb \"#2ca02c\" "
	    "title \"output tokens/s\", "
	    "$tok using 1:3 axes x1y2 with steps lw 1 lc rgb \"#7f7f7f\" "
	    "title \"users\"\n");
	return rc;
}

static int
draw(struct lt_buf *out, const char *script, size_t len, const char *prog,
    int timeout_ms, const char *id, const char *title, const char *series,
    struct lt_err *err)
{
	struct lt_buf svg;
	int rc;

	lt_buf_init(&svg, 0);
	rc = lt_plot_run(prog, script, len, &svg, timeout_ms, err);
	if (rc == 0) {
		rc |= lt_chart_fig_open(out, id, 0);
		rc |= lt_plot_splice(out, svg.data, svg.len, id, title, series);
		rc |= lt_chart_fig_close(out, title);
		if (rc != 0)
			rc = lt_err_set(
			    err, LT_EXIT_RUNTIME, "gnuplot wrote no SVG");
	}
	lt_buf_fini(&svg);
	return rc;
}

int
lt_llmrep_charts(const struct lt_report *r, const char *prog, int timeout_ms,
    char **html, struct lt_err *err)
{
	struct lmodel *m = model_load(r);
	struct lt_buf gp, out;
	int rc = 1;

	*html = NULL;
	if (m == NULL || prog == NULL) {
		model_free(m);
		return 1;
	}
	lt_buf_init(&gp, 0);
	lt_buf_init(&out, 0);
	if (m->total.h[0].count > 0 && dist_chart(&gp, m) == 0) {
		rc = draw(&out, gp.data, gp.len, prog, timeout_ms, "llm-dist",
		    "TTFT and ITL percentile distribution",
		    "time to first token\ninter-token latency\n", err);
	}
	lt_buf_reset(&gp);
	if ((rc == 0 || rc == 1) && m->n_tl > 0 && tokens_chart(&gp, r, m) == 0)
		rc = draw(&out, gp.data, gp.len, prog, timeout_ms, "llm-tokens",
		    "Output tokens per second and users",
		    "output tokens/s\nusers\n", err);
	lt_buf_fini(&gp);
	model_free(m);
	if (rc == 0 && out.len > 0)
		*html = lt_buf_take(&out);
	lt_buf_fini(&out);
	return rc;
}

/* --- CSV --------------------------------------------------------------- */

static int
csv_row(struct lt_buf *b, const struct lep *e, int slo)
{
	int rc = 0;

	rc |= lt_csv_field(b, e->method) | lt_buf_addc(b, ',');
	rc |= lt_csv_field(b, e->name);
	rc |= lt_buf_printf(b, ",%lld,%lld,%lld,%lld,", (long long)e->streams,
	    (long long)(e->streams - e->completed), (long long)e->out,
	    (long long)e->in);
	rc |= lt_csv_pyfloat(b, e->tokens_s) | lt_buf_addc(b, ',');
	rc |= lt_csv_pyfloat(b, e->rps) | lt_buf_addc(b, ',');
	if (slo) {
		rc |= lt_csv_pyfloat(b, e->goodput) | lt_buf_addc(b, ',');
		rc |= lt_csv_pyfloat(b, e->goodput_rps);
	} else {
		rc |= lt_buf_adds(b, "N/A,N/A");
	}
	for (int i = 0; i < NH; i++) {
		const struct lt_hist *h = &e->h[i];

		rc |= lt_buf_addc(b, ',');
		rc |= h->count ? lt_csv_pyfloat(b, lt_hist_mean_us(h) / 1000.0)
		               : lt_buf_adds(b, "N/A");
		for (int k = 0; k < LT_REP_NPCT; k++) {
			rc |= lt_buf_addc(b, ',');
			rc |= h->count ? lt_csv_pyfloat(b,
			                     lt_rep_pct_ms(h, lt_pct_list[k]))
			               : lt_buf_adds(b, "N/A");
		}
	}
	return rc | lt_buf_adds(b, "\r\n");
}

int
lt_llmrep_csv_stats(struct lt_buf *b, const struct lt_report *r)
{
	struct lmodel *m = model_load(r);
	int rc = 0;

	if (m == NULL)
		return -1;
	rc |= lt_buf_adds(b,
	    "Type,Name,Stream Count,Failure Count,"
	    "Output Tokens,Input Tokens,Output Tokens/s,"
	    "Streams/s,Goodput,Goodput/s");
	for (int i = 0; i < NH; i++) {
		rc |= lt_buf_printf(b, ",%s Average (ms)", hlabel[i]);
		for (int k = 0; k < LT_REP_NPCT; k++)
			rc |= lt_buf_printf(
			    b, ",%s %s", hlabel[i], lt_rep_pct_label[k]);
	}
	rc |= lt_buf_adds(b, "\r\n");
	for (size_t i = 0; i < m->n_eps; i++)
		rc |= csv_row(b, &m->eps[i], m->slo != NULL);
	rc |= csv_row(b, &m->total, m->slo != NULL);
	model_free(m);
	return rc ? -1 : 0;
}

int
lt_llmrep_csv_history(struct lt_buf *b, const struct lt_report *r)
{
	struct lmodel *m = model_load(r);
	int rc = 0;

	if (m == NULL)
		return -1;
	rc |= lt_buf_adds(b, "Timestamp,User Count,Output Tokens/s\r\n");
	for (size_t i = 0; i < m->n_tl; i++) {
		int64_t u = users_at(r, m->t[i]);

		rc |= lt_buf_printf(b, "%lld,%lld,%lld\r\n", (long long)m->t[i],
		    (long long)(u < 0 ? 0 : u), (long long)m->tok[i]);
	}
	model_free(m);
	return rc ? -1 : 0;
}
