/*
 * scenario.h - the parsed scenario: who the simulated users are and what
 * they do (lt-scenario(5) documents the language).
 *
 * lt_scenario_load() reads a file (or stdin, or the output of an
 * executable file), and builds an arena-allocated, read-only tree:
 *
 *   struct lt_scenario
 *     classes[]            user classes: weight or fixed count, wait kind
 *       on_start[]         steps run once when a user starts
 *       tasks              the root group: weighted tasks, each a step or
 *         tasks[]          a nested group (weighted, or a sequence)
 *       on_stop[]          steps run once when a user stops
 *
 * Everything a request needs is resolved at load: inherited settings
 * (scenario -> class -> group -> request: headers, timeout, redirects,
 * auth, TLS, gzip, http2, expectations) are copied down into each
 * struct lt_http, templates are compiled, regexes compiled, files read.
 * The engine walks the tree with struct lt_cursor (below), so it never
 * interprets the language itself.
 *
 * Errors are "file:line:col: expected ..., got '...'" in err->msg with
 * err->code LT_EXIT_USAGE (2); an unreadable file or a failing generator
 * is also LT_EXIT_USAGE; ENOMEM is LT_EXIT_RUNTIME.
 *
 * Threading: after load (and lt_scenario_filter_tags) the tree is
 * read-only and may be shared by several loop threads; only data source
 * counters change (atomically, see tmpl.h).
 */
#ifndef LT_SCENARIO_H
#define LT_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "run/check.h"
#include "core/err.h"
#include "core/rng.h"
#include "run/tmpl.h"

/* Groups nest at most this deep (a parse error beyond). */
#define LT_SCENARIO_MAX_DEPTH 8
/* Default per-request timeout when the scenario sets none. */
#define LT_SCENARIO_DEFAULT_TIMEOUT_MS 60000

enum lt_wait_kind {
	LT_WAIT_NONE = 0,   /* no think time (Locust's default) */
	LT_WAIT_BETWEEN,    /* uniform in [a_s, b_s] */
	LT_WAIT_CONSTANT,   /* a_s */
	LT_WAIT_PACING,     /* an iteration starts every a_s seconds:
				   wait = max(0, a_s - iteration time) */
	LT_WAIT_THROUGHPUT, /* per_s iterations/s per user: pacing with
				   a_s = 1 / per_s */
};

/* Think time, applied after each iteration (see struct lt_cursor). */
struct lt_wait {
	enum lt_wait_kind kind;
	double a_s, b_s; /* seconds */
	double per_s;    /* LT_WAIT_THROUGHPUT: as written */
	int each;        /* "each" (between, constant): also between the
			    requests and commands of one iteration, as
			    Locust waits after every task of a
			    SequentialTaskSet; the cursor yields a pause */
};

enum lt_body_kind {
	LT_BODY_NONE = 0,
	LT_BODY_INLINE, /* body "text": template, sent as is */
	LT_BODY_JSON,   /* json {...}: template, values JSON-escaped */
	LT_BODY_FORM,   /* form a=b&c=d: template, values %-encoded */
	LT_BODY_FILE,   /* body @file: bytes read at load */
};

enum lt_auth_kind {
	LT_AUTH_NONE = 0,
	LT_AUTH_BASIC, /* user, pass: e.g. CURLOPT_USERNAME/PASSWORD
				   with CURLAUTH_BASIC */
	/* "auth bearer T" becomes an "Authorization: Bearer T" header */
};

enum lt_stream_kind {
	LT_STREAM_NONE = 0,
	LT_STREAM_SSE,   /* text/event-stream: count events, time the
				   first one */
	LT_STREAM_OPENAI /* SSE of OpenAI-compatible chat/completions:
			    tokens, TTFT, gaps (run/llm.h) */
};

/* A request header: the name is literal, the value a template. */
struct lt_header {
	const char *name; /* as written, e.g. "Content-Type" */
	size_t name_len;
	struct lt_tmpl *value; /* LT_ENC_HEADER */
};

