/*
 * checkpriv.h - what the check files share (check.c evaluates checks and
 * captures, checkpath.c compiles and walks JSON paths, checkre.c bounds
 * and compiles regular expressions).  Nothing outside them includes it,
 * and it does not include check.h, so that the two never include each
 * other.
 */
#ifndef LT_CHECKPRIV_H
#define LT_CHECKPRIV_H

#include <jansson.h>

/* check.h is not included: check.c includes this header, and to
 * tests/layering.sh check.c with check.h is one module */
struct lt_jpath;

/* checkpath.c */

/* Returns the value at p in root (borrowed), or NULL. */
json_t *chk_jp_eval(const struct lt_jpath *p, json_t *root);

#endif
