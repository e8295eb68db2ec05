/*
 * datafiles.h - shipping a scenario's data files to cluster workers
 * (datafiles.c).
 */
#ifndef LT_FANOUT_DATAFILES_H
#define LT_FANOUT_DATAFILES_H

#include <jansson.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

/* Loads the scenario and appends each data file it reads to files:
 * {"arg":-1,"role":"data","rel":..,"hash":..,"data":..,"mode":..}, rel
 * relative to the scenario's directory.  0, or -1 with err (a data file
 * outside that directory, unreadable, not text). */
int lt_fanout_data_files(
    const char *scenario, json_t *files, struct lt_err *err);

/* Reads the regular file at path into b, its permission bits into mode:
 * 0, 1 when it is not a regular file (nothing read), or -1 with errno
 * (EFBIG: larger than b's cap). */
int lt_fanout_slurp(const char *path, struct lt_buf *b, int *mode);

/* 1 when rel is a relative path without "." or ".." components. */
int lt_fanout_rel_ok(const char *rel);

/* Writes n bytes at dir/rel (creating its directories; never over an
 * existing file).  0, or -1 with err. */
int lt_fanout_write_rel(const char *dir, const char *rel, const char *data,
    size_t n, struct lt_err *err);

/* Removes dir and everything under it. */
void lt_fanout_rmtree(const char *dir);

#endif