struct lt_tls {
	int insecure;       /* tls insecure: no peer/host verification */
	const char *cafile; /* resolved paths or NULL */
	const char *cert;
	const char *key;
};

/* An HTTP request step, with every inherited setting resolved. */
struct lt_http {
	const char *method;  /* "GET", "POST"... (upper case) */
	struct lt_tmpl *url; /* a path ("/x") or absolute URL; LT_ENC_URI */
	int url_absolute;    /* the template starts with http:// or https:// */
	struct lt_tmpl **query; /* "k=v" pairs, values %-encoded; joined with
				   '&' after '?' (or '&' when the URL has a
				   query) by lt_http_url() */
	size_t nquery;
	struct lt_header *headers; /* inherited first, then the step's; a
					   later header with the same name
					   replaces the earlier one.  Includes
					   Content-Type for json/form bodies
					   and Authorization for auth bearer. */
	size_t nheaders;
	enum lt_body_kind body_kind;
	struct lt_tmpl *body;  /* INLINE, JSON, FORM */
	const char *body_data; /* FILE: the bytes (may hold NULs) */
	size_t body_len;
	const char *body_path; /* FILE: resolved path */
	long timeout_ms;       /* whole request; 0 means none */
	int follow_redirects;  /* default 1 */
	int gzip;              /* ask for and decode compressed bodies */
	int http2;             /* allow HTTP/2 (negotiated) */
	enum lt_auth_kind auth;
	struct lt_tmpl *auth_user; /* LT_AUTH_BASIC */
	struct lt_tmpl *auth_pass;
	struct lt_tls tls;
	enum lt_stream_kind stream;
	long stream_timeout_ms; /* no event for this long: a stall; 0: none */
};

/* An exec step: a command run without a shell, recorded as a request. */
struct lt_exec {
	struct lt_tmpl **argv; /* words; argv[0] looked up in PATH */
	size_t argc;           /* >= 1 */
	long timeout_ms;       /* 0: none (the run's stop still ends it) */
	int output_json;       /* merge its first stdout line (a JSON object)
				   into the event */
};

enum lt_step_kind {
	LT_STEP_HTTP,
	LT_STEP_EXEC,
	LT_STEP_SLEEP, /* sleep S: pause inside a sequence */
	LT_STEP_SET,   /* set VAR VALUE at this point of the flow */
};

struct lt_step {
	enum lt_step_kind kind;
	int line;                /* where it was written */
	const char *name;        /* grouping name for events: "name X", or the
				   URL/command as written */
	const char *name_clear;  /* the default name with the credentials
				   that name lost kept (--show-secrets);
				   NULL when name has none taken out */
	const char *const *tags; /* effective tags: own and inherited */
	size_t ntags;
	struct lt_http *http;      /* LT_STEP_HTTP */
	struct lt_exec *exec;      /* LT_STEP_EXEC */
	double sleep_s;            /* LT_STEP_SLEEP */
	size_t set_var;            /* LT_STEP_SET: variable id */
	struct lt_tmpl *set_value; /* LT_STEP_SET: LT_ENC_NONE */
	struct lt_checks checks;   /* HTTP and EXEC (body = stdout,
					   status = exit status) */
};

enum lt_group_kind {
	LT_GROUP_WEIGHTED, /* each pass runs one child, picked by weight */
	LT_GROUP_SEQUENCE, /* each pass runs every child in order; a
				   child's weight N repeats it N times */
};

struct lt_task;

struct lt_group {
	enum lt_group_kind kind;
	struct lt_task *tasks;
	size_t ntasks;
	uint64_t total_weight; /* sum of weights (weighted) */
	uint64_t *cum_weight;  /* cum_weight[i] = sum of weights[0..i] */
};

/* A task: a step, or a group of tasks; chosen by weight in its parent. */
struct lt_task {
	unsigned weight; /* >= 1; default 1 */
	int line;
	const char *const *tags; /* own tags (the step has effective) */
	size_t ntags;
	struct lt_step *step; /* exactly one of step and group */
	struct lt_group *group;
};

