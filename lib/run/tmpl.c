/*
 * tmpl.c - compiling "${...}" templates, once at load; see tmpl.h.
 * Data files are read by tmpldata.c, templates expanded by tmplexp.c.
 *
 * Compilation happens once at load, so expansion is a loop over parts
 * with no parsing, no lookups by name and no allocation: variables are
 * array indexes, data rows are pre-split, numbers are formatted by hand.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run/tmpl.h"
#include "run/tmplpriv.h"

#define TMPL_MAX_WORDS 256

void
lt_tmpl_env_init(struct lt_tmpl_env *env, struct lt_arena *arena)
{
	memset(env, 0, sizeof(*env));
	env->arena = arena;
	env->basedir = ".";
}

/* Grows an arena-backed array of pointers to hold one more. */
static int
grow(struct lt_arena *a, void ***arr, size_t n, size_t *cap)
{
	void **na;
	size_t ncap;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 8;
	na = lt_arena_alloc(a, ncap * sizeof(*na));
	if (na == NULL)
		return -1;
	if (n > 0)
		memcpy(na, *arr, n * sizeof(*na));
	*arr = na;
	*cap = ncap;
	return 0;
}

long
lt_tmpl_env_var(struct lt_tmpl_env *env, const char *name, size_t n)
{
	size_t i;
	char *s;

	for (i = 0; i < env->nvars; i++)
		if (strlen(env->vars[i]) == n &&
		    memcmp(env->vars[i], name, n) == 0)
			return (long)i;
	if (grow(env->arena, (void ***)&env->vars, env->nvars, &env->vars_cap))
		return -1;
	s = lt_arena_strndup(env->arena, name, n);
	if (s == NULL)
		return -1;
	env->vars[env->nvars] = s;
	return (long)env->nvars++;
}

struct lt_data *
lt_tmpl_env_data(struct lt_tmpl_env *env, const char *name)
{
	size_t i;

	for (i = 0; i < env->ndatas; i++)
		if (strcmp(env->datas[i]->name, name) == 0)
			return env->datas[i];
	return NULL;
}

int
lt_tmpl_env_add_data(struct lt_tmpl_env *env, struct lt_data *d)
{
	if (grow(env->arena, (void ***)&env->datas, env->ndatas,
	        &env->datas_cap))
		return -1;
	d->index = env->ndatas;
	env->datas[env->ndatas++] = d;
	return 0;
}

/* --- compiling ---------------------------------------------------------- */

struct compiler {
	struct lt_tmpl_env *env;
	const char *src;
	size_t n;
	struct lt_tmpl_part *parts;
	size_t nparts, cap;
	int *err_col;
	struct lt_err *err;
};

static struct lt_tmpl_part *
add_part(struct compiler *c, enum lt_tmpl_part_kind kind)
{
	struct lt_tmpl_part *p;

	if (c->nparts == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 4;
		struct lt_tmpl_part *np;

		np = lt_arena_alloc(c->env->arena, ncap * sizeof(*np));
		if (np == NULL)
			return NULL;
		if (c->nparts > 0)
			memcpy(np, c->parts, c->nparts * sizeof(*np));
		c->parts = np;
		c->cap = ncap;
	}
	p = &c->parts[c->nparts++];
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	return p;
}

static int
add_lit(struct compiler *c, const char *s, size_t n)
{
	struct lt_tmpl_part *p;

	if (n == 0)
		return 0;
	/* Merge with a preceding literal ("$${" splits them). */
	if (c->nparts > 0 && c->parts[c->nparts - 1].kind == LT_TP_LIT) {
		struct lt_tmpl_part *q = &c->parts[c->nparts - 1];
		char *t = lt_arena_alloc(c->env->arena, q->len + n + 1);

		if (t == NULL)
			return -1;
		memcpy(t, q->text, q->len);
		memcpy(t + q->len, s, n);
		t[q->len + n] = '\0';
		q->text = t;
		q->len += n;
		return 0;
	}
	p = add_part(c, LT_TP_LIT);
	if (p == NULL)
		return -1;
	p->text = lt_arena_strndup(c->env->arena, s, n);
	p->len = n;
	return p->text ? 0 : -1;
}

