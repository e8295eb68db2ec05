/*
 * reportcmd.c - the body of lt-report; see reportcmd.h.
 *
 * Warnings and notes go to cmd->diag as whole lines prefixed
 * "lt-report: "; errors go back in struct lt_err for the main to print.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report/compare.h"
#include "report/csv.h"
#include "report/history.h"
#include "report/html.h"
#include "report/md.h"
#include "report/report.h"
#include "report/reportcmd.h"
#include "report/reportio.h"

#define PROG "lt-report"

int
lt_reportcmd_parse_ranges(const char *s, double r[2])
{
	char *end;

	errno = 0;
	r[0] = strtod(s, &end);
	if (end == s || *end != ',')
		return -1;
	s = end + 1;
	r[1] = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0)
		return -1;
	return r[0] > 0 && r[1] > r[0] && r[1] < 1e9 ? 0 : -1;
}

/*
 * Writes b to out.  A reader that went away (EPIPE: `| head`) ends a
 * filter's job normally, as for lt-run: *gone is set and 0 returned, and
 * nothing more is written.  Other errors: -1 with err set.
 */
static int
put_out(FILE *out, const struct lt_buf *b, int *gone, struct lt_err *err)
{
	if (*gone || b->len == 0)
		return 0;
	errno = 0;
	if (fwrite(b->data, 1, b->len, out) == b->len)
		return 0;
	if (errno == EPIPE) {
		*gone = 1;
		return 0;
	}
	return lt_err_sys(
	    err, LT_EXIT_RUNTIME, errno ? errno : EIO, "cannot write stdout");
}

/* --format: the report on out. */
static int
to_out(const struct lt_reportcmd *cmd, const struct lt_report *r,
    struct lt_md_opts *d, const struct lt_html_opts *ho, char *warn,
    size_t warn_cap, int *gone, struct lt_err *err)
{
	struct lt_buf b;
	int rc;

	lt_buf_init(&b, 0);
	if (strcmp(cmd->format, "html") == 0)
		rc = lt_html_render(&b, r, d, ho, warn, warn_cap, err);
	else if (strcmp(cmd->format, "csv") == 0)
		rc = lt_csv_stats(&b, r);
	else
		rc = lt_md_render(&b, r, d);
	if (rc != 0 && err->code == 0)
		lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
	if (rc == 0)
		rc = put_out(cmd->out, &b, gone, err);
	lt_buf_fini(&b);
	return rc;
}

/* --history: the page on out; 1 when the newest night regressed. */
static int
history(const struct lt_reportcmd *cmd, int *gone, struct lt_err *err)
{
	struct lt_history_opts ho = { .dir = cmd->history,
		.tolerance = cmd->tolerance,
		.title = cmd->title,
		.gnuplot = cmd->gnuplot,
		.timeout_ms = LT_REPORTCMD_CHART_TIMEOUT_MS };
	char warn[LT_ERR_MSG_CAP];
	struct lt_buf b;
	int regressed = 0, rc;

	lt_buf_init(&b, 0);
	rc = lt_history_render(&ho, &b, &regressed, warn, sizeof(warn), err);
	if (rc == 0)
		rc = put_out(cmd->out, &b, gone, err);
	lt_buf_fini(&b);
	if (rc == 0 && warn[0] != '\0')
		fprintf(cmd->diag, PROG ": warning: %s\n", warn);
	if (rc == 0 && regressed)
		fprintf(cmd->diag,
		    PROG ": the newest night in %s regressed against the "
		         "night before\n",
		    cmd->history);
	return rc == 0 && regressed ? 1 : rc;
}

/* Says what reading the aggregate left out or cannot give. */
static void
input_notes(const struct lt_reportcmd *cmd, const struct lt_report *r)
{
	/* the endpoint cap, applied when reading (lt-aggregate(5)) */
	if (r->doc.folded_endpoints > 0)
		fprintf(cmd->diag,
		    PROG ": note: %s: %lld endpoints beyond the first %d "
		         "folded into \"(other)\"\n",
		    cmd->input ? cmd->input : "-",
		    (long long)r->doc.folded_endpoints, LT_DOC_MAX_ENDPOINTS);
	if (cmd->full_history && !r->has_sec_eps && r->n_secs > 0)
		fprintf(cmd->diag,
		    PROG ": warning: --csv-full-history: the aggregate has no "
		         "per-endpoint timeline (lt-agg --timeline-endpoints "
		         "writes one); the history has Aggregated rows only\n");
}

