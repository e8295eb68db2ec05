/*
 * junit.h - threshold and baseline results as JUnit XML (lt-agg --junit),
 * the report format GitLab, Jenkins and GitHub's test reporters read: one
 * test case per threshold expression (suite "thresholds") and one per
 * baseline rule, an endpoint's metric (suite "baseline"); a failed
 * threshold or a regressed metric is a <failure> with its message, an
 * endpoint only in one of the two aggregates a <skipped>.  The document
 * follows the Jenkins junit-10.xsd layout (tests/data/junit-10.xsd).
 */
#ifndef LT_JUNIT_H
#define LT_JUNIT_H

#include <stddef.h>

#include "agg/thresh.h"
#include "core/buf.h"
#include "core/err.h"

struct lt_junit {
	struct lt_buf th, bl; /* the suites' <testcase> elements */
	int th_n, th_fail;
	int bl_n, bl_fail, bl_skip;
};

/* Empty results in the caller's storage; release with lt_junit_fini. */
void lt_junit_init(struct lt_junit *j);
void lt_junit_fini(struct lt_junit *j);

/* Adds the test case of an evaluated threshold.  0 or -1 (ENOMEM). */
int lt_junit_thresh(struct lt_junit *j, const struct lt_thresh *t);

/*
 * Adds the test cases of the "baseline" object that lt_baseline_compare
 * wrote (json[0..len), borrowed).  0, or -1 with err.
 */
int lt_junit_baseline(
    struct lt_junit *j, const char *json, size_t len, struct lt_err *err);

/*
 * Appends the whole document to b (suite "baseline" only when
 * with_baseline).  0 or -1 (ENOMEM).
 */
int lt_junit_doc(const struct lt_junit *j, int with_baseline, struct lt_buf *b);

/* Appends s[0..n) escaped for XML text and attributes: & < > " ' and
 * newlines as references, characters XML 1.0 forbids and bytes that are
 * not UTF-8 as U+FFFD.  0 or -1. */
int lt_junit_esc(struct lt_buf *b, const char *s, size_t n);

#endif
