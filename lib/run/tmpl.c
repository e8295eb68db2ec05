/*
 * tmpl.c - compiling and expanding "${...}" templates; see tmpl.h.
 *
 * Compilation happens once at load, so expansion is a loop over parts
 * with no parsing, no lookups by name and no allocation: variables are
 * array indexes, data rows are pre-split, numbers are formatted by hand.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run/tmpl.h"

#define TMPL_MAX_WORDS 256
#define DATA_FILE_CAP  ((size_t)256 << 20)

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

/* --- data files --------------------------------------------------------- */

/* Splits one CSV line into cells (RFC 4180 quoting, "" inside quotes). */
static int
csv_split(struct lt_arena *a, const char *s, size_t n, const char ***cells,
    size_t **lens, size_t *ncells)
{
	size_t cap = 1, i, k = 0;
	const char **cv;
	size_t *lv;

	for (i = 0; i < n; i++)
		if (s[i] == ',')
			cap++;
	cv = lt_arena_alloc(a, cap * sizeof(*cv));
	lv = lt_arena_alloc(a, cap * sizeof(*lv));
	if (cv == NULL || lv == NULL)
		return -1;
	i = 0;
	for (;;) {
		char *out;
		size_t o = 0;

		if (k == cap)
			break;
		out = lt_arena_alloc(a, n - i + 1);
		if (out == NULL)
			return -1;
		if (i < n && s[i] == '"') {
			i++;
			while (i < n) {
				if (s[i] == '"' && i + 1 < n &&
				    s[i + 1] == '"') {
					out[o++] = '"';
					i += 2;
				} else if (s[i] == '"') {
					i++;
					break;
				} else {
					out[o++] = s[i++];
				}
			}
			while (i < n && s[i] != ',')
				out[o++] = s[i++];
		} else {
			while (i < n && s[i] != ',')
				out[o++] = s[i++];
		}
		out[o] = '\0';
		cv[k] = out;
		lv[k] = o;
		k++;
		if (i >= n)
			break;
		i++; /* the comma */
	}
	*cells = cv;
	*lens = lv;
	*ncells = k;
	return 0;
}

/*
 * Reads a regular file whole.  Devices and FIFOs are refused: a data file
 * named /dev/stdin or a FIFO would block the load, /dev/zero never end.
 */
static int
read_file(const char *path, struct lt_buf *b, struct lt_err *err)
{
	char tmp[65536];
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return lt_err_sys(err, LT_EXIT_USAGE, errno, "%s", path);
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return lt_err_set(
		    err, LT_EXIT_USAGE, "%s: not a regular file", path);
	}
	for (;;) {
		n = read(fd, tmp, sizeof(tmp));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (lt_buf_add(b, tmp, (size_t)n) != 0) {
			close(fd);
			return lt_err_set(
			    err, LT_EXIT_USAGE, "%s: file too large", path);
		}
	}
	if (n < 0) {
		int e = errno;

		close(fd);
		return lt_err_sys(err, LT_EXIT_USAGE, e, "%s", path);
	}
	close(fd);
	return 0;
}

/* Counts the non-empty lines of the n bytes at p. */
static size_t
count_lines(const char *p, size_t n)
{
	size_t i, c = 0;
	int any = 0;

	for (i = 0; i < n; i++) {
		if (p[i] == '\n') {
			c += any;
			any = 0;
		} else if (p[i] != '\r') {
			any = 1;
		}
	}
	return c + any;
}

