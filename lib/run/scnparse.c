/*
 * scnparse.c - parsing a scenario's text (lt_scenario_parse_buf): the
 * parser set up, the lines read (scnblock.c), include files read as if
 * written in place, the result resolved and built (scnresolve.c), and
 * everything freed on failure.
 *
 * A hand-written line parser: the language is line-oriented, so each line
 * is split into words by a small scanner that knows "${...}" (a template
 * may hold spaces) and "quoted strings", then dispatched on its first word
 * within the block it belongs to.  Blocks come from indentation, kept on
 * an explicit stack (no recursion), as in Python.  Settings (header,
 * timeout, expect...) are recorded in the scope of the block where they
 * are written and resolved into each step once the whole file is read,
 * so a setting applies to its whole block whatever the line order.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "run/scnparse.h"

/* Reads an included file whole (regular files only). */
static int
read_include(
    struct parser *p, const struct word *w, const char *path, struct lt_buf *b)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK), e;

	if (fd < 0)
		return scn_perr(p, w->col, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return scn_perr(p, w->col, "%s: not a regular file", path);
	}
	if (scn_read_all_fd(fd, b) != 0) {
		e = errno;
		close(fd);
		return scn_perr(p, w->col, "%s: %s", path, strerror(e));
	}
	close(fd);
	return 0;
}

int
scn_parse_include(struct parser *p)
{
	const char *name = p->name, *basedir = p->basedir, *ln = p->ln;
	const char *env_basedir = p->sc->env.basedir;
	size_t ln_len = p->ln_len, pos, k;
	struct word w;
	struct lt_buf b;
	char *path, *dir, *copy;
	int r, line = p->line;

	r = scn_scan_word(p, &w);
	if (r <= 0)
		return r < 0 ? -1 : scn_expected(p, NULL, "a file name");
	if (scn_need_eol(p))
		return -1;
	pos = p->pos;
	path = (char *)scn_resolve(p, &w);
	if (path == NULL)
		return scn_oom(p);
	if (p->nincl >= MAX_INCLUDE)
		return scn_perr(p, w.col, "includes nest too deep (at most %d)",
		    MAX_INCLUDE);
	for (k = 0; k < (size_t)p->nincl; k++)
		if (strcmp(p->incl[k], path) == 0 || strcmp(p->name, path) == 0)
			return scn_perr(p, w.col,
			    "include loop: %s is already being read", path);
	if (strcmp(p->name, path) == 0)
		return scn_perr(
		    p, w.col, "include loop: %s is already being read", path);
	copy = lt_arena_strdup(p->a, path);
	if (copy == NULL)
		return scn_oom(p);
	dir = lt_arena_strdup(p->a, dirname(copy));
	if (dir == NULL)
		return scn_oom(p);
	lt_buf_init(&b, SCEN_TEXT_CAP);
	if (read_include(p, &w, path, &b)) {
		lt_buf_fini(&b);
		return -1;
	}
	{
		const char **slot =
		    scn_vec_push(p->a, &p->includes, sizeof(*slot));

		if (slot == NULL) {
			lt_buf_fini(&b);
			return scn_oom(p);
		}
		*slot = path;
	}
	p->incl[p->nincl++] = path;
	p->name = path;
	p->line = 0;
	p->basedir = dir;
	p->sc->env.basedir = dir;
	r = scn_parse_text(p, b.data ? b.data : "", b.len);
	lt_buf_fini(&b);
	p->nincl--;
	if (r != 0)
		return -1;
	p->depth = 1;
	p->name = name;
	p->line = line;
	p->basedir = basedir;
	p->sc->env.basedir = env_basedir;
	p->ln = ln;
	p->ln_len = ln_len;
	p->pos = pos;
	return 0;
}

/* --- entry points ------------------------------------------------------- */

/*
 * Frees the regexes and JSON values of the parse-time scopes, and when the
 * parse failed, those of the steps too (on success the scenario owns the
 * steps' copies: lt_scenario_free).
 */
static void
cleanup(struct parser *p, int failed)
{
	struct scope **scopes = p->scopes.v;
	struct pstep **steps = p->steps.v;
	size_t i;

	for (i = 0; i < p->scopes.n; i++) {
		struct lt_checks own = { 0 };

		own.v = scopes[i]->checks.v;
		own.n = scopes[i]->checks.n;
		lt_checks_fini(&own);
	}
	if (!failed)
		return;
	for (i = 0; i < p->steps.n; i++) {
		/* captures may not be attached to the step yet */
		steps[i]->st.checks.cap = steps[i]->caps.v;
		steps[i]->st.checks.ncap = steps[i]->caps.n;
		lt_checks_fini(&steps[i]->st.checks);
	}
}

int
lt_scenario_parse_buf(const char *name, const char *text, size_t n,
    const char *basedir, struct lt_scenario **out, struct lt_err *err)
{
	struct lt_scenario *sc = calloc(1, sizeof(*sc));
	struct parser *p = calloc(1, sizeof(*p));
	int rc = -1;

	*out = NULL;
	if (sc == NULL || p == NULL) {
		free(sc);
		free(p);
		return lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
	}
	lt_arena_init(&sc->arena);
	lt_tmpl_env_init(&sc->env, &sc->arena);
	sc->env.basedir = basedir ? basedir : ".";
	p->name = name;
	p->basedir = sc->env.basedir;
	p->sc = sc;
	p->a = &sc->arena;
	p->err = err;
	p->depth = 1;
	p->stack[0].kind = B_TOP;
	sc->path = lt_arena_strdup(p->a, name);
	p->top_scope = scn_scope_new(p, NULL);
	p->stack[0].scope = p->top_scope;
	if (sc->path == NULL || p->top_scope == NULL) {
		scn_oom(p);
		goto out;
	}
	if (scn_parse_text(p, text, n))
		goto out;
	p->ln = "";
	p->ln_len = 0;
	if (scn_finish(p))
		goto out;
	rc = 0;
out:
	cleanup(p, rc != 0);
	if (rc == 0) {
		*out = sc;
	} else {
		lt_arena_fini(&sc->arena);
		free(sc);
	}
	free(p);
	return rc;
}
