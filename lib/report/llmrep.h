/*
 * llmrep.h - the report's "Streamed answers" section, present when the
 * aggregate has an "llm" object (lt-aggregate(5)): a table of TTFT, ITL,
 * TPOT and e2e percentiles and token throughput per endpoint, the goodput
 * table, the TTFT and ITL distributions and output tokens per second over
 * time with the users (HTML charts), and its Locust-style CSV files.
 *
 * The charts' gnuplot scripts hold numbers only: no endpoint name or
 * other string from the aggregate reaches gnuplot but as data.
 */
#ifndef LT_LLMREP_H
#define LT_LLMREP_H

#include "core/buf.h"
#include "core/err.h"
#include "report/mddoc.h"
#include "report/report.h"

/* 1 when the report has streams. */
int lt_llmrep_has(const struct lt_report *r);

/*
 * Draws the section's charts with gnuplot prog (timeout_ms each) into a
 * new HTML string (*html, free(3) it; NULL when none).  Returns 0, 1 when
 * nothing to draw, or lt_plot_run's failure codes (err set).
 */
int lt_llmrep_charts(const struct lt_report *r, const char *prog,
    int timeout_ms, char **html, struct lt_err *err);

/* Writes the section into d (charts_html spliced in HTML mode, or NULL). */
void lt_llmrep_section(
    struct lt_md *d, const struct lt_report *r, const char *charts_html);

/* PREFIX_llm_stats.csv and PREFIX_llm_history.csv bodies.  0 or -1. */
int lt_llmrep_csv_stats(struct lt_buf *b, const struct lt_report *r);
int lt_llmrep_csv_history(struct lt_buf *b, const struct lt_report *r);

#endif
