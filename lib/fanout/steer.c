/*
 * steer.c - shapes steered from the coordinator (lt-fanout --shape): the
 * coordinator runs the shape source itself (a file, a command or a FIFO,
 * lt-scenario(5) SHAPES, through lib/run's shape reader) and keeps every
 * stage it yields as one shape line; each worker's heartbeat says how
 * many lines it has, the reply carries the ones it lacks, and the worker
 * writes them to a FIFO that its lt-run reads as its --shape.
 *
 * Lines carry the whole run's users and rates: each worker's lt-run runs
 * with --segment I/N and takes its share of every stage exactly as it
 * does of -u and --rate (lt-run(1) --segment), so the shares add up to
 * the stage.  Timed lines keep their time (relative to the common start
 * time); an untimed line that arrives after the start is stamped half a
 * second ahead, so that every worker applies it at the same moment.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/jsonw.h"
#include "fanout/steer.h"
#include "run/shape.h"

#define LEAD_S    0.5
#define SLICE_MAX (32u << 10) /* shape text per beat reply */

struct lt_fanout_steer {
	struct lt_shape *src;
	struct lt_buf text; /* every line so far */
	size_t *ends;       /* ends[k]: offset after line k */
	size_t n, cap;
	double last_at; /* latest time sent */
	int over;       /* the source has nothing more */
};

int
lt_fanout_steer_open(
    const char *spec, struct lt_fanout_steer **out, struct lt_err *err)
{
	struct lt_fanout_steer *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return lt_err_set(err, 3, "out of memory");
	if (lt_shape_open(spec, &s->src, err) != 0) {
		free(s);
		return -1;
	}
	lt_buf_init(&s->text, 16u << 20);
	*out = s;
	return 0;
}

void
lt_fanout_steer_close(struct lt_fanout_steer *s)
{
	if (s == NULL)
		return;
	lt_shape_close(s->src);
	lt_buf_fini(&s->text);
	free(s->ends);
	free(s);
}

static int
add_line(struct lt_fanout_steer *s, const struct lt_stage *st, double now_s)
{
	double at = st->at_s;
	char t[48] = "";

	if (at < 0 && now_s > 0)
		at = now_s + LEAD_S; /* apply everywhere at once */
	if (at >= 0) {
		if (at < s->last_at)
			at = s->last_at; /* after the stages before it */
		s->last_at = at;
		snprintf(t, sizeof(t), "%.3f ", at);
	}
	switch (st->kind) {
	case LT_STAGE_END:
		lt_buf_printf(&s->text, "%send\n", t);
		break;
	case LT_STAGE_RATE:
		lt_buf_printf(&s->text, "%srate %.17g\n", t, st->rate_rps);
		break;
	case LT_STAGE_USERS:
		/* a timed line needs its third field: the spawn rate */
		if (st->spawn_rate > 0 || t[0] != '\0')
			lt_buf_printf(&s->text, "%s%lu %.17g\n", t, st->users,
			    st->spawn_rate > 0 ? st->spawn_rate : 0);
		else
			lt_buf_printf(&s->text, "%lu\n", st->users);
		break;
	}
	if (s->n == s->cap) {
		size_t c = s->cap ? s->cap * 2 : 64;
		size_t *e = realloc(s->ends, c * sizeof(*e));

		if (e == NULL)
			return -1;
		s->ends = e;
		s->cap = c;
	}
	s->ends[s->n++] = s->text.len;
	return 0;
}

int
lt_fanout_steer_poll(
    struct lt_fanout_steer *s, double now_s, struct lt_err *err)
{
	struct lt_stage st;
	int rc = 0;

	if (s->over)
		return 0;
	if (lt_shape_fd(s->src) >= 0) {
		rc = lt_shape_read(s->src, err);
		if (rc < 0)
			return -1;
		if (rc == 1 && lt_shape_status(s->src) > 0)
			return lt_err_set(err, 3,
			    "shape command exited with status %d",
			    lt_shape_status(s->src));
	}
	while (lt_shape_next(s->src, &st) == 1)
		if (add_line(s, &st, now_s) != 0)
			return lt_err_set(err, 3, "out of memory");
	s->over = lt_shape_done(s->src);
	return 0;
}

void
lt_fanout_steer_reply(
    const struct lt_fanout_steer *s, uint64_t have, struct lt_buf *out)
{
	size_t from, to, k;

	if (s == NULL || have >= s->n)
		return;
	from = have == 0 ? 0 : s->ends[have - 1];
	for (k = (size_t)have; k < s->n && s->ends[k] - from <= SLICE_MAX; k++)
		;
	if (k == have)
		k = (size_t)have + 1; /* one line is always under the cap */
	to = s->ends[k - 1];
	lt_buf_printf(
	    out, ",\"shape_from\":%llu,\"shape\":", (unsigned long long)have);
	lt_jsonw_str(out, s->text.data + from, to - from);
}

/* --- worker side ---------------------------------------------------- */

int
lt_fanout_steer_fifo(
    struct lt_fanout_wsteer *w, const char *dir, struct lt_err *err)
{
	snprintf(w->path, sizeof(w->path), "%s/shape.fifo", dir);
	if (mkfifo(w->path, 0600) != 0)
		return lt_err_sys(err, 3, errno, "mkfifo %s", w->path);
	/* read-write: never blocks, and what is written stays in the pipe
	 * until lt-run opens it */
	w->fd = open(w->path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (w->fd < 0)
		return lt_err_sys(err, 3, errno, "%s", w->path);
	lt_buf_init(&w->pending, 16u << 20);
	w->lines = 0;
	return 0;
}

static void
drain(struct lt_fanout_wsteer *w)
{
	ssize_t n;

	while (w->pending.len > 0) {
		n = write(w->fd, w->pending.data, w->pending.len);
		if (n <= 0)
			return; /* the pipe is full: later */
		memmove(w->pending.data, w->pending.data + n,
		    w->pending.len - (size_t)n);
		w->pending.len -= (size_t)n;
	}
}

void
lt_fanout_steer_take(struct lt_fanout_wsteer *w, const void *reply)
{
	const json_t *j = reply;
	json_t *from = json_object_get(j, "shape_from");
	const char *text = json_string_value(json_object_get(j, "shape"));
	size_t n, i;

	if (w->fd < 0)
		return;
	if (text != NULL && json_is_integer(from) &&
	    (uint64_t)json_integer_value(from) == w->lines) {
		n = strlen(text);
		if (lt_buf_add(&w->pending, text, n) == 0)
			for (i = 0; i < n; i++)
				w->lines += text[i] == '\n';
	}
	drain(w);
}

void
lt_fanout_steer_fini(struct lt_fanout_wsteer *w)
{
	if (w->fd >= 0) {
		close(w->fd);
		unlink(w->path);
		lt_buf_fini(&w->pending);
	}
	w->fd = -1;
}
