/*
 * evscan.c - the event line scanner; see evscan.h and lt-events(5).
 *
 * A single forward pass over "key": value pairs.  Known keys are found by
 * length and bytes and their values stored straight into struct lt_event;
 * unknown keys have their value skipped by an iterative walk whose nesting
 * is tracked in a 64-bit stack (one bit per level: object or array), so
 * depth is capped at 64 and no input can recurse.
 *
 * Strings are views into the line; one with escapes is decoded into the
 * scanner's scratch buffer.  A decoded string is never longer than its
 * escaped form, so scratch sized to the line once holds every string of
 * that line and never moves during a parse (views stay valid); it grows
 * only when a longer line with escapes arrives.
 *
 * Numbers are converted exactly from their decimal digits into scaled
 * integers (microseconds for ts and *_ms), rounding half away from zero:
 * no strtod, so no locale dependence and no binary rounding; exponents
 * (jq writes 1e-05) just move the decimal point.
 *
 * Every read is bounds-checked against the line length: the line is not
 * NUL-terminated.
 *
 * One file on purpose, past the ~800 lines of STYLE.md: it is lt-agg's
 * hottest loop (bench/evscan.sh), and the string and number scanners are
 * static inline helpers the compiler folds into scan_object(); split into
 * translation units they would stop inlining without LTO.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/evscan.h"

#define MAX_DEPTH 64

/*
 * Word-at-a-time (SWAR) scanning of plain string bytes and digits, eight
 * bytes per step, on little-endian machines (the first byte of the line
 * is the low byte of a loaded word); others take the byte loops only.
 * Loads never pass the end of the line: each is guarded by len - p >= 8.
 */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define EV_SWAR 1
#else
#define EV_SWAR 0
#endif

#define ONES  0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

static inline uint64_t
load64(const unsigned char *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof(w));
	return w;
}

/*
 * The high bit of each byte of w that is '"', '\\' or below 0x20.  Bytes
 * after the first such byte may be flagged wrongly (borrows), so only the
 * lowest flag counts.
 */
static inline uint64_t
stop_bytes(uint64_t w)
{
	uint64_t q = w ^ (ONES * '"'), b = w ^ (ONES * '\\');

	return (((q - ONES) & ~q) | ((b - ONES) & ~b) |
	           ((w - ONES * 0x20) & ~w)) &
	    HIGHS;
}

#define N_KNOWN  31 /* known keys (fields) */
#define NO_GUESS N_KNOWN
#define AT_START (N_KNOWN + 1)

/* A known key's text, `"key":`, as two words and their masks. */
struct keypat {
	uint64_t w[2], m[2];
	size_t n;
};

struct lt_evscan {
	char *scratch; /* decoded strings of the current line */
	size_t scratch_alloc;
	size_t scratch_used;
	struct lt_evcheck *chk; /* the current line's "checks" members */
	size_t chk_alloc;
	/*
	 * Key order prediction: next[i] is the field that followed field i
	 * (AT_START: the first key) in the last line that had it, NO_GUESS
	 * when none.  Producers write keys in a fixed order, so most keys are
	 * confirmed by comparing two words against pat[next[i]] instead of
	 * being scanned and looked up.  A confirmed key is byte for byte
	 * what the general path would have accepted; anything else takes
	 * the general path.
	 */
	unsigned char next[N_KNOWN + 2];
	struct keypat pat[N_KNOWN];
};

/* A parse in progress: the line, the position, the error sink. */
struct scan {
	struct lt_evscan *sc;
	const unsigned char *s;
	size_t len, p;
	struct lt_err *err;
};

enum kind {
	K_SKIP,
	K_STR,    /* string or null */
	K_NAME,   /* string, or a number kept as its text, or null */
	K_FIXED,  /* number scaled by 10^dec, or null */
	K_INT,    /* integral number, or null */
	K_BOOL,   /* true, false or null */
	K_OBJ,    /* raw text of an object, or null */
	K_ARR,    /* raw text of an array, or null */
	K_CHECKS, /* an object of string: true|false|null */
	K_TYPE,
	K_TS,
};

struct field {
	enum kind kind;
	int dec;
	size_t off; /* into struct lt_event */
	int id;     /* index in known[], or N_KNOWN for unknown keys */
};

#define F(k, d, m, i)                                                          \
	{                                                                      \
		k, d, offsetof(struct lt_event, m), i                          \
	}

