/*
 * mdclass.h - the report's "User classes" section: requests, failures
 * and response time percentiles per user class (the aggregate's
 * "classes", lt-aggregate(5)).
 */
#ifndef LT_MDCLASS_H
#define LT_MDCLASS_H

#include "report/mddoc.h"
#include "report/report.h"

/* Writes the section when the aggregate has classes; else nothing. */
void lt_mdclass_section(struct lt_md *d, const struct lt_report *r);

#endif