static int
data_fill(struct lt_arena *a, struct lt_data *d, const char *p, size_t n)
{
	size_t lines = count_lines(p, n), i = 0, r = 0;
	int first = 1;

	d->nrows = lines - (d->header ? 1 : 0);
	d->rows = lt_arena_alloc(a, d->nrows * sizeof(*d->rows) + 1);
	d->row_len = lt_arena_alloc(a, d->nrows * sizeof(*d->row_len) + 1);
	d->cells = lt_arena_alloc(a, d->nrows * sizeof(*d->cells) + 1);
	d->cell_len = lt_arena_alloc(a, d->nrows * sizeof(*d->cell_len) + 1);
	d->ncells = lt_arena_alloc(a, d->nrows * sizeof(*d->ncells) + 1);
	if (!d->rows || !d->row_len || !d->cells || !d->cell_len || !d->ncells)
		return -1;
	while (i < n) {
		size_t s = i, e;

		while (i < n && p[i] != '\n')
			i++;
		e = i;
		if (i < n)
			i++;
		while (e > s && p[e - 1] == '\r')
			e--;
		if (e == s)
			continue;
		if (first && d->header) {
			size_t *lens;

			first = 0;
			if (csv_split(a, p + s, e - s, &d->columns, &lens,
			        &d->ncolumns))
				return -1;
			continue;
		}
		first = 0;
		d->rows[r] = lt_arena_strndup(a, p + s, e - s);
		if (d->rows[r] == NULL)
			return -1;
		d->row_len[r] = e - s;
		if (csv_split(a, p + s, e - s, &d->cells[r], &d->cell_len[r],
		        &d->ncells[r]))
			return -1;
		r++;
	}
	return 0;
}

int
lt_data_load(struct lt_arena *a, const char *name, const char *path, int header,
    struct lt_data **out, struct lt_err *err)
{
	struct lt_data *d;
	struct lt_buf b;
	size_t lines;

	lt_buf_init(&b, DATA_FILE_CAP);
	if (read_file(path, &b, err) != 0) {
		lt_buf_fini(&b);
		return -1;
	}
	lines = count_lines(b.data, b.len);
	if (lines < (header ? 2u : 1u)) {
		lt_buf_fini(&b);
		return lt_err_set(err, LT_EXIT_USAGE, "%s: %s", path,
		    header ? "no rows after the header line"
		           : "empty data file");
	}
	d = lt_arena_alloc(a, sizeof(*d));
	if (d == NULL)
		goto nomem;
	d->name = lt_arena_strdup(a, name);
	d->path = lt_arena_strdup(a, path);
	d->header = header;
	if (d->name == NULL || d->path == NULL ||
	    data_fill(a, d, b.data, b.len))
		goto nomem;
	lt_buf_fini(&b);
	*out = d;
	return 0;
nomem:
	lt_buf_fini(&b);
	return lt_err_set(err, LT_EXIT_RUNTIME, "%s: out of memory", path);
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

/* A byte that is never valid as is in a URL (RFC 3986). */
static int
url_bad(unsigned char ch)
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
		bad += url_bad((unsigned char)p->text[i]);
	if (bad == 0)
		return 0;
	t = lt_arena_alloc(c->env->arena, p->len + 2 * bad + 1);
	if (t == NULL)
		return -1;
	for (i = 0; i < p->len; i++) {
		unsigned char ch = (unsigned char)p->text[i];

		if (url_bad(ch)) {
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

/* --- variables ---------------------------------------------------------- */

#define VAR_CAP ((size_t)1 << 20)

int
lt_vars_init(struct lt_vars *v, size_t nvars, size_t ndatas)
{
	size_t i;

	memset(v, 0, sizeof(*v));
	v->val = calloc(nvars + 1, sizeof(*v->val));
	v->set = calloc(nvars + 1, 1);
	v->row = calloc(ndatas + 1, sizeof(*v->row));
	v->row_seq = calloc(ndatas + 1, sizeof(*v->row_seq));
	if (!v->val || !v->set || !v->row || !v->row_seq) {
		lt_vars_fini(v);
		return -1;
	}
	for (i = 0; i < nvars; i++)
		lt_buf_init(&v->val[i], VAR_CAP);
	v->nvars = nvars;
	v->ndatas = ndatas;
	return 0;
}

void
lt_vars_fini(struct lt_vars *v)
{
	size_t i;

	if (v->val != NULL)
		for (i = 0; i < v->nvars; i++)
			lt_buf_fini(&v->val[i]);
	free(v->val);
	free(v->set);
	free(v->row);
	free(v->row_seq);
	memset(v, 0, sizeof(*v));
}

int
lt_vars_set(struct lt_vars *v, size_t i, const char *p, size_t n)
{
	if (i >= v->nvars)
		return -1;
	lt_buf_reset(&v->val[i]);
	if (lt_buf_add(&v->val[i], p, n) != 0)
		return -1;
	lt_buf_cstr(&v->val[i]);
	if (v->val[i].data == NULL)
		return -1;
	v->set[i] = 1;
	return 0;
}

const char *
lt_vars_get(const struct lt_vars *v, size_t i, size_t *len)
{
	if (i >= v->nvars || !v->set[i])
		return NULL;
	if (len)
		*len = v->val[i].len;
	return v->val[i].data ? v->val[i].data : "";
}

void
lt_vars_clear(struct lt_vars *v)
{
	if (v->nvars > 0)
		memset(v->set, 0, v->nvars);
	if (v->ndatas > 0)
		memset(v->row_seq, 0, v->ndatas * sizeof(*v->row_seq));
}

/* --- expanding ---------------------------------------------------------- */

static const char hexd[] = "0123456789ABCDEF";

static int url_bad(unsigned char ch);

static int
is_unreserved(unsigned char ch)
{
	return isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~';
}

/* Percent-encodes the bytes of p for which keep() is false. */
static int
pct_encode(struct lt_buf *out, const char *p, size_t n, int seg, int raw)
{
	size_t i;

	if (lt_buf_reserve(out, n * 3))
		return -1;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];
		int keep = raw ? !url_bad(ch)
		               : is_unreserved(ch) ||
		        (seg && strchr(":@!$'()*,;", ch) != NULL && ch != 0);

		if (keep) {
			out->data[out->len++] = (char)ch;
		} else {
			out->data[out->len++] = '%';
			out->data[out->len++] = hexd[ch >> 4];
			out->data[out->len++] = hexd[ch & 15];
		}
	}
	return 0;
}

static int
json_escape(struct lt_buf *out, const char *p, size_t n)
{
	size_t i;

	if (lt_buf_reserve(out, n * 6))
		return -1;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];
		char *d = out->data + out->len;

