/*
 * scnresolve.c - once the whole file is read: each step gets the
 * settings of its enclosing blocks (inner first: headers merged, tags
 * added, checks copied), and the parse-time tree becomes the scenario's
 * arrays of classes, groups and steps.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "run/scnparse.h"

/* --- resolving settings into steps -------------------------------------- */

static int
has_header(const struct vec *v, const char *name)
{
	const struct lt_header *h = v->v;
	size_t i;

	for (i = 0; i < v->n; i++)
		if (strcasecmp(h[i].name, name) == 0)
			return 1;
	return 0;
}

static int
merge_header(struct parser *p, struct vec *v, const struct lt_header *h)
{
	struct lt_header *hv = v->v, *slot;
	size_t i;

	for (i = 0; i < v->n; i++) {
		if (strcasecmp(hv[i].name, h->name) == 0) {
			hv[i] = *h;
			return 0;
		}
	}
	slot = scn_vec_push(p->a, v, sizeof(*slot));
	if (slot == NULL)
		return scn_oom(p);
	*slot = *h;
	return 0;
}

static int
add_literal_header(
    struct parser *p, struct vec *v, const char *name, const char *value)
{
	struct lt_header h;
	struct word w = { value, strlen(value), 1, 0 };

	if (has_header(v, name))
		return 0;
	h.name = name;
	h.name_len = strlen(name);
	if (scn_compile(p, &w, LT_ENC_HEADER, &h.value))
		return -1;
	return merge_header(p, v, &h);
}

static int
add_tag(struct parser *p, struct vec *tags, const char *t)
{
	const char **tv = tags->v, **slot;
	size_t i;

	for (i = 0; i < tags->n; i++)
		if (strcmp(tv[i], t) == 0)
			return 0;
	slot = scn_vec_push(p->a, tags, sizeof(*slot));
	if (slot == NULL)
		return scn_oom(p);
	*slot = t;
	return 0;
}

static int
resolve_http(struct parser *p, struct pstep *ps, struct scope **chain, int n)
{
	struct lt_http *h = lt_arena_alloc(p->a, sizeof(*h));
	struct vec headers = { 0 };
	int i;
	size_t k;

	if (h == NULL)
		return scn_oom(p);
	h->method = ps->method;
	h->url = ps->url;
	h->url_absolute = strncmp(ps->url->src, "http://", 7) == 0 ||
	    strncmp(ps->url->src, "https://", 8) == 0;
	h->query = ps->query.v;
	h->nquery = ps->query.n;
	h->timeout_ms = LT_SCENARIO_DEFAULT_TIMEOUT_MS;
	h->follow_redirects = 1;
	for (i = 0; i < n; i++) {
		struct scope *s = chain[i];
		const struct lt_header *hv = s->headers.v;

		if (s->timeout_ms >= 0)
			h->timeout_ms = s->timeout_ms;
		if (s->redirects >= 0)
			h->follow_redirects = s->redirects;
		if (s->gzip >= 0)
			h->gzip = s->gzip;
		if (s->http2 >= 0)
			h->http2 = s->http2;
		if (s->insecure >= 0)
			h->tls.insecure = s->insecure;
		if (s->cafile)
			h->tls.cafile = s->cafile;
		if (s->cert)
			h->tls.cert = s->cert;
		if (s->key)
			h->tls.key = s->key;
		if (s->auth >= 0) {
			h->auth = (enum lt_auth_kind)s->auth;
			h->auth_user = s->auth_user;
			h->auth_pass = s->auth_pass;
		}
		for (k = 0; k < s->headers.n; k++)
			if (merge_header(p, &headers, &hv[k]))
				return -1;
	}
	h->body_kind = ps->body_kind;
	h->body = ps->body;
	h->body_data = ps->body_data;
	h->body_len = ps->body_len;
	h->body_path = ps->body_path;
	h->stream = (enum lt_stream_kind)ps->stream;
	h->stream_timeout_ms = ps->stream_timeout_ms;
	if (ps->body_kind == LT_BODY_JSON &&
	    add_literal_header(p, &headers, "Content-Type", "application/json"))
		return -1;
	if (ps->body_kind == LT_BODY_FORM &&
	    add_literal_header(p, &headers, "Content-Type",
	        "application/x-www-form-urlencoded"))
		return -1;
	h->headers = headers.v;
	h->nheaders = headers.n;
	ps->st.http = h;
	return 0;
}

