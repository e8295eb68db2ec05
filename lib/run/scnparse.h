/*
 * scnparse.h - the scenario parser's private header, shared by the files
 * of the parser (scnload.c: files and generators; scnparse.c: the entry
 * point and includes; scnword.c: words of a line; scnset.c: settings;
 * scnexpect.c: expect lines; scnstep.c: steps; scnblock.c: blocks and
 * lines; scnresolve.c: settings resolved into steps and the scenario
 * built).  Nothing outside these files includes it: the parse-time
 * structures live only while one lt_scenario_parse_buf() runs.
 */
#ifndef LT_SCNPARSE_H
#define LT_SCNPARSE_H

#include <regex.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "run/scenario.h"

#define SCEN_TEXT_CAP ((size_t)64 << 20)
#define STACK_CAP     (LT_SCENARIO_MAX_DEPTH + 4)
#define MAX_INCLUDE   8

/* --- arena vectors ------------------------------------------------------ */

struct vec {
	void *v;
	size_t n, cap;
};

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
	struct vec includes;           /* const char *: every file read */
};

/* scnparse.c */

/*
 * include FILE: the file's lines are read as if written here, at the top
 * level; its relative file names start from its own directory.  Blocks it
 * leaves open end with it.
 */
int scn_parse_include(struct parser *p);

/* scnword.c */

/* Appends room for one element of size sz; returns it zeroed, or NULL. */
void *scn_vec_push(struct lt_arena *a, struct vec *vc, size_t sz);

/* Sets p->err to "name:line:col: message" (col 0: no column); returns -1. */
int __attribute__((format(printf, 3, 4)))
scn_perr(struct parser *p, size_t col, const char *fmt, ...);

/* Sets p->err to "name:line: out of memory" (LT_EXIT_RUNTIME); returns -1. */
int scn_oom(struct parser *p);

/*
 * "expected WHAT after 'PREFIX', got 'WORD'" where PREFIX is the line up
 * to the word, and WORD the word (or "end of line").
 */
int scn_expected(struct parser *p, const struct word *w, const char *what);

/* Moves past spaces and tabs on the current line. */
void scn_skip_blanks(struct parser *p);

/*
 * Reads the next word: a quoted string, or a run of non-blanks in which
 * "${...}" may hold blanks.  Returns 1 for a word, 0 at end of line, -1
 * on error.
 */
int scn_scan_word(struct parser *p, struct word *w);

/* The rest of the line, blanks trimmed at both ends (may be empty). */
void scn_scan_rest(struct parser *p, struct word *w);

/* The rest of the line as one string: a quoted string or raw text. */
int scn_scan_text(struct parser *p, struct word *w);

/* 1 when w is exactly s (case matters), else 0. */
int scn_word_is(const struct word *w, const char *s);

/* w as a NUL-terminated copy in the parse's arena, or NULL. */
char *scn_wdup(struct parser *p, const struct word *w);

/* Requires the end of the line. */
int scn_need_eol(struct parser *p);

/*
 * prefix and the rest of the line from the scanner's position, blanks at
 * both ends trimmed, as a copy in the parse's arena (NULL on ENOMEM): a
 * check's name as the user wrote it.
 */
char *scn_rest_label(struct parser *p, const char *prefix);

/*
 * Scans a variable name ("save VAR", "set VAR") into *id, the scenario's
 * variable number (created if new).  0, or -1 with the error set.
 */
int scn_var_word(struct parser *p, size_t *id);

/* 1 when w is an HTTP method the language knows. */
int scn_is_method(const struct word *w);

/* The static name of the method w (see scn_is_method). */
const char *scn_method_name(const struct word *w);

/* Parses a non-negative integer word; -1 when it is not one. */
long scn_word_uint(const struct word *w);

/* A finite decimal number 0..1e12 in *out: 0, else -1. */
int scn_word_number(const struct word *w, double *out);

/* A duration word in *out_s; -1 with p->err naming what was expected. */
int scn_word_duration(
    struct parser *p, const struct word *w, double *out_s, const char *what);

/* Compiles w as a template encoded for enc into *out; 0 or -1 with p->err. */
int scn_compile(struct parser *p, const struct word *w, enum lt_tmpl_enc enc,
    struct lt_tmpl **out);

/* Resolves a file name against the scenario's directory. */
const char *scn_resolve(struct parser *p, const struct word *w);

/* Appends everything readable from fd to b; 0, or -1 with errno (EFBIG past
 * its cap). */
int scn_read_all_fd(int fd, struct lt_buf *b);

/* Reads a whole file (body @file); the bytes go to the arena. */
int scn_slurp(struct parser *p, const struct word *w, const char *path,
    const char **data, size_t *len);

/* A file libcurl reads later (tls cafile/cert/key): readable now? */
int scn_check_readable(
    struct parser *p, const struct word *w, const char *path);

/* scnset.c */

/*
 * A setting valid in any block.  Returns 1 when the keyword was one and
 * was parsed, 0 when it is not a setting, -1 on error.
 */
int scn_parse_setting(struct parser *p, const struct word *kw, struct scope *s);

/* scnexpect.c */

/* Compiles w as a bounded regex into re (*src its text, *has set); 0 or -1
 * with p->err. */
int scn_regex_word(struct parser *p, const struct word *w, regex_t *re,
    const char **src, int *has);

/* Reads the operand of a check: a quoted string or the rest of the line. */
int scn_operand(struct parser *p, struct word *w, const char *what);

/* The rest of an "expect" line, as a check of scope s; 0 or -1 with p->err. */
int scn_parse_expect(struct parser *p, struct scope *s);

/* scnstep.c */

/* A line inside a request or exec step. */
int scn_step_line(struct parser *p, const struct word *kw, struct pstep *ps);

/* A new step of kind at the current line, with its own scope under parent;
 * NULL when out of memory (p->err not set). */
struct pstep *scn_step_new(
    struct parser *p, enum lt_step_kind kind, struct scope *parent);

/*
 * METHOD URL [name NAME] [json ...|form ...|body ...]: the rest of a
 * request line after the method word m.
 */
int scn_parse_request(struct parser *p, const struct word *m, struct pstep *ps);

/* Splits a command line into argv words (quotes group, no shell). */
int scn_parse_exec_words(struct parser *p, struct pstep *ps);

/* sleep DURATION */
int scn_parse_sleep(struct parser *p, struct pstep *ps);

/* set VAR VALUE: into a struct lt_set, or a SET step when ps is given. */
int scn_parse_set(struct parser *p, struct lt_set *out, struct pstep *ps);

/* scnblock.c */

/* A new scope under parent in the parse's arena, its settings unset; NULL
 * when out of memory (p->err not set). */
struct scope *scn_scope_new(struct parser *p, struct scope *parent);

/* Parses the lines of text (a file, or an included one). */
int scn_parse_text(struct parser *p, const char *text, size_t n);

/* scnresolve.c */

/* Resolves every step and builds p->sc once all lines are read; 0 or -1 with
 * p->err. */
int scn_finish(struct parser *p);

#endif
