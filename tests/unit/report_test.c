/*
 * report_test.c - unit tests of lt-report's building blocks: Python-style
 * float formatting and CSV quoting (Locust compatibility), histogram
 * quantiles, SVG splicing, the Markdown/HTML document, and comparison
 * verdicts.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/chart.h"
#include "report/compare.h"
#include "core/hist.h"
#include "report/csv.h"
#include "report/md.h"
#include "report/plot.h"
#include "report/report.h"
#include "../tap.h"

static void
pyfloat(double v, const char *want)
{
	struct lt_buf b;
	char what[64];

	lt_buf_init(&b, 0);
	lt_csv_pyfloat(&b, v);
	snprintf(what, sizeof(what), "repr(%.17g) is %s", v, want);
	TAP_EQ_STR(lt_buf_cstr(&b), want, what);
	lt_buf_fini(&b);
}

static void
field(const char *s, const char *want)
{
	struct lt_buf b;

	lt_buf_init(&b, 0);
	lt_csv_field(&b, s);
	TAP_EQ_STR(
	    lt_buf_cstr(&b), want, "csv field quoting like QUOTE_MINIMAL");
	lt_buf_fini(&b);
}

static void
test_csv_format(void)
{
	/* Values seen in Locust's own CSVs (tests/data/locust/). */
	pyfloat(8.0, "8.0");
	pyfloat(2.7950892399985605, "2.7950892399985605");
	pyfloat(74.73818181818181, "74.73818181818181");
	pyfloat(0.0, "0.0");
	pyfloat(83.3, "83.3");
	pyfloat(1200, "1200.0");
	pyfloat(0.487, "0.487");
	pyfloat(1e16, "1e+16");
	pyfloat(1.5e-05, "1.5e-05");
	pyfloat(0.0001, "0.0001");
	pyfloat(123456789012345.0, "123456789012345.0");
	pyfloat(-2.5, "-2.5");
	field("plain", "plain");
	field("a,b", "\"a,b\"");
	field("say \"hi\"", "\"say \"\"hi\"\"\"");
	field("two\nlines", "\"two\nlines\"");
	field("", "");
}

static void
test_pct(void)
{
	struct lt_hist h;
	int i;

	TAP_EQ_INT(lt_rep_pct_ms(NULL, 50), 0, "no histogram: 0");
	lt_hist_init(&h, 3);
	TAP_EQ_INT(lt_rep_pct_ms(&h, 50), 0, "empty histogram: 0");
	for (i = 1; i <= 100; i++)
		lt_hist_record(&h, i * 1000); /* 1..100 ms */
	TAP_OK(lt_rep_pct_ms(&h, 50) > 49.9 && lt_rep_pct_ms(&h, 50) < 50.1,
	    "p50 of 1..100 ms is 50 ms (+-0.1%%)");
	TAP_OK(lt_rep_pct_ms(&h, 100) == 100.0, "p100 is the exact max");
	lt_hist_fini(&h);
}

