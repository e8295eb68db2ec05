/*
 * scnword.c - the scenario parser's scanner: a line split into words
 * (bare, "quoted", or a template with "${...}" that may hold spaces),
 * words read as numbers, durations, methods and templates, errors with
 * the line and column, and files a word names (bodies, data) read whole.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "run/scnparse.h"
#include "run/secret.h"

#define BODY_FILE_CAP ((size_t)256 << 20)

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

void *
scn_vec_push(struct lt_arena *a, struct vec *vc, size_t sz)
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

/* --- errors ------------------------------------------------------------- */

int __attribute__((format(printf, 3, 4)))
scn_perr(struct parser *p, size_t col, const char *fmt, ...)
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

int
scn_oom(struct parser *p)
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

int
scn_expected(struct parser *p, const struct word *w, const char *what)
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
		return scn_perr(p, w ? w->col : p->ln_len + 1,
		    "expected %s after %s, got %s", what,
		    q(pre, sizeof(pre), p->ln + s, e - s), got);
	return scn_perr(
	    p, w ? w->col : p->ln_len + 1, "expected %s, got %s", what, got);
}

/* --- the word scanner --------------------------------------------------- */

void
scn_skip_blanks(struct parser *p)
{
	while (p->pos < p->ln_len &&
	    (p->ln[p->pos] == ' ' || p->ln[p->pos] == '\t'))
		p->pos++;
}

static int
at_eol(struct parser *p)
{
	scn_skip_blanks(p);
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
		return scn_oom(p);
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
		return scn_perr(
		    p, w->col, "expected a closing '\"' for this string");
	p->pos = i + 1;
	w->s = out;
	w->n = o;
	w->quoted = 1;
	return 0;
}

int
scn_scan_word(struct parser *p, struct word *w)
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

void
scn_scan_rest(struct parser *p, struct word *w)
{
	size_t e = p->ln_len;

	scn_skip_blanks(p);
	while (e > p->pos && (p->ln[e - 1] == ' ' || p->ln[e - 1] == '\t'))
		e--;
	memset(w, 0, sizeof(*w));
	w->s = p->ln + p->pos;
	w->n = e - p->pos;
	w->col = p->pos + 1;
	p->pos = p->ln_len;
}

int
scn_scan_text(struct parser *p, struct word *w)
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
	scn_scan_rest(p, w);
	return 1;
}

int
scn_word_is(const struct word *w, const char *s)
{
	return w->n == strlen(s) && memcmp(w->s, s, w->n) == 0;
}

char *
scn_wdup(struct parser *p, const struct word *w)
{
	return lt_arena_strndup(p->a, w->s, w->n);
}

char *
scn_rest_label(struct parser *p, const char *prefix)
{
	const char *s = p->ln + p->pos, *e = p->ln + p->ln_len;
	size_t np = strlen(prefix);
	char *out;

	if (p->pos > p->ln_len)
		s = e;
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	out = lt_arena_alloc(p->a, np + (size_t)(e - s) + 1);
	if (out == NULL)
		return NULL;
	memcpy(out, prefix, np);
	memcpy(out + np, s, (size_t)(e - s));
	out[np + (size_t)(e - s)] = '\0';
	return out;
}

int
scn_var_word(struct parser *p, size_t *id)
{
	struct word v;
	long n;
	int r = scn_scan_word(p, &v);

	if (r <= 0 || v.quoted || !lt_tmpl_is_ident(v.s, v.n))
		return r < 0
		    ? -1
		    : scn_expected(p, r ? &v : NULL, "a variable name");
	n = lt_tmpl_env_var(&p->sc->env, v.s, v.n);
	if (n < 0)
		return scn_oom(p);
	*id = (size_t)n;
	return 0;
}

int
scn_need_eol(struct parser *p)
{
	struct word w;
	int r = scn_scan_word(p, &w);

	if (r < 0)
		return -1;
	if (r > 0)
		return scn_expected(p, &w, "end of line");
	return 0;
}

int
scn_is_method(const struct word *w)
{
	size_t i;

	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (scn_word_is(w, methods[i]))
			return 1;
	return 0;
}

const char *
scn_method_name(const struct word *w)
{
	size_t i;

	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (scn_word_is(w, methods[i]))
			return methods[i];
	return NULL;
}

long
scn_word_uint(const struct word *w)
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

int
scn_word_number(const struct word *w, double *out)
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

int
scn_word_duration(
    struct parser *p, const struct word *w, double *out_s, const char *what)
{
	if (w->quoted || lt_duration_parse(w->s, w->n, out_s) != 0)
		return scn_expected(p, w, what);
	return 0;
}

/* --- templates and paths ------------------------------------------------ */

int
scn_compile(struct parser *p, const struct word *w, enum lt_tmpl_enc enc,
    struct lt_tmpl **out)
{
	int col = 0;

	if (lt_tmpl_compile(&p->sc->env, w->s, w->n, enc, out, &col, p->err) ==
	    0)
		return 0;
	if (p->err->code == LT_EXIT_RUNTIME)
		return scn_oom(p);
	lt_err_prefix(p->err, "%s:%d:%zu: ", p->name, p->line,
	    w->col + (size_t)(col > 0 ? col - 1 : 0));
	return -1;
}

const char *
scn_resolve(struct parser *p, const struct word *w)
{
	char *s;
	size_t bl;

	if ((w->n > 0 && w->s[0] == '/') || p->basedir == NULL)
		return scn_wdup(p, w);
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

int
scn_read_all_fd(int fd, struct lt_buf *b)
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

int
scn_slurp(struct parser *p, const struct word *w, const char *path,
    const char **data, size_t *len)
{
	struct lt_buf b;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	char *d;

	if (fd < 0)
		return scn_perr(p, w->col, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return scn_perr(p, w->col, "%s: not a regular file", path);
	}
	lt_buf_init(&b, BODY_FILE_CAP);
	if (scn_read_all_fd(fd, &b) != 0) {
		int e = errno;

		close(fd);
		lt_buf_fini(&b);
		return scn_perr(p, w->col, "%s: %s", path, strerror(e));
	}
	close(fd);
	d = lt_arena_alloc(p->a, b.len + 1);
	if (d == NULL) {
		lt_buf_fini(&b);
		return scn_oom(p);
	}
	if (b.len > 0)
		memcpy(d, b.data, b.len);
	*data = d;
	*len = b.len;
	lt_buf_fini(&b);
	return 0;
}

int
scn_check_readable(struct parser *p, const struct word *w, const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return scn_perr(p, w->col, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return scn_perr(p, w->col, "%s: not a regular file", path);
	}
	close(fd);
	return 0;
}