/* "set VAR VALUE" at scenario or class level: each user's initial value. */
struct lt_set {
	size_t var;
	struct lt_tmpl *value; /* expanded once when the user starts */
};

/* lt_class.index of the test's setup and teardown classes. */
#define LT_CLASS_TEST_HOOK ((size_t)-1)

struct lt_class {
	const char *name;
	size_t index;         /* position in lt_scenario.classes, or
				 LT_CLASS_TEST_HOOK */
	double weight;        /* "weight N" (default 1) */
	unsigned fixed_count; /* "count N": exactly N users, spawned before
				   weighted ones; weight is then 0 */
	const char *host;     /* class host, else the scenario's; NULL */
	struct lt_wait wait;
	struct lt_set *sets; /* scenario-level first, then the class's */
	size_t nsets;
	struct lt_step **on_start;
	size_t non_start;
	struct lt_step **on_stop;
	size_t non_stop;
	struct lt_group tasks; /* root group: weighted; may be empty after
				   tag filtering (the class is then dropped) */
	int line;
};

struct lt_scenario {
	const char *path; /* as given ("-" for stdin) */
	const char *host; /* "host URL" at top level, or NULL */
	struct lt_class *classes;
	size_t nclasses;
	/* "setup" and "teardown" blocks (Locust's test_start/test_stop,
	   k6's setup/teardown): classes named so, with the steps as
	   on_start and no tasks, run once by one user before the users
	   start and after they stopped; what setup saves or sets, every
	   user starts with.  NULL when not written. */
	const struct lt_class *setup, *teardown;
	const char *const *vars; /* variable names; id = index */
	size_t nvars;
	struct lt_data *const *datas; /* data sources; lt_data.index */
	size_t ndatas;
	/* the files "include" read (resolved paths, in reading order;
	 * body @file paths are in the steps' lt_http.body_path) */
	const char *const *includes;
	size_t nincludes;
	struct lt_step **steps; /* every step (also filtered-out ones) */
	size_t nsteps;
	/* "secret NAME ...": variables whose values, and environment
	 * values, that events show masked (see secret.h) */
	const size_t *secret_vars; /* variable ids */
	size_t nsecret_vars;
	const char *const *secret_values; /* of the environment, non-empty */
	size_t nsecret_values;
	struct lt_arena arena; /* owns everything above */
	struct lt_tmpl_env env;
};

/*
 * Loads the scenario at path: a file, "-" for stdin, or an executable
 * file, which is run (posix_spawn, no shell, stdin from /dev/null,
 * stderr inherited) and whose stdout is parsed; it must exit 0.  Relative
 * file names inside (data, body @file, tls files, include) are resolved
 * from the scenario file's directory (the working directory for stdin).
 * On success *out is a new scenario the caller frees with
 * lt_scenario_free.  Returns 0, or -1 with err set (see above).
 */
int lt_scenario_load(
    const char *path, struct lt_scenario **out, struct lt_err *err);

/*
 * Parses the n bytes at text as a scenario named name (used in messages
 * as "name:line:col").  basedir: where relative file names start (NULL:
 * "."). Same contract as lt_scenario_load.  For tests and generators.
 */
int lt_scenario_parse_buf(const char *name, const char *text, size_t n,
    const char *basedir, struct lt_scenario **out, struct lt_err *err);

/* Frees s and everything it owns.  NULL is a no-op. */
void lt_scenario_free(struct lt_scenario *s);

/*
 * Keeps only the tasks selected by tag lists (Locust's -T/-E): tags and
 * exclude are lists of names separated by commas or spaces, or NULL.
 * With tags, a task stays when it (or a group above it) has at least one
 * of them; with exclude, a task goes when it has any of those (exclusion
 * wins).  Groups left empty are removed; classes left without tasks are
 * removed (on_start/on_stop are never filtered).  Returns 0, or -1 with
 * err ("no tasks left after --tags/--exclude-tags") when no class is left.
 */
int lt_scenario_filter_tags(struct lt_scenario *s, const char *tags,
    const char *exclude, struct lt_err *err);