static void
test_splice(void)
{
	static const char svg[] =
	    "<?xml version=\"1.0\"?>\n<svg \n viewBox=\"0 "
	    "0 10 10\"\n xmlns=\"http://www.w3.org/2000/svg\"\n "
	    "xmlns:xlink=\"http://www.w3.org/1999/xlink\"\n>\n\n<title>Gnuplot"
	    "</title>\n<defs><path id='gpPt0'/><use xlink:href='#gpPt0' "
	    "id='gpPt1'/><filter id=\"textbox\"/></defs>\n<g "
	    "filter=\"url(#textbox)\"></g>\n"
	    "<g id=\"gnuplot_plot_1\" ><title>gnuplot_plot_1</title></g>\n"
	    "<g id=\"gnuplot_plot_2\" ><title>gnuplot_plot_2</title></g>\n"
	    "<g id=\"gnuplot_plot_3\" ><title>gnuplot_plot_3</title></g>\n"
	    "</svg>\n";
	struct lt_buf b;
	const char *s;

	lt_buf_init(&b, 0);
	TAP_EQ_INT(lt_plot_splice(&b, svg, sizeof(svg) - 1, "c1", "A & B",
	               "p50\nGET /<x>\n"),
	    0, "splice succeeds");
	s = lt_buf_cstr(&b);
	TAP_OK(
	    strncmp(s, "<svg role=\"img\" aria-label=\"A &amp; B\"", 38) == 0,
	    "svg gets role and an escaped aria-label");
	TAP_OK(strstr(s, "http") == NULL, "xmlns attributes dropped");
	TAP_OK(strstr(s, "<?xml") == NULL, "XML prolog dropped");
	TAP_OK(strstr(s, "<title>A &amp; B</title>") != NULL,
	    "gnuplot's title replaced");
	TAP_OK(strstr(s, "id='c1-gpPt0'") && strstr(s, "href='#c1-gpPt0'") &&
	        strstr(s, "id=\"c1-textbox\"") && strstr(s, "url(#c1-textbox)"),
	    "ids and references prefixed");
	TAP_OK(strstr(s, "viewBox=\"0 0 10 10\"") != NULL, "viewBox kept");
	TAP_OK(strstr(s, "<title>p50</title>") != NULL &&
	        strstr(s, "<title>GET /&lt;x&gt;</title>") != NULL,
	    "series tooltips named, escaped");
	TAP_OK(strstr(s, "<title>gnuplot_plot_3</title>") != NULL,
	    "a series without a name keeps gnuplot's");
	b.len = 0;
	TAP_EQ_INT(lt_plot_splice(&b, "no svg", 6, "c", "t", NULL), -1,
	    "splice refuses a non-SVG");
	lt_buf_fini(&b);
}

static void
test_doc(void)
{
	static const char *const heads[] = { "Name", ">Count" };
	struct lt_md d;

	lt_md_init(&d, 0);
	lt_md_text(&d, "# T\n");
	lt_md_esc(&d, "a|b_c*<x>");
	lt_md_table(&d, "t+", "cap", 2, heads);
	lt_md_cell(&d, LT_MD_ROWHEAD, "%s", "/x|y");
	lt_md_cell(&d, LT_MD_NUM | LT_MD_WORSE, "%d", 7);
	lt_md_row_end(&d);
	lt_md_table_end(&d);
	TAP_OK(strstr(lt_buf_cstr(&d.md), "a\\|b\\_c\\*\\<x\\>") != NULL,
	    "markdown escaping");
	TAP_OK(strstr(lt_buf_cstr(&d.md),
	           "| Name | Count |\n|---|---:|\n"
	           "| /x\\|y | **7** (worse) |\n") != NULL,
	    "markdown pipe table");
	lt_md_fini(&d);

	lt_md_init(&d, 1);
	lt_md_table(&d, "t+", "c<ap", 2, heads);
	lt_md_cell(&d, LT_MD_ROWHEAD, "%s", "<b>");
	lt_md_cell(&d, LT_MD_NUM | LT_MD_BETTER, "%d", 7);
	lt_md_row_end(&d);
	lt_md_table_end(&d);
	TAP_EQ_INT(d.n_blocks, 1, "html table is one block");
	TAP_OK(d.n_blocks == 1 &&
	        strstr(d.blocks[0],
	            "<table id=\"t\" "
	            "class=\"tot\">") &&
	        strstr(d.blocks[0],
	            "<caption>c&lt;ap"
	            "</caption>") &&
	        strstr(d.blocks[0],
	            "<th scope=\"col\" "
	            "class=\"n\">Count</th>") &&
	        strstr(d.blocks[0],
	            "<th scope=\"row\">"
	            "&lt;b&gt;</th><td class=\"n "
	            "better\">7</td></tr>\n</tbody>"),
	    "html table: caption, scopes, classes, escaping");
	TAP_OK(strstr(lt_buf_cstr(&d.md), "@@lt-block-0@@") != NULL,
	    "placeholder paragraph in the markdown");
	lt_md_fini(&d);
}

