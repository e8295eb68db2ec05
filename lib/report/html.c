/*
 * html.c - the self-contained HTML page; see html.h.  The stylesheet is
 * compiled in rather than read from share/ so that the program needs no
 * installed assets to write a complete page.
 */
#include <cmark.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/chart.h"
#include "report/esc.h"
#include "report/html.h"
#include "report/llmrep.h"
#include "report/plot.h"

const char lt_html_css[] =
    ":root{--fg:#1b1f24;--mut:#57606a;--bd:#d0d7de;--bg2:#f6f8fa;"
    "--bad:#b42318;--badbg:#fde8e7;--good:#1a7f37;--goodbg:#e6f4ea}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;color:var(--fg);background:#fff;font:15px/1.5 "
    "system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}\n"
    "main{max-width:1100px;margin:0 auto;padding:1rem}\n"
    "h1{font-size:1.6rem;margin:.5rem 0}\n"
    "h2{font-size:1.25rem;margin:1.8rem 0 .6rem;padding-bottom:.2rem;"
    "border-bottom:1px solid var(--bd)}\n"
    "ul{padding-left:1.2rem}\n"
    ".charts{display:grid;grid-template-columns:repeat(auto-fit,"
    "minmax(min(100%,480px),1fr));gap:1rem}\n"
    "figure.chart{margin:0;border:1px solid var(--bd);border-radius:6px;"
    "padding:.4rem;background:#fff}\n"
    "figure.chart .cs{overflow-x:auto}\n"
    "figure.chart svg{display:block;width:100%;height:auto;"
    "min-width:var(--minw);max-width:640px;margin:0 auto}\n"
    "figure.chart.full{grid-column:1/-1}\n"
    "figure.chart.full svg{max-width:none}\n"
    "figcaption{font-size:.85rem;color:var(--mut);text-align:center}\n"
    ".tw{overflow-x:auto;margin:.5rem 0 1rem}\n"
    "table{border-collapse:collapse;font-size:.88rem;"
    "font-variant-numeric:tabular-nums}\n"
    "caption{text-align:left;color:var(--mut);font-size:.85rem;"
    "padding:.2rem 0}\n"
    "th,td{border:1px solid var(--bd);padding:.25rem .5rem;"
    "text-align:left;white-space:nowrap}\n"
    "thead th{background:var(--bg2);white-space:normal;"
    "vertical-align:bottom}\n"
    "tbody th{font-weight:normal;font-family:ui-monospace,monospace}\n"
    "table.tot tbody tr:last-child>*{font-weight:600}\n"
    ".n{text-align:right}\n"
    "#t-regressions td,#t-regressions th,#t-compare td{"
    "white-space:normal}\n"
    "#t-regressions tbody th{overflow-wrap:anywhere}\n"
    "#t-regressions td.n{min-width:8em}\n#t-compare td.n{min-width:7em}\n"
    ".worse,.fail{color:var(--bad);background:var(--badbg);"
    "font-weight:600}\n"
    ".better,.pass{color:var(--good);background:var(--goodbg)}\n"
    "hr{border:0;border-top:1px solid var(--bd);margin-top:2rem}\n"
    "@media (max-width:600px){body{font-size:14px}main{padding:.5rem}"
    "th,td{padding:.2rem .3rem}}\n"
    "@media print{body{font-size:11px}main{max-width:none;padding:0}"
    ".charts{display:block}figure.chart{break-inside:avoid;"
    "margin-bottom:.5rem;border:0}.tw{overflow:visible}"
    "table,figure{break-inside:avoid}h2{break-after:avoid}"
    ".worse,.fail,.better,.pass{-webkit-print-color-adjust:exact;"
    "print-color-adjust:exact}}\n";

/*
 * Runs c's script through gnuplot and appends the figure (id "chart-ID")
 * to fig.  0, or lt_plot_run's error.
 */
static int
figure(struct lt_buf *fig, const struct lt_chart *c, const char *id, int full,
    const struct lt_html_opts *ho, struct lt_err *err)
{
	struct lt_buf svg, *series = (struct lt_buf *)&c->series;
	char prefix[48];
	int rc;

	lt_buf_init(&svg, 0);
	rc = lt_plot_run(
	    ho->gnuplot, c->gp.data, c->gp.len, &svg, ho->timeout_ms, err);
	if (rc == 0) {
		snprintf(prefix, sizeof(prefix), "c-%s", id);
		rc |= lt_chart_fig_open(fig, id, full);
		rc |= lt_plot_splice(fig, svg.data, svg.len, prefix, c->caption,
		    lt_buf_cstr(series));
		rc |= lt_chart_fig_close(fig, c->caption);
		if (rc != 0)
			rc = lt_err_set(
			    err, LT_EXIT_RUNTIME, "gnuplot wrote no SVG");
	}
	lt_buf_fini(&svg);
	return rc;
}