static int __attribute__((format(printf, 3, 4)))
cerr(struct compiler *c, size_t off, const char *fmt, ...)
{
	va_list ap;

	if (c->err_col)
		*c->err_col = (int)off + 1;
	if (c->err == NULL)
		return -1;
	c->err->code = LT_EXIT_USAGE;
	va_start(ap, fmt);
	vsnprintf(c->err->msg, sizeof(c->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static int
nomem(struct compiler *c)
{
	return lt_err_set(c->err, LT_EXIT_RUNTIME, "out of memory");
}

/* A word inside ${...}: offset into src and length. */
struct word {
	size_t off, len;
};

int
lt_tmpl_is_ident(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return 0;
	for (i = 1; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
			return 0;
	return 1;
}

static int
word_is(const struct compiler *c, const struct word *w, const char *s)
{
	return strlen(s) == w->len && memcmp(c->src + w->off, s, w->len) == 0;
}

static int
parse_int(const char *s, size_t n, int64_t *out)
{
	char tmp[32], *end;
	long long v;

	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	errno = 0;
	v = strtoll(tmp, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

/* Error text "word" helper: the word as a NUL-terminated arena string. */
static const char *
wtext(struct compiler *c, const struct word *w)
{
	const char *s = lt_arena_strndup(
	    c->env->arena, c->src + w->off, w->len > 60 ? 60 : w->len);

	return s ? s : "?";
}

static int
compile_random(struct compiler *c, struct word *w, size_t nw)
{
	struct lt_tmpl_part *p;
	int64_t lo, hi;

	if (nw != 3)
		return cerr(c, w[0].off,
		    "expected two integers after 'random', as in ${random 1 "
		    "100}");
	if (parse_int(c->src + w[1].off, w[1].len, &lo))
		return cerr(c, w[1].off,
		    "expected an integer after 'random', got '%s'",
		    wtext(c, &w[1]));
	if (parse_int(c->src + w[2].off, w[2].len, &hi))
		return cerr(c, w[2].off,
		    "expected an integer after 'random %s', got '%s'",
		    wtext(c, &w[1]), wtext(c, &w[2]));
	if (hi < lo)
		return cerr(c, w[2].off,
		    "expected an upper bound >= %s, got '%s'", wtext(c, &w[1]),
		    wtext(c, &w[2]));
	p = add_part(c, LT_TP_RANDOM);
	if (p == NULL)
		return nomem(c);
	p->lo = lo;
	p->hi = hi;
	return 0;
}

static int
compile_choice(struct compiler *c, struct word *w, size_t nw)
{
	struct lt_tmpl_part *p;
	size_t i;

	if (nw < 2)
		return cerr(c, w[0].off,
		    "expected words after 'choice', as in ${choice a b c}");
	p = add_part(c, LT_TP_CHOICE);
	if (p == NULL)
		return nomem(c);
	p->nwords = nw - 1;
	p->words = lt_arena_alloc(c->env->arena, p->nwords * sizeof(*p->words));
	p->word_len =
	    lt_arena_alloc(c->env->arena, p->nwords * sizeof(*p->word_len));
	if (p->words == NULL || p->word_len == NULL)
		return nomem(c);
	for (i = 1; i < nw; i++) {
		p->words[i - 1] = lt_arena_strndup(
		    c->env->arena, c->src + w[i].off, w[i].len);
		if (p->words[i - 1] == NULL)
			return nomem(c);
		p->word_len[i - 1] = w[i].len;
	}
	return 0;
}

static int
compile_env(struct compiler *c, struct word *w, size_t nw)
{
	char name[256];
	const char *v;

	if (nw != 2 || w[1].len >= sizeof(name))
		return cerr(c, w[0].off,
		    "expected one variable name after 'env', as in ${env "
		    "HOME}");
	memcpy(name, c->src + w[1].off, w[1].len);
	name[w[1].len] = '\0';
	v = c->env->getenv ? c->env->getenv(name) : getenv(name);
	if (v == NULL)
		v = "";
	return add_lit(c, v, strlen(v)) ? nomem(c) : 0;
}

static int
is_number(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static int
resolve_path(struct compiler *c, const char *file, char *out, size_t cap)
{
	int r;

	if (file[0] == '/' || c->env->basedir == NULL)
		r = snprintf(out, cap, "%s", file);
	else
		r = snprintf(out, cap, "%s/%s", c->env->basedir, file);
	return r < 0 || (size_t)r >= cap ? -1 : 0;
}

static int
compile_data(struct compiler *c, struct word *w, size_t nw)
{
	struct lt_tmpl_part *p;
	struct lt_data *d;
	const char *src;
	int by_name;
	size_t i;

	if (nw != 2 && nw != 3)
		return cerr(c, w[0].off,
		    "expected a data source and an optional column after "
		    "'data', "
		    "as in ${data users.csv name}");
	src = wtext(c, &w[1]);
	by_name = nw == 3 && !is_number(c->src + w[2].off, w[2].len);
	d = lt_tmpl_env_data(c->env, src);
	if (d == NULL) {
		char path[4096];
		struct lt_err e;

		if (resolve_path(c, src, path, sizeof(path)))
			return cerr(c, w[1].off, "data file name too long");
		if (lt_data_load(c->env->arena, src, path, by_name, &d, &e)) {
			if (c->err_col)
				*c->err_col = (int)w[1].off + 1;
			return lt_err_set(c->err, e.code, "%s", e.msg);
		}
		if (lt_tmpl_env_add_data(c->env, d))
			return nomem(c);
	}
	p = add_part(c, LT_TP_DATA);
	if (p == NULL)
		return nomem(c);
	p->data = d;
	p->column = -1;
	if (nw == 2)
		return 0;
	if (!by_name) {
		int64_t col;

		if (parse_int(c->src + w[2].off, w[2].len, &col) || col < 1 ||
		    col > 100000)
			return cerr(c, w[2].off,
			    "expected a column number from 1, got '%s'",
			    wtext(c, &w[2]));
		p->column = (int)(col - 1);
		return 0;
	}
	if (!d->header)
		return cerr(c, w[2].off,
		    "data source '%s' has no header line to name column '%s'; "
		    "use a column number or declare it with 'data NAME FILE "
		    "csv'",
		    src, wtext(c, &w[2]));
	for (i = 0; i < d->ncolumns; i++) {
		if (strlen(d->columns[i]) == w[2].len &&
		    memcmp(d->columns[i], c->src + w[2].off, w[2].len) == 0) {
			p->column = (int)i;
			return 0;
		}
	}
	return cerr(c, w[2].off, "data source '%s' has no column '%s'", src,
	    wtext(c, &w[2]));
}

/* Compiles the inside of one ${...}: the words w[0..nw). */
static int
compile_ref(struct compiler *c, struct word *w, size_t nw, size_t dollar)
{
	static const struct {
		const char *name;
		enum lt_tmpl_part_kind kind;
	} simple[] = {
		{ "user", LT_TP_USER },
		{ "class", LT_TP_CLASS },
		{ "seq", LT_TP_SEQ },
		{ "uuid", LT_TP_UUID },
		{ "time", LT_TP_TIME },
		{ "ts_ms", LT_TP_TS_MS },
	};
	struct lt_tmpl_part *p;
	size_t i;
	long id;

	if (nw == 0)
		return cerr(c, dollar, "expected a name inside '${}'");
	for (i = 0; i < sizeof(simple) / sizeof(simple[0]); i++) {
		if (!word_is(c, &w[0], simple[i].name))
			continue;
		if (nw != 1)
			return cerr(c, w[1].off,
			    "expected '}' after '%s', got '%s'", simple[i].name,
			    wtext(c, &w[1]));
		return add_part(c, simple[i].kind) ? 0 : nomem(c);
	}
	if (word_is(c, &w[0], "random"))
		return compile_random(c, w, nw);
	if (word_is(c, &w[0], "choice"))
		return compile_choice(c, w, nw);
	if (word_is(c, &w[0], "env"))
		return compile_env(c, w, nw);
	if (word_is(c, &w[0], "data"))
		return compile_data(c, w, nw);
	if (nw > 1)
		return cerr(c, w[0].off,
		    "expected a builtin (random, choice, uuid, env, data, "
		    "user, "
		    "class, seq, time, ts_ms), got '%s'",
		    wtext(c, &w[0]));
	if (!lt_tmpl_is_ident(c->src + w[0].off, w[0].len))
		return cerr(c, w[0].off,
		    "expected a variable name (letters, digits, _), got '%s'",
		    wtext(c, &w[0]));
	id = lt_tmpl_env_var(c->env, c->src + w[0].off, w[0].len);
	if (id < 0)
		return nomem(c);
	p = add_part(c, LT_TP_VAR);
	if (p == NULL)
		return nomem(c);
	p->var = (size_t)id;
	return 0;
}

/* Splits src[from, to) into words at blanks. */
static size_t
split_words(const char *src, size_t from, size_t to, struct word *w, size_t cap)
{
	size_t i = from, nw = 0;

	while (i < to) {
		while (i < to && (src[i] == ' ' || src[i] == '\t'))
			i++;
		if (i >= to)
			break;
		if (nw == cap)
			return cap + 1;
		w[nw].off = i;
		while (i < to && src[i] != ' ' && src[i] != '\t')
			i++;
		w[nw].len = i - w[nw].off;
		nw++;
	}
	return nw;
}

int
tmpl_url_bad(unsigned char ch)
{
	return ch <= 0x20 || ch >= 0x7f || strchr("\"<>\\^`{|}", ch) != NULL;
}

/* Literal URL text: bytes never valid in a URL percent-encoded. */
static int
uri_literal(struct compiler *c, struct lt_tmpl_part *p)
{
	size_t i, bad = 0, o = 0;
	char *t;

	for (i = 0; i < p->len; i++)
		bad += tmpl_url_bad((unsigned char)p->text[i]);
	if (bad == 0)
		return 0;
	t = lt_arena_alloc(c->env->arena, p->len + 2 * bad + 1);
	if (t == NULL)
		return -1;
	for (i = 0; i < p->len; i++) {
		unsigned char ch = (unsigned char)p->text[i];

		if (tmpl_url_bad(ch)) {
			t[o++] = '%';
			t[o++] = "0123456789ABCDEF"[ch >> 4];
			t[o++] = "0123456789ABCDEF"[ch & 15];
		} else {
			t[o++] = (char)ch;
		}
	}
	t[o] = '\0';
	p->text = t;
	p->len = o;
	return 0;
}

/* Chooses each part's encoding from its context in the literal text. */
static int
part_encodings(struct compiler *c, enum lt_tmpl_enc enc)
{
	size_t i, k;
	int in_query = 0, in_str = 0, esc = 0;

	for (i = 0; i < c->nparts; i++) {
		struct lt_tmpl_part *p = &c->parts[i];

		p->enc = enc;
		if (enc == LT_ENC_URI && p->kind == LT_TP_LIT) {
			if (uri_literal(c, p))
				return -1;
			in_query |= memchr(p->text, '?', p->len) != NULL ||
			    memchr(p->text, '#', p->len) != NULL;
		} else if (enc == LT_ENC_URI) {
			p->enc = i == 0 ? LT_ENC_URL_RAW
			    : in_query  ? LT_ENC_URL
			                : LT_ENC_URL_SEG;
		} else if (enc == LT_ENC_JSON && p->kind == LT_TP_LIT) {
			for (k = 0; k < p->len; k++) {
				if (esc)
					esc = 0;
				else if (in_str && p->text[k] == '\\')
					esc = 1;
				else if (p->text[k] == '"')
					in_str = !in_str;
			}
		} else if (enc == LT_ENC_JSON) {
			p->enc = in_str ? LT_ENC_JSON : LT_ENC_JSON_VALUE;
		}
	}
	return 0;
}

static int
finish(struct compiler *c, enum lt_tmpl_enc enc, struct lt_tmpl **out)
{
	struct lt_tmpl *t = lt_arena_alloc(c->env->arena, sizeof(*t));

	if (t == NULL)
		return nomem(c);
	if (part_encodings(c, enc))
		return nomem(c);
	t->src = lt_arena_strndup(c->env->arena, c->src, c->n);
	if (t->src == NULL)
		return nomem(c);
	t->enc = enc;
	t->parts = c->parts;
	t->nparts = c->nparts;
	if (c->nparts == 0) {
		t->literal = 1;
		t->lit = "";
	} else if (c->nparts == 1 && c->parts[0].kind == LT_TP_LIT) {
		t->literal = 1;
		t->lit = c->parts[0].text;
		t->lit_len = c->parts[0].len;
	}
	*out = t;
	return 0;
}

int
lt_tmpl_compile(struct lt_tmpl_env *env, const char *src, size_t n,
    enum lt_tmpl_enc enc, struct lt_tmpl **out, int *err_col,
    struct lt_err *err)
{
	struct compiler c = { env, src, n, NULL, 0, 0, err_col, err };
	struct word *w;
	size_t i = 0, lit = 0;

	w = malloc(TMPL_MAX_WORDS * sizeof(*w));
	if (w == NULL)
		return nomem(&c);
	while (i < n) {
		size_t close, nw;

		if (src[i] != '$' || i + 1 >= n) {
			i++;
			continue;
		}
		if (src[i + 1] == '$' && i + 2 < n && src[i + 2] == '{') {
			/* "$${" is a literal "${" */
			if (add_lit(&c, src + lit, i - lit) ||
			    add_lit(&c, "${", 2))
				goto oom;
			i += 3;
			lit = i;
			continue;
		}
		if (src[i + 1] != '{') {
			i++;
			continue;
		}
		if (add_lit(&c, src + lit, i - lit))
			goto oom;
		close = i + 2;
		while (close < n && src[close] != '}' && src[close] != '\n')
			close++;
		if (close >= n || src[close] != '}') {
			cerr(&c, i, "expected '}' to close '${'");
			goto fail;
		}
		nw = split_words(src, i + 2, close, w, TMPL_MAX_WORDS);
		if (nw > TMPL_MAX_WORDS) {
			cerr(&c, i, "too many words inside '${...}'");
			goto fail;
		}
		if (compile_ref(&c, w, nw, i))
			goto fail;
		i = close + 1;
		lit = i;
	}
	if (add_lit(&c, src + lit, n - lit))
		goto oom;
	free(w);
	return finish(&c, enc, out);
oom:
	nomem(&c);
fail:
	free(w);
	return -1;
}

const char *
lt_tmpl_literal(const struct lt_tmpl *t, size_t *len)
{
	if (t == NULL || !t->literal)
		return NULL;
	if (len)
		*len = t->lit_len;
	return t->lit;
}