static const struct field f_type = F(K_TYPE, 0, type_name, 0);
static const struct field f_ts = F(K_TS, 6, ts_us, 1);
static const struct field f_name = F(K_STR, 0, name, 2);
static const struct field f_method = F(K_STR, 0, method, 3);
static const struct field f_url = F(K_STR, 0, url, 4);
static const struct field f_error = F(K_STR, 0, error, 5);
static const struct field f_class = F(K_STR, 0, class_name, 6);
static const struct field f_status = F(K_INT, 0, status, 7);
static const struct field f_ok = F(K_BOOL, 0, ok, 8);
static const struct field f_latency = F(K_FIXED, 3, latency_us, 9);
static const struct field f_ttfb = F(K_FIXED, 3, ttfb_us, 10);
static const struct field f_connect = F(K_FIXED, 3, connect_us, 11);
static const struct field f_wait = F(K_FIXED, 3, wait_us, 12);
static const struct field f_bytes = F(K_INT, 0, bytes, 13);
static const struct field f_user = F(K_INT, 0, user, 14);
static const struct field f_count = F(K_INT, 0, count, 15);
static const struct field f_classes = F(K_OBJ, 0, classes, 16);
static const struct field f_phase = F(K_STR, 0, phase, 17);
static const struct field f_host = F(K_STR, 0, host, 18);
static const struct field f_reason = F(K_STR, 0, reason, 19);
static const struct field f_scenario = F(K_STR, 0, scenario, 20);
static const struct field f_options = F(K_OBJ, 0, options, 21);
static const struct field f_worker = F(K_NAME, 0, worker, 22);
static const struct field f_state = F(K_STR, 0, state, 23);
static const struct field f_ttft = F(K_FIXED, 3, ttft_us, 24);
static const struct field f_e2e = F(K_FIXED, 3, e2e_us, 25);
static const struct field f_out_tok = F(K_INT, 0, output_tokens, 26);
static const struct field f_in_tok = F(K_INT, 0, input_tokens, 27);
static const struct field f_itl = F(K_ARR, 0, itl_us, 28);
static const struct field f_checks = F(K_CHECKS, 0, checks, 29);
static const struct field f_bytes_sent = F(K_INT, 0, bytes_sent, 30);
static const struct field f_skip = { K_SKIP, 0, 0, N_KNOWN };

/* Each known key as written by lt-run: quoted, with its ':'. */
static const struct {
	const char *text;
	const struct field *f;
} known[N_KNOWN] = {
	{ "\"type\":", &f_type },
	{ "\"ts\":", &f_ts },
	{ "\"name\":", &f_name },
	{ "\"method\":", &f_method },
	{ "\"url\":", &f_url },
	{ "\"error\":", &f_error },
	{ "\"class\":", &f_class },
	{ "\"status\":", &f_status },
	{ "\"ok\":", &f_ok },
	{ "\"latency_ms\":", &f_latency },
	{ "\"ttfb_ms\":", &f_ttfb },
	{ "\"connect_ms\":", &f_connect },
	{ "\"wait_ms\":", &f_wait },
	{ "\"bytes\":", &f_bytes },
	{ "\"user\":", &f_user },
	{ "\"count\":", &f_count },
	{ "\"classes\":", &f_classes },
	{ "\"phase\":", &f_phase },
	{ "\"host\":", &f_host },
	{ "\"reason\":", &f_reason },
	{ "\"scenario\":", &f_scenario },
	{ "\"options\":", &f_options },
	{ "\"worker\":", &f_worker },
	{ "\"state\":", &f_state },
	{ "\"ttft_ms\":", &f_ttft },
	{ "\"e2e_ms\":", &f_e2e },
	{ "\"output_tokens\":", &f_out_tok },
	{ "\"input_tokens\":", &f_in_tok },
	{ "\"itl_us\":", &f_itl },
	{ "\"checks\":", &f_checks },
	{ "\"bytes_sent\":", &f_bytes_sent },
};

#define IS(lit) (memcmp(k, lit, sizeof(lit) - 1) == 0)

/* The field a key names, by length then bytes; f_skip when unknown. */
static const struct field *
lookup(const char *k, size_t n)
{
	switch (n) {
	case 2:
		return IS("ts") ? &f_ts : IS("ok") ? &f_ok : &f_skip;
	case 3:
		return IS("url") ? &f_url : &f_skip;
	case 4:
		if (IS("type"))
			return &f_type;
		if (IS("name"))
			return &f_name;
		if (IS("user"))
			return &f_user;
		return IS("host") ? &f_host : &f_skip;
	case 5:
		if (IS("error"))
			return &f_error;
		if (IS("bytes"))
			return &f_bytes;
		if (IS("class"))
			return &f_class;
		if (IS("count"))
			return &f_count;
		if (IS("phase"))
			return &f_phase;
		return IS("state") ? &f_state : &f_skip;
	case 6:
		if (IS("method"))
			return &f_method;
		if (IS("status"))
			return &f_status;
		if (IS("reason"))
			return &f_reason;
		if (IS("e2e_ms"))
			return &f_e2e;
		if (IS("itl_us"))
			return &f_itl;
		if (IS("checks"))
			return &f_checks;
		return IS("worker") ? &f_worker : &f_skip;
	case 7:
		if (IS("ttft_ms"))
			return &f_ttft;
		if (IS("ttfb_ms"))
			return &f_ttfb;
		if (IS("wait_ms"))
			return &f_wait;
		if (IS("classes"))
			return &f_classes;
		return IS("options") ? &f_options : &f_skip;
	case 8:
		return IS("scenario") ? &f_scenario : &f_skip;
	case 12:
		return IS("input_tokens") ? &f_in_tok : &f_skip;
	case 13:
		return IS("output_tokens") ? &f_out_tok : &f_skip;
	case 10:
		if (IS("latency_ms"))
			return &f_latency;
		if (IS("bytes_sent"))
			return &f_bytes_sent;
		return IS("connect_ms") ? &f_connect : &f_skip;
	default:
		return &f_skip;
	}
}

