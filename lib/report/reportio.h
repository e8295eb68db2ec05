/*
 * reportio.h - writing a report's files: the CSV set under a prefix, and
 * everything (HTML, Markdown, CSV) into a directory.
 *
 * Files are written whole from memory and checked at close, so a full
 * disk is an error naming the file, never a silently short report.
 */
#ifndef LT_REPORTIO_H
#define LT_REPORTIO_H

#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"
#include "report/html.h"
#include "report/md.h"
#include "report/report.h"

/* Names of the files lt-report writes into a directory (-o DIR). */
#define LT_REPORT_HTML       "index.html"
#define LT_REPORT_MD         "report.md"
#define LT_REPORT_CSV_PREFIX "lt" /* lt_stats.csv, lt_failures.csv... */

/*
 * Reads the whole text file at path (the --notes Markdown), at most cap
 * bytes.  Returns it NUL-terminated (free it), or NULL with err set, code
 * LT_EXIT_USAGE: the file is missing, unreadable, a directory or larger.
 */
char *lt_report_read_text(const char *path, size_t cap, struct lt_err *err);

/* Writes b to path (created or truncated, mode 0666 & ~umask). 0 or -1. */
int lt_report_write_file(
    const char *path, const struct lt_buf *b, struct lt_err *err);

/* Creates dir and its missing parents (like mkdir -p). 0 or -1. */
int lt_report_mkdirs(const char *dir, struct lt_err *err);

/*
 * Writes PREFIX_stats.csv, PREFIX_stats_history.csv, PREFIX_failures.csv
 * and PREFIX_exceptions.csv.  Returns 0 or -1 with err set.
 */
int lt_report_write_csv(
    const char *prefix, const struct lt_report *r, struct lt_err *err);

/*
 * Writes DIR/index.html, DIR/report.md and the CSV set with prefix
 * DIR/lt, creating DIR.  warn as for lt_html_render.  0 or -1.
 */
int lt_report_write_dir(const char *dir, const struct lt_report *r,
    struct lt_md_opts *o, const struct lt_html_opts *ho, char *warn,
    size_t warn_cap, struct lt_err *err);

#endif
