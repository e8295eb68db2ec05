/*
 * reportio.h - writing a report's files: the CSV set under a prefix, and
 * everything (HTML, Markdown, CSV) into a directory.
 *
 * Each file is written whole from memory to a temporary name in its
 * directory, synced, and renamed into place: a report file is whole or
 * absent (a full disk is an error naming the file and leaves any older
 * file as it was), and a symlink at its name is replaced, not written
 * through.
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

/*
 * Writes b to path through a temporary file in the same directory that is
 * renamed over path (mode 0666 & ~umask).  On error the temporary file is
 * removed and path is untouched.  0 or -1.
 */
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