static void
test_compare(void)
{
	struct lt_report a = { 0 }, b = { 0 };
	struct lt_rep_ep ea = { 0 }, eb = { 0 };
	struct lt_cmp c;

	ea.method = eb.method = "GET";
	ea.name = eb.name = "/x";
	/* the verdicts judge failures / requests (baseline.h) */
	ea.requests = eb.requests = 10000;
	ea.pct_ms[0] = 10;
	eb.pct_ms[0] = 10.5; /* +5%: within 10% */
	ea.pct_ms[5] = 20;
	eb.pct_ms[5] = 30; /* +50%: worse */
	ea.pct_ms[7] = 40;
	eb.pct_ms[7] = 20; /* -50%: better */
	ea.rps = 100;
	eb.rps = 80; /* -20%: worse */
	ea.failures = 0;
	eb.failures = 5; /* 0.05%: under the 0.1 point floor */
	a.n_eps = b.n_eps = 1;
	a.eps = &ea;
	b.eps = &eb;
	a.total = ea;
	b.total = eb;
	a.total.name = b.total.name = "Aggregated";
	a.total.method = b.total.method = "";
	TAP_EQ_INT(lt_compare(&c, &a, &b, 0.10), 0, "compare");
	TAP_EQ_INT(c.n_rows, 2, "one endpoint row and the total");
	TAP_EQ_INT(c.rows[0].verdict[LT_CMP_P50], 0, "+5% p50 is within 10%");
	TAP_EQ_INT(c.rows[0].verdict[LT_CMP_P95], 1, "+50% p95 is worse");
	TAP_EQ_INT(c.rows[0].verdict[LT_CMP_P99], -1, "-50% p99 is better");
	TAP_EQ_INT(c.rows[0].verdict[LT_CMP_RPS], 1, "-20% rps is worse");
	TAP_EQ_INT(c.rows[0].verdict[LT_CMP_FAIL], 0,
	    "0 -> 0.05% failures is under the floor");
	TAP_EQ_INT(c.regressions, 4, "regressions counted over rows");
	lt_compare_fini(&c);
	eb.failures = 500; /* 5% */
	b.total = eb;
	TAP_EQ_INT(lt_compare(&c, &a, &b, 0.10), 0, "compare again");
	TAP_EQ_INT(
	    c.rows[0].verdict[LT_CMP_FAIL], 1, "0 -> 5% failures is worse");
	lt_compare_fini(&c);
	/* QA F19: sub-millisecond noise is no regression (1 ms floor). */
	ea.pct_ms[0] = 0.402;
	eb.pct_ms[0] = 0.713; /* +77%, but +0.3 ms */
	ea.pct_ms[5] = 2.0;
	eb.pct_ms[5] = 3.5; /* +75%, +1.5 ms */
	ea.pct_ms[7] = 1.5;
	eb.pct_ms[7] = 0.6; /* -60%, -0.9 ms */
	b.total = eb;
	a.total = ea;
	TAP_EQ_INT(lt_compare(&c, &a, &b, 0.10), 0, "compare sub-ms");
	TAP_EQ_INT(c.rows[0].verdict[LT_CMP_P50], 0,
	    "0.402 -> 0.713 ms p50: under the 1 ms floor, no change");
	TAP_EQ_INT(c.rows[0].verdict[LT_CMP_P95], 1,
	    "2.0 -> 3.5 ms p95: worse (+75%, +1.5 ms)");
	TAP_EQ_INT(c.rows[0].verdict[LT_CMP_P99], 0,
	    "1.5 -> 0.6 ms p99: under the floor, not better either");
	lt_compare_fini(&c);
}

static void
test_charts(void)
{
	int k, named = 1;

	for (k = 0; k < LT_CHART_N; k++)
		named &= lt_chart_id[k] != NULL && lt_chart_title[k] != NULL;
	TAP_OK(named, "every chart kind has an id and a title");
}

/* The gnuplot script of chart kind for r, in b (reset first). */
static const char *
script(struct lt_buf *b, int kind, const struct lt_report *r)
{
	lt_buf_reset(b);
	if (lt_chart_script(b, kind, r, NULL) != 0)
		return "";
	return lt_buf_cstr(b);
}

