/*
 * aggget.h - validated reading of one member of an aggregate document
 * (lt-aggregate(5)): typed getters that check type and range and name the
 * JSON path of a bad member ("old.json: run.duration_s: out of range").
 * Internal to lib/agg (aggread.c and aggfold.c).
 */
#ifndef LT_AGGGET_H
#define LT_AGGGET_H

#include <float.h>
#include <stdint.h>

#include <jansson.h>

#include "core/hist.h"
#include "core/err.h"

/* The reader's state: the document's name and the path being read. */
struct lt_docnames;

struct lt_rd {
	const char *name;
	struct lt_err *err;
	char where[96];                 /* path of the object being read */
	const struct lt_docnames *kept; /* set when endpoints were folded:
	                                   a second's others fold too */
};

/* Sets err to "name: where.key: what" (LT_EXIT_USAGE); returns -1. */
int lt_rd_fail(struct lt_rd *r, const char *key, const char *what);

/* Integer member k of o; absent/null gives def unless required. */
int lt_rd_i64(struct lt_rd *r, const json_t *o, const char *k, int64_t *out,
    int required, int64_t def);

/* A count: an integer >= 0. */
int lt_rd_count(struct lt_rd *r, const json_t *o, const char *k, int64_t *out,
    int required);

/* A finite number member k within [lo, hi] (absent/null: 0); the
 * message names the value and the range. */
int lt_rd_dbl(struct lt_rd *r, const json_t *o, const char *k, double *out,
    double lo, double hi);

/* A latency in ms into us: 0 to LT_HIST_HIGHEST_US (absent/null: 0). */
int lt_rd_ms(struct lt_rd *r, const json_t *o, const char *k, int64_t *out);

/* A number in units scaled by mul (1e6 for seconds, 1e3 for ms) to
 * integer microseconds, within int64 (absent/null: def). */
int lt_rd_scaled(struct lt_rd *r, const json_t *o, const char *k, double mul,
    int64_t *out, int64_t def);

/* A string member (owned copy, or NULL when absent and not required). */
int lt_rd_str(
    struct lt_rd *r, const json_t *o, const char *k, char **out, int required);

/* A percentiles object (lt_pct_keys, in ms) into LT_PCT_N us values. */
int lt_rd_pcts(struct lt_rd *r, const json_t *o, const char *k, int64_t *out);

/* A HIST member into h: initialised here with sig, or emptied when it
 * already has storage of that sig (zeroed storage is fine). */
int lt_rd_hist(struct lt_rd *r, const json_t *o, const char *k,
    struct lt_hist *h, int sig, int required);

/* A HIST member into the sparse sh, through scratch. */
int lt_rd_shist(struct lt_rd *r, const json_t *o, const char *k,
    struct lt_shist *sh, struct lt_hist *scratch);

/* Compact JSON text of v (malloc), or NULL for absent/null. */
char *lt_rd_dump(const json_t *v);

/* The array member k of o; NULL when absent (error set if required
 * or not an array). */
const json_t *lt_rd_array(
    struct lt_rd *r, const json_t *o, const char *k, int required);

/* Ranges for lt_rd_dbl. */
#define LT_RD_ANY    -DBL_MAX, DBL_MAX
#define LT_RD_POS    0, DBL_MAX
#define LT_RD_RATIO  0, 1
#define LT_RD_LAT_MS 0, 3600000.0 /* LT_HIST_HIGHEST_US in ms */

#endif
