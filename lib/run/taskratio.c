/*
 * taskratio.c - the classes and task ratios of a scenario (--list,
 * --show-task-ratio, --show-task-ratio-json) and --equal-weights; see
 * taskratio.h.  Reads the loaded tree only; nothing here sends anything.
 */
#include <string.h>

#include "core/jsonw.h"
#include "run/taskratio.h"

/* The share of the weighted users that class c gets; 0 for count N. */
static double
class_share(const struct lt_scenario *s, const struct lt_class *c)
{
	double total = 0;
	size_t i;

	if (c->fixed_count != 0)
		return 0;
	for (i = 0; i < s->nclasses; i++)
		if (s->classes[i].fixed_count == 0)
			total += s->classes[i].weight;
	return total > 0 ? c->weight / total : 0;
}

/* A task's share of its group's passes. */
static double
task_share(const struct lt_group *g, const struct lt_task *t)
{
	if (g->kind == LT_GROUP_SEQUENCE)
		return 1;
	return g->total_weight > 0 ? (double)t->weight / g->total_weight : 0;
}

static const char *
task_name(const struct lt_task *t)
{
	if (t->step != NULL)
		return t->step->name != NULL ? t->step->name : "?";
	return t->group->kind == LT_GROUP_SEQUENCE ? "sequence" : "group";
}

/* "GET", "exec", "sleep", "set", or "" for a group. */
static const char *
task_kind(const struct lt_task *t)
{
	if (t->step == NULL)
		return "";
	switch (t->step->kind) {
	case LT_STEP_HTTP:
		return t->step->http->method;
	case LT_STEP_EXEC:
		return "exec";
	case LT_STEP_SLEEP:
		return "sleep";
	case LT_STEP_SET:
		return "set";
	}
	return "";
}

static int
table_group(const struct lt_group *g, double in_class, double share, int depth,
    struct lt_buf *out)
{
	size_t i;

	for (i = 0; i < g->ntasks; i++) {
		const struct lt_task *t = &g->tasks[i];
		double r = in_class * task_share(g, t);

		if (lt_buf_printf(out, "  %6.1f%%  %6.1f%%  %*s%s%s%s", 100 * r,
		        100 * r * share, 2 * depth, "", task_kind(t),
		        *task_kind(t) != '\0' ? " " : "", task_name(t)) != 0)
			return -1;
		if (t->group != NULL &&
		    lt_buf_printf(out, " (line %d)", t->line) != 0)
			return -1;
		if (g->kind == LT_GROUP_SEQUENCE && t->weight > 1 &&
		    lt_buf_printf(out, " (repeat %u)", t->weight) != 0)
			return -1;
		if (lt_buf_addc(out, '\n') != 0)
			return -1;
		if (t->group != NULL &&
		    table_group(t->group, r, share, depth + 1, out) != 0)
			return -1;
	}
	return 0;
}

static int
table(const struct lt_scenario *s, struct lt_buf *out)
{
	size_t i;

	for (i = 0; i < s->nclasses; i++) {
		const struct lt_class *c = &s->classes[i];
		double share = class_share(s, c);
		int rc;

		if (c->fixed_count != 0)
			rc = lt_buf_printf(
			    out, "%s: count %u\n", c->name, c->fixed_count);
		else
			rc = lt_buf_printf(out,
			    "%s: weight %g, %.1f%% of the users\n", c->name,
			    c->weight, 100 * share);
		if (rc != 0 ||
		    lt_buf_adds(out, "  in class   total    task\n") != 0 ||
		    table_group(&c->tasks, 1, share, 0, out) != 0)
			return -1;
	}
	return 0;
}

