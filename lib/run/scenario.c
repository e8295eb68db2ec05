/*
 * scenario.c - loading and parsing scenario files; see scenario.h and
 * lt-scenario(5).
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
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "run/scenario.h"
#include "run/secret.h"

extern char **environ;

#define SCEN_TEXT_CAP ((size_t)64 << 20)
#define SCEN_LINE_CAP ((size_t)64 << 10)
#define BODY_FILE_CAP ((size_t)256 << 20)
#define STACK_CAP     (LT_SCENARIO_MAX_DEPTH + 4)
#define MAX_INCLUDE   8

static const char *const methods[] = {
	"GET",
	"HEAD",
	"POST",
	"PUT",
	"DELETE",
	"PATCH",
	"OPTIONS",
	"TRACE",
};

/* --- arena vectors ------------------------------------------------------ */

struct vec {
	void *v;
	size_t n, cap;
};

/* Appends room for one element of size sz; returns it zeroed, or NULL. */
static void *
vec_push(struct lt_arena *a, struct vec *vc, size_t sz)
{
	if (vc->n == vc->cap) {
		size_t ncap = vc->cap ? vc->cap * 2 : 4;
		void *nv = lt_arena_alloc(a, ncap * sz);

		if (nv == NULL)
			return NULL;
		if (vc->n > 0)
			memcpy(nv, vc->v, vc->n * sz);
		vc->v = nv;
		vc->cap = ncap;
	}
	return (char *)vc->v + sz * vc->n++;
}

/* --- parse-time structures ---------------------------------------------- */

/* Settings written in one block, inherited by the steps below it. */
struct scope {
	struct scope *parent;
	long timeout_ms;                      /* -1: not set here */
	int redirects, gzip, http2, insecure; /* -1: not set here */
	const char *cafile, *cert, *key;
	int auth; /* -1, LT_AUTH_NONE or LT_AUTH_BASIC */
	struct lt_tmpl *auth_user, *auth_pass;
	struct vec headers; /* struct lt_header */
	struct vec checks;  /* struct lt_check */
	struct vec tags;    /* const char * */
};

struct pgroup;

struct ptask {
	struct lt_task *t; /* filled at the end */
	unsigned weight;
	int line;
	struct scope *scope; /* the step's or the group's */
	struct pstep *step;
	struct pgroup *group;
};

struct pgroup {
	enum lt_group_kind kind;
	int line;
	struct vec tasks; /* struct ptask */
	struct lt_group *out;
};

struct pstep {
	struct lt_step st;
	struct scope *scope;
	int has_name;
	struct vec query; /* struct lt_tmpl * */
	struct vec caps;  /* struct lt_capture */
	struct vec argv;  /* struct lt_tmpl * (exec) */
	int stream;
	long stream_timeout_ms; /* 0: none */
	int output_json;
	enum lt_body_kind body_kind;
	struct lt_tmpl *body;
	const char *body_data, *body_path;
	size_t body_len;
	int body_line;
	const char *method;
	struct lt_tmpl *url;
};

struct pclass {
	struct lt_class *out;
	const char *name;
	double weight;
	unsigned count;
	const char *host;
	int has_wait;
	struct lt_wait wait;
	struct vec sets;              /* struct lt_set */
	struct vec on_start, on_stop; /* struct pstep * */
	struct pgroup root;
	struct scope *scope;
	int line;
};

enum blk { B_TOP, B_CLASS, B_GROUP, B_HOOK, B_STEP };

struct frame {
	enum blk kind;
	size_t indent;       /* indentation of the line opening it */
	size_t child_indent; /* 0 until its first child line */
	struct scope *scope;
	struct pclass *cls; /* B_CLASS, and B_TOP's implicit class */
	struct pgroup *grp; /* B_GROUP */
	struct vec *hook;   /* B_HOOK: struct pstep * */
	struct pstep *step; /* B_STEP */
	const char *what;   /* the keyword opening it, for messages */
	int line;
};

struct word {
	const char *s; /* points into the line, or unquoted text */
	size_t n;
	size_t col; /* 1-based column of the word in the line */
	int quoted;
};

struct parser {
	const char *name; /* file name for messages */
	const char *basedir;
	struct lt_scenario *sc;
	struct lt_arena *a;
	struct lt_err *err;
	int line;       /* current line number */
	const char *ln; /* current line (not NUL-terminated) */
	size_t ln_len;
	size_t pos; /* scanner position in the line */
	struct frame stack[STACK_CAP];
	int depth; /* frames in use, stack[0] is B_TOP */
	struct scope *top_scope;
	const char *top_host;
	int top_has_wait;
	struct lt_wait top_wait;
	struct vec top_sets;           /* struct lt_set */
	struct vec setup, teardown;    /* test-level steps: struct pstep * */
	struct vec secret_vars;        /* size_t: "secret" variable ids */
	struct vec secret_values;      /* const char *: their env values */
	struct vec classes;            /* struct pclass * */
	int implicit;                  /* an implicit class "User" exists */
	struct vec steps;              /* struct pstep * */
	size_t nresolved;              /* steps whose checks were copied in */
	struct vec groups;             /* struct pgroup * */
	struct vec scopes;             /* struct scope *: their checks are freed
				   when parsing ends */
	int nincl;                     /* includes being read */
	const char *incl[MAX_INCLUDE]; /* their paths, to refuse loops */
};

/* --- errors ------------------------------------------------------------- */

static int __attribute__((format(printf, 3, 4)))
perr(struct parser *p, size_t col, const char *fmt, ...)
{
	char msg[LT_ERR_MSG_CAP];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (col > 0)
		return lt_err_set(p->err, LT_EXIT_USAGE, "%s:%d:%zu: %s",
		    p->name, p->line, col, msg);
	return lt_err_set(
	    p->err, LT_EXIT_USAGE, "%s:%d: %s", p->name, p->line, msg);
}

static int
oom(struct parser *p)
{
	return lt_err_set(
	    p->err, LT_EXIT_RUNTIME, "%s:%d: out of memory", p->name, p->line);
}

/* Quotes at most 40 bytes of s[0..n) for a message, into buf, without
 * the credentials of a URL in it. */
static const char *
q(char *buf, size_t cap, const char *s, size_t n)
{
	size_t k = n > 40 ? 40 : n;

	snprintf(buf, cap, "'%.*s%s'", (int)k, s, k < n ? "..." : "");
	return lt_secret_text_strip_inplace(buf);
}

/*
 * "expected WHAT after 'PREFIX', got 'WORD'" where PREFIX is the line up
 * to the word, and WORD the word (or "end of line").
 */
static int
expected(struct parser *p, const struct word *w, const char *what)
{
	char pre[64], got[64];
	size_t s = 0, e;

	while (s < p->ln_len && (p->ln[s] == ' ' || p->ln[s] == '\t'))
		s++;
	e = w ? w->col - 1 : p->ln_len;
	while (e > s && (p->ln[e - 1] == ' ' || p->ln[e - 1] == '\t'))
		e--;
	if (w == NULL)
		snprintf(got, sizeof(got), "end of line");
	else
		q(got, sizeof(got), w->s, w->n);
	if (e > s)
		return perr(p, w ? w->col : p->ln_len + 1,
		    "expected %s after %s, got %s", what,
		    q(pre, sizeof(pre), p->ln + s, e - s), got);
	return perr(
	    p, w ? w->col : p->ln_len + 1, "expected %s, got %s", what, got);
}

/* --- the word scanner --------------------------------------------------- */

static void
skip_blanks(struct parser *p)
{
	while (p->pos < p->ln_len &&
	    (p->ln[p->pos] == ' ' || p->ln[p->pos] == '\t'))
		p->pos++;
}

static int
at_eol(struct parser *p)
{
	skip_blanks(p);
	return p->pos >= p->ln_len;
}

/*
 * Reads a "quoted string" at the scanner into arena text.  Escapes: \" \\
 * \n \t \r; any other backslash is kept (regexes keep their \d).
 */
static int
scan_quoted(struct parser *p, struct word *w)
{
	size_t i = p->pos + 1, o = 0;
	char *out = lt_arena_alloc(p->a, p->ln_len - p->pos + 1);

	if (out == NULL)
		return oom(p);
	w->col = p->pos + 1;
	for (; i < p->ln_len && p->ln[i] != '"'; i++) {
		char ch = p->ln[i];

		if (ch == '\\' && i + 1 < p->ln_len) {
			char nx = p->ln[i + 1];

			if (nx == '"' || nx == '\\')
				ch = nx, i++;
			else if (nx == 'n')
				ch = '\n', i++;
			else if (nx == 't')
				ch = '\t', i++;
			else if (nx == 'r')
				ch = '\r', i++;
		}
		out[o++] = ch;
	}
	if (i >= p->ln_len)
		return perr(
		    p, w->col, "expected a closing '\"' for this string");
	p->pos = i + 1;
	w->s = out;
	w->n = o;
	w->quoted = 1;
	return 0;
}

/*
 * Reads the next word: a quoted string, or a run of non-blanks in which
 * "${...}" may hold blanks.  Returns 1 for a word, 0 at end of line, -1
 * on error.
 */
