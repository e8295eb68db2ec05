/*
 * history.h - the nightly history page (lt-report --history DIR): from a
 * directory of nightly aggregates, one self-contained HTML page with the
 * trend of p50, p95, p99, requests/s and the failure ratio of the total
 * and of each endpoint across nights (gnuplot SVG), the nights that
 * regressed against the night before (the rules of agg/baseline.h, the
 * same as --baseline) and a link to each night's report.
 *
 * A night is an entry of DIR whose name starts with a date YYYY-MM-DD:
 * a file NAME.json (an aggregate), or a directory holding run.json (the
 * layout contrib/cron/nightly.sh keeps, with its report in
 * NAME/report/index.html).  Nights are ordered by name.
 */
#ifndef LT_HISTORY_H
#define LT_HISTORY_H

#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

#define LT_HISTORY_MAX_NIGHTS 1000 /* the newest ones are kept */
#define LT_HISTORY_MAX_CHARTS 25   /* endpoints charted (total first) */

struct lt_history_opts {
	const char *dir;
	double tolerance;    /* ratio, as agg/baseline.h */
	const char *title;   /* NULL: "Nightly history" */
	const char *gnuplot; /* program; NULL: no charts */
	int timeout_ms;      /* per chart */
};

/*
 * Appends the page to out.  *last_regressed is set when the newest night
 * regressed against the one before.  Aggregates that do not load are
 * skipped and listed on the page; warn (capacity warn_cap) then names
 * the first, or says why charts are missing; else warn is "".  Returns
 * 0, or -1 with err: LT_EXIT_USAGE when DIR cannot be read or holds no
 * night, LT_EXIT_RUNTIME when memory runs out.
 */
int lt_history_render(const struct lt_history_opts *o, struct lt_buf *out,
    int *last_regressed, char *warn, size_t warn_cap, struct lt_err *err);

#endif