/*
 * Against the baseline: 1 when r regressed (said on diag), 0 when not,
 * -1 when memory ran out.
 */
static int
regressed(const struct lt_reportcmd *cmd, const struct lt_report *base,
    const struct lt_report *r, struct lt_err *err)
{
	struct lt_cmp c;
	int rc = 0;

	if (lt_compare(&c, base, r, cmd->tolerance) != 0)
		return lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
	if (c.regressions > 0) {
		fprintf(cmd->diag,
		    PROG ": %d regression%s beyond %.0f%% against %s\n",
		    c.regressions, c.regressions > 1 ? "s" : "",
		    100 * cmd->tolerance, cmd->baseline);
		rc = 1;
	}
	lt_compare_fini(&c);
	return rc;
}

/* The report of one aggregate; 1 when it regressed against --baseline. */
static int
report(const struct lt_reportcmd *cmd, int *gone, struct lt_err *err)
{
	struct lt_report *r = NULL, *base = NULL;
	struct lt_md_opts d = { 0 };
	struct lt_html_opts ho = { 0 };
	char warn[LT_ERR_MSG_CAP] = "", warn2[LT_ERR_MSG_CAP] = "";
	char *notes = NULL;
	int rc = -1;

	ho.gnuplot = cmd->gnuplot;
	ho.timeout_ms = LT_REPORTCMD_CHART_TIMEOUT_MS;
	d.title = cmd->title;
	d.tolerance = cmd->tolerance;
	d.range_ms[0] = cmd->ranges[0];
	d.range_ms[1] = cmd->ranges[1];
	d.base_label = cmd->baseline;
	if (cmd->notes != NULL) {
		notes = lt_report_read_text(cmd->notes, 1 << 20, err);
		if (notes == NULL)
			return -1;
	}
	d.notes_md = notes;
	r = lt_report_load(cmd->input, err);
	if (r == NULL)
		goto out;
	r->csv_safe = cmd->csv_safe;
	r->csv_full_history = cmd->full_history;
	input_notes(cmd, r);
	if (cmd->baseline != NULL) {
		base = lt_report_load(cmd->baseline, err);
		if (base == NULL)
			goto out;
		d.base = base;
	}
	if (cmd->dir != NULL &&
	    lt_report_write_dir(cmd->dir, r, &d, &ho, warn, sizeof(warn), err))
		goto out;
	if (cmd->csv != NULL && lt_report_write_csv(cmd->csv, r, err) != 0)
		goto out;
	/* Charts were already tried for the directory: warn only once. */
	if (cmd->dir != NULL && warn[0] != '\0')
		ho.gnuplot = NULL;
	if (cmd->format != NULL &&
	    to_out(cmd, r, &d, &ho, warn2, sizeof(warn2), gone, err) != 0)
		goto out;
	if (warn[0] != '\0' || warn2[0] != '\0')
		fprintf(
		    cmd->diag, PROG ": warning: %s\n", warn[0] ? warn : warn2);
	/* The history CSV leaves out gaps over an hour: say so, once. */
	if ((cmd->dir != NULL || cmd->csv != NULL) &&
	    lt_report_gap_note(r, warn, sizeof(warn)))
		fprintf(cmd->diag, PROG ": warning: %s\n", warn);
	rc = base != NULL ? regressed(cmd, base, r, err) : 0;
out:
	lt_report_free(r);
	lt_report_free(base);
	free(notes);
	return rc;
}

int
lt_reportcmd_run(
    const struct lt_reportcmd *cmd, int *out_gone, struct lt_err *err)
{
	int rc;

	lt_err_clear(err);
	*out_gone = 0;
	if (cmd->history != NULL)
		rc = history(cmd, out_gone, err);
	else
		rc = report(cmd, out_gone, err);
	if (rc < 0) {
		if (err->code == 0)
			err->code = LT_EXIT_RUNTIME;
		return err->code;
	}
	return rc == 1 ? LT_EXIT_CHECK : LT_EXIT_OK;
}
