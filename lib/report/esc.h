/*
 * esc.h - escaping text that comes from outside (endpoint names, errors,
 * hosts, class names, notes, titles) for the two languages the report
 * embeds it in: HTML, and gnuplot datablocks.
 *
 * Outside text never enters a gnuplot script as script text: gnuplot runs
 * backquoted text in double-quoted strings as a shell command, expands
 * @macros and evaluates system().  It goes only into datablock rows, as
 * a double-quoted data field (read as data, never evaluated), and series
 * titles are read from there with `title columnheader(N)`.
 */
#ifndef LT_ESC_H
#define LT_ESC_H

#include "core/buf.h"

/* Appends s HTML-escaped (& < > " ') to b.  Returns 0 or -1. */
int lt_html_esc(struct lt_buf *b, const char *s);

/*
 * Appends s to b as one double-quoted gnuplot datablock field: `"` and
 * `\` (gnuplot reads escapes in quoted data fields) become look-alike
 * characters, control characters (a newline would end the row, and a row
 * "EOD" the datablock) become spaces.  Returns 0 or -1.
 */
int lt_gp_field(struct lt_buf *b, const char *s);

#endif
