/*
 * local.c - lt-fanout -w N: starts the N local worker processes (this
 * program again, as `lt-fanout worker`, over the coordinator's ipc://
 * socket) and reaps them at the end; finds the programs it runs next to
 * this one.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fanout/fanout.h"

int
lt_fanout_spawn_local(const char *self, const char *url, const char *spool_dir,
    int keep_spool, int n, pid_t *pids, struct lt_err *err)
{
	char idx[16], of[16];
	const char *argv[14];
	int i, k;
	pid_t p;

	snprintf(of, sizeof(of), "%d", n);
	for (i = 0; i < n; i++) {
		snprintf(idx, sizeof(idx), "%d", i);
		k = 0;
		argv[k++] = self;
		argv[k++] = "worker";
		argv[k++] = "--connect";
		argv[k++] = url;
		argv[k++] = "--index";
		argv[k++] = idx;
		argv[k++] = "--of";
		argv[k++] = of;
		if (spool_dir != NULL) {
			argv[k++] = "--spool-dir";
			argv[k++] = spool_dir;
		}
		if (keep_spool)
			argv[k++] = "--keep-spool";
		argv[k] = NULL;
		p = fork();
		if (p < 0)
			return lt_err_sys(err, 3, errno, "fork");
		if (p == 0) {
			execv(self, (char **)argv);
			fprintf(stderr, "lt-fanout: cannot run %s: %s\n", self,
			    strerror(errno));
			_exit(3);
		}
		pids[i] = p;
	}
	return 0;
}

void
lt_fanout_reap_local(pid_t *pids, int n, int wait_s)
{
	int i, left, t;

	for (t = 0; t < wait_s * 10; t++) {
		left = 0;
		for (i = 0; i < n; i++) {
			if (pids[i] <= 0)
				continue;
			if (waitpid(pids[i], NULL, WNOHANG) == pids[i])
				pids[i] = 0;
			else
				left++;
		}
		if (left == 0)
			return;
		usleep(100000);
	}
	for (i = 0; i < n; i++)
		if (pids[i] > 0) {
			kill(pids[i], SIGKILL);
			waitpid(pids[i], NULL, 0);
			pids[i] = 0;
		}
}

char *
lt_fanout_sibling(const char *name)
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 64);
	char *s;

	if (n <= 0)
		return NULL;
	path[n] = '\0';
	s = strrchr(path, '/');
	if (s == NULL)
		return NULL;
	snprintf(s + 1, 64, "%s", name);
	return strdup(path);
}
