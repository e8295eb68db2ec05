/*
 * history.c - the nightly history page; see history.h.
 *
 * Each night keeps only its comparison figures (agg/baseline.h's
 * struct lt_bl_figures, computed the way lt-agg --baseline computes them
 * from a document: percentiles in whole microseconds, requests over the
 * exact duration), so a thousand nights cost little memory.  Endpoint
 * names never reach gnuplot: a chart's script holds numbers and the
 * dates (digits and dashes, checked when the directory is read) in a
 * datablock; the endpoint's name is the figure's caption and the SVG's
 * title, written on the HTML side, escaped.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "agg/aggread.h"
#include "agg/baseline.h"
#include "report/esc.h"
#include "report/history.h"
#include "report/html.h"
#include "report/plot.h"

struct ep_fig {
	size_t series; /* index into the page's endpoint list */
	struct lt_bl_figures f;
};

struct night {
	char date[11]; /* YYYY-MM-DD */
	char *entry;   /* owned: the name in DIR */
	char *link;    /* owned: relative link to its report, or NULL */
	struct lt_bl_figures total;
	struct ep_fig *eps; /* owned */
	size_t n_eps;
	int regressed; /* against the night before */
};

struct series {
	char *method, *name; /* owned */
};

struct regression {
	size_t night; /* the night that regressed (against night - 1) */
	long series;  /* -1: the total */
	int metric;   /* enum lt_bl_metric */
	double old, new;
};

struct hist {
	struct night *nights;
	size_t n;
	struct series *ser;
	size_t n_ser;
	struct regression *reg;
	size_t n_reg, reg_alloc;
	struct lt_buf skipped; /* HTML list items of nights not loaded */
	int n_skipped;
};

static const char *const m_name[LT_BL_N] = { "p50", "p95", "p99", "rps",
	"failure ratio" };

/* A night's entry name: a date, then anything. */
static int
is_night(const char *s)
{
	static const char pat[] = "dddd-dd-dd";

	for (int i = 0; i < 10; i++) {
		if (pat[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != '-')
			return 0;
	}
	return 1;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
exists(const char *dir, const char *rel, int want_dir)
{
	char p[4096];
	struct stat st;

	if (snprintf(p, sizeof(p), "%s/%s", dir, rel) >= (int)sizeof(p))
		return 0;
	return stat(p, &st) == 0 &&
	    (want_dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode));
}

/*
 * The night entries of dir, sorted, newest LT_HISTORY_MAX_NIGHTS: a
 * NAME.json file or a directory with run.json.  NULL with err.
 */
static char **
scan(const char *dir, size_t *n, struct lt_err *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL;
	size_t alloc = 0;

	*n = 0;
	if (d == NULL) {
		lt_err_sys(err, LT_EXIT_USAGE, errno, "%s", dir);
		return NULL;
	}
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);
		char sub[4096];
		int ok;

		if (l < 10 || !is_night(e->d_name))
			continue;
		snprintf(sub, sizeof(sub), "%s/run.json", e->d_name);
		ok = (l > 5 && strcmp(e->d_name + l - 5, ".json") == 0 &&
		         exists(dir, e->d_name, 0)) ||
		    (exists(dir, e->d_name, 1) && exists(dir, sub, 0));
		if (!ok)
			continue;
		if (*n == alloc) {
			char **nv;

			alloc = alloc ? alloc * 2 : 64;
			nv = realloc(v, alloc * sizeof(*v));
			if (nv == NULL)
				goto nomem;
			v = nv;
		}
		v[*n] = strdup(e->d_name);
		if (v[*n] == NULL)
			goto nomem;
		(*n)++;
	}
	closedir(d);
	if (*n == 0) {
		free(v);
		lt_err_set(err, LT_EXIT_USAGE,
		    "%s: no nightly aggregate (YYYY-MM-DD*.json or "
		    "YYYY-MM-DD*/run.json)",
		    dir);
		return NULL;
	}
	qsort(v, *n, sizeof(*v), cmp_str);
	return v;
nomem:
	closedir(d);
	for (size_t i = 0; i < *n; i++)
		free(v[i]);
	free(v);
	lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
	return NULL;
}