static int
scan_word(struct parser *p, struct word *w)
{
	size_t i;

	memset(w, 0, sizeof(*w));
	if (at_eol(p))
		return 0;
	if (p->ln[p->pos] == '"')
		return scan_quoted(p, w) ? -1 : 1;
	i = p->pos;
	while (i < p->ln_len && p->ln[i] != ' ' && p->ln[i] != '\t') {
		if (p->ln[i] == '"' && i > p->pos) {
			/* ."odd key" in a JSON path: quotes inside a word */
			const char *c =
			    memchr(p->ln + i + 1, '"', p->ln_len - i - 1);

			if (c != NULL) {
				i = (size_t)(c - p->ln) + 1;
				continue;
			}
		}
		if (p->ln[i] == '$' && i + 1 < p->ln_len &&
		    p->ln[i + 1] == '{') {
			const char *c = memchr(p->ln + i, '}', p->ln_len - i);

			if (c != NULL) {
				i = (size_t)(c - p->ln) + 1;
				continue;
			}
		}
		i++;
	}
	w->s = p->ln + p->pos;
	w->n = i - p->pos;
	w->col = p->pos + 1;
	p->pos = i;
	return 1;
}

/* The rest of the line, blanks trimmed at both ends (may be empty). */
static void
scan_rest(struct parser *p, struct word *w)
{
	size_t e = p->ln_len;

	skip_blanks(p);
	while (e > p->pos && (p->ln[e - 1] == ' ' || p->ln[e - 1] == '\t'))
		e--;
	memset(w, 0, sizeof(*w));
	w->s = p->ln + p->pos;
	w->n = e - p->pos;
	w->col = p->pos + 1;
	p->pos = p->ln_len;
}

/* The rest of the line as one string: a quoted string or raw text. */
static int
scan_text(struct parser *p, struct word *w)
{
	size_t save;

	if (at_eol(p))
		return 0;
	if (p->ln[p->pos] == '"') {
		save = p->pos;
		if (scan_quoted(p, w))
			return -1;
		if (at_eol(p))
			return 1;
		p->pos = save; /* "a" b: not one string, take it raw */
	}
	scan_rest(p, w);
	return 1;
}

static int
word_is(const struct word *w, const char *s)
{
	return w->n == strlen(s) && memcmp(w->s, s, w->n) == 0;
}

static char *
wdup(struct parser *p, const struct word *w)
{
	return lt_arena_strndup(p->a, w->s, w->n);
}

/* Requires the end of the line. */
static int
need_eol(struct parser *p)
{
	struct word w;
	int r = scan_word(p, &w);

	if (r < 0)
		return -1;
	if (r > 0)
		return expected(p, &w, "end of line");
	return 0;
}

static int
is_method(const struct word *w)
{
	size_t i;

	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (word_is(w, methods[i]))
			return 1;
	return 0;
}

static const char *
method_name(const struct word *w)
{
	size_t i;

	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (word_is(w, methods[i]))
			return methods[i];
	return NULL;
}

/* Parses a non-negative integer word; -1 when it is not one. */
static long
word_uint(const struct word *w)
{
	long v = 0;
	size_t i;

	if (w->n == 0 || w->n > 9 || w->quoted)
		return -1;
	for (i = 0; i < w->n; i++) {
		if (!isdigit((unsigned char)w->s[i]))
			return -1;
		v = v * 10 + (w->s[i] - '0');
	}
	return v;
}

static int
word_number(const struct word *w, double *out)
{
	char tmp[64], *end;

	if (w->n == 0 || w->n >= sizeof(tmp))
		return -1;
	memcpy(tmp, w->s, w->n);
	tmp[w->n] = '\0';
	errno = 0;
	*out = strtod(tmp, &end);
	if (*end != '\0' || errno != 0 || !(*out >= 0) || *out > 1e12)
		return -1;
	return 0;
}

/* --- durations ---------------------------------------------------------- */

int
lt_duration_parse(const char *s, size_t n, double *out_s)
{
	double total = 0;
	size_t i = 0;

	if (n == 0)
		return -1;
	while (i < n) {
		char tmp[64], *end;
		double v, mul;
		size_t j = i;

		while (j < n && (isdigit((unsigned char)s[j]) || s[j] == '.'))
			j++;
		if (j == i || j - i >= sizeof(tmp))
			return -1;
		memcpy(tmp, s + i, j - i);
		tmp[j - i] = '\0';
		v = strtod(tmp, &end);
		if (*end != '\0')
			return -1;
		i = j;
		if (i == n)
			mul = 1;
		else if (n - i >= 2 && memcmp(s + i, "ms", 2) == 0)
			mul = 0.001, i += 2;
		else if (s[i] == 's')
			mul = 1, i++;
		else if (s[i] == 'm')
			mul = 60, i++;
		else if (s[i] == 'h')
			mul = 3600, i++;
		else if (s[i] == 'd')
			mul = 86400, i++;
		else
			return -1;
		total += v * mul;
	}
	if (!(total >= 0) || total > 1e9)
		return -1;
	*out_s = total;
	return 0;
}

static int
word_duration(
    struct parser *p, const struct word *w, double *out_s, const char *what)
{
	if (w->quoted || lt_duration_parse(w->s, w->n, out_s) != 0)
		return expected(p, w, what);
	return 0;
}

/* --- templates and paths ------------------------------------------------ */

static int
compile(struct parser *p, const struct word *w, enum lt_tmpl_enc enc,
    struct lt_tmpl **out)
{
	int col = 0;

	if (lt_tmpl_compile(&p->sc->env, w->s, w->n, enc, out, &col, p->err) ==
	    0)
		return 0;
	if (p->err->code == LT_EXIT_RUNTIME)
		return oom(p);
	lt_err_prefix(p->err, "%s:%d:%zu: ", p->name, p->line,
	    w->col + (size_t)(col > 0 ? col - 1 : 0));
	return -1;
}

/* Resolves a file name against the scenario's directory. */
static const char *
resolve(struct parser *p, const struct word *w)
{
	char *s;
	size_t bl;

	if ((w->n > 0 && w->s[0] == '/') || p->basedir == NULL)
		return wdup(p, w);
	bl = strlen(p->basedir);
	s = lt_arena_alloc(p->a, bl + 1 + w->n + 1);
	if (s == NULL)
		return NULL;
	memcpy(s, p->basedir, bl);
	s[bl] = '/';
	memcpy(s + bl + 1, w->s, w->n);
	s[bl + 1 + w->n] = '\0';
	return s;
}

static int
read_all_fd(int fd, struct lt_buf *b)
{
	char tmp[65536];
	ssize_t r;

	for (;;) {
		r = read(fd, tmp, sizeof(tmp));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			return 0;
		if (lt_buf_add(b, tmp, (size_t)r) != 0) {
			errno = EFBIG;
			return -1;
		}
	}
}

/* Reads a whole file (body @file); the bytes go to the arena. */
static int
slurp(struct parser *p, const struct word *w, const char *path,
    const char **data, size_t *len)
{
	struct lt_buf b;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	char *d;

	if (fd < 0)
		return perr(p, w->col, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return perr(p, w->col, "%s: not a regular file", path);
	}
	lt_buf_init(&b, BODY_FILE_CAP);
	if (read_all_fd(fd, &b) != 0) {
		int e = errno;

		close(fd);
		lt_buf_fini(&b);
		return perr(p, w->col, "%s: %s", path, strerror(e));
	}
	close(fd);
	d = lt_arena_alloc(p->a, b.len + 1);
	if (d == NULL) {
		lt_buf_fini(&b);
		return oom(p);
	}
	if (b.len > 0)
		memcpy(d, b.data, b.len);
	*data = d;
	*len = b.len;
	lt_buf_fini(&b);
	return 0;
}

/* A file libcurl reads later (tls cafile/cert/key): readable now? */
static int
check_readable(struct parser *p, const struct word *w, const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return perr(p, w->col, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return perr(p, w->col, "%s: not a regular file", path);
	}
	close(fd);
	return 0;
}

/* --- scopes and frames -------------------------------------------------- */

