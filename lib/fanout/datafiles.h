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
 * {"arg":-1,"role":"data","rel":..,"hash":..,"data"|"base64":..,
 * "mode":..}, rel relative to the scenario's directory.  0, or -1 with
 * err (a data file outside that directory, unreadable, too big for a
 * wire message). */
int lt_fanout_data_files(
    const char *scenario, json_t *files, struct lt_err *err);

/* Sets f's "hash" (FNV-1a 64 of the n bytes at data, hex) and its content:
 * "data", a JSON string, when they are UTF-8 without NUL bytes and no
 * longer so than in base64, else "base64" (RFC 4648, no line breaks).
 * 0, or -1 (out of memory). */
int lt_fanout_file_put(json_t *f, const char *data, size_t n);

/* The bytes f's content takes in the plan (JSON-escaped or base64). */
size_t lt_fanout_file_wire_len(const json_t *f);

/* Reads the regular file at path into f (lt_fanout_file_put) with its
 * "mode": 0, 1 when it is not a regular file (nothing added, err not
 * set), or -1 with err naming it as what (unreadable, or more than one
 * wire message carries). */
int lt_fanout_file_load(
    json_t *f, const char *path, const char *what, struct lt_err *err);

/* The bytes of shipped file f (either content) into out, checked against
 * its "hash".  0, or -1 with err naming it as name (no content, broken
 * base64, another hash). */
int lt_fanout_file_get(
    const json_t *f, const char *name, struct lt_buf *out, struct lt_err *err);

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