/* The relative link to a night's report: the best that exists. */
static char *
night_link(const char *dir, const char *entry)
{
	char p[4096];
	size_t l = strlen(entry);

	if (l > 5 && strcmp(entry + l - 5, ".json") == 0) {
		int b = (int)(l - 5);

		snprintf(p, sizeof(p), "%.*s/index.html", b, entry);
		if (!exists(dir, p, 0))
			snprintf(p, sizeof(p), "%.*s.html", b, entry);
		if (!exists(dir, p, 0))
			snprintf(p, sizeof(p), "%s", entry);
	} else {
		snprintf(p, sizeof(p), "%s/report/index.html", entry);
		if (!exists(dir, p, 0))
			snprintf(p, sizeof(p), "%s/run.json", entry);
	}
	return strdup(p);
}

static void
figures(const struct lt_doc_ep *e, double duration_s, struct lt_bl_figures *f)
{
	double ms[LT_PCT_N];

	for (int i = 0; i < LT_PCT_N; i++)
		ms[i] = (double)e->pct_us[i] / 1000.0;
	lt_baseline_figures(f, e->requests, e->failures,
	    duration_s > 0 ? (double)e->requests / duration_s : e->rps, ms);
}

/* The index of (method, name) in h->ser, added if new; -1 on ENOMEM. */
static long
series_of(struct hist *h, const char *method, const char *name)
{
	struct series *ns;

	for (size_t i = 0; i < h->n_ser; i++)
		if (strcmp(h->ser[i].method, method) == 0 &&
		    strcmp(h->ser[i].name, name) == 0)
			return (long)i;
	ns = realloc(h->ser, (h->n_ser + 1) * sizeof(*ns));
	if (ns == NULL)
		return -1;
	h->ser = ns;
	ns[h->n_ser].method = strdup(method);
	ns[h->n_ser].name = strdup(name);
	if (ns[h->n_ser].method == NULL || ns[h->n_ser].name == NULL) {
		free(ns[h->n_ser].method);
		free(ns[h->n_ser].name);
		return -1;
	}
	return (long)h->n_ser++;
}

static int
skip_note(struct hist *h, const char *entry, const char *why)
{
	int rc = lt_buf_adds(&h->skipped, "<li><code>");

	rc |= lt_html_esc(&h->skipped, entry);
	rc |= lt_buf_adds(&h->skipped, "</code>: ");
	rc |= lt_html_esc(&h->skipped, why);
	rc |= lt_buf_adds(&h->skipped, "</li>\n");
	h->n_skipped++;
	return rc;
}

/* Loads one night into h->nights[h->n]; 1 when skipped, -1 ENOMEM. */
static int
load_night(
    struct hist *h, const char *dir, char *entry, char *warn, size_t warn_cap)
{
	struct night *nt = &h->nights[h->n];
	struct lt_aggdoc d;
	struct lt_err e;
	char path[4096];
	size_t l = strlen(entry);

	if (l > 5 && strcmp(entry + l - 5, ".json") == 0)
		snprintf(path, sizeof(path), "%s/%s", dir, entry);
	else
		snprintf(path, sizeof(path), "%s/%s/run.json", dir, entry);
	if (lt_aggdoc_load(&d, path, &e) == -1) {
		if (warn[0] == '\0')
			snprintf(warn, warn_cap, "skipped %s", e.msg);
		return skip_note(h, entry, e.msg) ? -1 : 1;
	}
	memset(nt, 0, sizeof(*nt));
	memcpy(nt->date, entry, 10);
	nt->entry = entry;
	nt->link = night_link(dir, entry);
	figures(&d.total, d.duration_s, &nt->total);
	nt->eps = calloc(d.n_eps + 1, sizeof(*nt->eps));
	if (nt->link == NULL || nt->eps == NULL)
		goto nomem;
	for (size_t i = 0; i < d.n_eps; i++) {
		long s = series_of(h, d.eps[i].method, d.eps[i].name);

		if (s < 0)
			goto nomem;
		nt->eps[i].series = (size_t)s;
		figures(&d.eps[i], d.duration_s, &nt->eps[i].f);
	}
	nt->n_eps = d.n_eps;
	lt_aggdoc_fini(&d);
	h->n++;
	return 0;
nomem:
	free(nt->link);
	free(nt->eps);
	lt_aggdoc_fini(&d);
	return -1;
}

static const struct lt_bl_figures *
find_fig(const struct night *nt, long s)
{
	if (s < 0)
		return &nt->total;
	for (size_t i = 0; i < nt->n_eps; i++)
		if (nt->eps[i].series == (size_t)s)
			return &nt->eps[i].f;
	return NULL;
}