/* Returns the variable id of name, or -1 when no template uses it. */
long lt_scenario_var(const struct lt_scenario *s, const char *name);

/*
 * Appends the full URL of request r to out: the expanded URL template,
 * prefixed with host (the caller's precedence: --host, class host,
 * scenario host) unless absolute, then the query pairs.  Returns 0, or
 * -1 when out is full or a relative URL has no host (out then holds the
 * path alone).
 */
int lt_http_url(const struct lt_http *r, const char *host,
    struct lt_tmpl_ctx *ctx, struct lt_buf *out);

/*
 * Initialises a user's variables for s: the values set in init (the
 * test's setup user's variables; may be NULL), then the class's sets
 * (expanded with ctx; ctx->vars must be v).  Returns 0 or -1 (ENOMEM).
 */
int lt_scenario_user_init(const struct lt_scenario *s, const struct lt_class *c,
    const struct lt_vars *init, struct lt_vars *v, struct lt_tmpl_ctx *ctx);

/*
 * A user's position in its class's flow: on_start steps once, then
 * iterations of the root group forever, then, after lt_cursor_stop,
 * on_stop steps.  One per user, in the user's storage (no allocation).
 */
enum lt_cursor_phase {
	LT_PHASE_START,
	LT_PHASE_TASKS,
	LT_PHASE_STOP,
	LT_PHASE_DONE,
};

struct lt_cursor_frame {
	const struct lt_group *g;
	uint32_t pos; /* sequence: child index */
	uint32_t rep; /* sequence: repetitions done of that child */
};

struct lt_cursor {
	const struct lt_class *c;
	enum lt_cursor_phase phase;
	uint32_t pos; /* on_start / on_stop index */
	int depth;    /* frames in use; 0 between iterations */
	struct lt_cursor_frame f[LT_SCENARIO_MAX_DEPTH + 1];
	/* "wait ... each": requests/commands yielded this iteration, the
	   step held behind a pause, and the pause (an LT_STEP_SLEEP step
	   named "wait" whose sleep_s is drawn from the class's wait) */
	uint32_t iter_tasks;
	const struct lt_step *held;
	struct lt_step pause;
};

enum lt_cursor_next {
	LT_CUR_STEP,          /* *step is the next step to run */
	LT_CUR_ITERATION_END, /* one task iteration finished: think
				   (class wait), count it (-i), bump seq */
	LT_CUR_DONE,          /* nothing more: the user ends */
};

/* Starts c at the beginning of class k's flow (phase START). */
void lt_cursor_init(struct lt_cursor *c, const struct lt_class *k);

/*
 * Advances c.  Returns an enum lt_cursor_next; for LT_CUR_STEP sets *step.
 * After on_start the first iteration begins without a wait (Locust).  A
 * weighted group runs one child (picked with rng) per pass; a sequence
 * runs all.  A class without tasks goes from on_start straight to its
 * on_stop steps.  In phase STOP it yields the on_stop steps, then
 * LT_CUR_DONE, and LT_CUR_DONE ever after.
 */
int lt_cursor_next(
    struct lt_cursor *c, struct lt_rng *rng, const struct lt_step **step);

/*
 * Ends the current iteration and moves to the on_stop steps (whatever
 * the current phase, unless already stopping).  Call when the user is
 * being stopped; then drain with lt_cursor_next.
 */
void lt_cursor_stop(struct lt_cursor *c);

/*
 * Returns the think time (seconds) after an iteration that started at
 * iter_start_s and ended at now_s (any common clock), per w, drawing from
 * rng for "between".
 */
double lt_wait_next(const struct lt_wait *w, struct lt_rng *rng,
    double iter_start_s, double now_s);

/*
 * Parses a duration: "1.5" (seconds), "500ms", "2s", "5m", "1h30m",
 * "90s".  Returns 0 and *out_s, or -1 (not a duration).  Shared with the
 * command line (-t) and shapes.
 */
int lt_duration_parse(const char *s, size_t n, double *out_s);

#endif
