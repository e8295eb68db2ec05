/* cliconf.c - options from files and the environment; see cliconf.h. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/cliconf.h"

static int
skipped(const int *skip, int id)
{
	for (; skip != NULL && *skip != 0; skip++)
		if (*skip == id)
			return 1;
	return 0;
}

static const struct option *
by_name(const struct option *opts, const char *name)
{
	for (; opts->name != NULL; opts++)
		if (strcmp(opts->name, name) == 0)
			return opts;
	return NULL;
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s &&
	    (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* Parses one line; returns 0 or -1 with err (without file:line). */
static int
one_line(struct lt_cliconf *cf, char *line, const struct option *opts,
    const int *skip, lt_cliconf_set_fn *set, void *arg, struct lt_err *err)
{
	char *k = trim(line), *v = (char *)"true", *eq;
	const struct option *o;

	if (*k == '#' || *k == '\0')
		return 0;
	eq = strchr(k, '=');
	if (eq != NULL) {
		*eq = '\0';
		v = trim(eq + 1);
	}
	k = trim(k);
	o = by_name(opts, k);
	if (o == NULL || skipped(skip, o->val))
		return lt_err_set(err, LT_EXIT_USAGE, "unknown option '%s'", k);
	if (cf->nowned == LT_CLICONF_KEEP)
		return lt_err_set(err, LT_EXIT_USAGE, "too many options");
	v = strdup(v);
	if (v == NULL)
		return lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
	cf->owned[cf->nowned++] = v;
	if (set(o->val, v, arg) != 0)
		return lt_err_set(
		    err, LT_EXIT_USAGE, "bad value '%s' for --%s", v, o->name);
	return 0;
}

int
lt_cliconf_file(struct lt_cliconf *cf, const char *path, int missing_ok,
    const struct option *opts, const int *skip, lt_cliconf_set_fn *set,
    void *arg, struct lt_err *err)
{
	FILE *f;
	char line[4096];
	int n = 0;

	f = fopen(path, "r");
	if (f == NULL) {
		if (missing_ok && errno == ENOENT)
			return 0;
		return lt_err_sys(err, LT_EXIT_USAGE, errno, "%s", path);
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		n++;
		if (one_line(cf, line, opts, skip, set, arg, err) != 0) {
			lt_err_prefix(err, "%s:%d: ", path, n);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

int
lt_cliconf_env(const char *prefix, const struct option *opts, const int *skip,
    lt_cliconf_set_fn *set, void *arg, struct lt_err *err)
{
	char name[128], *p;
	const char *v;

	for (; opts->name != NULL; opts++) {
		if (skipped(skip, opts->val))
			continue;
		snprintf(name, sizeof(name), "%s%s", prefix, opts->name);
		for (p = name; *p != '\0'; p++)
			*p = *p == '-' ? '_' : (char)toupper((unsigned char)*p);
		v = getenv(name);
		if (v == NULL)
			continue;
		if (set(opts->val, v, arg) != 0)
			return lt_err_set(err, LT_EXIT_USAGE,
			    "%s: bad value '%s' for --%s", name, v, opts->name);
	}
	return 0;
}

int
lt_cliconf_bool(const char *v)
{
	return v == NULL || strcmp(v, "") == 0 || strcmp(v, "1") == 0 ||
	    strcasecmp(v, "true") == 0 || strcasecmp(v, "yes") == 0 ||
	    strcasecmp(v, "on") == 0;
}

void
lt_cliconf_fini(struct lt_cliconf *cf)
{
	while (cf->nowned > 0)
		free(cf->owned[--cf->nowned]);
}