/* Draws one chart into fig; 0, 1 (nothing to draw), or lt_plot_run's. */
static int
draw(struct lt_buf *fig, int kind, const struct lt_report *r,
    const struct lt_report *base, const unsigned char *flag,
    const struct lt_html_opts *ho, struct lt_err *err)
{
	struct lt_chart c;
	int rc;

	lt_chart_init(&c);
	c.flag = flag;
	rc = lt_chart_make(&c, kind, r, base);
	if (rc < 0)
		rc = lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
	if (rc == 0)
		rc = figure(
		    fig, &c, lt_chart_id[kind], lt_chart_full[kind], ho, err);
	lt_chart_fini(&c);
	return rc;
}

/*
 * The charts of endpoint e's own section (number i) into fig: 0, 1
 * (nothing to draw), or an error as draw's.
 */
static int
draw_ep(struct lt_buf *fig, size_t i, const struct lt_report *r,
    const struct lt_rep_ep *e, const struct lt_html_opts *ho,
    struct lt_err *err)
{
	struct lt_chart c;
	char id[32];
	int rc, k, any = 0;

	lt_chart_init(&c);
	rc = lt_buf_adds(fig, "<div class=\"charts\">\n") ? -1 : 0;
	for (k = 0; k < 2 && rc >= 0; k++) {
		rc = k == 0 ? lt_chart_ep_time(&c, r, e)
		            : lt_chart_ep_hist(&c, e);
		if (rc < 0)
			rc = lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
		if (rc != 0)
			continue;
		snprintf(id, sizeof(id), "ep%zu-%s", i, k ? "hist" : "time");
		rc = figure(fig, &c, id, 0, ho, err);
		any |= rc == 0;
	}
	lt_chart_fini(&c);
	if (rc == 1)
		rc = 0;
	if (rc == 0 && lt_buf_adds(fig, "</div>") != 0)
		rc = lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
	return rc == 0 && !any ? 1 : rc;
}

/* Frees every chart of o. */
static void
free_charts(struct lt_md_opts *o)
{
	int k;

	for (k = 0; k < LT_CHART_N; k++) {
		free((char *)o->chart_html[k]);
		o->chart_html[k] = NULL;
	}
	for (k = 0; k < LT_MD_DETAIL_MAX; k++) {
		free((char *)o->detail_html[k]);
		o->detail_html[k] = NULL;
	}
}

/* The warning and the page's note for chart failure rc (cerr). */
static void
chart_failed(int rc, const struct lt_err *cerr, struct lt_md_opts *o,
    const struct lt_html_opts *ho, char *warn, size_t warn_cap)
{
	if (rc == LT_PLOT_MISSING) {
		snprintf(warn, warn_cap,
		    "%s not found: report written without charts", ho->gnuplot);
		o->charts_note = "Charts omitted: gnuplot is not installed.";
	} else {
		snprintf(warn, warn_cap, "%s: report written without charts",
		    cerr->msg);
		o->charts_note = "Charts omitted: gnuplot failed.";
	}
	free_charts(o);
}

/*
 * Draws the page's charts, then those of each picked endpoint's section,
 * into o.  The first failure (gnuplot missing or failing) drops them all.
 */
static void
charts(const struct lt_report *r, struct lt_md_opts *o,
    const struct lt_html_opts *ho, char *warn, size_t warn_cap)
{
	const struct lt_rep_ep *eps[LT_MD_DETAIL_MAX];
	struct lt_rep_pick p = { 0 };
	struct lt_err cerr;
	struct lt_buf fig;
	unsigned char *flag = NULL;
	size_t i;
	int k, rc = 0;

	if (ho->gnuplot == NULL)
		return;
	/* Regressed endpoints are shown as those with failures are. */
	if (o->base != NULL)
		flag = lt_compare_regressed(o->base, r, o->tolerance);
	for (k = 0; k < LT_CHART_N && (rc == 0 || rc == 1); k++) {
		lt_err_clear(&cerr);
		lt_buf_init(&fig, 0);
		rc = draw(&fig, k, r, o->base, flag, ho, &cerr);
		if (rc == 0) {
			o->chart_html[k] = lt_buf_take(&fig);
			continue;
		}
		lt_buf_fini(&fig);
		if (rc != 1)
			chart_failed(rc, &cerr, o, ho, warn, warn_cap);
	}
	if ((rc != 0 && rc != 1) ||
	    lt_report_pick(r, LT_MD_DETAIL_MAX, flag, eps, &p) < 0)
		p.picked = 0;
	free(flag);
	for (i = 0; i < p.picked; i++) {
		lt_err_clear(&cerr);
		lt_buf_init(&fig, 0);
		rc = draw_ep(&fig, i, r, eps[i], ho, &cerr);
		if (rc == 0) {
			o->detail_html[i] = lt_buf_take(&fig);
			continue;
		}
		lt_buf_fini(&fig);
		if (rc != 1) {
			chart_failed(rc, &cerr, o, ho, warn, warn_cap);
			return;
		}
	}
}