static struct scope *
scope_new(struct parser *p, struct scope *parent)
{
	struct scope *s = lt_arena_alloc(p->a, sizeof(*s));
	struct scope **slot = vec_push(p->a, &p->scopes, sizeof(*slot));

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
		return perr(p, indent + 1,
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

/* --- settings (any block) ----------------------------------------------- */

static int
parse_onoff(struct parser *p, int *out)
{
	struct word w;
	int r = scan_word(p, &w);

	if (r < 0)
		return -1;
	if (r > 0 &&
	    (word_is(&w, "on") || word_is(&w, "yes") || word_is(&w, "true")))
		*out = 1;
	else if (r > 0 &&
	    (word_is(&w, "off") || word_is(&w, "no") || word_is(&w, "false")))
		*out = 0;
	else
		return expected(p, r > 0 ? &w : NULL, "'on' or 'off'");
	return need_eol(p);
}

static int
set_header(struct parser *p, struct scope *s, const char *name, size_t nl,
    struct lt_tmpl *value)
{
	struct lt_header *h = vec_push(p->a, &s->headers, sizeof(*h));

	if (h == NULL)
		return oom(p);
	h->name = lt_arena_strndup(p->a, name, nl);
	h->name_len = nl;
	h->value = value;
	return h->name ? 0 : oom(p);
}

static int
parse_header(struct parser *p, struct scope *s)
{
	struct word rest, val;
	struct lt_tmpl *t;
	const char *colon;
	size_t nl, i;

	scan_rest(p, &rest);
	colon = memchr(rest.s, ':', rest.n);
	nl = colon ? (size_t)(colon - rest.s) : 0;
	for (i = 0; i < nl; i++)
		if (!(isalnum((unsigned char)rest.s[i]) || rest.s[i] == '-' ||
		        rest.s[i] == '_'))
			break;
	if (colon == NULL || nl == 0 || i < nl)
		return expected(p, rest.n ? &rest : NULL, "'Name: value'");
	val.s = colon + 1;
	val.n = rest.n - nl - 1;
	val.col = rest.col + nl + 1;
	val.quoted = 0;
	while (val.n > 0 && (val.s[0] == ' ' || val.s[0] == '\t'))
		val.s++, val.n--, val.col++;
	if (compile(p, &val, LT_ENC_HEADER, &t))
		return -1;
	return set_header(p, s, rest.s, nl, t);
}

static int
parse_tls(struct parser *p, struct scope *s)
{
	struct word w, f;
	const char **dst = NULL;
	int r = scan_word(p, &w);

	if (r < 0)
		return -1;
	if (r > 0 && word_is(&w, "insecure")) {
		s->insecure = 1;
		return need_eol(p);
	}
	if (r > 0 && word_is(&w, "verify")) {
		s->insecure = 0;
		return need_eol(p);
	}
	if (r > 0 && word_is(&w, "cafile"))
		dst = &s->cafile;
	else if (r > 0 && word_is(&w, "cert"))
		dst = &s->cert;
	else if (r > 0 && word_is(&w, "key"))
		dst = &s->key;
	else
		return expected(p, r > 0 ? &w : NULL,
		    "insecure, verify, cafile, cert or key");
	r = scan_word(p, &f);
	if (r < 0)
		return -1;
	if (r == 0)
		return expected(p, NULL, "a file name");
	*dst = resolve(p, &f);
	if (*dst == NULL)
		return oom(p);
	if (check_readable(p, &f, *dst))
		return -1;
	return need_eol(p);
}

/* Makes a template "PREFIX" + t (bearer tokens). */
static struct lt_tmpl *
prefix_tmpl(struct parser *p, const char *prefix, struct lt_tmpl *t)
{
	struct lt_tmpl *n = lt_arena_alloc(p->a, sizeof(*n));
	size_t pl = strlen(prefix);
	char *src;

	if (n == NULL)
		return NULL;
	*n = *t;
	n->parts = lt_arena_alloc(p->a, (t->nparts + 1) * sizeof(*n->parts));
	src = lt_arena_alloc(p->a, pl + strlen(t->src) + 1);
	if (n->parts == NULL || src == NULL)
		return NULL;
	n->parts[0].kind = LT_TP_LIT;
	n->parts[0].text = prefix;
	n->parts[0].len = pl;
	if (t->nparts > 0)
		memcpy(n->parts + 1, t->parts, t->nparts * sizeof(*n->parts));
	n->nparts = t->nparts + 1;
	strcpy(src, prefix);
	strcat(src, t->src);
	n->src = src;
	if (t->literal) {
		n->lit = src;
		n->lit_len = strlen(src);
		n->nparts = 1;
		n->parts[0].text = src;
		n->parts[0].len = n->lit_len;
	}
	return n;
}

static int
parse_auth(struct parser *p, struct scope *s)
{
	struct word w, u, pw;
	struct lt_tmpl *t;
	int r = scan_word(p, &w);

	if (r < 0)
		return -1;
	if (r > 0 && word_is(&w, "none")) {
		s->auth = LT_AUTH_NONE;
		return need_eol(p);
	}
	if (r > 0 && word_is(&w, "bearer")) {
		r = scan_word(p, &u);
		if (r <= 0)
			return r < 0 ? -1 : expected(p, NULL, "a token");
		if (compile(p, &u, LT_ENC_HEADER, &t))
			return -1;
		t = prefix_tmpl(p, "Bearer ", t);
		if (t == NULL)
			return oom(p);
		if (set_header(p, s, "Authorization", 13, t))
			return -1;
		return need_eol(p);
	}
	if (r == 0 || !word_is(&w, "basic"))
		return expected(p, r > 0 ? &w : NULL, "basic, bearer or none");
	r = scan_word(p, &u);
	if (r <= 0)
		return r < 0 ? -1 : expected(p, NULL, "a user name");
	r = scan_word(p, &pw);
	if (r <= 0)
		return r < 0 ? -1 : expected(p, NULL, "a password");
	s->auth = LT_AUTH_BASIC;
	if (compile(p, &u, LT_ENC_NONE, &s->auth_user) ||
	    compile(p, &pw, LT_ENC_NONE, &s->auth_pass))
		return -1;
	return need_eol(p);
}

/* --- expect ------------------------------------------------------------- */

static int
add_range(struct parser *p, struct vec *v, int lo, int hi)
{
	struct lt_status_range *r = vec_push(p->a, v, sizeof(*r));

	if (r == NULL)
		return oom(p);
	r->lo = lo;
	r->hi = hi;
	return 0;
}

/* One status item: 200, 200-299, 2xx (commas allowed between items). */
static int
parse_status_item(struct parser *p, const struct word *w, struct vec *v)
{
	char tmp[16];
	int lo, hi, k;

	if (w->n >= sizeof(tmp) || w->quoted)
		return expected(p, w, "a status, a range (200-299) or 2xx");
	memcpy(tmp, w->s, w->n);
	tmp[w->n] = '\0';
	if (w->n == 3 && isdigit((unsigned char)tmp[0]) &&
	    (tmp[1] == 'x' || tmp[1] == 'X') &&
	    (tmp[2] == 'x' || tmp[2] == 'X'))
		return add_range(
		    p, v, (tmp[0] - '0') * 100, (tmp[0] - '0') * 100 + 99);
	if (sscanf(tmp, "%3d-%3d%n", &lo, &hi, &k) == 2 && (size_t)k == w->n &&
	    isdigit((unsigned char)tmp[0]) && lo <= hi)
		return add_range(p, v, lo, hi);
	if (sscanf(tmp, "%3d%n", &lo, &k) == 1 && (size_t)k == w->n &&
	    isdigit((unsigned char)tmp[0]))
		return add_range(p, v, lo, lo);
	return expected(p, w, "a status, a range (200-299) or 2xx");
}

static int
parse_expect_status(struct parser *p, struct lt_check *c)
{
	struct vec v = { 0 };
	struct word w;
	int r;

	c->kind = LT_CHK_STATUS;
	while ((r = scan_word(p, &w)) > 0) {
		size_t s = 0;

		/* split "200,201" at commas */
		while (s < w.n) {
			struct word item = w;
			size_t e = s;

			while (e < w.n && w.s[e] != ',')
				e++;
			item.s = w.s + s;
			item.n = e - s;
			item.col = w.col + s;
			if (item.n > 0 && parse_status_item(p, &item, &v))
				return -1;
			s = e + 1;
		}
	}
	if (r < 0)
		return -1;
	if (v.n == 0)
		return expected(p, NULL, "a status, a range (200-299) or 2xx");
	c->ranges = v.v;
	c->nranges = v.n;
	return 0;
}

static int
regex_word(struct parser *p, const struct word *w, regex_t *re,
    const char **src, int *has)
{
	char *s = wdup(p, w);
	struct lt_err e;

	if (s == NULL)
		return oom(p);
	if (lt_check_regcomp(re, s, 0, &e) != 0)
		return perr(p, w->col, "%s", e.msg);
	*src = s;
	*has = 1;
	return 0;
}

/* Reads the operand of a check: a quoted string or the rest of the line. */
static int
operand(struct parser *p, struct word *w, const char *what)
{
	int r = scan_text(p, w);

	if (r < 0)
		return -1;
	if (r == 0 || w->n == 0)
		return expected(p, NULL, what);
	return 0;
}

static int
parse_expect_body(struct parser *p, struct lt_check *c)
{
	struct word w, x;
	int r = scan_word(p, &w), neg = 0;

	if (r < 0)
		return -1;
	if (r > 0 && word_is(&w, "not")) {
		neg = 1;
		r = scan_word(p, &w);
		if (r < 0)
			return -1;
		if (r == 0 || !word_is(&w, "contains"))
			return expected(p, r > 0 ? &w : NULL, "'contains'");
	}
	if (r > 0 && (word_is(&w, "contains") || word_is(&w, "lacks"))) {
		c->kind = neg || word_is(&w, "lacks") ? LT_CHK_BODY_LACKS
		                                      : LT_CHK_BODY_CONTAINS;
		if (operand(p, &x, "a string"))
			return -1;
		return compile(p, &x, LT_ENC_NONE, &c->text);
	}
	if (r > 0 && (word_is(&w, "~") || word_is(&w, "!~"))) {
		c->kind =
		    word_is(&w, "~") ? LT_CHK_BODY_MATCH : LT_CHK_BODY_NOMATCH;
		if (operand(p, &x, "a regex"))
			return -1;
		return regex_word(p, &x, &c->re, &c->re_src, &c->has_re);
	}
	return expected(
	    p, r > 0 ? &w : NULL, "contains, not contains, ~ or !~");
}

static int
parse_json_value(struct parser *p, struct lt_check *c)
{
	struct word x;
	json_error_t jerr;

	scan_rest(p, &x);
	if (x.n == 0)
		return expected(p, NULL, "a JSON value");
	if (compile(p, &x, LT_ENC_NONE, &c->text))
		return -1;
	if (!c->text->literal)
		return 0;
	c->value_json = json_loadb(x.s, x.n, JSON_DECODE_ANY, &jerr);
	if (c->value_json == NULL)
		c->value_json = json_stringn(x.s, x.n);
	return c->value_json ? 0 : oom(p);
}

static int
parse_expect_json(struct parser *p, struct lt_check *c)
{
	struct word w, op, x;
	char *path;
	int col = 0, r;

	r = scan_word(p, &w);
	if (r <= 0)
		return r < 0 ? -1 : expected(p, NULL, "a JSON path (.a.b[0])");
	path = wdup(p, &w);
	if (path == NULL)
		return oom(p);
	if (lt_jpath_compile(p->a, path, &c->path, &col, p->err)) {
		if (p->err->code == LT_EXIT_RUNTIME)
			return oom(p);
		return perr(p, w.col + (size_t)(col > 0 ? col - 1 : 0), "%s",
		    p->err->msg);
	}
	r = scan_word(p, &op);
	if (r < 0)
		return -1;
	if (r == 0 || word_is(&op, "exists")) {
		c->kind = LT_CHK_JSON_EXISTS;
		return r == 0 ? 0 : need_eol(p);
	}
	if (word_is(&op, "missing")) {
		c->kind = LT_CHK_JSON_MISSING;
		return need_eol(p);
	}
	if (word_is(&op, "not")) {
		r = scan_word(p, &x);
		if (r < 0)
			return -1;
		if (r == 0 || !word_is(&x, "exists"))
			return expected(p, r > 0 ? &x : NULL, "'exists'");
		c->kind = LT_CHK_JSON_MISSING;
		return need_eol(p);
	}
	if (word_is(&op, "==") || word_is(&op, "!=")) {
		c->kind = word_is(&op, "==") ? LT_CHK_JSON_EQ : LT_CHK_JSON_NE;
		return parse_json_value(p, c);
	}
	if (word_is(&op, "~")) {
		c->kind = LT_CHK_JSON_MATCH;
		if (operand(p, &x, "a regex"))
			return -1;
		return regex_word(p, &x, &c->re, &c->re_src, &c->has_re);
	}
	return expected(p, &op, "exists, missing, ==, != or ~");
}

static int
parse_expect_header(struct parser *p, struct lt_check *c)
{
	struct word w, op, x;
	int r = scan_word(p, &w);

	if (r <= 0 || w.quoted)
		return r < 0 ? -1 : expected(p, r ? &w : NULL, "a header name");
	if (w.n > 0 && w.s[w.n - 1] == ':')
		w.n--;
	c->header = wdup(p, &w);
	if (c->header == NULL)
		return oom(p);
	r = scan_word(p, &op);
	if (r < 0)
		return -1;
	if (r == 0 || word_is(&op, "exists")) {
		c->kind = LT_CHK_HEADER_EXISTS;
		return r == 0 ? 0 : need_eol(p);
	}
	if (word_is(&op, "==")) {
		c->kind = LT_CHK_HEADER_EQ;
		if (operand(p, &x, "a value"))
			return -1;
		return compile(p, &x, LT_ENC_NONE, &c->text);
	}
	if (word_is(&op, "~")) {
		c->kind = LT_CHK_HEADER_MATCH;
		if (operand(p, &x, "a regex"))
			return -1;
		return regex_word(p, &x, &c->re, &c->re_src, &c->has_re);
	}
	return expected(p, &op, "exists, == or ~");
}

static int
parse_expect(struct parser *p, struct scope *s)
{
	struct lt_check *c = vec_push(p->a, &s->checks, sizeof(*c));
	struct word w, x;
	double d;
	int r;

	if (c == NULL)
		return oom(p);
	c->line = p->line;
	r = scan_word(p, &w);
	if (r < 0)
		return -1;
	if (r > 0 && word_is(&w, "status"))
		return parse_expect_status(p, c);
	if (r > 0 && word_is(&w, "body"))
		return parse_expect_body(p, c);
	if (r > 0 && word_is(&w, "json"))
		return parse_expect_json(p, c);
	if (r > 0 && word_is(&w, "header"))
		return parse_expect_header(p, c);
	if (r > 0 && word_is(&w, "latency")) {
		c->kind = LT_CHK_LATENCY;
		r = scan_word(p, &x);
		if (r < 0)
			return -1;
		if (r == 0 || !(word_is(&x, "<") || word_is(&x, "<=")))
			return expected(p, r ? &x : NULL, "'<'");
		r = scan_word(p, &x);
		if (r <= 0)
			return r < 0
			    ? -1
			    : expected(p, NULL, "a duration (500ms, 2s)");
		if (word_duration(p, &x, &d, "a duration (500ms, 2s)"))
			return -1;
		c->max_latency_us = (int64_t)(d * 1e6 + 0.5);
		return need_eol(p);
	}
	return expected(
	    p, r > 0 ? &w : NULL, "status, body, json, header or latency");
}

static int
parse_tag(struct parser *p, struct scope *s)
{
	struct word w;
	int r, any = 0;

	while ((r = scan_word(p, &w)) > 0) {
		const char **t = vec_push(p->a, &s->tags, sizeof(*t));

		if (t == NULL)
			return oom(p);
		*t = wdup(p, &w);
		if (*t == NULL)
			return oom(p);
		any = 1;
	}
	if (r < 0)
		return -1;
	return any ? 0 : expected(p, NULL, "a tag name");
}

/*
 * A setting valid in any block.  Returns 1 when the keyword was one and
 * was parsed, 0 when it is not a setting, -1 on error.
 */
static int
parse_setting(struct parser *p, const struct word *kw, struct scope *s)
{
	struct word w;
	double d;
	int r, v = 0;

	if (word_is(kw, "header"))
		return parse_header(p, s) ? -1 : 1;
	if (word_is(kw, "expect"))
		return parse_expect(p, s) ? -1 : 1;
	if (word_is(kw, "tag") || word_is(kw, "tags"))
		return parse_tag(p, s) ? -1 : 1;
	if (word_is(kw, "tls"))
		return parse_tls(p, s) ? -1 : 1;
	if (word_is(kw, "auth"))
		return parse_auth(p, s) ? -1 : 1;
	if (word_is(kw, "redirects") || word_is(kw, "gzip") ||
	    word_is(kw, "http2")) {
		if (parse_onoff(p, &v))
			return -1;
		if (word_is(kw, "redirects"))
			s->redirects = v;
		else if (word_is(kw, "gzip"))
			s->gzip = v;
		else
			s->http2 = v;
		return 1;
	}
	if (word_is(kw, "timeout")) {
		r = scan_word(p, &w);
		if (r <= 0)
			return r < 0
			    ? -1
			    : expected(p, NULL, "a duration (5s, 500ms)");
		if (word_is(&w, "none")) {
			s->timeout_ms = 0;
		} else {
			if (word_duration(p, &w, &d, "a duration (5s, 500ms)"))
				return -1;
			s->timeout_ms = (long)(d * 1000 + 0.5);
		}
		return need_eol(p) ? -1 : 1;
	}
	return 0;
}

/* --- step modifiers ----------------------------------------------------- */

/* "stream [sse|openai] timeout DUR": the longest wait for the next event. */
static int
parse_stream_timeout(struct parser *p, struct pstep *ps)
{
	struct word w;
	double d;
	int r = scan_word(p, &w);

	if (r <= 0)
		return r < 0 ? -1 : expected(p, NULL, "a duration (2s, 500ms)");
	if (word_duration(p, &w, &d, "a duration (2s, 500ms)"))
		return -1;
	ps->stream_timeout_ms = (long)(d * 1000 + 0.5);
	if (ps->stream == LT_STREAM_NONE)
		ps->stream = LT_STREAM_SSE;
	return need_eol(p);
}

static int
parse_save(struct parser *p, struct pstep *ps)
{
	struct lt_capture *c = vec_push(p->a, &ps->caps, sizeof(*c));
	struct word v, k, x;
	long id;
	int r, col = 0;
	char *path;

	if (c == NULL)
		return oom(p);
	c->line = p->line;
	r = scan_word(p, &v);
	if (r <= 0 || !lt_tmpl_is_ident(v.s, v.n) || v.quoted)
		return r < 0 ? -1
		             : expected(p, r ? &v : NULL, "a variable name");
	id = lt_tmpl_env_var(&p->sc->env, v.s, v.n);
	if (id < 0)
		return oom(p);
	c->var = (size_t)id;
	r = scan_word(p, &k);
	if (r < 0)
		return -1;
	if (r > 0 && word_is(&k, "json")) {
		c->kind = LT_CAP_JSON;
		r = scan_word(p, &x);
		if (r <= 0)
			return r < 0
			    ? -1
			    : expected(p, NULL, "a JSON path (.token)");
		path = wdup(p, &x);
		if (path == NULL)
			return oom(p);
		if (lt_jpath_compile(p->a, path, &c->path, &col, p->err))
			return perr(p, x.col + (size_t)(col > 0 ? col - 1 : 0),
			    "%s", p->err->msg);
		return need_eol(p);
	}
	if (r > 0 && word_is(&k, "header")) {
		c->kind = LT_CAP_HEADER;
		r = scan_word(p, &x);
		if (r <= 0)
			return r < 0 ? -1 : expected(p, NULL, "a header name");
		if (x.n > 0 && x.s[x.n - 1] == ':')
			x.n--;
		c->header = wdup(p, &x);
		return c->header ? need_eol(p) : oom(p);
	}
	if (r > 0 && word_is(&k, "regex")) {
		c->kind = LT_CAP_REGEX;
		if (operand(p, &x, "a regex"))
			return -1;
		return regex_word(p, &x, &c->re, &c->re_src, &c->has_re);
	}
	if (r > 0 && (word_is(&k, "status") || word_is(&k, "body"))) {
		c->kind = word_is(&k, "status") ? LT_CAP_STATUS : LT_CAP_BODY;
		return need_eol(p);
	}
	return expected(
	    p, r > 0 ? &k : NULL, "json, header, regex, status or body");
}

static int
body_conflict(struct parser *p, struct pstep *ps, const struct word *kw)
{
	if (ps->body_kind != LT_BODY_NONE)
		return perr(p, kw->col,
		    "a second body for this request "
		    "(the first is on line %d)",
		    ps->body_line);
	if (ps->st.kind != LT_STEP_HTTP)
		return expected(p, kw,
		    "a modifier of 'exec' "
		    "(timeout, output, expect, save, tag, name)");
	return 0;
}

/* json REST | form REST | body "text" | body @file | body REST */
static int
parse_body(struct parser *p, struct pstep *ps, const struct word *kw)
{
	struct word x;
	int r;

	if (body_conflict(p, ps, kw))
		return -1;
	ps->body_line = p->line;
	if (word_is(kw, "json") || word_is(kw, "form")) {
		scan_rest(p, &x);
		if (x.n == 0)
			return expected(p, NULL,
			    word_is(kw, "json") ? "a JSON body"
			                        : "a form body (a=1&b=2)");
		ps->body_kind =
		    word_is(kw, "json") ? LT_BODY_JSON : LT_BODY_FORM;
		return compile(p, &x,
		    word_is(kw, "json") ? LT_ENC_JSON : LT_ENC_URL, &ps->body);
	}
	r = scan_text(p, &x);
	if (r < 0)
		return -1;
	if (r == 0)
		return expected(p, NULL, "\"text\" or @file");
	if (!x.quoted && x.n > 1 && x.s[0] == '@') {
		struct word f = { x.s + 1, x.n - 1, x.col + 1, 0 };

		ps->body_kind = LT_BODY_FILE;
		ps->body_path = resolve(p, &f);
		if (ps->body_path == NULL)
			return oom(p);
		return slurp(
		    p, &f, ps->body_path, &ps->body_data, &ps->body_len);
	}
	ps->body_kind = LT_BODY_INLINE;
	return compile(p, &x, LT_ENC_NONE, &ps->body);
}

static int
parse_name(struct parser *p, struct pstep *ps)
{
	struct word x;
	int r = scan_text(p, &x);

	if (r < 0)
		return -1;
	if (r == 0 || x.n == 0)
		return expected(p, NULL, "a name");
	ps->st.name = wdup(p, &x);
	ps->has_name = 1;
	return ps->st.name ? 0 : oom(p);
}

/*
 * Percent-encodes the literal text of a "query k=v" line (blanks and
 * characters not allowed in a query), leaving "${...}" for the template,
 * whose values are encoded at expansion, and '%' so that pre-encoded text
 * stays as written.  The first '=' separates key and value.
 */
static struct word
encode_query_literal(struct parser *p, const struct word *x)
{
	static const char hex[] = "0123456789ABCDEF";
	struct word out = *x;
	char *d = lt_arena_alloc(p->a, x->n * 3 + 1);
	size_t i = 0, o = 0;
	int seen_eq = 0;

	out.s = d;
	if (d == NULL)
		return out;
	while (i < x->n) {
		unsigned char c = (unsigned char)x->s[i];
		const char *close;

		if (c == '$' && i + 1 < x->n && x->s[i + 1] == '{') {
			close = memchr(x->s + i, '}', x->n - i);
			if (close != NULL) {
				size_t k = (size_t)(close - x->s) + 1 - i;

				memcpy(d + o, x->s + i, k);
				o += k;
				i += k;
				continue;
			}
		}
		if (isalnum(c) || strchr("-._~%!$'()*+,;:@/?", c) != NULL ||
		    (c == '=' && !seen_eq)) {
			seen_eq |= c == '=';
			d[o++] = (char)c;
		} else {
			d[o++] = '%';
			d[o++] = hex[c >> 4];
			d[o++] = hex[c & 15];
		}
		i++;
	}
	d[o] = '\0';
	out.n = o;
	return out;
}

static int
parse_query(struct parser *p, struct pstep *ps)
{
	struct lt_tmpl **t = vec_push(p->a, &ps->query, sizeof(*t));
	struct word x, enc;

	if (t == NULL)
		return oom(p);
	scan_rest(p, &x);
	if (x.n == 0 || memchr(x.s, '=', x.n) == NULL)
		return expected(p, x.n ? &x : NULL, "'key=value'");
	if (compile(p, &x, LT_ENC_URL, t)) /* errors with true columns */
		return -1;
	enc = encode_query_literal(p, &x);
	if (enc.s == NULL)
		return oom(p);
	return compile(p, &enc, LT_ENC_URL, t);
}

/* A line inside a request or exec step. */
static int
step_line(struct parser *p, const struct word *kw, struct pstep *ps)
{
	struct word w;
	int r;

	if (ps->st.kind == LT_STEP_EXEC && word_is(kw, "output")) {
		r = scan_word(p, &w);
		if (r < 0)
			return -1;
		if (r == 0 || !word_is(&w, "json"))
			return expected(p, r ? &w : NULL, "'json'");
		ps->output_json = 1;
		return need_eol(p);
	}
	r = parse_setting(p, kw, ps->scope);
	if (r != 0)
		return r < 0 ? -1 : 0;
	if (word_is(kw, "save"))
		return parse_save(p, ps);
	if (word_is(kw, "name"))
		return parse_name(p, ps);
	if (word_is(kw, "json") || word_is(kw, "form") || word_is(kw, "body"))
		return parse_body(p, ps, kw);
	if (ps->st.kind == LT_STEP_HTTP && word_is(kw, "query"))
		return parse_query(p, ps);
	if (ps->st.kind == LT_STEP_HTTP && word_is(kw, "stream")) {
		r = scan_word(p, &w);
		if (r < 0)
			return -1;
		if (r > 0 && word_is(&w, "timeout"))
			return parse_stream_timeout(p, ps);
		if (r == 0 || !(word_is(&w, "sse") || word_is(&w, "openai")))
			return expected(
			    p, r ? &w : NULL, "'sse', 'openai' or 'timeout'");
		ps->stream =
		    word_is(&w, "sse") ? LT_STREAM_SSE : LT_STREAM_OPENAI;
		r = scan_word(p, &w);
		if (r < 0)
			return -1;
		if (r > 0 && word_is(&w, "timeout"))
			return parse_stream_timeout(p, ps);
		if (r > 0)
			return expected(
			    p, &w, "'timeout' or the end of the line");
		return need_eol(p);
	}
	if (ps->st.kind == LT_STEP_EXEC)
		return expected(p, kw,
		    "a modifier of 'exec' (timeout, output, "
		    "expect, save, tag, name)");
	return expected(p, kw,
	    "a request modifier (header, json, form, body, "
	    "query, timeout, expect, save, tag, name...)");
}

/* --- steps -------------------------------------------------------------- */

static struct pstep *
step_new(struct parser *p, enum lt_step_kind kind, struct scope *parent)
{
	struct pstep *ps = lt_arena_alloc(p->a, sizeof(*ps));
	struct pstep **slot;

	if (ps == NULL)
		return NULL;
	ps->st.kind = kind;
	ps->st.line = p->line;
	ps->scope = scope_new(p, parent);
	slot = vec_push(p->a, &p->steps, sizeof(*slot));
	if (ps->scope == NULL || slot == NULL)
		return NULL;
	*slot = ps;
	return ps;
}

/*
 * "name" on a request line: the words up to json/form/body or the end of
 * the line ("name /secure (anonymous)"), or one quoted string.
 */
static int
parse_inline_name(struct parser *p, struct pstep *ps)
{
	struct word w;
	size_t start, end = 0, save;
	int r;

	skip_blanks(p);
	start = p->pos;
	for (;;) {
		save = p->pos;
		r = scan_word(p, &w);
		if (r < 0)
			return -1;
		if (r == 0 || word_is(&w, "json") || word_is(&w, "form") ||
		    word_is(&w, "body")) {
			p->pos = save;
			break;
		}
		if (w.quoted && end == 0) {
			ps->st.name = wdup(p, &w);
			ps->has_name = 1;
			return ps->st.name ? 0 : oom(p);
		}
		end = p->pos;
	}
	if (end == 0)
		return expected(p, r > 0 ? &w : NULL, "a name");
	ps->st.name = lt_arena_strndup(p->a, p->ln + start, end - start);
	ps->has_name = 1;
	return ps->st.name ? 0 : oom(p);
}

/*
 * METHOD URL [name NAME] [json ...|form ...|body ...]: the rest of a
 * request line after the method word m.
 */
static int
parse_request(struct parser *p, const struct word *m, struct pstep *ps)
{
	struct word u, w;
	int r;

	ps->method = method_name(m);
	r = scan_word(p, &u);
	if (r <= 0 || u.quoted)
		return r < 0 ? -1
		             : expected(p, r ? &u : NULL,
		                   "a URL path (/x) or http:// URL");
	if (!(u.s[0] == '/' || (u.n > 7 && memcmp(u.s, "http://", 7) == 0) ||
	        (u.n > 8 && memcmp(u.s, "https://", 8) == 0) ||
	        (u.n > 2 && memcmp(u.s, "${", 2) == 0)))
		return expected(p, &u, "a URL path (/x) or http:// URL");
	if (compile(p, &u, LT_ENC_URI, &ps->url))
		return -1;
	/* the default name is the URL as written, without credentials */
	ps->st.name = ps->url->src;
	if (strchr(ps->url->src, '@') != NULL) {
		char *n = lt_arena_strdup(p->a, ps->url->src);

		if (n == NULL)
			return oom(p);
		ps->st.name = lt_secret_url_strip_inplace(n);
	}
	for (;;) {
		r = scan_word(p, &w);
		if (r <= 0)
			return r;
		if (word_is(&w, "name")) {
			if (parse_inline_name(p, ps))
				return -1;
			continue;
		}
		if (word_is(&w, "json") || word_is(&w, "form") ||
		    word_is(&w, "body"))
			return parse_body(p, ps, &w);
		return expected(p, &w, "name, json, form, body or end of line");
	}
}

/* Splits a command line into argv words (quotes group, no shell). */
static int
parse_exec_words(struct parser *p, struct pstep *ps)
{
	struct word w[2];
	struct word *all;
	size_t n = 0, cap = 16, i, start, cmd_end;
	int r;

	all = lt_arena_alloc(p->a, cap * sizeof(*all));
	if (all == NULL)
		return oom(p);
	start = p->pos;
	skip_blanks(p);
	start = p->pos;
	cmd_end = p->ln_len;
	while ((r = scan_word(p, &w[0])) > 0) {
		if (n == cap) {
			struct word *na =
			    lt_arena_alloc(p->a, cap * 2 * sizeof(*na));

			if (na == NULL)
				return oom(p);
			memcpy(na, all, n * sizeof(*na));
			all = na;
			cap *= 2;
		}
		all[n++] = w[0];
	}
	if (r < 0)
		return -1;
	if (n >= 3 && word_is(&all[n - 2], "name") && !all[n - 2].quoted) {
		ps->st.name = wdup(p, &all[n - 1]);
		ps->has_name = 1;
		cmd_end = all[n - 2].col - 1;
		n -= 2;
	}
	if (n == 0)
		return expected(p, NULL, "a command");
	while (cmd_end > start &&
	    (p->ln[cmd_end - 1] == ' ' || p->ln[cmd_end - 1] == '\t'))
		cmd_end--;
	if (!ps->has_name)
		ps->st.name =
		    lt_arena_strndup(p->a, p->ln + start, cmd_end - start);
	for (i = 0; i < n; i++) {
		struct lt_tmpl **t = vec_push(p->a, &ps->argv, sizeof(*t));

		if (t == NULL)
			return oom(p);
		if (compile(p, &all[i], LT_ENC_NONE, t))
			return -1;
	}
	return ps->st.name ? 0 : oom(p);
}

/* sleep DURATION */
static int
parse_sleep(struct parser *p, struct pstep *ps)
{
	struct word w;
	int r = scan_word(p, &w);

	if (r <= 0)
		return r < 0 ? -1
		             : expected(p, NULL, "a duration (1.5, 500ms)");
	if (word_duration(p, &w, &ps->st.sleep_s, "a duration (1.5, 500ms)"))
		return -1;
	ps->st.name = "sleep";
	return need_eol(p);
}

/* set VAR VALUE: into a struct lt_set, or a SET step when ps is given. */
static int
parse_set(struct parser *p, struct lt_set *out, struct pstep *ps)
{
	struct word v, x;
	struct lt_tmpl *t;
	long id;
	int r = scan_word(p, &v);

	if (r <= 0 || v.quoted || !lt_tmpl_is_ident(v.s, v.n))
		return r < 0 ? -1
		             : expected(p, r ? &v : NULL, "a variable name");
	id = lt_tmpl_env_var(&p->sc->env, v.s, v.n);
	if (id < 0)
		return oom(p);
	r = scan_text(p, &x);
	if (r < 0)
		return -1;
	if (r == 0) {
		x.s = "";
		x.n = 0;
		x.col = p->ln_len + 1;
	}
	if (compile(p, &x, LT_ENC_NONE, &t))
		return -1;
	if (out != NULL) {
		out->var = (size_t)id;
		out->value = t;
	}
	if (ps != NULL) {
		ps->st.set_var = (size_t)id;
		ps->st.set_value = t;
		ps->st.name = "set";
	}
	return 0;
}

/* --- tasks -------------------------------------------------------------- */

static int
add_task(struct parser *p, struct pgroup *g, unsigned weight,
    struct scope *scope, struct pstep *ps, struct pgroup *sub)
{
	struct ptask *t = vec_push(p->a, &g->tasks, sizeof(*t));

	if (t == NULL)
		return oom(p);
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

	if (is_method(kw))
		ps = step_new(p, LT_STEP_HTTP, parent);
	else if (word_is(kw, "exec"))
		ps = step_new(p, LT_STEP_EXEC, parent);
	else if (word_is(kw, "sleep"))
		ps = step_new(p, LT_STEP_SLEEP, parent);
	else if (word_is(kw, "set"))
		ps = step_new(p, LT_STEP_SET, parent);
	else
		return 1;
	if (ps == NULL)
		return oom(p);
	if (ps->st.kind == LT_STEP_HTTP)
		r = parse_request(p, kw, ps);
	else if (ps->st.kind == LT_STEP_EXEC)
		r = parse_exec_words(p, ps);
	else if (ps->st.kind == LT_STEP_SLEEP)
		r = parse_sleep(p, ps);
	else
		r = parse_set(p, NULL, ps);
	if (r)
		return -1;
	if (g != NULL) {
		if (add_task(p, g, weight, ps->scope, ps, NULL))
			return -1;
	} else if (hook != NULL) {
		slot = vec_push(p->a, hook, sizeof(*slot));
		if (slot == NULL)
			return oom(p);
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
	struct pgroup **slot = vec_push(p->a, &p->groups, sizeof(*slot));
	struct scope *s = scope_new(p, parent);

	if (sub == NULL || slot == NULL || s == NULL)
		return oom(p);
	*slot = sub;
	if (group_depth(p) >= LT_SCENARIO_MAX_DEPTH)
		return perr(p, kw->col, "groups nest too deep (at most %d)",
		    LT_SCENARIO_MAX_DEPTH);
	sub->kind =
	    word_is(kw, "sequence") ? LT_GROUP_SEQUENCE : LT_GROUP_WEIGHTED;
	sub->line = p->line;
	if (need_eol(p))
		return -1;
	if (add_task(p, g, weight, s, NULL, sub))
		return -1;
	if (push(p, B_GROUP, indent,
	        word_is(kw, "sequence") ? "sequence" : "group"))
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
	int explicit = word_is(&kw, "task");
	long weight = 1;
	size_t save;
	int r;

	if (explicit) {
		r = scan_word(p, &kw);
		if (r <= 0)
			return r < 0 ? -1 : expected(p, NULL, "a method");
		if (word_uint(&kw) >= 0) {
			weight = word_uint(&kw);
			r = scan_word(p, &kw);
			if (r <= 0)
				return r < 0 ? -1
				             : expected(p, NULL, "a method");
		}
	} else if (word_is(&kw, "exec") || word_is(&kw, "group") ||
	    word_is(&kw, "sequence")) {
		/* exec 3 cmd / group 2: an optional weight after it */
		save = p->pos;
		r = scan_word(p, &w);
		if (r < 0)
			return -1;
		if (r > 0 && word_uint(&w) >= 0)
			weight = word_uint(&w);
		else
			p->pos = save;
	} else if (!is_method(&kw) && !word_is(&kw, "sleep") &&
	    !word_is(&kw, "set")) {
		return 1;
	}
	if (weight < 1)
		return perr(p, kw.col - 2, "expected a weight >= 1");
	if (word_is(&kw, "group") || word_is(&kw, "sequence"))
		return parse_group(p, &kw, g, (unsigned)weight, indent, parent);
	r = parse_step(p, &kw, g, (unsigned)weight, NULL, indent, parent);
	if (r == 1)
		return expected(p, &kw, "a method");
	return r;
}

/* --- blocks -------------------------------------------------------------- */

static struct pclass *
class_new(struct parser *p, const char *name)
{
	struct pclass *c = lt_arena_alloc(p->a, sizeof(*c));
	struct pclass **slot = vec_push(p->a, &p->classes, sizeof(*slot));

	if (c == NULL || slot == NULL)
		return NULL;
	*slot = c;
	c->name = name;
	c->weight = 1;
	c->line = p->line;
	c->root.kind = LT_GROUP_WEIGHTED;
	c->root.line = p->line;
	c->scope = scope_new(p, p->top_scope);
	return c->scope ? c : NULL;
}

/* The optional "each" after "wait between A B" / "wait constant T". */
static int
wait_each(struct parser *p, struct lt_wait *w)
{
	struct word e;
	int r = scan_word(p, &e);

	if (r <= 0)
		return r;
	if (!word_is(&e, "each"))
		return expected(p, &e, "end of line or 'each'");
	w->each = 1;
	return need_eol(p);
}

static int
parse_wait(struct parser *p, struct lt_wait *w)
{
	struct word k, a, b;
	int r = scan_word(p, &k);

	memset(w, 0, sizeof(*w));
	if (r < 0)
		return -1;
	if (r > 0 && word_is(&k, "none"))
		return need_eol(p);
	if (r > 0 && word_is(&k, "between")) {
		w->kind = LT_WAIT_BETWEEN;
		r = scan_word(p, &a);
		if (r <= 0)
			return r < 0 ? -1 : expected(p, NULL, "a duration");
		if (word_duration(p, &a, &w->a_s, "a duration"))
			return -1;
		r = scan_word(p, &b);
		if (r > 0 && word_is(&b, "and"))
			r = scan_word(p, &b);
		if (r <= 0)
			return r < 0 ? -1
			             : expected(p, NULL, "a second duration");
		if (word_duration(p, &b, &w->b_s, "a second duration"))
			return -1;
		if (w->b_s < w->a_s)
			return perr(
			    p, b.col, "expected a maximum >= the minimum");
		return wait_each(p, w);
	}
	if (r > 0 && (word_is(&k, "constant") || word_is(&k, "pacing"))) {
		w->kind =
		    word_is(&k, "constant") ? LT_WAIT_CONSTANT : LT_WAIT_PACING;
		r = scan_word(p, &a);
		if (r <= 0)
			return r < 0 ? -1 : expected(p, NULL, "a duration");
		if (word_duration(p, &a, &w->a_s, "a duration"))
			return -1;
		w->b_s = w->a_s;
		return w->kind == LT_WAIT_CONSTANT ? wait_each(p, w)
		                                   : need_eol(p);
	}
	if (r > 0 && word_is(&k, "throughput")) {
		w->kind = LT_WAIT_THROUGHPUT;
		r = scan_word(p, &a);
		if (r <= 0)
			return r < 0
			    ? -1
			    : expected(p, NULL, "iterations per second");
		if (word_number(&a, &w->per_s) || w->per_s <= 0)
			return expected(p, &a, "iterations per second (> 0)");
		w->a_s = w->b_s = 1.0 / w->per_s;
		return need_eol(p);
	}
	return expected(p, r > 0 ? &k : NULL,
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
		return perr(p, indent + 1,
		    "expected no 'user' after tasks at "
		    "the top level (they make a class 'User')");
	r = scan_word(p, &n);
	if (r <= 0 || n.quoted)
		return r < 0 ? -1 : expected(p, r ? &n : NULL, "a class name");
	for (i = 0; i < p->classes.n; i++) {
		struct pclass *o = ((struct pclass **)p->classes.v)[i];

		if (strlen(o->name) == n.n && memcmp(o->name, n.s, n.n) == 0)
			return perr(p, n.col,
			    "user class '%.*s' already defined "
			    "on line %d",
			    (int)n.n, n.s, o->line);
	}
	c = class_new(p, wdup(p, &n));
	if (c == NULL || c->name == NULL)
		return oom(p);
	r = scan_word(p, &k);
	if (r < 0)
		return -1;
	if (r > 0) {
		if (!word_is(&k, "weight") && !word_is(&k, "count"))
			return expected(
			    p, &k, "'weight N', 'count N' or end of line");
		r = scan_word(p, &v);
		if (r <= 0)
			return r < 0 ? -1 : expected(p, NULL, "a number");
		if (word_is(&k, "weight")) {
			if (word_number(&v, &c->weight))
				return expected(
				    p, &v, "a weight (a number >= 0)");
		} else {
			long cnt = word_uint(&v);

			if (cnt < 0)
				return expected(p, &v, "a user count");
			c->count = (unsigned)cnt;
			c->weight = 0;
		}
		if (need_eol(p))
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
	int r = scan_word(p, &w);

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
		return expected(
		    p, &w, "a method, exec, sleep, set or end of line");
	return r;
}

static int
parse_hook(
    struct parser *p, const struct word *kw, struct pclass *c, size_t indent)
{
	return hook_into(p, kw,
	    word_is(kw, "on_start") ? &c->on_start : &c->on_stop, c->scope,
	    indent);
}

static struct pclass *
implicit_class(struct parser *p, size_t col)
{
	struct pclass *c;

	if (p->implicit)
		return p->stack[0].cls;
	if (p->classes.n > 0) {
		perr(p, col,
		    "expected 'user NAME' before this task: tasks at "
		    "the top level are only allowed without user classes");
		return NULL;
	}
	c = class_new(p, "User");
	if (c == NULL) {
		oom(p);
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

	r = scan_word(p, &n);
	if (r <= 0 || n.quoted)
		return r < 0 ? -1
		             : expected(p, r ? &n : NULL, "a data source name");
	r = scan_word(p, &f);
	if (r <= 0)
		return r < 0 ? -1 : expected(p, NULL, "a file name");
	r = scan_word(p, &o);
	if (r < 0)
		return -1;
	if (r > 0) {
		if (!word_is(&o, "csv"))
			return expected(p, &o, "'csv' or end of line");
		header = 1;
		if (need_eol(p))
			return -1;
	}
	{
		char *name = wdup(p, &n);

		if (name == NULL)
			return oom(p);
		if (lt_tmpl_env_data(&p->sc->env, name) != NULL)
			return perr(
			    p, n.col, "data source '%s' already defined", name);
		path = resolve(p, &f);
		if (path == NULL)
			return oom(p);
		if (lt_data_load(p->a, name, path, header, &d, p->err)) {
			lt_err_prefix(
			    p->err, "%s:%d:%zu: ", p->name, p->line, f.col);
			return -1;
		}
	}
	return lt_tmpl_env_add_data(&p->sc->env, d) ? oom(p) : 0;
}

static int
parse_host(struct parser *p, const char **dst)
{
	struct word w;
	int r = scan_word(p, &w);

	if (r <= 0)
		return r < 0 ? -1
		             : expected(p, NULL, "a URL (http://host:port)");
	if (!((w.n > 7 && memcmp(w.s, "http://", 7) == 0) ||
	        (w.n > 8 && memcmp(w.s, "https://", 8) == 0)))
		return expected(
		    p, &w, "a URL starting with http:// or https://");
	*dst = wdup(p, &w);
	return *dst ? need_eol(p) : oom(p);
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
		r = scan_word(p, &w);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		if (w.quoted || !lt_tmpl_is_ident(w.s, w.n))
			return expected(p, &w, "a variable name");
		v = lt_tmpl_env_var(&p->sc->env, w.s, w.n);
		id = vec_push(p->a, &p->secret_vars, sizeof(*id));
		name = wdup(p, &w);
		if (v < 0 || id == NULL || name == NULL)
			return oom(p);
		*id = (size_t)v;
		env =
		    p->sc->env.getenv ? p->sc->env.getenv(name) : getenv(name);
		if (env != NULL && env[0] != '\0') {
			val = vec_push(p->a, &p->secret_values, sizeof(*val));
			if (val == NULL)
				return oom(p);
			*val = lt_arena_strdup(p->a, env);
			if (*val == NULL)
				return oom(p);
		}
		n++;
	}
	return n > 0 ? 0 : expected(p, NULL, "a variable name");
}

/* A line in a class block (or at the top level for the implicit class). */
static int
class_line(
    struct parser *p, const struct word *kw, struct pclass *c, size_t indent)
{
	struct lt_set *s;
	int r;

	if (word_is(kw, "on_start") || word_is(kw, "on_stop"))
		return parse_hook(p, kw, c, indent);
	if (word_is(kw, "wait")) {
		c->has_wait = 1;
		return parse_wait(p, &c->wait);
	}
	if (word_is(kw, "host"))
		return parse_host(p, &c->host);
	if (word_is(kw, "set")) {
		s = vec_push(p->a, &c->sets, sizeof(*s));
		return s ? parse_set(p, s, NULL) : oom(p);
	}
	r = parse_setting(p, kw, c->scope);
	if (r != 0)
		return r < 0 ? -1 : 0;
	r = parse_task(p, kw, &c->root, indent, c->scope);
	if (r == 1)
		return expected(p, kw,
		    "a task, a method, on_start, on_stop, "
		    "wait or a setting");
	return r;
}

static int parse_include(struct parser *p);

static int
top_line(struct parser *p, const struct word *kw, size_t indent)
{
	struct lt_set *s;
	struct pclass *c;
	int r;

	if (word_is(kw, "user"))
		return parse_user(p, indent);
	if (word_is(kw, "host"))
		return parse_host(p, &p->top_host);
	if (word_is(kw, "data"))
		return parse_data(p);
	if (word_is(kw, "secret"))
		return parse_secret(p);
	if (word_is(kw, "include"))
		return parse_include(p);
	if (word_is(kw, "setup") || word_is(kw, "teardown"))
		return hook_into(p, kw,
		    word_is(kw, "setup") ? &p->setup : &p->teardown,
		    p->top_scope, indent);
	if (word_is(kw, "wait")) {
		p->top_has_wait = 1;
		return parse_wait(p, &p->top_wait);
	}
	if (word_is(kw, "set")) {
		s = vec_push(p->a, &p->top_sets, sizeof(*s));
		return s ? parse_set(p, s, NULL) : oom(p);
	}
	r = parse_setting(p, kw, p->top_scope);
	if (r != 0)
		return r < 0 ? -1 : 0;
	if (word_is(kw, "task") || word_is(kw, "exec") || is_method(kw) ||
	    word_is(kw, "group") || word_is(kw, "sequence") ||
	    word_is(kw, "sleep") || word_is(kw, "on_start") ||
	    word_is(kw, "on_stop")) {
		c = implicit_class(p, kw->col);
		if (c == NULL)
			return -1;
		return class_line(p, kw, c, indent);
	}
	return expected(p, kw,
	    "host, user, a task, data, set, secret, wait, include, setup, "
	    "teardown or a setting");
}

static int
group_line(
    struct parser *p, const struct word *kw, struct frame *f, size_t indent)
{
	int r = parse_setting(p, kw, f->scope);

	if (r != 0)
		return r < 0 ? -1 : 0;
	r = parse_task(p, kw, f->grp, indent, f->scope);
	if (r == 1)
		return expected(p, kw,
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
		return expected(p, kw, "a method, exec, sleep or set");
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
		return perr(
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
			return perr(p, 1,
			    "unexpected indentation: this line "
			    "is not inside a block");
		return 0;
	}
	if (f->child_indent == 0)
		f->child_indent = indent;
	else if (f->child_indent != indent)
		return perr(p, indent + 1,
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
	r = scan_word(p, &kw);
	if (r <= 0)
		return r;
	if (kw.quoted)
		return expected(p, &kw, "a keyword");
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
		return step_line(p, &kw, f->step);
	}
	return 0;
}

/* Parses the lines of text (a file, or an included one). */
static int
parse_text(struct parser *p, const char *text, size_t n)
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
			return perr(
			    p, 0, "line longer than %zu bytes", SCEN_LINE_CAP);
		if (memchr(p->ln, '\0', p->ln_len) != NULL)
			return perr(p, 0, "a NUL byte in the scenario");
		if (parse_line(p))
			return -1;
		i = nl ? e + 1 : n;
	}
	return 0;
}

/* Reads an included file whole (regular files only). */
static int
read_include(
    struct parser *p, const struct word *w, const char *path, struct lt_buf *b)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK), e;

	if (fd < 0)
		return perr(p, w->col, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return perr(p, w->col, "%s: not a regular file", path);
	}
	if (read_all_fd(fd, b) != 0) {
		e = errno;
		close(fd);
		return perr(p, w->col, "%s: %s", path, strerror(e));
	}
	close(fd);
	return 0;
}

/*
 * include FILE: the file's lines are read as if written here, at the top
 * level; its relative file names start from its own directory.  Blocks it
 * leaves open end with it.
 */
static int
parse_include(struct parser *p)
{
	const char *name = p->name, *basedir = p->basedir, *ln = p->ln;
	const char *env_basedir = p->sc->env.basedir;
	size_t ln_len = p->ln_len, pos, k;
	struct word w;
	struct lt_buf b;
	char *path, *dir, *copy;
	int r, line = p->line;

	r = scan_word(p, &w);
	if (r <= 0)
		return r < 0 ? -1 : expected(p, NULL, "a file name");
	if (need_eol(p))
		return -1;
	pos = p->pos;
	path = (char *)resolve(p, &w);
	if (path == NULL)
		return oom(p);
	if (p->nincl >= MAX_INCLUDE)
		return perr(p, w.col, "includes nest too deep (at most %d)",
		    MAX_INCLUDE);
	for (k = 0; k < (size_t)p->nincl; k++)
		if (strcmp(p->incl[k], path) == 0 || strcmp(p->name, path) == 0)
			return perr(p, w.col,
			    "include loop: %s is already being read", path);
	if (strcmp(p->name, path) == 0)
		return perr(
		    p, w.col, "include loop: %s is already being read", path);
	copy = lt_arena_strdup(p->a, path);
	if (copy == NULL)
		return oom(p);
	dir = lt_arena_strdup(p->a, dirname(copy));
	if (dir == NULL)
		return oom(p);
	lt_buf_init(&b, SCEN_TEXT_CAP);
	if (read_include(p, &w, path, &b)) {
		lt_buf_fini(&b);
		return -1;
	}
	p->incl[p->nincl++] = path;
	p->name = path;
	p->line = 0;
	p->basedir = dir;
	p->sc->env.basedir = dir;
	r = parse_text(p, b.data ? b.data : "", b.len);
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
	slot = vec_push(p->a, v, sizeof(*slot));
	if (slot == NULL)
		return oom(p);
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
	if (compile(p, &w, LT_ENC_HEADER, &h.value))
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
	slot = vec_push(p->a, tags, sizeof(*slot));
	if (slot == NULL)
		return oom(p);
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
		return oom(p);
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
		return oom(p);
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
	struct lt_check *d = vec_push(p->a, checks, sizeof(*d));

	if (d == NULL)
		return oom(p);
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
			if (copy_check(p, ps, &checks, &cv[k]))
				return -1;
		for (k = 0; k < chain[i]->tags.n; k++)
			if (add_tag(p, &tags, tv[k]))
				return -1;
	}
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
		return oom(p);
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
	return perr(p, 0, "expected indented tasks under this %s",
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
		return oom(p);
	for (i = 0; i < p->top_sets.n; i++)
		c->sets[i] = ts[i];
	for (i = 0; i < pc->sets.n; i++)
		c->sets[p->top_sets.n + i] = cs[i];
	c->non_start = pc->on_start.n;
	c->non_stop = pc->on_stop.n;
	if (pc->root.tasks.n == 0) {
		p->line = pc->line;
		return perr(
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
		return oom(p);
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
		return oom(p);
	c->non_start = v->n;
	*out = c;
	return 0;
}

static int
finish(struct parser *p)
{
	struct lt_scenario *sc = p->sc;
	struct pstep **steps = p->steps.v;
	struct pgroup **groups = p->groups.v;
	struct pclass **classes = p->classes.v;
	size_t i;

	if (p->classes.n == 0) {
		p->line = p->line > 0 ? p->line : 1;
		return perr(p, 0, "expected at least one task or user class");
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
			return g ? -1 : oom(p);
	}
	sc->host = p->top_host;
	sc->secret_vars = p->secret_vars.v;
	sc->nsecret_vars = p->secret_vars.n;
	sc->secret_values = p->secret_values.v;
	sc->nsecret_values = p->secret_values.n;
	sc->nclasses = p->classes.n;
	sc->classes = lt_arena_alloc(p->a, sc->nclasses * sizeof(*sc->classes));
	if (sc->classes == NULL)
		return oom(p);
	for (i = 0; i < p->classes.n; i++)
		if (build_class(p, classes[i], &sc->classes[i], i))
			return -1;
	if (build_test_hook(p, &p->setup, "setup", &sc->setup) ||
	    build_test_hook(p, &p->teardown, "teardown", &sc->teardown))
		return -1;
	sc->steps = lt_arena_alloc(p->a, (p->steps.n + 1) * sizeof(*sc->steps));
	if (sc->steps == NULL)
		return oom(p);
	for (i = 0; i < p->steps.n; i++)
		sc->steps[i] = &steps[i]->st;
	sc->nsteps = p->steps.n;
	sc->vars = sc->env.vars;
	sc->nvars = sc->env.nvars;
	sc->datas = sc->env.datas;
	sc->ndatas = sc->env.ndatas;
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
	p->top_scope = scope_new(p, NULL);
	p->stack[0].scope = p->top_scope;
	if (sc->path == NULL || p->top_scope == NULL) {
		oom(p);
		goto out;
	}
	if (parse_text(p, text, n))
		goto out;
	p->ln = "";
	p->ln_len = 0;
	if (finish(p))
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

void
lt_scenario_free(struct lt_scenario *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nsteps; i++)
		lt_checks_fini(&s->steps[i]->checks);
	lt_arena_fini(&s->arena);
	free(s);
}

long
lt_scenario_var(const struct lt_scenario *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nvars; i++)
		if (strcmp(s->vars[i], name) == 0)
			return (long)i;
	return -1;
}

/* Runs an executable scenario generator and collects its stdout. */
static int
run_generator(const char *path, struct lt_buf *b, struct lt_err *err)
{
	posix_spawn_file_actions_t fa;
	char *argv[2] = { (char *)path, NULL };
	int fds[2], rc, status, e = 0;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) != 0)
		return lt_err_sys(
		    err, LT_EXIT_RUNTIME, errno, "%s: pipe", path);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	rc = posix_spawn(&pid, path, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (rc != 0) {
		close(fds[0]);
		return lt_err_sys(
		    err, LT_EXIT_USAGE, rc, "%s: cannot run", path);
	}
	if (read_all_fd(fds[0], b) != 0)
		e = errno;
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return lt_err_sys(
			    err, LT_EXIT_RUNTIME, errno, "%s: waitpid", path);
	}
	if (e != 0)
		return lt_err_sys(
		    err, LT_EXIT_USAGE, e, "%s: reading its output", path);
	if (WIFSIGNALED(status))
		return lt_err_set(err, LT_EXIT_USAGE,
		    "%s: scenario generator killed by signal %d", path,
		    WTERMSIG(status));
	if (WEXITSTATUS(status) != 0)
		return lt_err_set(err, LT_EXIT_USAGE,
		    "%s: scenario generator exited with status %d", path,
		    WEXITSTATUS(status));
	return 0;
}

static int
read_path(const char *path, struct lt_buf *b, struct lt_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return lt_err_sys(err, LT_EXIT_USAGE, errno, "%s", path);
	if (read_all_fd(fd, b) != 0) {
		int e = errno;

		close(fd);
		return lt_err_sys(err, LT_EXIT_USAGE, e, "%s", path);
	}
	close(fd);
	return 0;
}

int
lt_scenario_load(const char *path, struct lt_scenario **out, struct lt_err *err)
{
	struct lt_buf b;
	struct stat st;
	char *dir = NULL;
	int rc;

	*out = NULL;
	lt_buf_init(&b, SCEN_TEXT_CAP);
	if (strcmp(path, "-") == 0) {
		if (read_all_fd(0, &b) != 0)
			rc = lt_err_sys(err, LT_EXIT_USAGE, errno, "stdin");
		else
			rc = 0;
	} else if (stat(path, &st) != 0) {
		rc = lt_err_sys(err, LT_EXIT_USAGE, errno, "%s", path);
	} else if (S_ISDIR(st.st_mode)) {
		rc = lt_err_set(err, LT_EXIT_USAGE, "%s: is a directory", path);
	} else if (S_ISREG(st.st_mode) && access(path, X_OK) == 0) {
		rc = run_generator(path, &b, err);
	} else {
		rc = read_path(path, &b, err);
	}
	if (rc == 0 && strcmp(path, "-") != 0) {
		char *copy = strdup(path);

		dir = copy ? strdup(dirname(copy)) : NULL;
		free(copy);
		if (dir == NULL)
			rc = lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
	}
	if (rc == 0)
		rc = lt_scenario_parse_buf(path, b.data ? b.data : "", b.len,
		    dir ? dir : ".", out, err);
	if (rc == 0) {
		/* basedir must outlive dir: keep it in the arena */
		(*out)->env.basedir =
		    lt_arena_strdup(&(*out)->arena, dir ? dir : ".");
	}
	free(dir);
	lt_buf_fini(&b);
	return rc;
}
