/*
 * tmpl.h - templates: "${...}" substitutions in URLs, headers and bodies.
 *
 * A template is compiled once, when the scenario is loaded, into a list of
 * parts (literal text, a user variable, a builtin such as ${random 1 9}),
 * and expanded per request into a caller's lt_buf without allocating once
 * the buffers have grown to their working size.  Errors in a template
 * (an unknown builtin, bad arguments) are found at load time, with the
 * line and column of the offending "${".
 *
 * Syntax (lt-scenario(5)):
 *   ${NAME}              user variable (set, or saved from a response);
 *                        unset at run time: expands to "" and is counted
 *   ${user}              the user id (0, 1, 2...)
 *   ${class}             the user class name
 *   ${seq}               the user's iteration counter (0 in on_start)
 *   ${random A B}        a uniform integer in [A, B]
 *   ${choice a b c}      one of the words, uniformly
 *   ${uuid}              a random version-4 UUID
 *   ${env NAME}          the environment variable, read at load time
 *   ${data SRC}          the next line of a data source (shared by all
 *   ${data SRC COLUMN}   users, round robin, circular); COLUMN is a CSV
 *                        column name (first line is the header) or number
 *   ${time} ${ts_ms}     Unix time in seconds / milliseconds
 *   $${                  a literal "${"
 * A "$" not followed by "{" is literal.  Within one iteration of a user
 * (same ${seq}) every reference to the same data source reads the same
 * row, so "${data users name}" and "${data users password}" match.
 *
 * Threading: compiled templates are read-only after load, except for the
 * data sources' shared row counters, which use atomic increments (several
 * event-loop threads may expand templates of one scenario).
 */
#ifndef LT_TMPL_H
#define LT_TMPL_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/rng.h"

/* How substituted (non-literal) text is encoded into the output. */
enum lt_tmpl_enc {
	LT_ENC_NONE = 0, /* as is (inline bodies) */
	LT_ENC_URL,      /* percent-encoded (query values, form bodies) */
	LT_ENC_JSON,     /* JSON, by context (json bodies): see below */
	LT_ENC_HEADER,   /* CR and LF removed (header values) */
	LT_ENC_URI,      /* a request URL, by context: see below */
	/* Per-part encodings chosen at compile time (lt_tmpl_part.enc): */
	LT_ENC_URL_SEG,    /* a path segment: all but unreserved and
			      ":@!$'()*,;" percent-encoded */
	LT_ENC_URL_RAW,    /* URL text: only bytes never valid in a URL
			      (controls, blank, non-ASCII, "<>\\^`{|})
			      percent-encoded */
	LT_ENC_JSON_VALUE, /* outside a JSON string: JSON text (a number,
			      true, false, null, an object or array) as is,
			      anything else as a quoted JSON string */
};

/*
 * LT_ENC_URI: literal text is kept as written except bytes never valid in
 * a URL (LT_ENC_URL_RAW, so raw UTF-8 is sent as %C3%BC); a template at
 * the very start (a saved URL or path) is LT_ENC_URL_RAW too; other
 * templates are LT_ENC_URL_SEG before the first literal '?' or '#' and
 * LT_ENC_URL after it.  LT_ENC_JSON: templates inside a JSON string of
 * the literal text are JSON-escaped, outside one LT_ENC_JSON_VALUE, so
 * the body stays valid JSON whatever the variables hold.
 */

enum lt_tmpl_part_kind {
	LT_TP_LIT, /* text, len */
	LT_TP_VAR, /* var: index into the variable table */
	LT_TP_USER,
	LT_TP_CLASS,
	LT_TP_SEQ,
	LT_TP_RANDOM, /* lo, hi */
	LT_TP_CHOICE, /* words, nwords */
	LT_TP_UUID,
	LT_TP_DATA, /* data, column (-1: whole line) */
	LT_TP_TIME,
	LT_TP_TS_MS,
};

/*
 * A data source: the rows of a file, read at load time.  Shared by all
 * users: each draw takes the next row (an atomic counter), wrapping around
 * at the end, like a circular Gatling feeder.
 */
struct lt_data {
	const char *name;     /* as declared, or the file name */
	const char *path;     /* resolved path */
	int header;           /* first line named the columns (not a row) */
	const char **columns; /* column names when header */
	size_t ncolumns;
	const char **rows; /* each row as read, without the newline */
	size_t *row_len;
	size_t nrows;        /* >= 1 */
	const char ***cells; /* cells[row][col]: CSV-split, unquoted */
	size_t **cell_len;
	size_t *ncells; /* cells in each row */
	size_t index;   /* position in the scenario's data table */
	uint64_t next;  /* shared counter: atomic fetch-and-add */
	/* --segment I/N: draw k takes row first + k*stride (mod nrows), so
	 * N processes deal the rows out without overlap (stride 0: 1) */
	uint64_t first, stride;
};

struct lt_tmpl_part {
	enum lt_tmpl_part_kind kind;
	enum lt_tmpl_enc enc; /* how this part's value is encoded */
	const char *text;     /* LT_TP_LIT */
	size_t len;
	size_t var;         /* LT_TP_VAR */
	int64_t lo, hi;     /* LT_TP_RANDOM */
	const char **words; /* LT_TP_CHOICE */
	size_t *word_len;
	size_t nwords;
	struct lt_data *data; /* LT_TP_DATA */
	int column;           /* LT_TP_DATA: 0-based, -1 for the whole row */
};

struct lt_tmpl {
	const char *src; /* the source text, as written */
	enum lt_tmpl_enc enc;
	struct lt_tmpl_part *parts;
	size_t nparts;
	int literal;     /* only literal text: see lt_tmpl_literal */
	const char *lit; /* when literal: the whole text, NUL-terminated */
	size_t lit_len;
};

