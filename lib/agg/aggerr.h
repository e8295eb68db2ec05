/*
 * aggerr.h - the failure grouping key: an error message with its
 * measurements made stable.
 *
 * libcurl's messages embed what was measured ("Operation timed out after
 * 1000 milliseconds with 0 bytes received", "... after 1001 ..."), so one
 * cause would split into as many failure groups as there are distinct
 * numbers.  Locust has the same problem with memory addresses in repr()
 * and replaces them ("object at 0x...." in parse_error).  Here a number
 * followed by a unit of time or size is a measurement and becomes "N":
 *
 *	"after 1000 milliseconds with 0 bytes received"
 *	    -> "after N milliseconds with N bytes received"
 *
 * A number without such a unit is an identity and is kept: a status code
 * ("http: status 503"), a port, an address, an errno, a count the scenario
 * chose.  Merging 500 with 503, or port 80 with 8080, would hide causes.
 * So is a measurement after a word that states a limit ("within",
 * "limit", "max", "than", "exceeds", "over", "<" ...): a configured limit
 * is the same for every request and tells causes apart ("no response
 * within 1000 ms" and "... within 5000 ms" come from different steps).
 */
#ifndef LT_AGGERR_H
#define LT_AGGERR_H

#include <stddef.h>

#include "core/buf.h"

/*
 * Writes the grouping key of s[0..n) into out (reset first) when it
 * differs from s and returns 1; returns 0 (out untouched) when s is its
 * own key, and -1 on ENOMEM.  No allocation unless s holds a digit.
 */
int lt_aggerr_key(const char *s, size_t n, struct lt_buf *out);

#endif