/*
 * A run of 1000 requests: 900 x fast_us, 99 x slow_us and one of
 * 2 * slow_us (the max), over three seconds, the middle one empty.  Everything the chart code reads is filled.
 */
static void
fake_run(struct lt_report *r, struct lt_hist *h, struct lt_rep_sec *secs,
    int64_t fast_us, int64_t slow_us)
{
	int i;

	memset(r, 0, sizeof(*r));
	lt_hist_init(h, 3);
	for (i = 0; i < 1000; i++)
		lt_hist_record(h,
		    i < 900       ? fast_us
		        : i < 999 ? slow_us
		                  : 2 * slow_us);
	r->total.method = "";
	r->total.name = "Aggregated";
	r->total.requests = 1000;
	r->total.hist = h;
	r->total.max_ms = (double)h->max / 1000.0;
	for (i = 0; i < LT_REP_NPCT; i++)
		r->total.pct_ms[i] = lt_rep_pct_ms(h, lt_pct_list[i]);
	memset(secs, 0, 3 * sizeof(*secs));
	for (i = 0; i < 3; i++) {
		secs[i].t = 1764400000 + i;
		secs[i].users = 10;
		secs[i].requests = i == 1 ? 0 : 500;
		secs[i].p50_ms = (double)fast_us / 1000.0;
		secs[i].p95_ms = secs[i].p99_ms = (double)slow_us / 1000.0;
	}
	secs[2].p50_ms = 0; /* sub-microsecond: nothing to draw on a log axis */
	r->secs = secs;
	r->n_secs = 3;
}

/*
 * Latencies spanning decades (p50 0.14 ms, p99 50 ms) are drawn on a log
 * y axis; close ones on a linear axis from 0.  The distribution ends at
 * the maximum the summary gives, marked with its value.
 */