static int
resolve_exec(struct parser *p, struct pstep *ps, struct scope **chain, int n)
{
	struct lt_exec *x = lt_arena_alloc(p->a, sizeof(*x));
	int i;

	if (x == NULL)
		return scn_oom(p);
	x->argv = ps->argv.v;
	x->argc = ps->argv.n;
	x->output_json = ps->output_json;
	x->timeout_ms = LT_SCENARIO_DEFAULT_TIMEOUT_MS;
	for (i = 0; i < n; i++)
		if (chain[i]->timeout_ms >= 0)
			x->timeout_ms = chain[i]->timeout_ms;
	ps->st.exec = x;
	return 0;
}

/*
 * Appends a copy of check c to the step's checks.  Each step owns its
 * copies (regexes compiled again, JSON values referenced), so freeing is
 * per step whatever the sharing in the source.
 */
static int
copy_check(struct parser *p, struct pstep *ps, struct vec *checks,
    const struct lt_check *c)
{
	struct lt_check *d = scn_vec_push(p->a, checks, sizeof(*d));

	if (d == NULL)
		return scn_oom(p);
	*d = *c;
	d->has_re = 0;
	d->value_json = NULL;
	ps->st.checks.v = checks->v; /* attached now: freed on failure */
	ps->st.checks.n = checks->n;
	if (c->has_re) {
		if (lt_check_regcomp(&d->re, c->re_src, 0, p->err) != 0)
			return -1;
		d->has_re = 1;
	}
	if (c->value_json != NULL)
		d->value_json = json_incref(c->value_json);
	return 0;
}

/*
 * Whether checks already holds a check written the same way: inherited
 * "expect" lines repeated in a step are one check, so that each name
 * appears once in an event's "checks".
 */
static int
has_src(const struct vec *checks, const char *src)
{
	const struct lt_check *v = checks->v;

	for (size_t i = 0; i < checks->n; i++)
		if (strcmp(v[i].src, src) == 0)
			return 1;
	return 0;
}

/* Drops captures written the same way as an earlier one of the step. */
static void
dedupe_captures(struct pstep *ps)
{
	struct lt_capture *v = ps->caps.v;
	size_t n = 0;

	for (size_t i = 0; i < ps->caps.n; i++) {
		size_t j = 0;

		while (j < n && strcmp(v[j].label, v[i].label) != 0)
			j++;
		if (j < n) {
			if (v[i].has_re)
				regfree(&v[i].re);
			continue;
		}
		v[n++] = v[i];
	}
	ps->caps.n = n;
}

/*
 * Makes the step's check names unique: two checks written differently can
 * share a name once a credential header's value is masked in it
 * ("header Authorization == ***"); the later ones get " #2", " #3".
 */
static int
unique_labels(struct parser *p, struct lt_check *v, size_t n)
{
	/* from the last: the earlier names are still as written */
	for (size_t i = n; i-- > 1;) {
		int same = 0;
		size_t len;
		char *l;

		for (size_t j = 0; j < i; j++)
			same += strcmp(v[j].label, v[i].label) == 0;
		if (same == 0)
			continue;
		len = strlen(v[i].label) + 24;
		l = lt_arena_alloc(p->a, len);
		if (l == NULL)
			return scn_oom(p);
		snprintf(l, len, "%s #%d", v[i].label, same + 1);
		v[i].label = l;
	}
	return 0;
}

