/*
 * preflight.c - the checks of a loaded scenario that need the whole tree
 * (see preflight.h).  The parser checks each line by itself; whether a
 * variable is ever saved, or a class has a host, is only known once every
 * line is read, and the host also depends on -H.  Kept apart from the
 * parser so that its files (scn*.c) stay about the language.  Also the
 * checks of lt-run's other inputs that must pass before -o is opened: the
 * --shape file, and the host resolved.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "core/buf.h"
#include "run/http.h"
#include "run/preflight.h"
#include "run/shape.h"

struct pf {
	const struct lt_scenario *s;
	const char *host;
	int *def_line; /* per variable: first line saving it; INT_MAX none */
	unsigned char *warned;
	void (*warn)(const char *msg, void *arg);
	void *warn_arg;
	struct lt_err *err;
};

/* Calls fn on each template of step st; stops at the first non-zero. */
static int
each_tmpl(const struct lt_step *st,
    int (*fn)(struct pf *, const struct lt_step *, const struct lt_tmpl *),
    struct pf *pf)
{
	const struct lt_http *h = st->http;
	size_t i;

#define T(t)                                                                   \
	do {                                                                   \
		if ((t) != NULL && fn(pf, st, (t)) != 0)                       \
			return -1;                                             \
	} while (0)
	if (h != NULL) {
		T(h->url);
		for (i = 0; i < h->nquery; i++)
			T(h->query[i]);
		for (i = 0; i < h->nheaders; i++)
			T(h->headers[i].value);
		T(h->body);
		T(h->auth_user);
		T(h->auth_pass);
	}
	if (st->exec != NULL)
		for (i = 0; i < st->exec->argc; i++)
			T(st->exec->argv[i]);
	T(st->set_value);
	for (i = 0; i < st->checks.n; i++)
		T(st->checks.v[i].text);
#undef T
	return 0;
}

static void
define(struct pf *pf, size_t var, int line)
{
	if (var < pf->s->nvars && line < pf->def_line[var])
		pf->def_line[var] = line;
}

/* Every variable a set or a save gives a value, at its first line. */
static void
definitions(struct pf *pf)
{
	const struct lt_scenario *s = pf->s;
	size_t i, k;

	for (i = 0; i < s->nvars; i++)
		pf->def_line[i] = INT_MAX;
	for (i = 0; i < s->nclasses; i++)
		for (k = 0; k < s->classes[i].nsets; k++)
			define(pf, s->classes[i].sets[k].var, 0);
	for (i = 0; i < s->nsteps; i++) {
		const struct lt_step *st = s->steps[i];

		if (st->kind == LT_STEP_SET)
			define(pf, st->set_var, st->line);
		for (k = 0; k < st->checks.ncap; k++)
			define(
			    pf, st->checks.cap[k].var, st->checks.cap[k].line);
	}
}

static int
vars_used(struct pf *pf, const struct lt_step *st, const struct lt_tmpl *t)
{
	size_t i;

	for (i = 0; i < t->nparts; i++) {
		size_t v = t->parts[i].var;
		const char *name;
		int def;

		if (t->parts[i].kind != LT_TP_VAR || v >= pf->s->nvars)
			continue;
		name = pf->s->vars[v];
		def = pf->def_line[v];
		if (def == INT_MAX)
			return lt_err_set(pf->err, LT_EXIT_USAGE,
			    "%s:%d: ${%s} is never set or saved, so it would "
			    "expand to nothing (set it, save it from a "
			    "response%s)",
			    pf->s->path, st->line, name,
			    getenv(name) != NULL
			        ? ", or read the environment with ${env ...}"
			        : ", or use ${env NAME} or ${data SOURCE}");
		if (def > st->line && !pf->warned[v] && pf->warn != NULL) {
			char msg[512];

			pf->warned[v] = 1;
			snprintf(msg, sizeof(msg),
			    "%s:%d: ${%s} is only saved by a later step (line "
			    "%d): empty until then",
			    pf->s->path, st->line, name, def);
			pf->warn(msg, pf->warn_arg);
		}
	}
	return 0;
}

/*
 * A json body is JSON text with templates: each template outside a JSON
 * string stands for a JSON value, each inside one for some characters;
 * put "0" or nothing in their place and parse.
 */
static int
json_body(struct pf *pf, const struct lt_step *st)
{
	const struct lt_tmpl *t = st->http != NULL ? st->http->body : NULL;
	struct lt_buf b;
	json_error_t jerr;
	json_t *j;
	size_t i;
	int rc = 0;

	if (t == NULL || st->http->body_kind != LT_BODY_JSON)
		return 0;
	lt_buf_init(&b, 64 << 20);
	for (i = 0; i < t->nparts && rc == 0; i++) {
		const struct lt_tmpl_part *pt = &t->parts[i];

		if (pt->kind == LT_TP_LIT)
			rc = lt_buf_add(&b, pt->text, pt->len);
		else if (pt->enc == LT_ENC_JSON_VALUE)
			rc = lt_buf_adds(&b, "0");
	}
	if (rc != 0) {
		lt_buf_fini(&b);
		return lt_err_set(pf->err, LT_EXIT_RUNTIME, "out of memory");
	}
	j = json_loadb(b.data != NULL ? b.data : "", b.len,
	    JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr);
	lt_buf_fini(&b);
	if (j != NULL) {
		json_decref(j);
		return 0;
	}
	return lt_err_set(pf->err, LT_EXIT_USAGE,
	    "%s:%d: the json body is not JSON: %s (near character %d of "
	    "'%.60s')",
	    pf->s->path, st->line, jerr.text, jerr.position, t->src);
}