static int
add_reg(struct hist *h, size_t night, long s, int m, double o, double n)
{
	if (h->n_reg == h->reg_alloc) {
		size_t na = h->reg_alloc ? h->reg_alloc * 2 : 32;
		struct regression *nr = realloc(h->reg, na * sizeof(*nr));

		if (nr == NULL)
			return -1;
		h->reg = nr;
		h->reg_alloc = na;
	}
	h->reg[h->n_reg++] = (struct regression) { night, s, m, o, n };
	return 0;
}

/* Judges every night against the one before, as --baseline does. */
static int
judge(struct hist *h, double tol)
{
	for (size_t i = 1; i < h->n; i++) {
		for (long s = -1; s < (long)h->n_ser; s++) {
			const struct lt_bl_figures *o =
			    find_fig(&h->nights[i - 1], s);
			const struct lt_bl_figures *n =
			    find_fig(&h->nights[i], s);
			int v[LT_BL_N];

			if (o == NULL || n == NULL ||
			    lt_baseline_judge(o, n, tol, v) == 0)
				continue;
			h->nights[i].regressed = 1;
			for (int m = 0; m < LT_BL_N; m++)
				if (v[m] > 0 &&
				    add_reg(h, i, s, m, o->v[m], n->v[m]))
					return -1;
		}
	}
	return 0;
}

static void
hist_fini(struct hist *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->nights[i].link);
		free(h->nights[i].eps);
	}
	free(h->nights);
	for (size_t i = 0; i < h->n_ser; i++) {
		free(h->ser[i].method);
		free(h->ser[i].name);
	}
	free(h->ser);
	free(h->reg);
	lt_buf_fini(&h->skipped);
}

/* "GET /x", or "Aggregated" for s < 0, HTML-escaped. */
static int
ep_html(struct lt_buf *b, const struct hist *h, long s)
{
	int rc = 0;

	if (s < 0)
		return lt_buf_adds(b, "Aggregated");
	if (*h->ser[s].method)
		rc |= lt_html_esc(b, h->ser[s].method) | lt_buf_addc(b, ' ');
	return rc | lt_html_esc(b, h->ser[s].name);
}

/* A relative link with every byte but [A-Za-z0-9-._~/] percent-encoded. */
static int
href(struct lt_buf *b, const char *link)
{
	int rc = 0;

	for (const unsigned char *p = (const unsigned char *)link; *p; p++) {
		if (isalnum(*p) || strchr("-._~/", *p))
			rc |= lt_buf_addc(b, (char)*p);
		else
			rc |= lt_buf_printf(b, "%%%02X", *p);
	}
	return rc;
}

static int
fmt_metric(struct lt_buf *b, int m, double v)
{
	if (m == LT_BL_FAIL)
		return lt_buf_printf(b, "%.2f%%", v * 100);
	if (m == LT_BL_RPS)
		return lt_buf_printf(b, "%.1f", v);
	return lt_buf_printf(b, "%.1f ms", v);
}

static int
regressions_html(struct lt_buf *b, const struct hist *h)
{
	int rc = lt_buf_adds(b, "<h2 id=\"regressions\">Regressions</h2>\n");

	if (h->n_reg == 0)
		return rc |
		    lt_buf_adds(b,
		        "<p>No night regressed against the "
		        "night before.</p>\n");
	rc |= lt_buf_adds(b,
	    "<div class=\"tw\"><table id=\"regressions-table\">\n"
	    "<caption>Metrics worse than the night before, beyond the "
	    "tolerance</caption>\n<thead><tr><th scope=\"col\">Night</th>"
	    "<th scope=\"col\">Against</th><th scope=\"col\">Endpoint</th>"
	    "<th scope=\"col\">Metric</th><th scope=\"col\">Before</th>"
	    "<th scope=\"col\">After</th><th scope=\"col\">Change</th>"
	    "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < h->n_reg; i++) {
		const struct regression *r = &h->reg[i];

		rc |= lt_buf_printf(b,
		    "<tr><td>%s</td><td>%s</td><th scope=\"row\">",
		    h->nights[r->night].date, h->nights[r->night - 1].date);
		rc |= ep_html(b, h, r->series);
		rc |= lt_buf_printf(
		    b, "</th><td>%s</td><td class=\"n\">", m_name[r->metric]);
		rc |= fmt_metric(b, r->metric, r->old);
		rc |= lt_buf_adds(b, "</td><td class=\"n worse\">");
		rc |= fmt_metric(b, r->metric, r->new);
		rc |= lt_buf_adds(b, "</td><td class=\"n\">");
		if (r->old != 0)
			rc |= lt_buf_printf(
			    b, "%+.1f%%", (r->new - r->old) / r->old * 100);
		else
			rc |= lt_buf_adds(b, "new");
		rc |= lt_buf_adds(b, "</td></tr>\n");
	}
	return rc | lt_buf_adds(b, "</tbody></table></div>\n");
}

