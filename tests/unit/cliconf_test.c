/* cliconf_test.c - options from files and the environment (cliconf.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../tap.h"
#include "core/cliconf.h"

enum { O_USERS = 'u', O_QUIET = 'q', O_SPAWN = 256, O_CONFIG };

static const struct option opts[] = {
	{ "users", required_argument, NULL, O_USERS },
	{ "quiet", no_argument, NULL, O_QUIET },
	{ "spawn-rate", required_argument, NULL, O_SPAWN },
	{ "config", required_argument, NULL, O_CONFIG },
	{ NULL, 0, NULL, 0 },
};
static const int skip[] = { O_CONFIG, 0 };

struct seen {
	char users[32], spawn[32];
	int quiet;
};

static int
set(int id, const char *v, void *arg)
{
	struct seen *s = arg;

	switch (id) {
	case O_USERS:
		if (strspn(v, "0123456789") != strlen(v))
			return -1;
		snprintf(s->users, sizeof(s->users), "%s", v);
		return 0;
	case O_SPAWN:
		snprintf(s->spawn, sizeof(s->spawn), "%s", v);
		return 0;
	case O_QUIET:
		s->quiet = lt_cliconf_bool(v);
		return 0;
	}
	return -1;
}

static const char *
write_file(const char *text)
{
	static char path[] = "/tmp/cliconf_test.XXXXXX";
	int fd;

	strcpy(path, "/tmp/cliconf_test.XXXXXX");
	fd = mkstemp(path);
	if (fd < 0 || write(fd, text, strlen(text)) < 0)
		return NULL;
	close(fd);
	return path;
}

int
main(void)
{
	struct lt_cliconf cf;
	struct lt_err err;
	struct seen s;
	const char *p;

	memset(&cf, 0, sizeof(cf));
	memset(&s, 0, sizeof(s));
	p = write_file("# comment\n\n  users = 50  \nspawn-rate=2.5\nquiet\n");
	TAP_OK(p != NULL, "temporary file");
	TAP_EQ_INT(lt_cliconf_file(&cf, p, 0, opts, skip, set, &s, &err), 0,
	    "a good file");
	TAP_EQ_STR(s.users, "50", "value trimmed");
	TAP_EQ_STR(s.spawn, "2.5", "no blanks around =");
	TAP_EQ_INT(s.quiet, 1, "a bare key is true");
	unlink(p);

	p = write_file("users = 5\ncolour = red\n");
	TAP_EQ_INT(lt_cliconf_file(&cf, p, 0, opts, skip, set, &s, &err), -1,
	    "unknown key");
	TAP_OK(strstr(err.msg, ":2: unknown option 'colour'") != NULL,
	    "message names line 2 (%s)", err.msg);
	TAP_EQ_INT(err.code, LT_EXIT_USAGE, "usage error");
	unlink(p);

	p = write_file("config = other\n");
	TAP_EQ_INT(lt_cliconf_file(&cf, p, 0, opts, skip, set, &s, &err), -1,
	    "a skipped option is unknown in files");
	unlink(p);

	p = write_file("users = many\n");
	TAP_EQ_INT(lt_cliconf_file(&cf, p, 0, opts, skip, set, &s, &err), -1,
	    "bad value");
	TAP_OK(strstr(err.msg, ":1: bad value 'many' for --users") != NULL,
	    "bad value message (%s)", err.msg);
	unlink(p);

	TAP_EQ_INT(lt_cliconf_file(&cf, "/nonexistent/lt.conf", 1, opts, skip,
	               set, &s, &err),
	    0, "missing file allowed");
	TAP_EQ_INT(lt_cliconf_file(&cf, "/nonexistent/lt.conf", 0, opts, skip,
	               set, &s, &err),
	    -1, "missing file refused");

	setenv("TT_SPAWN_RATE", "7", 1);
	setenv("TT_QUIET", "no", 1);
	TAP_EQ_INT(lt_cliconf_env("TT_", opts, skip, set, &s, &err), 0, "env");
	TAP_EQ_STR(s.spawn, "7", "TT_SPAWN_RATE: '-' becomes '_'");
	TAP_EQ_INT(s.quiet, 0, "TT_QUIET=no is false");
	setenv("TT_USERS", "x", 1);
	TAP_EQ_INT(lt_cliconf_env("TT_", opts, skip, set, &s, &err), -1,
	    "bad env value");
	TAP_OK(strstr(err.msg, "TT_USERS: bad value 'x' for --users") != NULL,
	    "env message (%s)", err.msg);

	TAP_EQ_INT(lt_cliconf_bool("ON"), 1, "ON");
	TAP_EQ_INT(lt_cliconf_bool("0"), 0, "0");
	lt_cliconf_fini(&cf);
	TAP_EQ_INT(cf.nowned, 0, "fini frees");
	return tap_done();
}
