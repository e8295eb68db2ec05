/*
 * aggsec.h - reading one second of an aggregate's timeline (lt-aggregate(5)
 * SECOND), with its per-endpoint entries folded at the endpoint cap when
 * the document's endpoints were (aggfold.h).  Internal to lib/agg.
 */
#ifndef LT_AGGSEC_H
#define LT_AGGSEC_H

#include <jansson.h>

#include "agg/aggget.h"
#include "agg/aggdoc.h"

/*
 * Reads the second o into s (zeroed storage), through scratch (a
 * histogram of the timeline's sig).  0, or -1 with r->err.
 */
int lt_rd_sec(struct lt_rd *r, const json_t *o, struct lt_doc_sec *s,
    struct lt_hist *scratch);

#endif