static int
nights_html(struct lt_buf *b, const struct hist *h)
{
	int rc = lt_buf_adds(b,
	    "<h2 id=\"nights\">Nights</h2>\n<div class=\"tw\">"
	    "<table id=\"nights-table\" class=\"tot\">\n"
	    "<caption>Totals of each night, oldest first</caption>\n"
	    "<thead><tr><th scope=\"col\">Night</th>"
	    "<th scope=\"col\">Requests</th><th scope=\"col\">req/s</th>"
	    "<th scope=\"col\">p50</th><th scope=\"col\">p95</th>"
	    "<th scope=\"col\">p99</th><th scope=\"col\">Failures</th>"
	    "<th scope=\"col\">Against the night before</th>"
	    "<th scope=\"col\">Report</th></tr></thead>\n<tbody>\n");

	for (size_t i = 0; i < h->n; i++) {
		const struct night *nt = &h->nights[i];

		rc |= lt_buf_printf(b,
		    "<tr id=\"night-%zu\"><th scope=\"row\">%s</th>"
		    "<td class=\"n\">%lld</td>",
		    i, nt->date, (long long)nt->total.requests);
		rc |= lt_buf_adds(b, "<td class=\"n\">");
		rc |= fmt_metric(b, LT_BL_RPS, nt->total.v[LT_BL_RPS]);
		rc |= lt_buf_adds(b, "</td>");
		for (int m = LT_BL_P50; m <= LT_BL_P99; m++) {
			rc |= lt_buf_adds(b, "<td class=\"n\">");
			rc |= fmt_metric(b, m, nt->total.v[m]);
			rc |= lt_buf_adds(b, "</td>");
		}
		rc |= lt_buf_adds(b, "<td class=\"n\">");
		rc |= fmt_metric(b, LT_BL_FAIL, nt->total.v[LT_BL_FAIL]);
		rc |= lt_buf_adds(b, "</td>");
		rc |= lt_buf_adds(b,
		    i == 0              ? "<td>first</td>"
		        : nt->regressed ? "<td class=\"worse\">regressed</td>"
		                        : "<td class=\"pass\">ok</td>");
		rc |= lt_buf_adds(b, "<td><a href=\"");
		rc |= href(b, nt->link);
		rc |= lt_buf_adds(b, "\">");
		rc |= lt_html_esc(b, nt->entry);
		rc |= lt_buf_adds(b, "</a></td></tr>\n");
	}
	return rc | lt_buf_adds(b, "</tbody></table></div>\n");
}

/*
 * The gnuplot script of one series' chart: kind 0 latency (p50 p95 p99,
 * ms), kind 1 throughput (req/s, failure % on y2).  Data rows are
 * "index date v1 v2 v3" with "?" where the night lacks the endpoint.
 * Returns 1 when there is nothing to draw.
 */
