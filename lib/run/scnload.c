/*
 * scnload.c - the scenario as a whole; see scenario.h and lt-scenario(5):
 * loaded from a file or from a generator's output, then parsed
 * (scnparse.c and the scn*.c files it names); freed; its variables
 * looked up by name.  (scenario.h is the parser's public header; no
 * scenario.c, so that the parser's private scnparse.h may include it.)
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <spawn.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <jansson.h>

#include "run/scnparse.h"

extern char **environ;

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
	if (scn_read_all_fd(fds[0], b) != 0)
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
	if (scn_read_all_fd(fd, b) != 0) {
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
		if (scn_read_all_fd(0, &b) != 0)
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
