/*
 * userpriv.h - what the user's files share: user.c walks the flow and
 * owns the lifecycle, userevent.c writes req events and judges checks,
 * userhttp.c runs HTTP steps, userexec.c runs exec steps.  Nothing
 * outside these files includes it, and it does not include user.h (the
 * users' public header) so that the two never include each other.
 */
#ifndef LT_USERPRIV_H
#define LT_USERPRIV_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <ev.h>

#include "core/buf.h"
#include "run/http.h"
#include "run/scenario.h"

/* user.h is not included: user.c includes this header, and to
 * tests/layering.sh user.c with user.h is one module */
struct lt_user;

/* Appends ,"k": for a literal key k (no escaping needed). */
#define PUT_KEY(b, k) lt_buf_add((b), ",\"" k "\":", sizeof(k) + 3)

/* user.c */

/*
 * Runs the flow until the user waits for something: a request, a timer,
 * a schedule (open model: the first step of the next iteration is held
 * in u->held until lt_user_iterate), or its end.
 */
void user_advance(struct lt_user *u);

/* userevent.c */

/* Appends ,"k": for a key k that may need escaping. */
void user_put_key(struct lt_buf *b, const char *k);

/* The name of the user's step as recorded: with the credentials of a
 * default URL name under --show-secrets. */
const char *user_step_name(const struct lt_user *u);

/* Writes the fields every req event has up to "error" (exclusive). */
void user_event_head(struct lt_user *u, struct lt_buf *b, const char *method,
    const char *url, size_t url_len, long status, int ok);

/* Writes the fields every req event has after "error": user, class, wait,
 * tags. */
void user_event_tail(struct lt_user *u, struct lt_buf *b);

/* Ends the event being written; a failed write stops the run
 * (ops->output_broken). Returns 0. */
int user_emit_end(struct lt_user *u);

/* 1 when a check or capture of cs reads the body. */
int user_needs_body(const struct lt_checks *cs);

/* 1 when a check or capture of cs reads response headers. */
int user_needs_headers(const struct lt_checks *cs);

/*
 * Evaluates checks; returns 1 when the request failed, with the reason
 * (a complete "category: message") in sh->reason.
 */
int user_judge(struct lt_user *u, const struct lt_checks *cs, long status,
    const char *body, size_t body_len, const char *hdr, size_t hdr_len,
    int64_t latency_us, int exec);

/*
 * Writes ,"checks":{LABEL:true|false,...} into b: the marks user_judge
 * left for cs, skipping checks not run.  Call right after user_judge,
 * only when it ran for this request.
 */
void user_put_checks(
    struct lt_user *u, struct lt_buf *b, const struct lt_checks *cs);

/* userhttp.c */

/* lt_http_xfer done callback: the request's event, statistics and next step. */
void user_http_done(struct lt_http_xfer *x, void *arg);

/* Starts u's HTTP step; 0, or -1 when it failed at once (its event written). */
int user_http_start(struct lt_user *u);

/* userexec.c */

/* exec_timer: the command ran past its timeout and is killed. */
void user_exec_timeout(struct ev_loop *loop, ev_timer *w, int revents);

/*
 * When the command (its group's leader) has exited, kills what is left
 * of its process group (background children it did not wait for), then
 * reaps it into *st and returns 1; returns 0 when it still runs and
 * nohang is set.  The group is killed before the leader is reaped: the
 * unreaped leader keeps its PID, so the group ID cannot have been
 * reused by then.
 */
int user_exec_reap(pid_t pid, int *st, int nohang);

/* Reaps u's command (killed first when interrupted is the reason) and writes
 * its event. */
void user_exec_finish(struct lt_user *u, const char *interrupted);

/* Spawns u's exec step; 0, or -1 when it failed at once (its event written). */
int user_exec_start(struct lt_user *u);

#endif