#undef IS

/* Fails the parse with "col N: why" (N is 1-based). */
static int
fail(struct scan *c, size_t at, const char *why)
{
	return lt_err_set(c->err, LT_EXIT_USAGE, "col %zu: %s", at + 1, why);
}

static void
skip_ws_slow(struct scan *c)
{
	while (c->p < c->len) {
		unsigned char ch = c->s[c->p];

		if (ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n')
			return;
		c->p++;
	}
}

/* Most tokens are not preceded by whitespace: one test, inlined. */
static inline void
skip_ws(struct scan *c)
{
	if (!(c->p < c->len && c->s[c->p] > ' '))
		skip_ws_slow(c);
}

/* The byte at the position, or 0 at the end of the line. */
static int
peek(const struct scan *c)
{
	return c->p < c->len ? c->s[c->p] : 0;
}

/* Consumes ch or fails with "expected ..." */
static int
expect(struct scan *c, int ch, const char *why)
{
	if (peek(c) != ch || c->p >= c->len)
		return fail(c, c->p, why);
	c->p++;
	return 0;
}

static int
hex4(const unsigned char *h, unsigned int *v)
{
	unsigned int x = 0, d;
	int i;

	for (i = 0; i < 4; i++) {
		if (h[i] >= '0' && h[i] <= '9')
			d = h[i] - '0';
		else if ((h[i] | 0x20) >= 'a' && (h[i] | 0x20) <= 'f')
			d = (unsigned int)((h[i] | 0x20) - 'a' + 10);
		else
			return -1;
		x = x << 4 | d;
	}
	*v = x;
	return 0;
}

static size_t
put_utf8(char *o, unsigned int cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Makes scratch hold a whole line's strings (see the file comment). */
static int
scratch_ready(struct scan *c)
{
	struct lt_evscan *sc = c->sc;
	char *n;

	if (sc->scratch_alloc >= c->len)
		return 0;
	n = realloc(sc->scratch, c->len);
	if (n == NULL)
		return lt_err_set(c->err, LT_EXIT_RUNTIME,
		    "out of memory for a %zu-byte line", c->len);
	/* Only before the first decoded string of this line: no view moves. */
	sc->scratch = n;
	sc->scratch_alloc = c->len;
	return 0;
}

/*
 * Decodes the escaped string whose body starts at `from` (after the
 * quote); the position is at its first backslash.  Appends to scratch
 * and sets *out.  Ends after the closing quote.
 */
static int
decode_string(struct scan *c, size_t from, struct lt_sv *out)
{
	const unsigned char *s = c->s;
	struct lt_evscan *sc = c->sc;
	char *o;
	size_t n;
	unsigned int cp, lo;

	if (sc->scratch_used == 0 && scratch_ready(c) != 0)
		return -1;
	o = sc->scratch + sc->scratch_used;
	n = c->p - from;
	memcpy(o, s + from, n);
	while (c->p < c->len) {
		unsigned char ch = s[c->p];

		if (ch == '"') {
			c->p++;
			out->ptr = o;
			out->len = n;
			sc->scratch_used += n;
			return 0;
		}
		if (ch < 0x20)
			return fail(c, c->p, "control character in string");
		if (ch != '\\') {
			o[n++] = (char)ch;
			c->p++;
			continue;
		}
		if (c->p + 1 >= c->len)
			break;
		switch (s[c->p + 1]) {
		case '"':
		case '\\':
		case '/':
			o[n++] = (char)s[c->p + 1];
			c->p += 2;
			continue;
		case 'b':
			o[n++] = '\b';
			c->p += 2;
			continue;
		case 'f':
			o[n++] = '\f';
			c->p += 2;
			continue;
		case 'n':
			o[n++] = '\n';
			c->p += 2;
			continue;
		case 'r':
			o[n++] = '\r';
			c->p += 2;
			continue;
		case 't':
			o[n++] = '\t';
			c->p += 2;
			continue;
		case 'u':
			break;
		default:
			return fail(c, c->p, "invalid escape in string");
		}
		if (c->len - c->p < 6 || hex4(s + c->p + 2, &cp) != 0)
			return fail(c, c->p, "invalid \\u escape in string");
		c->p += 6;
		if (cp >= 0xd800 && cp <= 0xdbff && c->len - c->p >= 6 &&
		    s[c->p] == '\\' && s[c->p + 1] == 'u' &&
		    hex4(s + c->p + 2, &lo) == 0 && lo >= 0xdc00 &&
		    lo <= 0xdfff) {
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			c->p += 6;
		} else if (cp >= 0xd800 && cp <= 0xdfff) {
			cp = 0xfffd; /* a lone surrogate */
		}
		n += put_utf8(o + n, cp);
	}
	return fail(c, from - 1, "unterminated string");
}

/* Bytes that end a plain run in a string: '"', '\\', control bytes. */
static const unsigned char stop[256] = {
	1,
	1,
	1,
	1,
	1,
	1,
	1,
	1,
	1,
	1,
	1,
	1,
	1,
	1,
	1,
	1, /* 0x00 */
	1,
	1,
	1,
	1,
	1,
	1,
	1,
	1,
	1,
	1,
	1,
	1,
	1,
	1,
	1,
	1, /* 0x10 */
	['"'] = 1,
	['\\'] = 1,
};

/*
 * The rest of scan_string: classifies bytes from the position on, in a
 * string whose body starts at `from`.
 */
static int
scan_string_slow(struct scan *c, size_t from, struct lt_sv *out)
{
	const unsigned char *s = c->s;
	size_t p = c->p, len = c->len;

	/* Plain bytes four at a time; the loop below classifies the rest. */
	while (len - p >= 4 && !stop[s[p]] && !stop[s[p + 1]] &&
	    !stop[s[p + 2]] && !stop[s[p + 3]])
		p += 4;
	while (p < len) {
		unsigned char ch = s[p];

		if (ch == '"') {
			out->ptr = (const char *)s + from;
			out->len = p - from;
			c->p = p + 1;
			return 0;
		}
		if (ch == '\\') {
			c->p = p;
			return decode_string(c, from, out);
		}
		if (ch < 0x20)
			return fail(c, p, "control character in string");
		p++;
	}
	return fail(c, from - 1, "unterminated string");
}

/*
 * Scans a string (position at its opening quote) into *out: a view into
 * the line, or into scratch when it has escapes.  Ends after the quote.
 * Inlined: the plain string closed within the line's words is the case
 * that matters.
 */
static inline __attribute__((always_inline)) int
scan_string(struct scan *c, struct lt_sv *out)
{
	size_t from = ++c->p;
#if EV_SWAR
	const unsigned char *s = c->s;
	size_t p = from, len = c->len;

	/* Plain bytes eight at a time, up to the first byte to classify. */
	while (len - p >= 8) {
		uint64_t m = stop_bytes(load64(s + p));

		if (m != 0) {
			p += (size_t)__builtin_ctzll(m) >> 3;
			if (s[p] == '"') {
				out->ptr = (const char *)s + from;
				out->len = p - from;
				c->p = p + 1;
				return 0;
			}
			break;
		}
		p += 8;
	}
	c->p = p;
#endif
	return scan_string_slow(c, from, out);
}

/* Skips a string without decoding it (for unknown values). */
static int
skip_string(struct scan *c)
{
	const unsigned char *s = c->s;
	size_t from = ++c->p, p = from, len = c->len;

	while (p < len) {
		unsigned char ch = s[p];

		if (ch == '"') {
			c->p = p + 1;
			return 0;
		}
		if (ch < 0x20)
			return fail(c, p, "control character in string");
		if (ch == '\\') {
			if (p + 1 >= len)
				break;
			ch = s[p + 1];
			if (ch == 'u') {
				unsigned int cp;

				if (len - p < 6 || hex4(s + p + 2, &cp) != 0)
					return fail(c, p,
					    "invalid \\u escape in string");
				p += 6;
				continue;
			}
			if (strchr("\"\\/bfnrt", ch) == NULL || ch == 0)
				return fail(c, p, "invalid escape in string");
			p += 2;
			continue;
		}
		p++;
	}
	return fail(c, from - 1, "unterminated string");
}

/* A JSON number's parts: digits before and after '.', the exponent. */
struct num {
	const unsigned char *ip, *fp;
	size_t ni, nf;
	int64_t exp;
	int neg;
};

static inline int
is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

/* Scans a number per RFC 8259 section 6 into *n. */
static int
scan_number(struct scan *c, struct num *n)
{
	const unsigned char *s = c->s;
	size_t p = c->p, len = c->len, start = c->p;
	int eneg = 0;

	n->neg = 0;
	n->nf = 0;
	n->fp = NULL;
	n->exp = 0;
	if (p < len && s[p] == '-') {
		n->neg = 1;
		p++;
	}
	n->ip = s + p;
	if (p >= len || !is_digit(s[p]))
		return fail(c, start, "invalid number");
	if (s[p] == '0') {
		p++;
	} else {
		while (p < len && is_digit(s[p]))
			p++;
	}
	n->ni = (size_t)(s + p - n->ip);
	if (p < len && s[p] == '.') {
		p++;
		n->fp = s + p;
		while (p < len && is_digit(s[p]))
			p++;
		n->nf = (size_t)(s + p - n->fp);
		if (n->nf == 0)
			return fail(c, p, "invalid number: digit expected");
	}
	if (p < len && (s[p] == 'e' || s[p] == 'E')) {
		p++;
		if (p < len && (s[p] == '+' || s[p] == '-'))
			eneg = s[p++] == '-';
		if (p >= len || !is_digit(s[p]))
			return fail(c, p, "invalid number: digit expected");
		while (p < len && is_digit(s[p])) {
			/* Saturate: beyond 1e9 only over/underflow matters. */
			if (n->exp < 1000000000)
				n->exp = n->exp * 10 + (s[p] - '0');
			p++;
		}
		if (eneg)
			n->exp = -n->exp;
	}
	c->p = p;
	return 0;
}

static int
digit_at(const struct num *n, int64_t k)
{
	if ((size_t)k < n->ni)
		return n->ip[k] - '0';
	return n->fp[(size_t)k - n->ni] - '0';
}

/*
 * Converts *n times 10^dec to an integer, rounding half away from zero.
 * Returns 0, 1 when out of range (|v| > INT64_MAX), or 2 when want_int
 * and the value has a fraction.
 */
static int
to_scaled(const struct num *n, int dec, int want_int, int64_t *out)
{
	int64_t total = (int64_t)(n->ni + n->nf);
	int64_t pos = (int64_t)n->ni + n->exp + dec, k, lim;
	uint64_t v = 0, d;

	lim = pos < total ? pos : total;
	for (k = 0; k < lim; k++) {
		d = (uint64_t)digit_at(n, k);
		if (v > ((uint64_t)INT64_MAX - d) / 10)
			return 1;
		v = v * 10 + d;
	}
	/* Trailing zeros implied by the exponent (nothing to do for 0). */
	for (; k < pos && v != 0; k++) {
		if (v > (uint64_t)INT64_MAX / 10)
			return 1;
		v *= 10;
	}
	k = pos < 0 ? 0 : pos;
	if (want_int) {
		for (; k < total; k++)
			if (digit_at(n, k) != 0)
				return 2;
	} else if (pos >= 0 && k < total && digit_at(n, k) >= 5) {
		if (v == (uint64_t)INT64_MAX)
			return 1;
		v++;
	}
	*out = n->neg ? -(int64_t)v : (int64_t)v;
	return 0;
}

static inline int
match_word(struct scan *c, const char *w, size_t n)
{
	if (c->len - c->p < n || memcmp(c->s + c->p, w, n) != 0)
		return fail(c, c->p, "invalid literal");
	c->p += n;
	return 0;
}

/* Scans a value that is null: returns 1 (and consumes it) or 0. */
static int
take_null(struct scan *c)
{
	if (peek(c) != 'n')
		return 0;
	if (c->len - c->p < 4 || memcmp(c->s + c->p, "null", 4) != 0)
		return 0;
	c->p += 4;
	return 1;
}

/*
 * Consumes a key string, the ':' and the whitespace around it; *key gets
 * the decoded key.
 */
static inline int
scan_key(struct scan *c, struct lt_sv *key)
{
	if (peek(c) != '"')
		return fail(c, c->p, "expected '\"' (a key)");
	if (scan_string(c, key) != 0)
		return -1;
	skip_ws(c);
	if (expect(c, ':', "expected ':'") != 0)
		return -1;
	skip_ws(c);
	return 0;
}

/* Scans one scalar value (not an object or array) without storing it. */
static int
skip_scalar(struct scan *c)
{
	struct num n;

	switch (peek(c)) {
	case '"':
		return skip_string(c);
	case 't':
		return match_word(c, "true", 4);
	case 'f':
		return match_word(c, "false", 5);
	case 'n':
		return match_word(c, "null", 4);
	default:
		if (peek(c) == '-' || is_digit(peek(c)))
			return scan_number(c, &n);
		if (c->p >= c->len)
			return fail(c, c->p, "unexpected end of line");
		return fail(c, c->p, "expected a value");
	}
}

/*
 * Skips any JSON value iteratively.  stack bit i is 1 when level i is an
 * object; `depth` levels are open.
 */
static int
skip_value(struct scan *c)
{
	uint64_t stack = 0;
	int depth = 0, ch, obj;
	struct lt_sv key;

	for (;;) {
		/* A value is expected here. */
		ch = peek(c);
		if (ch == '{' || ch == '[') {
			if (depth == MAX_DEPTH)
				return fail(c, c->p, "nesting deeper than 64");
			obj = ch == '{';
			stack = stack << 1 | (uint64_t)obj;
			depth++;
			c->p++;
			skip_ws(c);
			if (peek(c) == (obj ? '}' : ']')) {
				c->p++;
				stack >>= 1;
				depth--;
			} else {
				if (obj && scan_key(c, &key) != 0)
					return -1;
				continue;
			}
		} else if (skip_scalar(c) != 0) {
			return -1;
		}
		/* After a value: close levels until a ',' opens another. */
		for (;;) {
			if (depth == 0)
				return 0;
			obj = (int)(stack & 1);
			skip_ws(c);
			ch = peek(c);
			if (c->p < c->len && ch == ',') {
				c->p++;
				skip_ws(c);
				if (obj && scan_key(c, &key) != 0)
					return -1;
				break;
			}
			if (c->p < c->len && ch == (obj ? '}' : ']')) {
				c->p++;
				stack >>= 1;
				depth--;
				continue;
			}
			return fail(c, c->p,
			    obj ? "expected ',' or '}'"
			        : "expected ',' or ']'");
		}
	}
}

/* Names the key in an error about its value: "col N: "status": why". */
static int
fail_key(struct scan *c, size_t at, const struct lt_sv *key, const char *why)
{
	int klen = key->len > 40 ? 40 : (int)key->len;

	return lt_err_set(c->err, LT_EXIT_USAGE, "col %zu: \"%.*s\": %s",
	    at + 1, klen, key->ptr, why);
}

/*
 * Appends the digits at s[*pp..len) to *v (v * 10 + digit each) and moves
 * *pp past them.  Returns their count; stops at 19 (the caller then gives
 * up: *v may have wrapped, harmlessly, as unsigned).  One bound covers
 * both the end of the line and the count.
 */
static inline int
read_digits(const unsigned char *s, size_t *pp, size_t len, uint64_t *v)
{
	size_t p = *pp, from = *pp;
	size_t lim = len - p > 19 ? p + 19 : len;
	uint64_t acc = *v;
	unsigned int d;

	while (p < lim && (d = (unsigned int)s[p] - '0') < 10) {
		acc = acc * 10 + d;
		p++;
	}
	*pp = p;
	*v = acc;
	return (int)(p - from);
}

/*
 * The common case in one pass: -?digits(.digits)? with at most dec
 * decimals and at most 18 digits once scaled, so it cannot overflow.
 * Returns 1 with *out set and the position moved, or 0 (nothing consumed)
 * when the general path must decide: exponents, more decimals, leading
 * zeros, malformed text.
 */
static inline int
fast_scaled(struct scan *c, int dec, int64_t *out)
{
	const unsigned char *s = c->s;
	size_t p = c->p, len = c->len;
	int neg = 0, nd, fd = 0;
	uint64_t v = 0;

	if (p < len && s[p] == '-') {
		neg = 1;
		p++;
	}
	if (p >= len || !is_digit(s[p]) ||
	    (s[p] == '0' && p + 1 < len && is_digit(s[p + 1])))
		return 0;
	nd = read_digits(s, &p, len, &v);
	if (nd > 18)
		return 0;
	if (p < len && s[p] == '.') {
		p++;
		fd = read_digits(s, &p, len, &v);
		if (fd == 0 || fd > dec)
			return 0;
	}
	if (p < len && (s[p] == 'e' || s[p] == 'E'))
		return 0;
	if (nd + dec > 18)
		return 0;
	for (; fd < dec; fd++)
		v *= 10;
	*out = neg ? -(int64_t)v : (int64_t)v;
	c->p = p;
	return 1;
}

/* Scans a number into a field scaled by 10^dec (want_int: exact). */
static int
scan_scaled(struct scan *c, const struct lt_sv *key, int dec, int want_int,
    int64_t *out)
{
	size_t at = c->p;
	struct num n;
	int rc;

	if (peek(c) != '-' && !is_digit(peek(c)))
		return fail_key(c, at, key, "expected a number");
	if (fast_scaled(c, dec, out))
		return 0;
	if (scan_number(c, &n) != 0)
		return -1;
	rc = to_scaled(&n, dec, want_int, out);
	if (rc == 1)
		return fail_key(c, at, key, "number out of range");
	if (rc == 2)
		return fail_key(c, at, key, "expected an integer");
	return 0;
}

/* One more member for sc->chk: 0, or -1 when memory runs out. */
static int
chk_grow(struct scan *c, size_t n)
{
	struct lt_evscan *sc = c->sc;
	size_t want = sc->chk_alloc ? sc->chk_alloc * 2 : 16;
	struct lt_evcheck *v;

	if (n < sc->chk_alloc)
		return 0;
	v = realloc(sc->chk, want * sizeof(*v));
	if (v == NULL)
		return lt_err_set(c->err, LT_EXIT_RUNTIME,
		    "out of memory for a line's checks");
	sc->chk = v;
	sc->chk_alloc = want;
	return 0;
}

/*
 * The "checks" object of a req event: each member a check's label and
 * true or false (null: as if absent).  A repeated "checks" key replaces
 * the earlier one, as for every other key.
 */
static int
scan_checks(struct scan *c, const struct lt_sv *key, struct lt_event *ev)
{
	size_t at = c->p, n = 0;
	struct lt_sv label;
	int ok;

	ev->n_checks = 0;
	if (peek(c) != '{')
		return fail_key(c, at, key, "expected an object");
	c->p++;
	skip_ws(c);
	if (peek(c) == '}') {
		c->p++;
		return 0;
	}
	for (;;) {
		if (scan_key(c, &label) != 0)
			return -1;
		at = c->p;
		if (take_null(c))
			ok = -1;
		else if (peek(c) == 't' && match_word(c, "true", 4) == 0)
			ok = 1;
		else if (peek(c) == 'f' && match_word(c, "false", 5) == 0)
			ok = 0;
		else
			return fail_key(c, at, key, "expected true or false");
		if (ok >= 0) {
			if (chk_grow(c, n) != 0)
				return -1;
			c->sc->chk[n].label = label;
			c->sc->chk[n].ok = ok;
			n++;
		}
		skip_ws(c);
		if (peek(c) == ',' && c->p < c->len) {
			c->p++;
			skip_ws(c);
			continue;
		}
		if (peek(c) == '}' && c->p < c->len) {
			c->p++;
			break;
		}
		return fail(c, c->p, "expected ',' or '}'");
	}
	ev->checks = c->sc->chk;
	ev->n_checks = n;
	return 0;
}

/* Scans the value of a known key into the event. */
static int
scan_field(struct scan *c, const struct field *f, const struct lt_sv *key,
    struct lt_event *ev)
{
	char *base = (char *)ev;
	struct lt_sv *sv = (struct lt_sv *)(void *)(base + f->off);
	int64_t *num = (int64_t *)(void *)(base + f->off);
	size_t at = c->p;
	if (f->kind == K_SKIP)
		return skip_value(c);
	if (take_null(c)) {
		if (f->kind == K_CHECKS) {
			ev->n_checks = 0;
			return 0;
		}
		if (f->kind == K_TYPE || f->kind == K_TS)
			return fail_key(c, at, key, "must not be null");
		if (f->kind == K_BOOL)
			ev->ok = -1;
		else if (f->kind == K_FIXED || f->kind == K_INT)
			*num = LT_EV_ABSENT;
		else
			sv->ptr = NULL, sv->len = 0;
		return 0;
	}
	switch (f->kind) {
	case K_NAME:
		if (peek(c) == '-' || (peek(c) >= '0' && peek(c) <= '9')) {
			if (skip_value(c) != 0)
				return -1;
			sv->ptr = (const char *)c->s + at;
			sv->len = c->p - at;
			return 0;
		}
		if (peek(c) != '"')
			return fail_key(
			    c, at, key, "expected a string or a number");
		return scan_string(c, sv);
	case K_TYPE:
	case K_STR:
		if (peek(c) != '"')
			return fail_key(c, at, key, "expected a string");
		return scan_string(c, sv);
	case K_TS:
	case K_FIXED:
		return scan_scaled(c, key, f->dec, 0, num);
	case K_INT:
		return scan_scaled(c, key, 0, 1, num);
	case K_BOOL:
		if (peek(c) == 't' && match_word(c, "true", 4) == 0)
			ev->ok = 1;
		else if (peek(c) == 'f' && match_word(c, "false", 5) == 0)
			ev->ok = 0;
		else
			return fail_key(c, at, key, "expected true or false");
		return 0;
	case K_OBJ:
		if (peek(c) != '{')
			return fail_key(c, at, key, "expected an object");
		if (skip_value(c) != 0)
			return -1;
		sv->ptr = (const char *)c->s + at;
		sv->len = c->p - at;
		return 0;
	case K_CHECKS:
		return scan_checks(c, key, ev);
	case K_ARR:
		if (peek(c) != '[')
			return fail_key(c, at, key, "expected an array");
		if (skip_value(c) != 0)
			return -1;
		sv->ptr = (const char *)c->s + at;
		sv->len = c->p - at;
		return 0;
	default:
		return skip_value(c);
	}
}

static void
event_clear(struct lt_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = LT_EV_UNKNOWN;
	ev->ts_us = LT_EV_ABSENT;
	ev->status = LT_EV_ABSENT;
	ev->ok = -1;
	ev->latency_us = ev->ttfb_us = ev->connect_us = LT_EV_ABSENT;
	ev->wait_us = LT_EV_ABSENT;
	ev->bytes = ev->user = ev->count = LT_EV_ABSENT;
	ev->bytes_sent = LT_EV_ABSENT;
	ev->ttft_us = ev->e2e_us = LT_EV_ABSENT;
	ev->output_tokens = ev->input_tokens = LT_EV_ABSENT;
}

static int
sv_is(const struct lt_sv *sv, const char *lit, size_t n)
{
	return sv->len == n && memcmp(sv->ptr, lit, n) == 0;
}

/* Checks the required fields and classifies the type. */
static int
finish(struct scan *c, struct lt_event *ev)
{
	const struct lt_sv *t = &ev->type_name;

	if (t->ptr == NULL)
		return lt_err_set(c->err, LT_EXIT_USAGE, "missing \"type\"");
	if (ev->ts_us == LT_EV_ABSENT)
		return lt_err_set(c->err, LT_EXIT_USAGE, "missing \"ts\"");
	if (sv_is(t, "req", 3))
		ev->type = LT_EV_REQ;
	else if (sv_is(t, "users", 5))
		ev->type = LT_EV_USERS;
	else if (sv_is(t, "run", 3))
		ev->type = LT_EV_RUN;
	else if (sv_is(t, "worker", 6))
		ev->type = LT_EV_WORKER;
	else if (sv_is(t, "drop", 4))
		ev->type = LT_EV_DROP;
	if (ev->type == LT_EV_REQ) {
		if (ev->name.ptr == NULL)
			return lt_err_set(c->err, LT_EXIT_USAGE,
			    "req event without \"name\"");
		if (ev->method.ptr == NULL) {
			ev->method.ptr = "";
			ev->method.len = 0;
		}
	}
	return 0;
}

/* Whether the line at the position starts with pattern k (16 bytes left). */
static inline int
key_is(const unsigned char *s, const struct keypat *k)
{
	return (((load64(s) ^ k->w[0]) & k->m[0]) |
	           ((load64(s + 8) ^ k->w[1]) & k->m[1])) == 0;
}

/* Walks the top-level object's pairs. */
static int
scan_object(struct scan *c, struct lt_event *ev)
{
	struct lt_evscan *sc = c->sc;
	struct lt_sv key;
	const struct field *f;
	unsigned int prev = AT_START, g;

	skip_ws(c);
	if (c->p >= c->len)
		return fail(c, c->p, c->p == 0 ? "empty line" : "blank line");
	if (peek(c) != '{')
		return fail(c, c->p, "expected '{' (an event object)");
	c->p++;
	skip_ws(c);
	if (c->p < c->len && peek(c) == '}') {
		c->p++;
		return 0;
	}
	for (;;) {
		g = sc->next[prev];
		if (g != NO_GUESS && c->len - c->p >= 16 &&
		    key_is(c->s + c->p, &sc->pat[g])) {
			f = known[g].f;
			key.ptr = (const char *)c->s + c->p + 1;
			key.len = sc->pat[g].n - 3;
			c->p += sc->pat[g].n;
			skip_ws(c);
		} else {
			skip_ws(c);
			if (scan_key(c, &key) != 0)
				return -1;
			f = lookup(key.ptr, key.len);
			sc->next[prev] = (unsigned char)f->id;
		}
		prev = (unsigned int)f->id;
		if (scan_field(c, f, &key, ev) != 0)
			return -1;
		/* a ',' right after the value; whitespace before the next key
		   is skipped above, when its prediction fails */
		if (c->p < c->len && c->s[c->p] == ',') {
			c->p++;
			continue;
		}
		skip_ws(c);
		if (c->p < c->len && peek(c) == ',') {
			c->p++;
			continue;
		}
		if (c->p < c->len && peek(c) == '}') {
			c->p++;
			return 0;
		}
		return fail(c, c->p,
		    c->p >= c->len
		        ? "unexpected end of line, expected ',' or '}'"
		        : "expected ',' or '}'");
	}
}

struct lt_evscan *
lt_evscan_new(void)
{
	struct lt_evscan *sc = calloc(1, sizeof(*sc));
	unsigned char b[16];

	if (sc == NULL)
		return NULL;
	memset(sc->next, NO_GUESS, sizeof(sc->next));
	for (int i = 0; i < N_KNOWN; i++) {
		struct keypat *k = &sc->pat[i];

		k->n = strlen(known[i].text);
		memset(b, 0, sizeof(b));
		memcpy(b, known[i].text, k->n);
		memcpy(k->w, b, sizeof(b));
		memset(b, 0, sizeof(b));
		memset(b, 0xff, k->n);
		memcpy(k->m, b, sizeof(b));
	}
	return sc;
}

void
lt_evscan_free(struct lt_evscan *sc)
{
	if (sc == NULL)
		return;
	free(sc->scratch);
	free(sc->chk);
	free(sc);
}

int
lt_evscan_parse(struct lt_evscan *sc, const char *line, size_t len,
    struct lt_event *ev, struct lt_err *err)
{
	struct scan c = { sc, (const unsigned char *)line, len, 0, err };

	sc->scratch_used = 0;
	event_clear(ev);
	if (scan_object(&c, ev) != 0)
		return -1;
	skip_ws(&c);
	if (c.p < c.len)
		return fail(&c, c.p, "unexpected text after the object");
	return finish(&c, ev);
}