/* Copies inherited settings, checks and tags into one step. */
static int
resolve_step(struct parser *p, struct pstep *ps)
{
	struct scope *chain[STACK_CAP + 4], *s;
	struct vec checks = { 0 }, tags = { 0 };
	int n = 0, i;
	size_t k;

	/* the scopes from the step up, then reversed: root first */
	for (s = ps->scope;
	     s != NULL && n < (int)(sizeof(chain) / sizeof(chain[0]));
	     s = s->parent)
		chain[n++] = s;
	for (i = 0; i < n / 2; i++) {
		s = chain[i];
		chain[i] = chain[n - 1 - i];
		chain[n - 1 - i] = s;
	}
	for (i = 0; i < n; i++) {
		const struct lt_check *cv = chain[i]->checks.v;
		const char *const *tv = chain[i]->tags.v;

		for (k = 0; k < chain[i]->checks.n; k++)
			if (!has_src(&checks, cv[k].src) &&
			    copy_check(p, ps, &checks, &cv[k]))
				return -1;
		for (k = 0; k < chain[i]->tags.n; k++)
			if (add_tag(p, &tags, tv[k]))
				return -1;
	}
	if (unique_labels(p, ps->st.checks.v, ps->st.checks.n))
		return -1;
	dedupe_captures(ps);
	ps->st.checks.cap = ps->caps.v;
	ps->st.checks.ncap = ps->caps.n;
	for (k = 0; k < checks.n; k++) {
		enum lt_check_kind kd = ps->st.checks.v[k].kind;

		if (kd == LT_CHK_STATUS)
			ps->st.checks.has_status = 1;
		if (kd >= LT_CHK_JSON_EXISTS && kd <= LT_CHK_JSON_MATCH)
			ps->st.checks.need_json = 1;
	}
	for (k = 0; k < ps->caps.n; k++)
		if (ps->st.checks.cap[k].kind == LT_CAP_JSON)
			ps->st.checks.need_json = 1;
	ps->st.tags = tags.v;
	ps->st.ntags = tags.n;
	if (ps->st.kind == LT_STEP_HTTP)
		return resolve_http(p, ps, chain, n);
	if (ps->st.kind == LT_STEP_EXEC)
		return resolve_exec(p, ps, chain, n);
	return 0;
}

/* Builds the lt_group of a parsed group (children first: see below). */
static int
build_group(struct parser *p, struct pgroup *pg, struct lt_group *g)
{
	const struct ptask *pt = pg->tasks.v;
	uint64_t sum = 0;
	size_t i;

	g->kind = pg->kind;
	g->ntasks = pg->tasks.n;
	g->tasks = lt_arena_alloc(p->a, (g->ntasks + 1) * sizeof(*g->tasks));
	g->cum_weight =
	    lt_arena_alloc(p->a, (g->ntasks + 1) * sizeof(*g->cum_weight));
	if (g->tasks == NULL || g->cum_weight == NULL)
		return scn_oom(p);
	for (i = 0; i < g->ntasks; i++) {
		struct lt_task *t = &g->tasks[i];

		t->weight = pt[i].weight;
		t->line = pt[i].line;
		t->tags = pt[i].scope->tags.v;
		t->ntags = pt[i].scope->tags.n;
		t->step = pt[i].step ? &pt[i].step->st : NULL;
		t->group = pt[i].group ? pt[i].group->out : NULL;
		sum += t->weight;
		g->cum_weight[i] = sum;
	}
	g->total_weight = sum;
	pg->out = g;
	return 0;
}

static int
empty_group(struct parser *p, const struct pgroup *pg)
{
	p->line = pg->line;
	return scn_perr(p, 0, "expected indented tasks under this %s",
	    pg->kind == LT_GROUP_SEQUENCE ? "sequence" : "group");
}

static struct lt_step **
hook_steps(struct parser *p, const struct vec *v)
{
	struct lt_step **out = lt_arena_alloc(p->a, (v->n + 1) * sizeof(*out));
	struct pstep *const *pv = v->v;
	size_t i;

	if (out == NULL)
		return NULL;
	for (i = 0; i < v->n; i++)
		out[i] = &pv[i]->st;
	return out;
}

static int
build_class(
    struct parser *p, struct pclass *pc, struct lt_class *c, size_t index)
{
	const struct lt_set *ts = p->top_sets.v, *cs = pc->sets.v;
	size_t i;

	c->name = pc->name;
	c->index = index;
	c->weight = pc->weight;
	c->fixed_count = pc->count;
	c->host = pc->host ? pc->host : p->top_host;
	c->wait = pc->has_wait ? pc->wait : p->top_wait;
	c->line = pc->line;
	c->nsets = p->top_sets.n + pc->sets.n;
	c->sets = lt_arena_alloc(p->a, (c->nsets + 1) * sizeof(*c->sets));
	c->on_start = hook_steps(p, &pc->on_start);
	c->on_stop = hook_steps(p, &pc->on_stop);
	if (c->sets == NULL || c->on_start == NULL || c->on_stop == NULL)
		return scn_oom(p);
	for (i = 0; i < p->top_sets.n; i++)
		c->sets[i] = ts[i];
	for (i = 0; i < pc->sets.n; i++)
		c->sets[p->top_sets.n + i] = cs[i];
	c->non_start = pc->on_start.n;
	c->non_stop = pc->on_stop.n;
	if (pc->root.tasks.n == 0) {
		p->line = pc->line;
		return scn_perr(
		    p, 0, "expected tasks in user class '%s'", pc->name);
	}
	if (build_group(p, &pc->root, &c->tasks))
		return -1;
	pc->out = c;
	return 0;
}

