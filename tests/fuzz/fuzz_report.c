/*
 * fuzz_report.c - fuzzes lt-report's writers behind the aggregate
 * reader: any document the reader accepts must render as CSV, Markdown,
 * the HTML document and every chart script without a crash, a leak or
 * undefined behaviour, and a run compared with itself has no regression.
 * gnuplot is not run (the scripts are only built).
 */
#include <stdlib.h>
#include <string.h>

#include "report/chart.h"
#include "report/compare.h"
#include "report/csv.h"
#include "fuzz.h"
#include "report/md.h"
#include "report/report.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lt_md_opts o;
	struct lt_report *r;
	struct lt_cmp c;
	struct lt_buf b;
	struct lt_md d;
	struct lt_err err;
	int64_t from, to;
	int k;
	size_t i;
	struct lt_chart ch;

	r = lt_report_parse((const char *)data, size, "fuzz", &err);
	if (r == NULL) {
		if (err.msg[0] == '\0')
			abort(); /* a refusal must say why */
		return 0;
	}
	lt_buf_init(&b, 0);
	lt_csv_stats(&b, r);
	lt_csv_history(&b, r);
	lt_csv_failures(&b, r);
	lt_csv_exceptions(&b, r);
	lt_report_gaps(r, LT_REP_GAP_FILL_MAX, &from, &to);
	memset(&o, 0, sizeof(o));
	o.base = r;
	o.base_label = "self";
	o.tolerance = 0.1;
	lt_md_render(&b, r, &o);
	lt_md_init(&d, 1);
	lt_md_build(&d, r, &o);
	lt_md_fini(&d);
	for (k = 0; k < LT_CHART_N; k++) {
		lt_buf_reset(&b);
		lt_chart_script(&b, k, r, r);
	}
	lt_buf_fini(&b);
	lt_chart_init(&ch);
	for (i = 0; i < r->n_eps && i < 4; i++) {
		lt_chart_ep_time(&ch, r, &r->eps[i]);
		lt_chart_ep_hist(&ch, &r->eps[i]);
	}
	lt_chart_fini(&ch);
	if (lt_compare(&c, r, r, 0.1) == 0) {
		if (c.regressions != 0)
			abort(); /* a run is never worse than itself */
		lt_compare_fini(&c);
	}
	lt_report_free(r);
	return 0;
}
