/*
 * flow.c - walking a parsed scenario at run time: the per-user cursor,
 * think times, URLs, initial variables, and tag filtering; see scenario.h.
 *
 * The cursor keeps an explicit stack of group frames in the user's own
 * storage, so stepping through nested groups neither recurses nor
 * allocates.
 */
#include <string.h>

#include "run/scenario.h"

/* --- the cursor --------------------------------------------------------- */

void
lt_cursor_init(struct lt_cursor *c, const struct lt_class *k)
{
	memset(c, 0, sizeof(*c));
	c->c = k;
	c->phase = LT_PHASE_START;
	c->pause.kind = LT_STEP_SLEEP;
	c->pause.name = "wait";
}

void
lt_cursor_stop(struct lt_cursor *c)
{
	if (c->phase == LT_PHASE_STOP || c->phase == LT_PHASE_DONE)
		return;
	c->phase = LT_PHASE_STOP;
	c->pos = 0;
	c->depth = 0;
	c->held = NULL;
	c->iter_tasks = 0;
}

/* Picks a child of a weighted group: cum_weight is increasing. */
static size_t
pick(const struct lt_group *g, struct lt_rng *rng)
{
	uint64_t x = lt_rng_below(rng, g->total_weight);
	size_t lo = 0, hi = g->ntasks - 1;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (g->cum_weight[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/*
 * "wait ... each": before a request or command that is not the first of
 * its iteration, yields a pause (the class's think time) and holds the
 * step for the next call.
 */
static int
each_pause(struct lt_cursor *c, struct lt_rng *rng, const struct lt_step **step)
{
	const struct lt_wait *w = &c->c->wait;
	enum lt_step_kind k = (*step)->kind;

	if (!w->each || (k != LT_STEP_HTTP && k != LT_STEP_EXEC))
		return LT_CUR_STEP;
	if (c->iter_tasks++ == 0)
		return LT_CUR_STEP;
	c->held = *step;
	c->pause.sleep_s = lt_wait_next(w, rng, 0, 0);
	*step = &c->pause;
	return LT_CUR_STEP;
}

/*
 * Moves down the current iteration.  Returns LT_CUR_STEP with *step, or
 * LT_CUR_ITERATION_END when the root frame is exhausted.
 */
static int
tasks_next(struct lt_cursor *c, struct lt_rng *rng, const struct lt_step **step)
{
	if (c->depth == 0) {
		c->f[0].g = &c->c->tasks;
		c->f[0].pos = 0;
		c->f[0].rep = 0;
		c->depth = 1;
	}
	for (;;) {
		struct lt_cursor_frame *f = &c->f[c->depth - 1];
		const struct lt_group *g = f->g;
		const struct lt_task *t;

		if (g->kind == LT_GROUP_WEIGHTED) {
			if (f->rep != 0 || g->ntasks == 0)
				goto pop;
			f->rep = 1; /* a weighted pass runs one child */
			t = &g->tasks[pick(g, rng)];
		} else {
			if (f->pos >= g->ntasks)
				goto pop;
			t = &g->tasks[f->pos];
			if (++f->rep >= t->weight) {
				f->pos++;
				f->rep = 0;
			}
		}
		if (t->step != NULL) {
			*step = t->step;
			return each_pause(c, rng, step);
		}
		if (c->depth > LT_SCENARIO_MAX_DEPTH)
			goto pop; /* the parser prevents it */
		f = &c->f[c->depth++];
		f->g = t->group;
		f->pos = 0;
		f->rep = 0;
		continue;
	pop:
		if (--c->depth == 0) {
			c->iter_tasks = 0;
			return LT_CUR_ITERATION_END;
		}
	}
}

int
lt_cursor_next(
    struct lt_cursor *c, struct lt_rng *rng, const struct lt_step **step)
{
	const struct lt_class *k = c->c;

	for (;;) {
		switch (c->phase) {
		case LT_PHASE_START:
			if (c->pos < k->non_start) {
				*step = k->on_start[c->pos++];
				return LT_CUR_STEP;
			}
			c->pos = 0;
			c->depth = 0;
			c->phase = k->tasks.ntasks > 0 ? LT_PHASE_TASKS
			                               : LT_PHASE_STOP;
			continue;
		case LT_PHASE_TASKS:
			if (c->held != NULL) {
				*step = c->held;
				c->held = NULL;
				return LT_CUR_STEP;
			}
			return tasks_next(c, rng, step);
		case LT_PHASE_STOP:
			if (c->pos < k->non_stop) {
				*step = k->on_stop[c->pos++];
				return LT_CUR_STEP;
			}
			c->phase = LT_PHASE_DONE;
			return LT_CUR_DONE;
		case LT_PHASE_DONE:
			return LT_CUR_DONE;
		}
		return LT_CUR_DONE;
	}
}

double
lt_wait_next(const struct lt_wait *w, struct lt_rng *rng, double iter_start_s,
    double now_s)
{
	double left;

	switch (w->kind) {
	case LT_WAIT_NONE:
		return 0;
	case LT_WAIT_BETWEEN:
		return w->a_s + lt_rng_unit(rng) * (w->b_s - w->a_s);
	case LT_WAIT_CONSTANT:
		return w->a_s;
	case LT_WAIT_PACING:
	case LT_WAIT_THROUGHPUT:
		/* Locust constant_pacing: no debt carried after an overrun */
		left = w->a_s - (now_s - iter_start_s);
		return left > 0 ? left : 0;
	}
	return 0;
}

/* --- URLs and users ----------------------------------------------------- */

int
lt_http_url(const struct lt_http *r, const char *host, struct lt_tmpl_ctx *ctx,
    struct lt_buf *out)
{
	size_t start = out->len, path_at, i, hq = 0, hql = 0;
	int rc = 0;

	if (!r->url_absolute && host != NULL) {
		/* "http://h:1?x=1": the path goes before the host's query
		   (which then joins the URL's), a fragment is dropped */
		size_t hl = strcspn(host, "?#");

		if (host[hl] == '?') {
			hq = hl + 1;
			hql = strcspn(host + hq, "#");
		}
		while (hl > 0 && host[hl - 1] == '/')
			hl--;
		if (lt_buf_add(out, host, hl))
			return -1;
	} else if (!r->url_absolute) {
		rc = -1;
	}
	path_at = out->len;
	if (lt_tmpl_expand(r->url, ctx, out))
		return -1;
	if (!r->url_absolute && out->len == path_at && path_at > start) {
		if (lt_buf_addc(out, '/'))
			return -1;
	} else if (!r->url_absolute && out->data[path_at] != '/' &&
	    path_at > start) {
		/* "${path}" expanding to "x": keep one slash after the host */
		if (lt_buf_addc(out, '/'))
			return -1;
		memmove(out->data + path_at + 1, out->data + path_at,
		    out->len - path_at - 1);
		out->data[path_at] = '/';
	}
	if (hql > 0) {
		char *h = memchr(out->data + start, '#', out->len - start);
		char sep = memchr(out->data + start, '?', out->len - start)
		    ? '&'
		    : '?';

		if (h != NULL) /* a fragment in the path: the query first */
			out->len = (size_t)(h - out->data);
		if (lt_buf_addc(out, sep) || lt_buf_add(out, host + hq, hql))
			return -1;
	}
	for (i = 0; i < r->nquery; i++) {
		char sep = '&';

		if (i == 0 &&
		    memchr(out->data + start, '?', out->len - start) == NULL)
			sep = '?';
		if (lt_buf_addc(out, sep) ||
		    lt_tmpl_expand(r->query[i], ctx, out))
			return -1;
	}
	if (lt_buf_reserve(out, 0))
		return -1;
	out->data[out->len] = '\0';
	return rc;
}

int
lt_scenario_user_init(const struct lt_scenario *s, const struct lt_class *c,
    const struct lt_vars *init, struct lt_vars *v, struct lt_tmpl_ctx *ctx)
{
	struct lt_buf b;
	size_t i, n;

	if (lt_vars_init(v, s->nvars, s->ndatas))
		return -1;
	for (i = 0; init != NULL && i < init->nvars && i < s->nvars; i++) {
		const char *val = lt_vars_get(init, i, &n);

		if (val != NULL && lt_vars_set(v, i, val, n) != 0)
			return -1;
	}
	ctx->vars = v;
	if (ctx->var_names == NULL)
		ctx->var_names = s->vars;
	lt_buf_init(&b, 0);
	for (i = 0; i < c->nsets; i++) {
		lt_buf_reset(&b);
		if (lt_tmpl_expand(c->sets[i].value, ctx, &b) ||
		    lt_vars_set(
		        v, c->sets[i].var, b.data ? b.data : "", b.len)) {
			lt_buf_fini(&b);
			return -1;
		}
	}
	lt_buf_fini(&b);
	return 0;
}

/* --- tag filtering ------------------------------------------------------ */

/* Is tag t (n bytes) in the list (commas or blanks between names)? */
static int
in_list(const char *list, const char *t)
{
	size_t tl = strlen(t);
	const char *p = list;

	while (*p != '\0') {
		size_t n;

		while (*p == ',' || *p == ' ' || *p == '\t')
			p++;
		n = strcspn(p, ", \t");
		if (n == tl && n > 0 && memcmp(p, t, n) == 0)
			return 1;
		p += n;
	}
	return 0;
}

static int
list_empty(const char *list)
{
	return list == NULL || list[strspn(list, ", \t")] == '\0';
}

static int
step_kept(const struct lt_step *st, const char *tags, const char *exclude)
{
	size_t i;
	int any = 0;

	for (i = 0; i < st->ntags; i++) {
		if (!list_empty(exclude) && in_list(exclude, st->tags[i]))
			return 0;
		if (!list_empty(tags) && in_list(tags, st->tags[i]))
			any = 1;
	}
	return list_empty(tags) || any;
}

static void
reweigh(struct lt_group *g)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < g->ntasks; i++) {
		sum += g->tasks[i].weight;
		g->cum_weight[i] = sum;
	}
	g->total_weight = sum;
}

/*
 * Filters g's tasks in place; returns the tasks left.  Recursion depth is
 * bounded by LT_SCENARIO_MAX_DEPTH (the parser's limit).
 */
static size_t
filter_group(
    struct lt_group *g, const char *tags, const char *exclude, int depth)
{
	size_t i, k = 0;

	for (i = 0; i < g->ntasks; i++) {
		struct lt_task *t = &g->tasks[i];
		int keep;

		if (t->step != NULL)
			keep = step_kept(t->step, tags, exclude);
		else
			keep = depth < LT_SCENARIO_MAX_DEPTH + 1 &&
			    filter_group(t->group, tags, exclude, depth + 1) >
			        0;
		if (keep)
			g->tasks[k++] = *t;
	}
	g->ntasks = k;
	reweigh(g);
	return k;
}

int
lt_scenario_filter_tags(struct lt_scenario *s, const char *tags,
    const char *exclude, struct lt_err *err)
{
	size_t i, k = 0;

	if (list_empty(tags) && list_empty(exclude))
		return 0;
	for (i = 0; i < s->nclasses; i++) {
		struct lt_class c = s->classes[i];

		if (filter_group(&c.tasks, tags, exclude, 0) == 0)
			continue;
		c.index = k;
		s->classes[k++] = c;
	}
	s->nclasses = k;
	if (k == 0)
		return lt_err_set(err, LT_EXIT_USAGE,
		    "%s: no tasks left after --tags/--exclude-tags", s->path);
	return 0;
}
