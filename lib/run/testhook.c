/*
 * testhook.c - runs the test's setup or teardown steps (see testhook.h).
 * The engine's own user runs them, so requests, exec steps, checks and
 * captures behave exactly as in on_start; only the user's end differs:
 * the runner's ops->dead sees LT_CLASS_TEST_HOOK and sets sh->hook_done
 * instead of counting the user out of the run.
 */
#include <stddef.h>

#include <ev.h>

#include "run/testhook.h"

static void
keep_vars(const struct lt_user *u, struct lt_vars *keep)
{
	const char *v;
	size_t i, n;

	for (i = 0; i < u->vars.nvars && i < keep->nvars; i++) {
		v = lt_vars_get(&u->vars, i, &n);
		if (v != NULL)
			lt_vars_set(keep, i, v, n);
	}
}

int
lt_testhook_run(struct lt_shard *sh, const struct lt_class *c,
    const struct lt_user_ops *ops, void *ctx, struct lt_vars *keep,
    int (*stopped)(void *arg), void *arg)
{
	struct lt_user *u;
	int stopping = 0;

	if (c == NULL)
		return 0;
	u = lt_user_new(sh, c, -1, ops, ctx);
	if (u == NULL)
		return -1;
	sh->hook_done = 0;
	lt_user_start(u);
	ev_ref(sh->loop);
	while (!sh->hook_done) {
		if (!stopping && stopped(arg)) {
			stopping = 1;
			lt_user_stop(u, 1);
			if (u->state == LT_U_BUSY)
				lt_http_cancel(&u->x, "run stopped");
			continue;
		}
		ev_run(sh->loop, EVRUN_ONCE);
	}
	ev_unref(sh->loop);
	if (keep != NULL)
		keep_vars(u, keep);
	lt_user_free(u);
	return 0;
}