/*
 * The compile-time environment: where variable names and data sources are
 * interned (their index is what compiled parts and struct lt_vars use).
 * The scenario loader owns one; tests may make their own.  All storage
 * comes from arena.
 */
struct lt_tmpl_env {
	struct lt_arena *arena;
	const char **vars; /* variable names, index = variable id */
	size_t nvars, vars_cap;
	struct lt_data **datas; /* data sources, index = lt_data.index */
	size_t ndatas, datas_cap;
	const char *basedir; /* relative data file paths start here */
	/* ${env NAME} lookup; NULL means getenv(3) */
	const char *(*getenv)(const char *name);
};

/* Initialises env over arena (basedir "." unless set afterwards). */
void lt_tmpl_env_init(struct lt_tmpl_env *env, struct lt_arena *arena);

/* Returns the id of variable name (n bytes), adding it; -1 on ENOMEM. */
long lt_tmpl_env_var(struct lt_tmpl_env *env, const char *name, size_t n);

/* Returns the data source called name, or NULL. */
struct lt_data *lt_tmpl_env_data(struct lt_tmpl_env *env, const char *name);

/* Adds a loaded data source (sets d->index).  Returns 0 or -1 (ENOMEM). */
int lt_tmpl_env_add_data(struct lt_tmpl_env *env, struct lt_data *d);

/*
 * Compiles the n bytes at src into *out (arena storage).  Returns 0, or
 * -1 with err set to "COL: expected ..." where COL is the 1-based byte
 * offset in src of the error (the scenario parser turns it into
 * file:line:col).  err->code is LT_EXIT_USAGE for bad input.
 */
int lt_tmpl_compile(struct lt_tmpl_env *env, const char *src, size_t n,
    enum lt_tmpl_enc enc, struct lt_tmpl **out, int *err_col,
    struct lt_err *err);

/* Returns the text of a template made only of literals, or NULL. */
const char *lt_tmpl_literal(const struct lt_tmpl *t, size_t *len);

/*
 * Loads a data source from path (arena storage; all rows read at once).
 * header: 1 when the first line names the columns.  Returns 0 or -1 with
 * err ("path: empty data file", "path: No such file or directory").
 */
int lt_data_load(struct lt_arena *a, const char *name, const char *path,
    int header, struct lt_data **out, struct lt_err *err);

/*
 * A user's variables and per-iteration data rows.  One per simulated
 * user, owned by the engine.  Values grow in place (lt_buf) so after the
 * first few iterations setting one does not allocate.
 */
struct lt_vars {
	struct lt_buf *val; /* nvars values */
	unsigned char *set; /* nvars flags: value has been set */
	size_t nvars;
	size_t *row;       /* ndatas: the row drawn this iteration */
	uint64_t *row_seq; /* ndatas: seq + 1 of the draw, 0 = none */
	size_t ndatas;
};

/* Initialises v for nvars variables and ndatas data sources.  0 or -1. */
int lt_vars_init(struct lt_vars *v, size_t nvars, size_t ndatas);

/* Frees v's storage. */
void lt_vars_fini(struct lt_vars *v);

/* Sets variable i to the n bytes at p.  Returns 0 or -1 (ENOMEM/cap). */
int lt_vars_set(struct lt_vars *v, size_t i, const char *p, size_t n);

/* Returns variable i's value (NUL-terminated) and length, or NULL if unset. */
const char *lt_vars_get(const struct lt_vars *v, size_t i, size_t *len);

/* Marks every variable unset (a user restarting). */
void lt_vars_clear(struct lt_vars *v);

/* Everything an expansion may read; filled by the engine per user. */
struct lt_tmpl_ctx {
	uint64_t user;          /* ${user} */
	const char *class_name; /* ${class} */
	uint64_t seq;           /* ${seq}: the user's iteration counter */
	int64_t now_us;         /* ${time}, ${ts_ms}: CLOCK_REALTIME, in us */
	struct lt_vars *vars;
	struct lt_rng *rng;
	const char *const *var_names; /* for messages: the name table */
	/* out: unset variables met since the caller last zeroed it */
	unsigned missing;
	size_t missing_var; /* the first unset variable's index */
};

/*
 * Appends the expansion of t to out (encoded per t->enc).  Returns 0, or
 * -1 when out reached its cap.  Unset variables expand to "" and bump
 * ctx->missing.  Runs on the user's loop thread; does not allocate once
 * out has grown.
 */
int lt_tmpl_expand(
    const struct lt_tmpl *t, struct lt_tmpl_ctx *ctx, struct lt_buf *out);

/*
 * Writes the reason to fail a request whose templates met unset
 * variables (ctx->missing > 0) into reason (reset first):
 * "check: variable token is not set" (plus " (and N more)").  Returns 0,
 * or -1 when ctx->missing is 0.  The engine decides whether an unset
 * variable fails the request; lt-run does, so a login that failed does
 * not go unnoticed in the requests that needed its token.
 */
int lt_tmpl_missing_reason(
    const struct lt_tmpl_ctx *ctx, struct lt_buf *reason);

/*
 * Appends the n bytes at p to out encoded per enc (the helper expansion
 * uses; also for the engine's own encoding needs).  Returns 0 or -1.
 */
int lt_tmpl_encode(
    struct lt_buf *out, const char *p, size_t n, enum lt_tmpl_enc enc);

/*
 * Returns 1 when s[0..n) is a variable name (a letter or '_', then
 * letters, digits or '_'), 0 otherwise.  The scenario parser uses the same
 * rule for `set` and `save` so that every saved name can be templated.
 */
int lt_tmpl_is_ident(const char *s, size_t n);

#endif
