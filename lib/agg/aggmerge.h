/*
 * aggmerge.h - merging aggregate documents into an aggregator, exactly:
 * histogram counts, counters and timelines (aligned on wall-clock seconds)
 * add up, so merging the aggregates of parts equals aggregating the
 * concatenated events (lt-agg --merge).
 */
#ifndef LT_AGGMERGE_H
#define LT_AGGMERGE_H

#include <stdio.h>

#include "agg/agg.h"
#include "agg/aggread.h"

/* Adds doc into agg.  Returns 0 or -1 with err (ENOMEM). */
int lt_agg_add_doc(
    struct lt_agg *agg, const struct lt_aggdoc *doc, struct lt_err *err);

/*
 * Loads each file (lt_aggdoc_load) and adds it; a note on diag (unless
 * NULL) for a file whose endpoints were folded at the cap.  0 or -1.
 */
int lt_agg_merge_files(
    struct lt_agg *agg, char **files, int n, FILE *diag, struct lt_err *err);

#endif