static int
json_group(
    const struct lt_group *g, double in_class, double share, struct lt_buf *out)
{
	size_t i;

	if (lt_buf_addc(out, '[') != 0)
		return -1;
	for (i = 0; i < g->ntasks; i++) {
		const struct lt_task *t = &g->tasks[i];
		double r = in_class * task_share(g, t);

		if ((i > 0 && lt_buf_addc(out, ',') != 0) ||
		    lt_buf_adds(out, "{") != 0 ||
		    lt_jsonw_key(out, "name") != 0 ||
		    lt_jsonw_cstr(out, task_name(t)) != 0 ||
		    lt_buf_addc(out, ',') != 0 ||
		    lt_jsonw_key(out, "method") != 0 ||
		    lt_jsonw_cstr(out, task_kind(t)) != 0 ||
		    lt_buf_addc(out, ',') != 0 ||
		    lt_jsonw_key(out, "line") != 0 ||
		    lt_jsonw_i64(out, t->line) != 0 ||
		    lt_buf_addc(out, ',') != 0 ||
		    lt_jsonw_key(out,
		        g->kind == LT_GROUP_SEQUENCE ? "repeat" : "weight") !=
		        0 ||
		    lt_jsonw_u64(out, t->weight) != 0 ||
		    lt_buf_addc(out, ',') != 0 ||
		    lt_jsonw_key(out, "ratio") != 0 ||
		    lt_jsonw_double(out, r, 6) != 0 ||
		    lt_buf_addc(out, ',') != 0 ||
		    lt_jsonw_key(out, "total_ratio") != 0 ||
		    lt_jsonw_double(out, r * share, 6) != 0)
			return -1;
		if (t->group != NULL &&
		    (lt_buf_addc(out, ',') != 0 ||
		        lt_jsonw_key(out, "kind") != 0 ||
		        lt_jsonw_cstr(out, task_name(t)) != 0 ||
		        lt_buf_addc(out, ',') != 0 ||
		        lt_jsonw_key(out, "tasks") != 0 ||
		        json_group(t->group, r, share, out) != 0))
			return -1;
		if (lt_buf_addc(out, '}') != 0)
			return -1;
	}
	return lt_buf_addc(out, ']');
}

static int
json(const struct lt_scenario *s, struct lt_buf *out)
{
	size_t i;

	if (lt_buf_adds(out, "{\"classes\":[") != 0)
		return -1;
	for (i = 0; i < s->nclasses; i++) {
		const struct lt_class *c = &s->classes[i];
		double share = class_share(s, c);

		if ((i > 0 && lt_buf_addc(out, ',') != 0) ||
		    lt_buf_addc(out, '{') != 0 ||
		    lt_jsonw_key(out, "name") != 0 ||
		    lt_jsonw_cstr(out, c->name) != 0 ||
		    lt_buf_addc(out, ',') != 0 ||
		    lt_jsonw_key(out, "weight") != 0 ||
		    lt_jsonw_double(out, c->weight, 6) != 0 ||
		    lt_buf_addc(out, ',') != 0 ||
		    lt_jsonw_key(out, "count") != 0 ||
		    lt_jsonw_u64(out, c->fixed_count) != 0 ||
		    lt_buf_addc(out, ',') != 0 ||
		    lt_jsonw_key(out, "ratio") != 0 ||
		    lt_jsonw_double(out, share, 6) != 0 ||
		    lt_buf_addc(out, ',') != 0 ||
		    lt_jsonw_key(out, "tasks") != 0 ||
		    json_group(&c->tasks, 1, share, out) != 0 ||
		    lt_buf_addc(out, '}') != 0)
			return -1;
	}
	return lt_buf_adds(out, "]}\n");
}

int
lt_taskratio_format(const struct lt_scenario *s, enum lt_taskratio_form form,
    struct lt_buf *out)
{
	size_t i;

	switch (form) {
	case LT_TASKRATIO_LIST:
		for (i = 0; i < s->nclasses; i++)
			if (lt_buf_printf(out, "%s\n", s->classes[i].name) != 0)
				return -1;
		return 0;
	case LT_TASKRATIO_TABLE:
		return table(s, out);
	case LT_TASKRATIO_JSON:
		return json(s, out);
	}
	return -1;
}

/* Recursion depth is bounded by LT_SCENARIO_MAX_DEPTH (the parser's). */
static void
equal_group(struct lt_group *g)
{
	size_t i;

	for (i = 0; i < g->ntasks; i++) {
		if (g->kind == LT_GROUP_WEIGHTED) {
			g->tasks[i].weight = 1;
			g->cum_weight[i] = i + 1;
		}
		if (g->tasks[i].group != NULL)
			equal_group(g->tasks[i].group);
	}
	if (g->kind == LT_GROUP_WEIGHTED)
		g->total_weight = g->ntasks;
}

void
lt_taskratio_equal_weights(struct lt_scenario *s)
{
	size_t i;

	for (i = 0; i < s->nclasses; i++)
		equal_group(&s->classes[i].tasks);
}
