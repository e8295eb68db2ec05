/*
 * mdcheck.h - the report's "Checks" section: every check of every
 * endpoint with its passes and failures (the aggregate's "checks",
 * lt-aggregate(5)), failing checks first, like k6's checks list; for
 * aggregates without per-check counts, the failed checks from the
 * failure groups.  Also the one-line total the summary shows.
 */
#ifndef LT_MDCHECK_H
#define LT_MDCHECK_H

#include "report/mddoc.h"
#include "report/report.h"

/* Writes the section when there is anything to show; else nothing. */
void lt_mdcheck_section(struct lt_md *d, const struct lt_report *r);

/* Writes "Checks: 98.50% passed (985 of 1000)..." when the aggregate has
 * per-check counts; else nothing. */
void lt_mdcheck_summary(struct lt_md *d, const struct lt_report *r);

#endif
