/*
 * md.h - the report as a document: Markdown prose plus tables and charts.
 *
 * One builder (lt_md_build) writes the report once, in terms of a small
 * document API; the document renders either as Markdown text (report.md,
 * --format md: tables as GitHub pipe tables, charts left out) or as the
 * pieces of the HTML page (html.c: the Markdown goes through cmark, and
 * tables and charts, which cmark cannot express, are built as HTML here
 * and spliced in at placeholder paragraphs after rendering).
 */
#ifndef LT_MD_H
#define LT_MD_H

#include <stddef.h>

#include "core/buf.h"
#include "report/compare.h"
#include "report/mddoc.h"
#include "report/report.h"

/* The charts of the page, in report order. */
enum lt_chart_kind {
	LT_CHART_RPS,
	LT_CHART_USERS,
	LT_CHART_LATENCY,
	LT_CHART_DIST,
	LT_CHART_HIST, /* response time histogram */
	LT_CHART_ENDPOINTS,
	LT_CHART_EPTIME, /* only with per-endpoint timelines */
	LT_CHART_N
};

/* Endpoints that get a section of their own (lt_report_pick's choice). */
#define LT_MD_DETAIL_MAX 10

struct lt_md_opts {
	const char *title;            /* NULL: "Load test report" */
	const struct lt_report *base; /* baseline to compare with, or NULL */
	const char *base_label;       /* its file name */
	double tolerance;             /* 0.10 for 10% */
	const char *notes_md;         /* user Markdown, or NULL */
	const char *chart_html[LT_CHART_N]; /* spliced SVG figures, or NULL */
	const char *charts_note; /* why charts are missing, or NULL */
	double range_ms[2];      /* response time ranges; 0: 800 and 1200 ms */
	const char *llm_html;    /* streamed answers' charts (llmrep.h) */
	/* html: the charts of each picked endpoint's section, or NULL */
	const char *detail_html[LT_MD_DETAIL_MAX];
};

/* Writes the whole report into d.  Returns 0, or -1 when memory ran out. */
int lt_md_build(
    struct lt_md *d, const struct lt_report *r, const struct lt_md_opts *o);

/* Markdown report text (report.md, --format md) into out. 0 or -1. */
int lt_md_render(
    struct lt_buf *out, const struct lt_report *r, const struct lt_md_opts *o);

#endif