/* A relative URL whose start is written (not a template). */
static int
relative(const struct lt_step *st)
{
	const struct lt_tmpl *u;

	if (st->kind != LT_STEP_HTTP || st->http->url_absolute)
		return 0;
	u = st->http->url;
	return u->nparts > 0 && u->parts[0].kind == LT_TP_LIT;
}

static int
no_host(struct pf *pf, const struct lt_class *c, const struct lt_step *st)
{
	return lt_err_set(pf->err, LT_EXIT_USAGE,
	    "%s:%d: no host for the relative URL '%s' of class %s: add a "
	    "'host URL' line or use -H URL",
	    pf->s->path, st->line, st->http->url->src, c->name);
}

static int
host_group(struct pf *pf, const struct lt_class *c, const struct lt_group *g)
{
	size_t i;

	for (i = 0; i < g->ntasks; i++) {
		const struct lt_task *t = &g->tasks[i];

		if (t->step != NULL && relative(t->step))
			return no_host(pf, c, t->step);
		if (t->group != NULL && host_group(pf, c, t->group) != 0)
			return -1;
	}
	return 0;
}

static int
hosts(struct pf *pf)
{
	const struct lt_class *hook[2] = { pf->s->setup, pf->s->teardown };
	size_t i, k;

	if (pf->host != NULL || pf->s->host != NULL)
		return 0;
	for (i = 0; i < 2; i++)
		for (k = 0; hook[i] != NULL && k < hook[i]->non_start; k++)
			if (relative(hook[i]->on_start[k]))
				return no_host(
				    pf, hook[i], hook[i]->on_start[k]);
	for (i = 0; i < pf->s->nclasses; i++) {
		const struct lt_class *c = &pf->s->classes[i];

		if (c->host != NULL)
			continue;
		for (k = 0; k < c->non_start; k++)
			if (relative(c->on_start[k]))
				return no_host(pf, c, c->on_start[k]);
		for (k = 0; k < c->non_stop; k++)
			if (relative(c->on_stop[k]))
				return no_host(pf, c, c->on_stop[k]);
		if (host_group(pf, c, &c->tasks) != 0)
			return -1;
	}
	return 0;
}

int
lt_preflight_scenario(const struct lt_scenario *s, const char *host,
    void (*warn)(const char *msg, void *arg), void *warn_arg,
    struct lt_err *err)
{
	struct pf pf = { s, host, NULL, NULL, warn, warn_arg, err };
	size_t i;
	int rc = 0;

	if (hosts(&pf) != 0)
		return -1;
	pf.def_line = calloc(s->nvars + 1, sizeof(*pf.def_line));
	pf.warned = calloc(s->nvars + 1, 1);
	if (pf.def_line == NULL || pf.warned == NULL) {
		free(pf.def_line);
		free(pf.warned);
		return lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
	}
	definitions(&pf);
	for (i = 0; i < s->nsteps && rc == 0; i++)
		rc = each_tmpl(s->steps[i], vars_used, &pf) != 0 ||
		    json_body(&pf, s->steps[i]) != 0;
	free(pf.def_line);
	free(pf.warned);
	return rc ? -1 : 0;
}

/* A shape file is read whole at open: read it now to catch its errors
 * before -o is touched.  FIFOs and commands are met when the run starts. */
static int
shape_file(const char *shape, struct lt_err *err)
{
	struct lt_shape *sh;
	struct stat st;

	if (stat(shape, &st) != 0 || !S_ISREG(st.st_mode) ||
	    access(shape, X_OK) == 0)
		return 0;
	if (lt_shape_open(shape, &sh, err) != 0)
		return -1;
	lt_shape_close(sh);
	return 0;
}

int
lt_preflight_shape(const char *shape, struct lt_err *err)
{
	struct stat st;

	if (shape == NULL)
		return 0;
	if (shape[strcspn(shape, " \t")] != '\0' ||
	    strpbrk(shape, "/.") == NULL || stat(shape, &st) == 0)
		return shape_file(shape, err);
	return lt_err_set(err, LT_EXIT_USAGE,
	    "%s: %s (--shape takes a word with a '.' or '/' for a file; a "
	    "command line has blanks)",
	    shape, strerror(errno));
}

int
lt_preflight_host_creds(const struct lt_scenario *s)
{
	const char *a;
	size_t i;

	if (s->host == NULL)
		return 0;
	a = strstr(s->host, "://");
	a = a != NULL ? a + 3 : s->host;
	if (memchr(a, '@', strcspn(a, "/?#")) == NULL)
		return 0;
	for (i = 0; i < s->nclasses; i++)
		if (s->classes[i].host != NULL &&
		    strcmp(s->classes[i].host, s->host) != 0)
			return 0;
	return 1;
}

int
lt_preflight_host(
    const char *host, const struct lt_scenario *s, struct lt_err *err)
{
	if (host == NULL)
		host = s->host;
	if (host == NULL)
		return 0;
	return lt_http_check_host(host, err);
}