		if (ch == '"' || ch == '\\') {
			d[0] = '\\';
			d[1] = (char)ch;
			out->len += 2;
		} else if (ch == '\n' || ch == '\t' || ch == '\r') {
			d[0] = '\\';
			d[1] = ch == '\n' ? 'n' : ch == '\t' ? 't' : 'r';
			out->len += 2;
		} else if (ch < 0x20) {
			memcpy(d, "\\u00", 4);
			d[4] = hexd[ch >> 4];
			d[5] = hexd[ch & 15];
			out->len += 6;
		} else {
			d[0] = (char)ch;
			out->len++;
		}
	}
	return 0;
}

/* --- a small JSON text validator (no allocation) --- */

struct jscan {
	const char *p, *e;
};

static void
js_ws(struct jscan *j)
{
	while (j->p < j->e &&
	    (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static int
js_word(struct jscan *j, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(j->e - j->p) < n || memcmp(j->p, w, n) != 0)
		return -1;
	j->p += n;
	return 0;
}

static int
js_digits(struct jscan *j)
{
	const char *s = j->p;

	while (j->p < j->e && isdigit((unsigned char)*j->p))
		j->p++;
	return j->p > s ? 0 : -1;
}

static int
js_number(struct jscan *j)
{
	if (j->p < j->e && *j->p == '-')
		j->p++;
	if (j->p < j->e && *j->p == '0')
		j->p++;
	else if (js_digits(j))
		return -1;
	if (j->p < j->e && *j->p == '.') {
		j->p++;
		if (js_digits(j))
			return -1;
	}
	if (j->p < j->e && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->e && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (js_digits(j))
			return -1;
	}
	return 0;
}

static int
js_string(struct jscan *j)
{
	j->p++; /* '"' */
	while (j->p < j->e) {
		unsigned char ch = (unsigned char)*j->p++;

		if (ch == '"')
			return 0;
		if (ch < 0x20)
			return -1;
		if (ch == '\\') {
			if (j->p >= j->e ||
			    strchr("\"\\/bfnrtu", *j->p) == NULL)
				return -1;
			j->p++;
		}
	}
	return -1;
}

static int
js_value(struct jscan *j, int depth)
{
	char close;

	js_ws(j);
	if (j->p >= j->e || depth > 64)
		return -1;
	switch (*j->p) {
	case '"':
		return js_string(j);
	case 't':
		return js_word(j, "true");
	case 'f':
		return js_word(j, "false");
	case 'n':
		return js_word(j, "null");
	case '{':
	case '[':
		close = *j->p == '{' ? '}' : ']';
		j->p++;
		js_ws(j);
		if (j->p < j->e && *j->p == close) {
			j->p++;
			return 0;
		}
		for (;;) {
			if (close == '}') {
				js_ws(j);
				if (j->p >= j->e || *j->p != '"' ||
				    js_string(j))
					return -1;
				js_ws(j);
				if (j->p >= j->e || *j->p++ != ':')
					return -1;
			}
			if (js_value(j, depth + 1))
				return -1;
			js_ws(j);
			if (j->p >= j->e)
				return -1;
			if (*j->p == close) {
				j->p++;
				return 0;
			}
			if (*j->p++ != ',')
				return -1;
		}
	default:
		return js_number(j);
	}
}

/* 1 when the n bytes at p are one JSON value (blanks around allowed). */
static int
is_json_text(const char *p, size_t n)
{
	struct jscan j = { p, p + n };

	if (js_value(&j, 0))
		return 0;
	js_ws(&j);
	return j.p == j.e;
}

int
lt_tmpl_encode(
    struct lt_buf *out, const char *p, size_t n, enum lt_tmpl_enc enc)
{
	size_t i, run = 0;

	switch (enc) {
	case LT_ENC_NONE:
		return lt_buf_add(out, p, n);
	case LT_ENC_HEADER:
		for (i = 0; i < n; i++) {
			if (p[i] != '\r' && p[i] != '\n')
				continue;
			if (lt_buf_add(out, p + run, i - run))
				return -1;
			run = i + 1;
		}
		return lt_buf_add(out, p + run, n - run);
	case LT_ENC_URL:
		return pct_encode(out, p, n, 0, 0);
	case LT_ENC_URL_SEG:
		return pct_encode(out, p, n, 1, 0);
	case LT_ENC_URI:
	case LT_ENC_URL_RAW:
		return pct_encode(out, p, n, 0, 1);
	case LT_ENC_JSON:
		return json_escape(out, p, n);
	case LT_ENC_JSON_VALUE:
		if (is_json_text(p, n))
			return lt_buf_add(out, p, n);
		if (lt_buf_addc(out, '"') || json_escape(out, p, n))
			return -1;
		return lt_buf_addc(out, '"');
	}
	return -1;
}

/* Formats v in decimal into tmp (cap >= 21); returns the length. */
static size_t
fmt_i64(char *tmp, int64_t v)
{
	char rev[24];
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	size_t n = 0, k = 0;

	do {
		rev[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		tmp[k++] = '-';
	while (n > 0)
		tmp[k++] = rev[--n];
	return k;
}

static size_t
fmt_uuid(char *tmp, struct lt_rng *rng)
{
	static const char lower[] = "0123456789abcdef";
	unsigned char b[16];
	uint64_t x = lt_rng_next(rng), y = lt_rng_next(rng);
	size_t i, k = 0;

	for (i = 0; i < 8; i++) {
		b[i] = (unsigned char)(x >> (i * 8));
		b[i + 8] = (unsigned char)(y >> (i * 8));
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			tmp[k++] = '-';
		tmp[k++] = lower[b[i] >> 4];
		tmp[k++] = lower[b[i] & 15];
	}
	return k;
}

static size_t
data_row(struct lt_data *d, struct lt_tmpl_ctx *ctx)
{
	struct lt_vars *v = ctx->vars;
	uint64_t n;

	if (v != NULL && d->index < v->ndatas &&
	    v->row_seq[d->index] == ctx->seq + 1)
		return v->row[d->index];
	n = __atomic_fetch_add(&d->next, 1, __ATOMIC_RELAXED);
	if (d->stride > 1)
		n = d->first + n * d->stride;
	n %= d->nrows;
	if (v != NULL && d->index < v->ndatas) {
		v->row[d->index] = (size_t)n;
		v->row_seq[d->index] = ctx->seq + 1;
	}
	return (size_t)n;
}

static int
expand_data(const struct lt_tmpl_part *p, struct lt_tmpl_ctx *ctx,
    struct lt_buf *out, enum lt_tmpl_enc enc)
{
	struct lt_data *d = p->data;
	size_t r = data_row(d, ctx);

	if (p->column < 0)
		return lt_tmpl_encode(out, d->rows[r], d->row_len[r], enc);
	if ((size_t)p->column >= d->ncells[r])
		return 0;
	return lt_tmpl_encode(
	    out, d->cells[r][p->column], d->cell_len[r][p->column], enc);
}

static int
expand_part(const struct lt_tmpl_part *p, struct lt_tmpl_ctx *ctx,
    struct lt_buf *out, enum lt_tmpl_enc enc)
{
	char tmp[48];
	const char *s;
	size_t n;

	switch (p->kind) {
	case LT_TP_LIT:
		return lt_buf_add(out, p->text, p->len);
	case LT_TP_VAR:
		s = ctx->vars ? lt_vars_get(ctx->vars, p->var, &n) : NULL;
		if (s == NULL) {
			if (ctx->missing++ == 0)
				ctx->missing_var = p->var;
			return 0;
		}
		return lt_tmpl_encode(out, s, n, enc);
	case LT_TP_USER:
		return lt_buf_add(out, tmp, fmt_i64(tmp, (int64_t)ctx->user));
	case LT_TP_CLASS:
		s = ctx->class_name ? ctx->class_name : "";
		return lt_tmpl_encode(out, s, strlen(s), enc);
	case LT_TP_SEQ:
		return lt_buf_add(out, tmp, fmt_i64(tmp, (int64_t)ctx->seq));
	case LT_TP_RANDOM:
		return lt_buf_add(out, tmp,
		    fmt_i64(tmp, lt_rng_range(ctx->rng, p->lo, p->hi)));
	case LT_TP_CHOICE:
		n = (size_t)lt_rng_below(ctx->rng, p->nwords);
		return lt_tmpl_encode(out, p->words[n], p->word_len[n], enc);
	case LT_TP_UUID: /* quoted outside a JSON string */
		return lt_tmpl_encode(out, tmp, fmt_uuid(tmp, ctx->rng), enc);
	case LT_TP_DATA:
		return expand_data(p, ctx, out, enc);
	case LT_TP_TIME:
		return lt_buf_add(
		    out, tmp, fmt_i64(tmp, ctx->now_us / 1000000));
	case LT_TP_TS_MS:
		return lt_buf_add(out, tmp, fmt_i64(tmp, ctx->now_us / 1000));
	}
	return 0;
}

int
lt_tmpl_expand(
    const struct lt_tmpl *t, struct lt_tmpl_ctx *ctx, struct lt_buf *out)
{
	size_t i;

	if (t->literal)
		return lt_buf_add(out, t->lit, t->lit_len);
	for (i = 0; i < t->nparts; i++)
		if (expand_part(&t->parts[i], ctx, out, t->parts[i].enc) != 0)
			return -1;
	return 0;
}

int
lt_tmpl_missing_reason(const struct lt_tmpl_ctx *ctx, struct lt_buf *reason)
{
	const char *name = "?";

	if (ctx->missing == 0)
		return -1;
	if (ctx->var_names != NULL)
		name = ctx->var_names[ctx->missing_var];
	lt_buf_reset(reason);
	lt_buf_printf(reason, "check: variable %s is not set", name);
	if (ctx->missing > 1)
		lt_buf_printf(reason, " (and %u more)", ctx->missing - 1);
	lt_buf_cstr(reason);
	return 0;
}
