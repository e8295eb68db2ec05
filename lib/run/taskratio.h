/*
 * taskratio.h - what a scenario would do, told without sending anything:
 * the classes, their weights and the resulting task ratios (Locust's
 * --list, --show-task-ratio and --show-task-ratio-json), and Locust's
 * --equal-weights, which rewrites the task weights before a run.
 *
 * A task's ratio is the share of a class's iterations that run it: in a
 * weighted group a child gets its weight over the group's total times the
 * group's own ratio; every child of a sequence runs on each pass (a weight
 * N there repeats it N times, shown as "repeat").  The total ratio is that
 * times the class's share of the weighted users; classes with a fixed
 * count ("count N") have no share of -u and show their count instead.
 */
#ifndef LT_TASKRATIO_H
#define LT_TASKRATIO_H

#include "core/buf.h"
#include "run/scenario.h"

enum lt_taskratio_form {
	LT_TASKRATIO_LIST,  /* class names, one a line */
	LT_TASKRATIO_TABLE, /* classes and nested tasks with their ratios */
	LT_TASKRATIO_JSON,  /* the same as one JSON object and a newline */
};

/* Appends s's classes and tasks in form to out.  Returns 0 or -1 (full). */
int lt_taskratio_format(const struct lt_scenario *s,
    enum lt_taskratio_form form, struct lt_buf *out);

/*
 * Gives every task of every weighted group (and every weighted class) the
 * weight 1; repetitions inside sequences stay.  Call after load and tag
 * filtering, before the run.
 */
void lt_taskratio_equal_weights(struct lt_scenario *s);

#endif
