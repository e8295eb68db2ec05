/*
 * aggfold.h - the endpoint cap applied when reading an aggregate: as
 * lt-agg keeps at most LT_DOC_MAX_ENDPOINTS endpoints and folds the rest
 * into "(other)", so does reading a document (lt-report, lt-agg --merge
 * and --baseline), so that memory is linear in what is kept, whatever the
 * document holds.  Folding adds counters, status counts and histograms
 * exactly; the derived figures of "(other)" are recomputed from them.
 * Internal to lib/agg (aggread.c).
 */
#ifndef LT_AGGFOLD_H
#define LT_AGGFOLD_H

#include <stddef.h>

#include "agg/aggdoc.h"

/* "(other)" with method "": where endpoints beyond the cap go. */
int lt_fold_is_other(const char *method, const char *name);

/* Makes ep an empty "(other)" endpoint: 0 or -1 (ENOMEM). */
int lt_fold_other_init(struct lt_doc_ep *ep);

/* Adds src's counts, status codes and histograms into dst: 0 or -1. */
int lt_fold_ep(struct lt_doc_ep *dst, const struct lt_doc_ep *src);

/* Recomputes ep's derived figures from its counters and histograms. */
void lt_fold_ep_stats(struct lt_doc_ep *ep, double duration_s);

/* The kept endpoints' names, sorted for lookup. */
struct lt_docnames {
	const struct lt_doc_ep **v;
	size_t n;
};

/* Indexes eps[0..n): 0 or -1 (ENOMEM). */
int lt_docnames_build(
    struct lt_docnames *k, const struct lt_doc_ep *eps, size_t n);

/* Whether (method, name) is among them. */
int lt_docnames_has(
    const struct lt_docnames *k, const char *method, const char *name);

void lt_docnames_fini(struct lt_docnames *k);

/*
 * Adds src (a second's endpoint) into dst, its histogram into acc (of the
 * timeline's sig).  lt_fold_sec_ep_finish then adds dst's own histogram
 * and sets dst's from acc with its percentiles.  0 or -1 (ENOMEM).
 */
void lt_fold_sec_ep(struct lt_doc_sec_ep *dst, const struct lt_doc_sec_ep *src,
    struct lt_hist *acc);
int lt_fold_sec_ep_finish(struct lt_doc_sec_ep *dst, struct lt_hist *acc);

#endif