static void
test_chart_scripts(void)
{
	struct lt_report r;
	struct lt_hist h;
	struct lt_rep_sec secs[3];
	struct lt_buf b;
	const char *s;

	lt_buf_init(&b, 0);
	fake_run(&r, &h, secs, 140, 50000);
	s = script(&b, LT_CHART_DIST, &r);
	TAP_OK(strstr(s, "set logscale y\nset yrange [0.1:*]\n") != NULL,
	    "distribution 0.14..100 ms: log y from 0.1 ms");
	TAP_OK(strstr(s, "ms (log scale)") != NULL,
	    "distribution: the axis says log scale");
	TAP_OK(strstr(s, "\n1000 100.000 \nEOD\n") != NULL,
	    "distribution: the curve ends at the max, x = count");
	TAP_OK(strstr(s, "\"max 100.0 ms\" at 1000,100.000") != NULL,
	    "distribution: the max is labelled as in the summary");
	s = script(&b, LT_CHART_HIST, &r);
	TAP_OK(strstr(s, "\n0.125893 0.158489 90.0000\n") != NULL,
	    "histogram: 900 of 1000 at 0.14 ms in the bin 0.126..0.158 ms");
	TAP_OK(strstr(s, "\n39.8107 50.1187 9.9000\n") != NULL &&
	        strstr(s, "\n79.4328 100 0.1000\nEOD\n") != NULL,
	    "histogram: 99 at 50 ms, the max (100 ms, its slot from 99.9) "
	    "in the last bin");
	TAP_OK(strstr(s, "set xrange [0.125893:100]") != NULL,
	    "histogram: x from the min's bin to the max's");
	s = script(&b, LT_CHART_LATENCY, &r);
	TAP_OK(strstr(s, "set logscale y\nset yrange [0.1:*]\n") != NULL,
	    "percentiles over time 0.14..50 ms: log y");
	TAP_OK(strstr(s, "using 1:4 axes x1y2 with steps") != NULL,
	    "percentiles over time: active users on the right axis");
	TAP_OK(strstr(s, "\n1 0.000 0.000 10 ? ? ? ") != NULL,
	    "percentiles over time: an empty second is a gap");
	TAP_OK(strstr(s, "\n2 500.000 0.000 10 ? 50.000 50.000 ") != NULL,
	    "percentiles over time: 0 ms left out on a log axis");
	TAP_OK(strstr(s, "set xrange [0:2]\n") != NULL,
	    "percentiles over time: x spans the whole timeline");
	s = script(&b, LT_CHART_RPS, &r);
	TAP_OK(strstr(s, "set yrange [0:*]") != NULL &&
	        strstr(s, "logscale y") == NULL,
	    "requests per second: linear from 0");
	TAP_OK(strstr(s, "set key outside top center horizontal maxcols 2\n") !=
	        NULL,
	    "requests per second: the key above the plot, not on the lines");
	/* QA F32b: partial first and last seconds are rates, not dips. */
	r.start = 1764400000.75; /* a quarter of the first second */
	r.end = 1764400002.5;    /* half of the last */
	s = script(&b, LT_CHART_RPS, &r);
	TAP_OK(strstr(s, "\n0 ? ? 10 ") != NULL,
	    "a quarter second: too little to draw a rate");
	TAP_OK(strstr(s, "\n1 0.000 0.000 10 ") != NULL,
	    "a whole second: as counted");
	TAP_OK(strstr(s, "\n2 1000.000 0.000 10 ") != NULL,
	    "half a second: its count doubled");
	/*
	 * A run of 0.8 s over a second's boundary covers under half of
	 * both seconds: both still get a rate, or gnuplot has nothing to
	 * draw and refuses the chart (and lt-report drops every chart).
	 */
	r.n_secs = 2;
	secs[1].requests = 100;
	r.start = 1764400000.6; /* 0.4 of the first second */
	r.end = 1764400001.4;   /* 0.4 of the second */
	s = script(&b, LT_CHART_RPS, &r);
	TAP_OK(strstr(s, "\n0 1250.000 0.000 10 ") != NULL &&
	        strstr(s, "\n1 250.000 0.000 10 ") != NULL,
	    "a run under a second: rates over the parts it covers");
	r.n_secs = 3;
	lt_hist_fini(&h);

	fake_run(&r, &h, secs, 1000, 3000);
	s = script(&b, LT_CHART_DIST, &r);
	TAP_OK(strstr(s, "set yrange [0:*]") != NULL &&
	        strstr(s, "logscale y") == NULL,
	    "distribution 1..6 ms: linear from 0");
	s = script(&b, LT_CHART_LATENCY, &r);
	TAP_OK(strstr(s, "set yrange [0:*]") != NULL &&
	        strstr(s, "logscale y") == NULL &&
	        strstr(s, "\n2 500.000 0.000 10 0.000 3.000 3.000 ") != NULL,
	    "percentiles over time 1..3 ms: linear, 0 drawn");
	lt_hist_fini(&h);
	lt_buf_fini(&b);
}

/*
 * QA F32e: the last endpoint's label, slanted to the right, gets a right
 * margin wide enough to show it whole.
 */
static void
test_chart_margin(void)
{
	struct lt_report r;
	struct lt_rep_ep e[2];
	struct lt_buf b;
	const char *s;

	memset(&r, 0, sizeof(r));
	memset(e, 0, sizeof(e));
	e[0].method = e[1].method = "GET";
	e[0].name = "/a";
	e[1].name = "/a/rather/long/endpoint/name/x";
	e[0].requests = e[1].requests = 10;
	e[0].pct_ms[0] = e[1].pct_ms[0] = 1;
	r.eps = e;
	r.n_eps = 2;
	r.total.requests = 20;
	lt_buf_init(&b, 0);
	s = script(&b, LT_CHART_ENDPOINTS, &r);
	TAP_OK(strstr(s, "set rmargin 27\n") != NULL,
	    "a 34-character last label: right margin 27");
	e[1].name = "/b";
	s = script(&b, LT_CHART_ENDPOINTS, &r);
	TAP_OK(strstr(s, "set rmargin 10\n") != NULL,
	    "short labels: right margin 10");
	lt_buf_fini(&b);
}

int
main(void)
{
	test_chart_margin();
	test_charts();
	test_chart_scripts();
	test_csv_format();
	test_pct();
	test_splice();
	test_doc();
	test_compare();
	return tap_done();
}