static int
chart_script(struct lt_buf *gp, const struct hist *h, long s, int kind)
{
	size_t every = h->n / 12 + 1, points = 0;
	int rc = lt_buf_printf(gp,
	    "set terminal svg dynamic noenhanced size 560,300 "
	    "font \"sans,11\" background \"#ffffff\"\n"
	    "set output\nset encoding utf8\n"
	    "set border 3 lc rgb \"#444444\"\nset tics nomirror\n"
	    "set grid lc rgb \"#dddddd\"\n"
	    "set key top left box lc rgb \"#cccccc\"\n"
	    "set datafile missing \"?\"\nset xtics rotate by -30\n"
	    "set xrange [-0.5:%zu.5]\nset yrange [0:*]\n$d << EOD\n",
	    h->n - 1);

	for (size_t i = 0; i < h->n; i++) {
		const struct lt_bl_figures *f = find_fig(&h->nights[i], s);

		rc |= lt_buf_printf(gp, "%zu %s ", i,
		    i % every == 0 || i == h->n - 1 ? h->nights[i].date : "-");
		if (f == NULL || f->requests == 0) {
			rc |= lt_buf_adds(gp, "? ? ?\n");
			continue;
		}
		points++;
		if (kind == 0)
			rc |= lt_buf_printf(gp, "%.3f %.3f %.3f\n",
			    f->v[LT_BL_P50], f->v[LT_BL_P95], f->v[LT_BL_P99]);
		else
			rc |= lt_buf_printf(gp, "%.3f %.4f 0\n",
			    f->v[LT_BL_RPS], f->v[LT_BL_FAIL] * 100);
	}
	rc |= lt_buf_adds(gp, "EOD\n");
	if (points == 0)
		return 1;
	if (kind == 0)
		rc |= lt_buf_adds(gp,
		    "set ylabel \"ms\"\n"
		    "plot $d using 1:3:xticlabels(stringcolumn(2) eq \"-\" ? "
		    "\"\" : stringcolumn(2)) with linespoints lw 2 "
		    "lc rgb \"#1f77b4\" title \"p50\", "
		    "$d using 1:4 with linespoints lw 2 lc rgb \"#ff7f0e\" "
		    "title \"p95\", $d using 1:5 with linespoints lw 2 "
		    "lc rgb \"#d62728\" title \"p99\"\n");
	else
		rc |= lt_buf_adds(gp,
		    "set ylabel \"req/s\"\nset y2label \"failures %\"\n"
		    "set y2tics\nset y2range [0:*]\n"
		    "plot $d using 1:3:xticlabels(stringcolumn(2) eq \"-\" ? "
		    "\"\" : stringcolumn(2)) with linespoints lw 2 "
		    "lc rgb \"#2ca02c\" title \"req/s\", "
		    "$d using 1:4 axes x1y2 with linespoints lw 2 "
		    "lc rgb \"#d62728\" title \"failures %\"\n");
	return rc ? -1 : 0;
}

/* The charts of one series: two figures, or nothing. */
static int
series_charts(struct lt_buf *b, const struct hist *h, long s,
    const struct lt_history_opts *o, char *warn, size_t warn_cap, int *off)
{
	static const char *const what[2] = { "response time", "throughput" };
	struct lt_buf gp, svg, cap;
	struct lt_err e;
	int rc = 0;

	lt_buf_init(&gp, 0);
	lt_buf_init(&svg, 0);
	lt_buf_init(&cap, 0);
	for (int kind = 0; kind < 2 && !*off; kind++) {
		char prefix[48];
		int r;

		lt_buf_reset(&gp);
		lt_buf_reset(&svg);
		lt_buf_reset(&cap);
		r = chart_script(&gp, h, s, kind);
		if (r == 1)
			continue;
		if (r == -1) {
			rc = -1;
			break;
		}
		r = lt_plot_run(
		    o->gnuplot, gp.data, gp.len, &svg, o->timeout_ms, &e);
		if (r != 0) {
			snprintf(warn, warn_cap, "no charts: %s",
			    r == LT_PLOT_MISSING ? "gnuplot not found" : e.msg);
			*off = 1;
			break;
		}
		/* the caption is the name, as text: the SVG's title too */
		if (s < 0)
			lt_buf_adds(&cap, "Aggregated");
		else
			lt_buf_printf(&cap, "%s%s%s", h->ser[s].method,
			    *h->ser[s].method ? " " : "", h->ser[s].name);
		lt_buf_printf(&cap, ": %s", what[kind]);
		snprintf(prefix, sizeof(prefix), "h%ld-%d", s + 1, kind);
		rc |= lt_buf_printf(
		    b, "<figure class=\"chart\" id=\"chart-%s\">\n", prefix);
		rc |= lt_plot_splice(b, svg.data, svg.len, prefix,
		    lt_buf_cstr(&cap),
		    kind == 0 ? "p50\np95\np99\n" : "req/s\nfailures %\n");
		rc |= lt_buf_adds(b, "<figcaption>");
		rc |= lt_html_esc(b, lt_buf_cstr(&cap));
		rc |= lt_buf_adds(b, "</figcaption>\n</figure>\n");
	}
	lt_buf_fini(&gp);
	lt_buf_fini(&svg);
	lt_buf_fini(&cap);
	return rc;
}