/*
 * The test's setup or teardown steps as a class of their own, run by one
 * user before the users start or after they stopped (runner.c): its
 * on_start steps, no tasks.  NULL when there are none.
 */
static int
build_test_hook(struct parser *p, const struct vec *v, const char *name,
    const struct lt_class **out)
{
	struct lt_class *c;

	*out = NULL;
	if (v->n == 0)
		return 0;
	c = lt_arena_alloc(p->a, sizeof(*c));
	if (c == NULL)
		return scn_oom(p);
	memset(c, 0, sizeof(*c));
	c->name = name;
	c->index = LT_CLASS_TEST_HOOK;
	c->host = p->top_host;
	c->sets = p->top_sets.v;
	c->nsets = p->top_sets.n;
	c->on_start = hook_steps(p, v);
	c->tasks.kind = LT_GROUP_WEIGHTED;
	c->tasks.tasks = lt_arena_alloc(p->a, sizeof(*c->tasks.tasks));
	c->tasks.cum_weight = lt_arena_alloc(p->a, sizeof(uint64_t));
	if (c->on_start == NULL || c->tasks.tasks == NULL ||
	    c->tasks.cum_weight == NULL)
		return scn_oom(p);
	c->non_start = v->n;
	*out = c;
	return 0;
}

int
scn_finish(struct parser *p)
{
	struct lt_scenario *sc = p->sc;
	struct pstep **steps = p->steps.v;
	struct pgroup **groups = p->groups.v;
	struct pclass **classes = p->classes.v;
	size_t i;

	if (p->classes.n == 0) {
		p->line = p->line > 0 ? p->line : 1;
		return scn_perr(
		    p, 0, "expected at least one task or user class");
	}
	for (i = 0; i < p->steps.n; i++) {
		p->nresolved = i + 1;
		if (resolve_step(p, steps[i]))
			return -1;
	}
	/* Groups were recorded parents first: build them children first,
	   so each parent finds its children's lt_group. */
	for (i = p->groups.n; i > 0; i--) {
		struct lt_group *g;

		if (groups[i - 1]->tasks.n == 0)
			return empty_group(p, groups[i - 1]);
		g = lt_arena_alloc(p->a, sizeof(*g));
		if (g == NULL || build_group(p, groups[i - 1], g))
			return g ? -1 : scn_oom(p);
	}
	sc->host = p->top_host;
	sc->secret_vars = p->secret_vars.v;
	sc->nsecret_vars = p->secret_vars.n;
	sc->secret_values = p->secret_values.v;
	sc->nsecret_values = p->secret_values.n;
	sc->nclasses = p->classes.n;
	sc->classes = lt_arena_alloc(p->a, sc->nclasses * sizeof(*sc->classes));
	if (sc->classes == NULL)
		return scn_oom(p);
	for (i = 0; i < p->classes.n; i++)
		if (build_class(p, classes[i], &sc->classes[i], i))
			return -1;
	if (build_test_hook(p, &p->setup, "setup", &sc->setup) ||
	    build_test_hook(p, &p->teardown, "teardown", &sc->teardown))
		return -1;
	sc->steps = lt_arena_alloc(p->a, (p->steps.n + 1) * sizeof(*sc->steps));
	if (sc->steps == NULL)
		return scn_oom(p);
	for (i = 0; i < p->steps.n; i++)
		sc->steps[i] = &steps[i]->st;
	sc->nsteps = p->steps.n;
	sc->vars = sc->env.vars;
	sc->nvars = sc->env.nvars;
	sc->datas = sc->env.datas;
	sc->ndatas = sc->env.ndatas;
	sc->includes = p->includes.v;
	sc->nincludes = p->includes.n;
	return 0;
}
