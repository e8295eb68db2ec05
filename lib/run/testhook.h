/*
 * testhook.h - the test's setup and teardown (lt-scenario(5) "setup",
 * "teardown"; Locust's test_start/test_stop, k6's setup/teardown): their
 * steps run once, by one user of their own on shard 0's loop, before the
 * users start and after they all stopped.  What setup saves or sets is
 * copied out, and every user (teardown's too) starts with it.
 */
#ifndef LT_TESTHOOK_H
#define LT_TESTHOOK_H

#include "run/shard.h"
#include "run/user.h"

/*
 * Runs class c (setup or teardown: steps as on_start, no tasks) with one
 * user on sh's loop until its steps are done; the user reports through ops
 * with ctx like any user (ops->dead must set sh->hook_done for class
 * LT_CLASS_TEST_HOOK); its requests are events and statistics like any
 * user's, with class c->name and user -1.  stopped(arg)
 * is asked before each loop turn: once it says 1 the user stops at once
 * (an in-flight request is cancelled).  keep (may be NULL; initialised by
 * the caller for the scenario's variables) receives every variable the
 * user ended with.  Called on sh's thread while no other user of sh runs.
 * Returns 0, or -1 when the user could not be made (no memory).
 */
int lt_testhook_run(struct lt_shard *sh, const struct lt_class *c,
    const struct lt_user_ops *ops, void *ctx, struct lt_vars *keep,
    int (*stopped)(void *arg), void *arg);

#endif