static int
trends_html(struct lt_buf *b, const struct hist *h,
    const struct lt_history_opts *o, char *warn, size_t warn_cap)
{
	int rc = lt_buf_adds(b, "<h2 id=\"trends\">Trends</h2>\n");
	int off = o->gnuplot == NULL;
	long last = (long)h->n_ser;

	if (off)
		return rc | lt_buf_adds(b, "<p>Charts were not drawn.</p>\n");
	if (last > LT_HISTORY_MAX_CHARTS - 1)
		last = LT_HISTORY_MAX_CHARTS - 1;
	rc |= lt_buf_adds(b, "<div class=\"charts\">\n");
	for (long s = -1; s < last && !off && rc == 0; s++)
		rc |= series_charts(b, h, s, o, warn, warn_cap, &off);
	rc |= lt_buf_adds(b, "</div>\n");
	if (off)
		rc |= lt_buf_adds(b, "<p>Charts could not be drawn.</p>\n");
	else if ((long)h->n_ser > last)
		rc |= lt_buf_printf(b,
		    "<p>Charts of the first %ld endpoints (by name) "
		    "only.</p>\n",
		    last);
	return rc;
}

static int
page(struct lt_buf *b, const struct hist *h, const struct lt_history_opts *o,
    char *warn, size_t warn_cap)
{
	const char *title = o->title ? o->title : "Nightly history";
	int rc = lt_buf_adds(b,
	    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n<title>");

	rc |= lt_html_esc(b, title);
	rc |= lt_buf_adds(b, "</title>\n<style>\n");
	rc |= lt_buf_adds(b, lt_html_css);
	rc |= lt_buf_adds(b, "</style>\n</head>\n<body>\n<main>\n<h1>");
	rc |= lt_html_esc(b, title);
	rc |= lt_buf_printf(b,
	    "</h1>\n<p id=\"summary\">%zu night%s, %s to %s; a night "
	    "regressed when a metric of the total or of an endpoint is "
	    "worse than the night before beyond %g%% (the rules of "
	    "<code>--baseline</code>).</p>\n",
	    h->n, h->n == 1 ? "" : "s", h->nights[0].date,
	    h->nights[h->n - 1].date, o->tolerance * 100);
	rc |= regressions_html(b, h);
	rc |= nights_html(b, h);
	if (h->n_skipped) {
		rc |=
		    lt_buf_adds(b, "<h2 id=\"skipped\">Not read</h2>\n<ul>\n");
		rc |= lt_buf_add(b, h->skipped.data, h->skipped.len);
		rc |= lt_buf_adds(b, "</ul>\n");
	}
	rc |= trends_html(b, h, o, warn, warn_cap);
	rc |= lt_buf_adds(b, "</main>\n</body>\n</html>\n");
	return rc;
}

int
lt_history_render(const struct lt_history_opts *o, struct lt_buf *out,
    int *last_regressed, char *warn, size_t warn_cap, struct lt_err *err)
{
	struct hist h;
	char **entries;
	size_t n, first = 0;
	int rc = 0;

	warn[0] = '\0';
	*last_regressed = 0;
	memset(&h, 0, sizeof(h));
	lt_buf_init(&h.skipped, 0);
	entries = scan(o->dir, &n, err);
	if (entries == NULL) {
		hist_fini(&h);
		return -1;
	}
	if (n > LT_HISTORY_MAX_NIGHTS)
		first = n - LT_HISTORY_MAX_NIGHTS;
	h.nights = calloc(n - first, sizeof(*h.nights));
	if (h.nights == NULL)
		rc = -1;
	for (size_t i = first; i < n && rc == 0; i++)
		rc = load_night(&h, o->dir, entries[i], warn, warn_cap) == -1;
	if (rc == 0 && h.n == 0) {
		lt_err_set(err, LT_EXIT_USAGE,
		    "%s: no nightly aggregate could "
		    "be read (%s)",
		    o->dir, warn);
		rc = -2;
	}
	if (rc == 0 &&
	    (judge(&h, o->tolerance) == -1 ||
	        page(out, &h, o, warn, warn_cap) != 0))
		rc = -1;
	if (rc == 0 && h.n > 1)
		*last_regressed = h.nights[h.n - 1].regressed;
	hist_fini(&h);
	for (size_t i = 0; i < n; i++)
		free(entries[i]);
	free(entries);
	if (rc == -1)
		lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
	return rc ? -1 : 0;
}