/* Copies cmark's HTML to out, replacing placeholder paragraphs. */
static int
splice_blocks(struct lt_buf *out, const char *h, const struct lt_md *d)
{
	static const char open[] = "<p>@@lt-block-";
	const char *p;
	int rc = 0;

	for (p = strstr(h, open); p != NULL; p = strstr(h, open)) {
		char *end;
		unsigned long n = strtoul(p + sizeof(open) - 1, &end, 10);

		rc |= lt_buf_add(out, h, (size_t)(p - h));
		if (strncmp(end, "@@</p>", 6) == 0 && n < d->n_blocks) {
			rc |= lt_buf_adds(out, d->blocks[n]);
			h = end + 6;
		} else {
			rc |= lt_buf_add(out, p, 3);
			h = p + 3;
		}
	}
	return rc | lt_buf_adds(out, h);
}

/*
 * Replaces the image img by a link to the same URL holding its alt text
 * (its children).  Returns the link, or NULL when memory ran out.
 */
static cmark_node *
image_to_link(cmark_node *img)
{
	cmark_node *link = cmark_node_new(CMARK_NODE_LINK), *child;
	const char *title = cmark_node_get_title(img);

	if (link == NULL ||
	    cmark_node_set_url(link, cmark_node_get_url(img)) == 0 ||
	    (title != NULL && *title != '\0' &&
	        cmark_node_set_title(link, title) == 0)) {
		cmark_node_free(link);
		return NULL;
	}
	for (child = cmark_node_first_child(img); child != NULL;
	     child = cmark_node_first_child(img))
		cmark_node_append_child(link, child);
	cmark_node_replace(img, link);
	cmark_node_free(img);
	return link;
}

/*
 * The page loads nothing from elsewhere (lt-report(1)), so an image in
 * the user's notes becomes a link to it (QA F25).  cmark_iter_reset puts
 * the walk back on the new node, since the old one is gone.
 */
static int
images_to_links(cmark_node *doc)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	int rc = 0;

	if (it == NULL)
		return -1;
	for (ev = cmark_iter_next(it); ev != CMARK_EVENT_DONE;
	     ev = cmark_iter_next(it)) {
		cmark_node *n = cmark_iter_get_node(it), *link;

		if (ev != CMARK_EVENT_EXIT ||
		    cmark_node_get_type(n) != CMARK_NODE_IMAGE)
			continue;
		link = image_to_link(n);
		if (link == NULL) {
			rc = -1;
			break;
		}
		cmark_iter_reset(it, link, CMARK_EVENT_EXIT);
	}
	cmark_iter_free(it);
	return rc;
}

/* The report's Markdown as HTML (cmark's safe default: no raw HTML). */
static char *
md_to_html(const struct lt_md *d)
{
	cmark_node *doc = cmark_parse_document(
	    d->md.data, d->md.len, CMARK_OPT_DEFAULT | CMARK_OPT_SAFE);
	char *html = NULL;

	if (doc != NULL && images_to_links(doc) == 0)
		html =
		    cmark_render_html(doc, CMARK_OPT_DEFAULT | CMARK_OPT_SAFE);
	cmark_node_free(doc);
	return html;
}

static int
page(struct lt_buf *out, const struct lt_md *d, const char *title)
{
	char *body = md_to_html(d);
	int rc = 0;

	if (body == NULL)
		return -1;
	rc |= lt_buf_adds(out,
	    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n<title>");
	rc |= lt_html_esc(out, title);
	rc |= lt_buf_adds(out, "</title>\n<style>\n");
	rc |= lt_buf_adds(out, lt_html_css);
	rc |= lt_buf_adds(out, "</style>\n</head>\n<body>\n<main>\n");
	rc |= splice_blocks(out, body, d);
	rc |= lt_buf_adds(out, "</main>\n</body>\n</html>\n");
	free(body);
	return rc ? -1 : 0;
}

int
lt_html_render(struct lt_buf *out, const struct lt_report *r,
    struct lt_md_opts *o, const struct lt_html_opts *ho, char *warn,
    size_t warn_cap, struct lt_err *err)
{
	struct lt_md d;
	int k, rc;

	warn[0] = '\0';
	for (k = 0; k < LT_CHART_N; k++)
		o->chart_html[k] = NULL;
	for (k = 0; k < LT_MD_DETAIL_MAX; k++)
		o->detail_html[k] = NULL;
	o->charts_note = NULL;
	charts(r, o, ho, warn, warn_cap);
	o->llm_html = NULL;
	if (o->charts_note == NULL && ho->gnuplot != NULL && lt_llmrep_has(r)) {
		char *h = NULL;
		struct lt_err cerr;

		if (lt_llmrep_charts(
		        r, ho->gnuplot, ho->timeout_ms, &h, &cerr) < 0)
			snprintf(warn, warn_cap,
			    "%s: report written without the stream charts",
			    cerr.msg);
		o->llm_html = h;
	}
	lt_md_init(&d, 1);
	rc = lt_md_build(&d, r, o);
	if (rc == 0)
		rc = page(out, &d, o->title ? o->title : "Load test report");
	lt_md_fini(&d);
	free_charts(o);
	o->charts_note = NULL;
	free((char *)o->llm_html);
	o->llm_html = NULL;
	if (rc != 0)
		return lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
	return 0;
}
