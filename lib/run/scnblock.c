/*
 * scnblock.c - the scenario's blocks: indentation kept on an explicit
 * stack (no recursion), and each line dispatched on its first word within
 * its block (top level, user class, task group, hook, step): classes,
 * tasks and groups, waits, hooks, data and host lines.
 */
#include <stdlib.h>
#include <string.h>

#include "run/scnparse.h"

#define SCEN_LINE_CAP ((size_t)64 << 10)

/* --- scopes and frames -------------------------------------------------- */

struct scope *
scn_scope_new(struct parser *p, struct scope *parent)
{
	struct scope *s = lt_arena_alloc(p->a, sizeof(*s));
	struct scope **slot = scn_vec_push(p->a, &p->scopes, sizeof(*slot));

	if (s == NULL || slot == NULL)
		return NULL;
	*slot = s;
	s->parent = parent;
	s->timeout_ms = -1;
	s->redirects = s->gzip = s->http2 = s->insecure = -1;
	s->auth = -1;
	return s;
}

static struct frame *
cur(struct parser *p)
{
	return &p->stack[p->depth - 1];
}

static int
push(struct parser *p, enum blk kind, size_t indent, const char *what)
{
	struct frame *f;

	if (p->depth >= STACK_CAP)
		return scn_perr(p, indent + 1,
		    "blocks nest too deep (at most %d groups)",
		    LT_SCENARIO_MAX_DEPTH);
	f = &p->stack[p->depth++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->indent = indent;
	f->what = what;
	f->line = p->line;
	return 0;
}

/* Counts nested groups on the stack (for the depth limit). */
static int
group_depth(struct parser *p)
{
	int i, n = 0;

	for (i = 0; i < p->depth; i++)
		n += p->stack[i].kind == B_GROUP;
	return n;
}

/* --- tasks -------------------------------------------------------------- */

static int
add_task(struct parser *p, struct pgroup *g, unsigned weight,
    struct scope *scope, struct pstep *ps, struct pgroup *sub)
{
	struct ptask *t = scn_vec_push(p->a, &g->tasks, sizeof(*t));

	if (t == NULL)
		return scn_oom(p);
	t->weight = weight;
	t->line = p->line;
	t->scope = scope;
	t->step = ps;
	t->group = sub;
	return 0;
}

/*
 * A step line: METHOD..., exec..., sleep, set.  kw is its first word
 * (after "task [W]" if any).  When g is set the step becomes a task of g
 * with weight; else it is appended to hook.  Pushes a B_STEP frame for
 * requests and exec (their modifiers are indented below).
 */
static int
parse_step(struct parser *p, const struct word *kw, struct pgroup *g,
    unsigned weight, struct vec *hook, size_t indent, struct scope *parent)
{
	struct pstep *ps, **slot;
	int r;

	if (scn_is_method(kw))
		ps = scn_step_new(p, LT_STEP_HTTP, parent);
	else if (scn_word_is(kw, "exec"))
		ps = scn_step_new(p, LT_STEP_EXEC, parent);
	else if (scn_word_is(kw, "sleep"))
		ps = scn_step_new(p, LT_STEP_SLEEP, parent);
	else if (scn_word_is(kw, "set"))
		ps = scn_step_new(p, LT_STEP_SET, parent);
	else
		return 1;
	if (ps == NULL)
		return scn_oom(p);
	if (ps->st.kind == LT_STEP_HTTP)
		r = scn_parse_request(p, kw, ps);
	else if (ps->st.kind == LT_STEP_EXEC)
		r = scn_parse_exec_words(p, ps);
	else if (ps->st.kind == LT_STEP_SLEEP)
		r = scn_parse_sleep(p, ps);
	else
		r = scn_parse_set(p, NULL, ps);
	if (r)
		return -1;
	if (g != NULL) {
		if (add_task(p, g, weight, ps->scope, ps, NULL))
			return -1;
	} else if (hook != NULL) {
		slot = scn_vec_push(p->a, hook, sizeof(*slot));
		if (slot == NULL)
			return scn_oom(p);
		*slot = ps;
	}
	if (ps->st.kind == LT_STEP_HTTP || ps->st.kind == LT_STEP_EXEC) {
		if (push(p, B_STEP, indent, kw->s))
			return -1;
		cur(p)->step = ps;
		cur(p)->scope = ps->scope;
	}
	return 0;
}

static int
parse_group(struct parser *p, const struct word *kw, struct pgroup *g,
    unsigned weight, size_t indent, struct scope *parent)
{
	struct pgroup *sub = lt_arena_alloc(p->a, sizeof(*sub));
	struct pgroup **slot = scn_vec_push(p->a, &p->groups, sizeof(*slot));
	struct scope *s = scn_scope_new(p, parent);

	if (sub == NULL || slot == NULL || s == NULL)
		return scn_oom(p);
	*slot = sub;
	if (group_depth(p) >= LT_SCENARIO_MAX_DEPTH)
		return scn_perr(p, kw->col, "groups nest too deep (at most %d)",
		    LT_SCENARIO_MAX_DEPTH);
	sub->kind =
	    scn_word_is(kw, "sequence") ? LT_GROUP_SEQUENCE : LT_GROUP_WEIGHTED;
	sub->line = p->line;
	if (scn_need_eol(p))
		return -1;
	if (add_task(p, g, weight, s, NULL, sub))
		return -1;
	if (push(p, B_GROUP, indent,
	        scn_word_is(kw, "sequence") ? "sequence" : "group"))
		return -1;
	cur(p)->grp = sub;
	cur(p)->scope = s;
	return 0;
}

/*
 * A task line in group g: [task [W]] METHOD.. | exec [W] .. | group [W] |
 * sequence [W] | sleep | set.  Returns 1 when kw starts no task.
 */
static int
parse_task(struct parser *p, const struct word *kw0, struct pgroup *g,
    size_t indent, struct scope *parent)
{
	struct word kw = *kw0, w;
	int explicit = scn_word_is(&kw, "task");
	long weight = 1;
	size_t save;
	int r;

	if (explicit) {
		r = scn_scan_word(p, &kw);
		if (r <= 0)
			return r < 0 ? -1 : scn_expected(p, NULL, "a method");
		if (scn_word_uint(&kw) >= 0) {
			weight = scn_word_uint(&kw);
			r = scn_scan_word(p, &kw);
			if (r <= 0)
				return r < 0
				    ? -1
				    : scn_expected(p, NULL, "a method");
		}
	} else if (scn_word_is(&kw, "exec") || scn_word_is(&kw, "group") ||
	    scn_word_is(&kw, "sequence")) {
		/* exec 3 cmd / group 2: an optional weight after it */
		save = p->pos;
		r = scn_scan_word(p, &w);
		if (r < 0)
			return -1;
		if (r > 0 && scn_word_uint(&w) >= 0)
			weight = scn_word_uint(&w);
		else
			p->pos = save;
	} else if (!scn_is_method(&kw) && !scn_word_is(&kw, "sleep") &&
	    !scn_word_is(&kw, "set")) {
		return 1;
	}
	if (weight < 1)
		return scn_perr(p, kw.col - 2, "expected a weight >= 1");
	if (scn_word_is(&kw, "group") || scn_word_is(&kw, "sequence"))
		return parse_group(p, &kw, g, (unsigned)weight, indent, parent);
	r = parse_step(p, &kw, g, (unsigned)weight, NULL, indent, parent);
	if (r == 1)
		return scn_expected(p, &kw, "a method");
	return r;
}

/* --- blocks -------------------------------------------------------------- */

static struct pclass *
class_new(struct parser *p, const char *name)
{
	struct pclass *c = lt_arena_alloc(p->a, sizeof(*c));
	struct pclass **slot = scn_vec_push(p->a, &p->classes, sizeof(*slot));

	if (c == NULL || slot == NULL)
		return NULL;
	*slot = c;
	c->name = name;
	c->weight = 1;
	c->line = p->line;
	c->root.kind = LT_GROUP_WEIGHTED;
	c->root.line = p->line;
	c->scope = scn_scope_new(p, p->top_scope);
	return c->scope ? c : NULL;
}

/* The optional "each" after "wait between A B" / "wait constant T". */
static int
wait_each(struct parser *p, struct lt_wait *w)
{
	struct word e;
	int r = scn_scan_word(p, &e);

	if (r <= 0)
		return r;
	if (!scn_word_is(&e, "each"))
		return scn_expected(p, &e, "end of line or 'each'");
	w->each = 1;
	return scn_need_eol(p);
}

static int
parse_wait(struct parser *p, struct lt_wait *w)
{
	struct word k, a, b;
	int r = scn_scan_word(p, &k);

	memset(w, 0, sizeof(*w));
	if (r < 0)
		return -1;
	if (r > 0 && scn_word_is(&k, "none"))
		return scn_need_eol(p);
	if (r > 0 && scn_word_is(&k, "between")) {
		w->kind = LT_WAIT_BETWEEN;
		r = scn_scan_word(p, &a);
		if (r <= 0)
			return r < 0 ? -1 : scn_expected(p, NULL, "a duration");
		if (scn_word_duration(p, &a, &w->a_s, "a duration"))
			return -1;
		r = scn_scan_word(p, &b);
		if (r > 0 && scn_word_is(&b, "and"))
			r = scn_scan_word(p, &b);
		if (r <= 0)
			return r < 0
			    ? -1
			    : scn_expected(p, NULL, "a second duration");
		if (scn_word_duration(p, &b, &w->b_s, "a second duration"))
			return -1;
		if (w->b_s < w->a_s)
			return scn_perr(
			    p, b.col, "expected a maximum >= the minimum");
		return wait_each(p, w);
	}
	if (r > 0 &&
	    (scn_word_is(&k, "constant") || scn_word_is(&k, "pacing"))) {
		w->kind = scn_word_is(&k, "constant") ? LT_WAIT_CONSTANT
		                                      : LT_WAIT_PACING;
		r = scn_scan_word(p, &a);
		if (r <= 0)
			return r < 0 ? -1 : scn_expected(p, NULL, "a duration");
		if (scn_word_duration(p, &a, &w->a_s, "a duration"))
			return -1;
		w->b_s = w->a_s;
		return w->kind == LT_WAIT_CONSTANT ? wait_each(p, w)
		                                   : scn_need_eol(p);
	}
	if (r > 0 && scn_word_is(&k, "throughput")) {
		w->kind = LT_WAIT_THROUGHPUT;
		r = scn_scan_word(p, &a);
		if (r <= 0)
			return r < 0
			    ? -1
			    : scn_expected(p, NULL, "iterations per second");
		if (scn_word_number(&a, &w->per_s) || w->per_s <= 0)
			return scn_expected(
			    p, &a, "iterations per second (> 0)");
		w->a_s = w->b_s = 1.0 / w->per_s;
		return scn_need_eol(p);
	}
	return scn_expected(p, r > 0 ? &k : NULL,
	    "between, constant, pacing, throughput or none");
}

/* user NAME [weight N | count N] */
static int
parse_user(struct parser *p, size_t indent)
{
	struct word n, k, v;
	struct pclass *c;
	size_t i;
	int r;

	if (p->implicit)
		return scn_perr(p, indent + 1,
		    "expected no 'user' after tasks at "
		    "the top level (they make a class 'User')");
	r = scn_scan_word(p, &n);
	if (r <= 0 || n.quoted)
		return r < 0 ? -1
		             : scn_expected(p, r ? &n : NULL, "a class name");
	for (i = 0; i < p->classes.n; i++) {
		struct pclass *o = ((struct pclass **)p->classes.v)[i];

		if (strlen(o->name) == n.n && memcmp(o->name, n.s, n.n) == 0)
			return scn_perr(p, n.col,
			    "user class '%.*s' already defined "
			    "on line %d",
			    (int)n.n, n.s, o->line);
	}
	c = class_new(p, scn_wdup(p, &n));
	if (c == NULL || c->name == NULL)
		return scn_oom(p);
	r = scn_scan_word(p, &k);
	if (r < 0)
		return -1;
	if (r > 0) {
		if (!scn_word_is(&k, "weight") && !scn_word_is(&k, "count"))
			return scn_expected(
			    p, &k, "'weight N', 'count N' or end of line");
		r = scn_scan_word(p, &v);
		if (r <= 0)
			return r < 0 ? -1 : scn_expected(p, NULL, "a number");
		if (scn_word_is(&k, "weight")) {
			if (scn_word_number(&v, &c->weight))
				return scn_expected(
				    p, &v, "a weight (a number >= 0)");
		} else {
			long cnt = scn_word_uint(&v);

			if (cnt < 0)
				return scn_expected(p, &v, "a user count");
			c->count = (unsigned)cnt;
			c->weight = 0;
		}
		if (scn_need_eol(p))
			return -1;
	}
	if (push(p, B_CLASS, indent, "user"))
		return -1;
	cur(p)->cls = c;
	cur(p)->scope = c->scope;
	return 0;
}

/*
 * on_start / on_stop (of a class), setup / teardown (of the test), alone
 * (a block of steps) or with one step, into hook.
 */
static int
hook_into(struct parser *p, const struct word *kw, struct vec *hook,
    struct scope *scope, size_t indent)
{
	struct word w;
	int r = scn_scan_word(p, &w);

	if (r < 0)
		return -1;
	if (r == 0) {
		if (push(p, B_HOOK, indent, kw->s))
			return -1;
		cur(p)->hook = hook;
		cur(p)->scope = scope;
		return 0;
	}
	r = parse_step(p, &w, NULL, 1, hook, indent, scope);
	if (r == 1)
		return scn_expected(
		    p, &w, "a method, exec, sleep, set or end of line");
	return r;
}

static int
parse_hook(
    struct parser *p, const struct word *kw, struct pclass *c, size_t indent)
{
	return hook_into(p, kw,
	    scn_word_is(kw, "on_start") ? &c->on_start : &c->on_stop, c->scope,
	    indent);
}

static struct pclass *
implicit_class(struct parser *p, size_t col)
{
	struct pclass *c;

	if (p->implicit)
		return p->stack[0].cls;
	if (p->classes.n > 0) {
		scn_perr(p, col,
		    "expected 'user NAME' before this task: tasks at "
		    "the top level are only allowed without user classes");
		return NULL;
	}
	c = class_new(p, "User");
	if (c == NULL) {
		scn_oom(p);
		return NULL;
	}
	c->scope = p->top_scope; /* top-level settings are the class's */
	p->implicit = 1;
	p->stack[0].cls = c;
	return c;
}

static int
parse_data(struct parser *p)
{
	struct word n, f, o;
	struct lt_data *d;
	const char *path;
	int r, header = 0;

	r = scn_scan_word(p, &n);
	if (r <= 0 || n.quoted)
		return r < 0
		    ? -1
		    : scn_expected(p, r ? &n : NULL, "a data source name");
	r = scn_scan_word(p, &f);
	if (r <= 0)
		return r < 0 ? -1 : scn_expected(p, NULL, "a file name");
	r = scn_scan_word(p, &o);
	if (r < 0)
		return -1;
	if (r > 0) {
		if (!scn_word_is(&o, "csv"))
			return scn_expected(p, &o, "'csv' or end of line");
		header = 1;
		if (scn_need_eol(p))
			return -1;
	}
	{
		char *name = scn_wdup(p, &n);

		if (name == NULL)
			return scn_oom(p);
		if (lt_tmpl_env_data(&p->sc->env, name) != NULL)
			return scn_perr(
			    p, n.col, "data source '%s' already defined", name);
		path = scn_resolve(p, &f);
		if (path == NULL)
			return scn_oom(p);
		if (lt_data_load(p->a, name, path, header, &d, p->err)) {
			lt_err_prefix(
			    p->err, "%s:%d:%zu: ", p->name, p->line, f.col);
			return -1;
		}
	}
	return lt_tmpl_env_add_data(&p->sc->env, d) ? scn_oom(p) : 0;
}

static int
parse_host(struct parser *p, const char **dst)
{
	struct word w;
	int r = scn_scan_word(p, &w);

	if (r <= 0)
		return r < 0
		    ? -1
		    : scn_expected(p, NULL, "a URL (http://host:port)");
	if (!((w.n > 7 && memcmp(w.s, "http://", 7) == 0) ||
	        (w.n > 8 && memcmp(w.s, "https://", 8) == 0)))
		return scn_expected(
		    p, &w, "a URL starting with http:// or https://");
	*dst = scn_wdup(p, &w);
	return *dst ? scn_need_eol(p) : scn_oom(p);
}

/*
 * "secret NAME ...": values of these user variables, and of these
 * environment variables as read now, are masked in events.
 */
static int
parse_secret(struct parser *p)
{
	struct word w;
	size_t *id;
	const char **val, *env;
	char *name;
	long v;
	int r, n = 0;

	for (;;) {
		r = scn_scan_word(p, &w);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		if (w.quoted || !lt_tmpl_is_ident(w.s, w.n))
			return scn_expected(p, &w, "a variable name");
		v = lt_tmpl_env_var(&p->sc->env, w.s, w.n);
		id = scn_vec_push(p->a, &p->secret_vars, sizeof(*id));
		name = scn_wdup(p, &w);
		if (v < 0 || id == NULL || name == NULL)
			return scn_oom(p);
		*id = (size_t)v;
		env =
		    p->sc->env.getenv ? p->sc->env.getenv(name) : getenv(name);
		if (env != NULL && env[0] != '\0') {
			val =
			    scn_vec_push(p->a, &p->secret_values, sizeof(*val));
			if (val == NULL)
				return scn_oom(p);
			*val = lt_arena_strdup(p->a, env);
			if (*val == NULL)
				return scn_oom(p);
		}
		n++;
	}
	return n > 0 ? 0 : scn_expected(p, NULL, "a variable name");
}

/* A line in a class block (or at the top level for the implicit class). */
static int
class_line(
    struct parser *p, const struct word *kw, struct pclass *c, size_t indent)
{
	struct lt_set *s;
	int r;

	if (scn_word_is(kw, "on_start") || scn_word_is(kw, "on_stop"))
		return parse_hook(p, kw, c, indent);
	if (scn_word_is(kw, "wait")) {
		c->has_wait = 1;
		return parse_wait(p, &c->wait);
	}
	if (scn_word_is(kw, "host"))
		return parse_host(p, &c->host);
	if (scn_word_is(kw, "set")) {
		s = scn_vec_push(p->a, &c->sets, sizeof(*s));
		return s ? scn_parse_set(p, s, NULL) : scn_oom(p);
	}
	r = scn_parse_setting(p, kw, c->scope);
	if (r != 0)
		return r < 0 ? -1 : 0;
	r = parse_task(p, kw, &c->root, indent, c->scope);
	if (r == 1)
		return scn_expected(p, kw,
		    "a task, a method, on_start, on_stop, "
		    "wait or a setting");
	return r;
}

static int
top_line(struct parser *p, const struct word *kw, size_t indent)
{
	struct lt_set *s;
	struct pclass *c;
	int r;

	if (scn_word_is(kw, "user"))
		return parse_user(p, indent);
	if (scn_word_is(kw, "host"))
		return parse_host(p, &p->top_host);
	if (scn_word_is(kw, "data"))
		return parse_data(p);
	if (scn_word_is(kw, "secret"))
		return parse_secret(p);
	if (scn_word_is(kw, "include"))
		return scn_parse_include(p);
	if (scn_word_is(kw, "setup") || scn_word_is(kw, "teardown"))
		return hook_into(p, kw,
		    scn_word_is(kw, "setup") ? &p->setup : &p->teardown,
		    p->top_scope, indent);
	if (scn_word_is(kw, "wait")) {
		p->top_has_wait = 1;
		return parse_wait(p, &p->top_wait);
	}
	if (scn_word_is(kw, "set")) {
		s = scn_vec_push(p->a, &p->top_sets, sizeof(*s));
		return s ? scn_parse_set(p, s, NULL) : scn_oom(p);
	}
	r = scn_parse_setting(p, kw, p->top_scope);
	if (r != 0)
		return r < 0 ? -1 : 0;
	if (scn_word_is(kw, "task") || scn_word_is(kw, "exec") ||
	    scn_is_method(kw) || scn_word_is(kw, "group") ||
	    scn_word_is(kw, "sequence") || scn_word_is(kw, "sleep") ||
	    scn_word_is(kw, "on_start") || scn_word_is(kw, "on_stop")) {
		c = implicit_class(p, kw->col);
		if (c == NULL)
			return -1;
		return class_line(p, kw, c, indent);
	}
	return scn_expected(p, kw,
	    "host, user, a task, data, set, secret, wait, include, setup, "
	    "teardown or a setting");
}

static int
group_line(
    struct parser *p, const struct word *kw, struct frame *f, size_t indent)
{
	int r = scn_parse_setting(p, kw, f->scope);

	if (r != 0)
		return r < 0 ? -1 : 0;
	r = parse_task(p, kw, f->grp, indent, f->scope);
	if (r == 1)
		return scn_expected(p, kw,
		    "a task, a method, group, sequence, "
		    "exec, sleep, set, tag or a setting");
	return r;
}

static int
hook_line(
    struct parser *p, const struct word *kw, struct frame *f, size_t indent)
{
	int r = parse_step(p, kw, NULL, 1, f->hook, indent, f->scope);

	if (r == 1)
		return scn_expected(p, kw, "a method, exec, sleep or set");
	return r;
}

/* --- lines and indentation ---------------------------------------------- */

/* Measures the indentation; checks tabs and spaces are not mixed. */
static int
indentation(struct parser *p, size_t *out)
{
	size_t i = 0;
	int sp = 0, tab = 0;

	while (i < p->ln_len && (p->ln[i] == ' ' || p->ln[i] == '\t')) {
		if (p->ln[i] == ' ')
			sp = 1;
		else
			tab = 1;
		i++;
	}
	if (sp && tab)
		return scn_perr(
		    p, i + 1, "indentation mixes tabs and spaces on one line");
	*out = i;
	return 0;
}

/* Finds the block a line of the given indentation belongs to. */
static int
enter(struct parser *p, size_t indent)
{
	struct frame *f;

	while (p->depth > 1 && cur(p)->indent >= indent)
		p->depth--;
	f = cur(p);
	if (f->kind == B_TOP) {
		if (indent != 0)
			return scn_perr(p, 1,
			    "unexpected indentation: this line "
			    "is not inside a block");
		return 0;
	}
	if (f->child_indent == 0)
		f->child_indent = indent;
	else if (f->child_indent != indent)
		return scn_perr(p, indent + 1,
		    "indentation of %zu does not line "
		    "up with the lines above (%zu)",
		    indent, f->child_indent);
	return 0;
}

static int
parse_line(struct parser *p)
{
	struct word kw;
	struct frame *f;
	size_t indent = 0;
	int r;

	p->pos = 0;
	if (indentation(p, &indent))
		return -1;
	p->pos = indent;
	if (p->pos >= p->ln_len || p->ln[p->pos] == '#')
		return 0;
	if (enter(p, indent))
		return -1;
	r = scn_scan_word(p, &kw);
	if (r <= 0)
		return r;
	if (kw.quoted)
		return scn_expected(p, &kw, "a keyword");
	f = cur(p);
	switch (f->kind) {
	case B_TOP:
		return top_line(p, &kw, indent);
	case B_CLASS:
		return class_line(p, &kw, f->cls, indent);
	case B_GROUP:
		return group_line(p, &kw, f, indent);
	case B_HOOK:
		return hook_line(p, &kw, f, indent);
	case B_STEP:
		return scn_step_line(p, &kw, f->step);
	}
	return 0;
}

int
scn_parse_text(struct parser *p, const char *text, size_t n)
{
	size_t i = 0;

	if (n >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		i = 3; /* a UTF-8 byte-order mark */
	while (i < n) {
		const char *nl = memchr(text + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - text) : n;

		p->line++;
		p->ln = text + i;
		p->ln_len = e - i;
		while (p->ln_len > 0 && p->ln[p->ln_len - 1] == '\r')
			p->ln_len--;
		if (p->ln_len > SCEN_LINE_CAP)
			return scn_perr(
			    p, 0, "line longer than %zu bytes", SCEN_LINE_CAP);
		if (memchr(p->ln, '\0', p->ln_len) != NULL)
			return scn_perr(p, 0, "a NUL byte in the scenario");
		if (parse_line(p))
			return -1;
		i = nl ? e + 1 : n;
	}
	return 0;
}
