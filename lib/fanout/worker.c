/*
 * worker.c - lt-fanout worker: joins a coordinator, receives the plan
 * (lt-run's arguments, shipped files, its segment), waits for the start
 * time, runs lt-run (or --exec's command) and relays its events.
 *
 * Three threads: the reader copies the child's stdout into the spool file
 * (line counts are the sequence numbers); the main thread sends spooled
 * lines in batches and advances only on the coordinator's ack, so a lost
 * message is sent again and nothing leaves the spool unacknowledged; the
 * heartbeat thread beats every 250 ms on its own socket whatever the
 * load, measures the clock offset, obeys "stop", and stops the child when
 * the coordinator has been silent for 3 s (no orphan load).
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/jsonw.h"
#include "core/version.h"
#include "fanout/datafiles.h"
#include "fanout/fanout.h"
#include "fanout/nngx.h"
#include "fanout/ship.h"
#include "fanout/steer.h"
#include "fanout/wire.h"
#include "run/segment.h"

#define BATCH_MAX    (256u << 10)
#define BEAT_MS      250
#define SILENCE_US   3000000
#define HELLO_WAIT_S 60

struct worker {
	const struct lt_fanout_wopts *o;
	struct lt_nngx data, beat;
	uint32_t index;
	int of;
	char run[64];
	char dir[256]; /* private temporary directory */
	char spool[512];
	char **argv;                   /* to exec */
	int ship_agg;                  /* the plan says --ship agg */
	int ship_lat;                  /* and takes lat lines (livehist.h) */
	struct lt_fanout_wsteer steer; /* --shape from the coordinator */
	pid_t child;
	int spool_fd;

	pthread_mutex_t lock;
	uint64_t lines;     /* complete lines in the spool */
	uint64_t bytes;     /* bytes of those lines */
	int reader_done;    /* child's output ended */
	int status;         /* child's exit status */
	atomic_int stop;    /* coordinator said stop */
	atomic_int lost;    /* coordinator silent */
	atomic_int fin;     /* all acked, FIN sent */
	atomic_int started; /* child running */
	atomic_llong t0_ms; /* start time, coordinator's clock */
	atomic_llong offset_us, delay_us;
	atomic_long users; /* --ship agg: its lt-run's users (ship.c) */
};

static volatile sig_atomic_t signalled; /* SIGTERM or SIGINT */

static void
on_signal(int sig)
{
	(void)sig;
	signalled = 1;
}

static void
msleep(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* --- plan ---------------------------------------------------------- */

static int
write_file(const char *path, const char *data, size_t n, int mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	ssize_t w;
	size_t off = 0;

	if (fd < 0)
		return -1;
	while (off < n) {
		w = write(fd, data + off, n - off);
		if (w <= 0) {
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	return close(fd);
}

/* Builds the argv to exec from the WELCOME payload; bytes holds each
 * shipped file's content in turn. */
static int
read_plan(struct worker *w, const char *p, size_t n, struct lt_buf *bytes,
    struct lt_err *err)
{
	json_t *j = json_loadb(p, n, 0, NULL), *a, *files, *f, *v;
	const char *exec;
	size_t i, argc, k = 0;
	char seg[64], path[768];
	int pinned = 0;

	if (j == NULL || !json_is_object(j))
		goto bad;
	w->index = (uint32_t)json_integer_value(json_object_get(j, "index"));
	w->of = (int)json_integer_value(json_object_get(j, "of"));
	snprintf(w->run, sizeof(w->run), "%s",
	    json_string_value(json_object_get(j, "run")) ?: "run");
	a = json_object_get(j, "argv");
	exec = json_string_value(json_object_get(j, "exec"));
	w->ship_agg =
	    strcmp(json_string_value(json_object_get(j, "ship")) ?: "events",
	        "agg") == 0;
	w->ship_lat = json_is_true(json_object_get(j, "agg_lat"));
	if (!json_is_array(a) || w->of < 1)
		goto bad;
	argc = json_array_size(a);
	w->argv = calloc(argc + 8, sizeof(char *));
	if (w->argv == NULL)
		goto bad;
	if (exec != NULL) {
		w->argv[k++] = strdup("/bin/sh");
		w->argv[k++] = strdup("-c");
		w->argv[k++] = strdup(exec);
	} else {
		w->argv[k++] = strdup(w->o->ltrun);
		w->argv[k++] = strdup("-q");
		json_array_foreach(a, i, v)
		{
			if (!json_is_string(v))
				goto bad;
			w->argv[k++] = strdup(json_string_value(v));
		}
		snprintf(seg, sizeof(seg), "%u/%d", w->index, w->of);
		w->argv[k++] = strdup("--segment");
		w->argv[k++] = strdup(seg);
	}
	/* A shape steered by the coordinator: lt-run reads a FIFO. */
	long sa = (long)json_integer_value(json_object_get(j, "shape_arg"));

	if (exec == NULL && json_object_get(j, "shape_arg") != NULL &&
	    sa >= 0 && (size_t)sa < argc) {
		if (lt_fanout_steer_fifo(&w->steer, w->dir, err) != 0) {
			json_decref(j);
			return -1;
		}
		free(w->argv[2 + sa]);
		w->argv[2 + sa] = strdup(w->steer.path);
	}
	/* Shipped files replace the argument that named them. */
	files = json_object_get(j, "files");
	json_array_foreach(files, i, f)
	{
		long at = (long)json_integer_value(json_object_get(f, "arg"));
		int mode = (int)json_integer_value(json_object_get(f, "mode"));
		const char *hash =
		    json_string_value(json_object_get(f, "hash"));
		const char *role =
		    json_string_value(json_object_get(f, "role")) ?: "";
		char name[64];

		/* any bytes, as text or base64, checked against the hash */
		snprintf(name, sizeof(name), "shipped %.16s file %zu", role, i);
		if (lt_fanout_file_get(f, name, bytes, err) != 0) {
			json_decref(j);
			return -1;
		}
		if (strcmp(role, "data") == 0) {
			/* beside the scenario, where it names it */
			if (lt_fanout_write_rel(w->dir,
			        json_string_value(json_object_get(f, "rel")),
			        bytes->data, bytes->len, err) != 0) {
				json_decref(j);
				return -1;
			}
			continue;
		}
		if (w->o->scenario_hash != NULL &&
		    strcmp(json_string_value(json_object_get(f, "role")) ?: "",
		        "scenario") == 0) {
			if (strcmp(hash, w->o->scenario_hash) != 0) {
				lt_err_set(err, 2,
				    "scenario hash %s, this worker was started "
				    "for %.40s (--scenario-hash): refusing a "
				    "different scenario",
				    hash, w->o->scenario_hash);
				json_decref(j);
				return -1;
			}
			pinned = 1;
		}
		snprintf(path, sizeof(path), "%s/file%zu", w->dir, i);
		if (write_file(path, bytes->data, bytes->len,
		        (mode & 0111) ? 0700 : 0600) != 0) {
			json_decref(j);
			return lt_err_sys(err, 3, errno, "%s", path);
		}
		if (exec == NULL && at >= 0 && (size_t)at < argc) {
			free(w->argv[2 + at]);
			w->argv[2 + at] = strdup(path);
		}
	}
	json_decref(j);
	if (w->o->scenario_hash != NULL && !pinned)
		return lt_err_set(err, 2,
		    "no scenario was shipped, this worker was started for "
		    "%.40s (--scenario-hash)",
		    w->o->scenario_hash);
	for (i = 0; i < k; i++)
		if (w->argv[i] == NULL)
			return lt_err_set(err, 3, "out of memory");
	return 0;
bad:
	json_decref(j);
	return lt_err_set(err, 2,
	    "the coordinator sent a plan this worker "
	    "cannot read");
}

static int
take_plan(struct worker *w, const char *p, size_t n, struct lt_err *err)
{
	struct lt_buf bytes;
	int rc;

	lt_buf_init(&bytes, LT_WIRE_MAX_PAYLOAD);
	rc = read_plan(w, p, n, &bytes, err);
	lt_buf_fini(&bytes);
	return rc;
}

/* --- child and reader ---------------------------------------------- */

static int
start_child(struct worker *w, int *rfd, struct lt_err *err)
{
	int p[2];
	char env[64];
	long long t0 = atomic_load(&w->t0_ms);
	long long local = t0 - atomic_load(&w->offset_us) / 1000;
	size_t k;

	if (pipe(p) != 0)
		return lt_err_sys(err, 3, errno, "pipe");
	if (w->o->ltrun != NULL && strcmp(w->argv[0], "/bin/sh") != 0) {
		for (k = 0; w->argv[k] != NULL; k++)
			;
		snprintf(env, sizeof(env), "%lld", local);
		w->argv[k++] = strdup("--start-at");
		w->argv[k++] = strdup(env);
	}
	if (strcmp(w->argv[0], "/bin/sh") == 0 &&
	    lt_segment_wait_until(local, err) != 0)
		return -1; /* lt-run waits itself, after loading its scenario */
	w->child = fork();
	if (w->child < 0)
		return lt_err_sys(err, 3, errno, "fork");
	if (w->child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(p[1], STDOUT_FILENO);
		close(p[0]);
		close(p[1]);
		snprintf(env, sizeof(env), "%u/%d", w->index, w->of);
		setenv("LT_SEGMENT", env, 1);
		snprintf(env, sizeof(env), "%lld", local);
		setenv("LT_START_AT", env, 1);
		snprintf(env, sizeof(env), "%u", w->index);
		setenv("LT_WORKER_INDEX", env, 1);
		execv(w->argv[0], w->argv);
		fprintf(stderr, "lt-fanout worker: cannot run %s: %s\n",
		    w->argv[0], strerror(errno));
		_exit(3);
	}
	close(p[1]);
	*rfd = p[0];
	return 0;
}

struct reader {
	struct worker *w;
	int fd;
};

static void *
reader_main(void *arg)
{
	struct reader *r = arg;
	struct worker *w = r->w;
	char buf[1 << 16];
	ssize_t n, i;
	uint64_t lines = 0, bytes = 0, partial = 0;
	int st = 0;

	while ((n = read(r->fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (write(w->spool_fd, buf, (size_t)n) != n)
			break; /* spool full: stop counting */
		for (i = 0; i < n; i++) {
			partial++;
			if (buf[i] == '\n') {
				lines++;
				bytes += partial;
				partial = 0;
			}
		}
		pthread_mutex_lock(&w->lock);
		w->lines = lines;
		w->bytes = bytes;
		pthread_mutex_unlock(&w->lock);
	}
	close(r->fd);
	while (waitpid(w->child, &st, 0) < 0 && errno == EINTR)
		;
	pthread_mutex_lock(&w->lock);
	w->status = WIFEXITED(st) ? WEXITSTATUS(st) : 3;
	w->reader_done = 1;
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

/* --- heartbeat thread ---------------------------------------------- */

static void
stop_child(struct worker *w, int sig)
{
	if (w->child > 0)
		kill(w->child, sig);
}

static unsigned long long
spooled(struct worker *w)
{
	unsigned long long n;

	pthread_mutex_lock(&w->lock);
	n = w->lines;
	pthread_mutex_unlock(&w->lock);
	return n;
}

static void *
beat_main(void *arg)
{
	struct worker *w = arg;
	struct lt_buf out, in;
	struct lt_wire_msg m;
	struct lt_err err;
	int64_t t1, t4, last_ok = lt_fanout_now_us(), stop_at = 0;
	int rc;

	lt_buf_init(&out, 4096);
	lt_buf_init(&in, LT_WIRE_MAX_FRAME);
	while (!atomic_load(&w->fin)) {
		const char *state = atomic_load(&w->started)
		    ? (w->reader_done ? "done" : "running")
		    : "waiting";

		lt_buf_reset(&out);
		t1 = lt_fanout_now_us();
		lt_buf_printf(&out,
		    "{\"state\":\"%s\",\"t1\":%lld,\"offset_us\":%lld,"
		    "\"delay_us\":%lld,\"pid\":%d,\"spooled\":%llu,"
		    "\"shape_lines\":%llu,\"users\":%ld}",
		    state, (long long)t1, (long long)atomic_load(&w->offset_us),
		    (long long)atomic_load(&w->delay_us), (int)getpid(),
		    spooled(w), (unsigned long long)w->steer.lines,
		    atomic_load(&w->users));
		rc = lt_nngx_call(&w->beat, LT_WIRE_BEAT, w->index, 0, out.data,
		    out.len, &in, 1000, &err);
		t4 = lt_fanout_now_us();
		if (rc == 1 && lt_wire_decode(in.data, in.len, &m, &err) == 0 &&
		    m.type == LT_WIRE_BEAT) {
			json_t *j = json_loadb(m.payload, m.len, 0, NULL);
			long long t2 = (long long)json_integer_value(
			    json_object_get(j, "t2"));
			long long t0 = (long long)json_integer_value(
			    json_object_get(j, "t0_ms"));
			long long d = t4 - t1, best = atomic_load(&w->delay_us);

			last_ok = t4;
			if (t2 > 0 && (best <= 0 || d < best)) {
				atomic_store(&w->delay_us, d > 0 ? d : 1);
				atomic_store(&w->offset_us, t2 - (t1 + t4) / 2);
			}
			if (t0 > 0)
				atomic_store(&w->t0_ms, t0);
			lt_fanout_steer_take(&w->steer, j);
			if (json_is_true(json_object_get(j, "stop")) &&
			    !atomic_load(&w->stop)) {
				atomic_store(&w->stop, 1);
				stop_child(w, SIGTERM);
			}
			json_decref(j);
		} else if (rc == 1 && m.type == LT_WIRE_REFUSE) {
			atomic_store(&w->stop, 1);
			stop_child(w, SIGTERM);
		}
		if (signalled && !atomic_load(&w->stop)) {
			/* stopped like by the coordinator: the load ends,
			 * what it wrote is still relayed */
			atomic_store(&w->stop, 1);
			stop_child(w, SIGTERM);
		}
		if (t4 - last_ok > SILENCE_US && !atomic_load(&w->lost)) {
			atomic_store(&w->lost, 1);
			stop_child(w, SIGTERM);
			stop_at = t4 + 1000000;
		}
		if (stop_at != 0 && t4 > stop_at && !w->reader_done) {
			stop_child(w, SIGKILL);
			stop_at = 0;
		}
		if (atomic_load(&w->lost) && w->reader_done)
			break;
		msleep(BEAT_MS);
	}
	lt_buf_fini(&out);
	lt_buf_fini(&in);
	return NULL;
}

/* --- sender -------------------------------------------------------- */

/* Sends spooled lines from seq/offset on until all is acked and the
 * child is done.  Returns 0, or -1 when the coordinator went away. */
static int
relay(struct worker *w, struct lt_err *err)
{
	struct lt_buf batch, in;
	struct lt_wire_msg m;
	uint64_t seq = 0, off = 0, lines, bytes, n, k;
	int rfd = open(w->spool, O_RDONLY), done, rc = -1;

	if (rfd < 0)
		return lt_err_sys(err, 3, errno, "%s", w->spool);
	lt_buf_init(&batch, BATCH_MAX + 4096);
	lt_buf_init(&in, LT_WIRE_MAX_FRAME);
	lt_buf_reserve(&batch, BATCH_MAX);
	for (;;) {
		if (atomic_load(&w->lost))
			goto out;
		pthread_mutex_lock(&w->lock);
		lines = w->lines;
		bytes = w->bytes;
		done = w->reader_done;
		pthread_mutex_unlock(&w->lock);
		if (bytes == off) {
			if (done)
				break;
			msleep(5);
			continue;
		}
		n = lt_fanout_spool_lines(
		    rfd, w->spool, off, bytes, BATCH_MAX, batch.data, err);
		if (n == 0)
			goto out;
		k = (uint64_t)lt_wire_count_lines(batch.data, n);
		(void)lines;
		for (;;) {
			rc = lt_nngx_call(&w->data, LT_WIRE_EVENTS, w->index,
			    seq, batch.data, n, &in, 2000, err);
			if (rc < 0 || atomic_load(&w->lost)) {
				rc = -1;
				goto out;
			}
			if (rc == 1 &&
			    lt_wire_decode(in.data, in.len, &m, err) == 0 &&
			    m.type == LT_WIRE_ACK && m.seq == seq + k)
				break;
			if (rc == 1 && m.type == LT_WIRE_REFUSE) {
				lt_err_set(err, 3,
				    "the coordinator refused "
				    "events: %.*s; events kept in %s",
				    (int)(m.len > 200 ? 200 : m.len), m.payload,
				    w->spool);
				atomic_store(&w->stop, 1);
				stop_child(w, SIGKILL);
				rc = -1;
				goto out;
			}
			/* timeout or a stale reply: send the same again */
		}
		seq += k;
		off += n;
	}
	rc = 0;
out:
	close(rfd);
	lt_buf_fini(&batch);
	lt_buf_fini(&in);
	return rc;
}

/* For ship.c: what the spool holds and whether to go on. */
static void
ship_progress(
    void *ctx, uint64_t *bytes, int *done, int *lost, int64_t *shift_us)
{
	struct worker *w = ctx;
	int64_t off = atomic_load(&w->offset_us), a = off < 0 ? -off : off;

	pthread_mutex_lock(&w->lock);
	*bytes = w->bytes;
	*done = w->reader_done;
	pthread_mutex_unlock(&w->lock);
	*lost = atomic_load(&w->lost);
	/* as the coordinator's ts_shift: only beyond the sample's error */
	*shift_us = a > 999 && a > atomic_load(&w->delay_us) / 2 ? off : 0;
}

static int
ship(struct worker *w, struct lt_err *err)
{
	struct lt_fanout_ship s = { w->spool, &w->data, w->index, w->ship_lat,
		&w->users, ship_progress, w };

	if (!w->ship_agg)
		return relay(w, err);
	return lt_fanout_ship_agg(&s, err);
}

static int
fin(struct worker *w, struct lt_err *err)
{
	struct lt_buf in, out;
	int i, rc = -1;

	lt_buf_init(&in, LT_WIRE_MAX_FRAME);
	lt_buf_init(&out, 256);
	lt_buf_printf(&out, "{\"status\":%d,\"events\":%llu}", w->status,
	    (unsigned long long)w->lines);
	for (i = 0; i < 5 && !atomic_load(&w->lost); i++) {
		rc = lt_nngx_call(&w->data, LT_WIRE_FIN, w->index, w->lines,
		    out.data, out.len, &in, 2000, err);
		if (rc == 1)
			break;
	}
	lt_buf_fini(&in);
	lt_buf_fini(&out);
	return rc == 1 ? 0 : -1;
}

/* --- join ---------------------------------------------------------- */

static int
join(struct worker *w, struct lt_err *err)
{
	struct lt_buf out, in;
	struct lt_wire_msg m;
	char host[128] = "";
	int64_t until = lt_fanout_now_us() + (int64_t)HELLO_WAIT_S * 1000000;
	int rc;

	gethostname(host, sizeof(host) - 1);
	lt_buf_init(&out, 1024);
	lt_buf_init(&in, LT_WIRE_MAX_FRAME);
	lt_buf_printf(&out,
	    "{\"wire\":%d,\"version\":\"%s\",\"index\":%d,\"of\":%d,"
	    "\"pid\":%d,\"host\":\"%.100s\"}",
	    LT_WIRE_VERSION, LT_VERSION, w->o->index, w->o->of, (int)getpid(),
	    strchr(host, '"') ? "?" : host);
	for (;;) {
		rc = lt_nngx_call(&w->data, LT_WIRE_HELLO,
		    w->o->index >= 0 ? (uint32_t)w->o->index
		                     : LT_WIRE_NO_WORKER,
		    0, out.data, out.len, &in, 2000, err);
		if (rc < 0)
			goto out;
		if (rc == 1)
			break;
		if (signalled) {
			rc = lt_err_set(err, 3, "stopped by a signal");
			goto out;
		}
		if (lt_fanout_now_us() > until) {
			rc = lt_err_set(err, 3,
			    "no coordinator answered at %s "
			    "within %d s",
			    w->o->connect, HELLO_WAIT_S);
			goto out;
		}
	}
	if (lt_wire_decode(in.data, in.len, &m, err) != 0) {
		rc = lt_err_set(
		    err, 3, "coordinator at %s: %s", w->o->connect, err->msg);
		goto out;
	}
	if (m.type == LT_WIRE_REFUSE) {
		rc = lt_err_set(err, 3, "refused by the coordinator: %.*s",
		    (int)(m.len > 300 ? 300 : m.len), m.payload);
		goto out;
	}
	if (m.type != LT_WIRE_WELCOME) {
		rc = lt_err_set(err, 3, "coordinator answered %s to hello",
		    lt_wire_type_name((int)m.type));
		goto out;
	}
	rc = take_plan(w, m.payload, m.len, err);
out:
	lt_buf_fini(&out);
	lt_buf_fini(&in);
	return rc;
}

/* A plan this worker will not run: tell the coordinator why (best
 * effort), so both sides say it. */
static void
tell_refusal(struct worker *w, const struct lt_err *why)
{
	struct lt_buf in, out;
	struct lt_err e;

	if (w->index == LT_WIRE_NO_WORKER)
		return;
	lt_buf_init(&in, LT_WIRE_MAX_FRAME);
	lt_buf_init(&out, 1024);
	lt_buf_adds(&out, "{\"status\":2,\"events\":0,\"error\":");
	lt_jsonw_cstr(&out, why->msg);
	lt_buf_addc(&out, '}');
	lt_nngx_call(&w->data, LT_WIRE_FIN, w->index, 0, out.data, out.len, &in,
	    2000, &e);
	lt_buf_fini(&in);
	lt_buf_fini(&out);
}

int
lt_fanout_worker(const struct lt_fanout_wopts *o, struct lt_err *err)
{
	struct worker w;
	struct reader rd;
	struct sigaction sa;
	pthread_t bt, rt;
	const char *tmp = getenv("TMPDIR");
	int rc = 3, rfd = -1, beating = 0, reading = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	memset(&w, 0, sizeof(w));
	w.o = o;
	w.spool_fd = -1;
	w.steer.fd = -1;
	w.index = o->index >= 0 ? (uint32_t)o->index : LT_WIRE_NO_WORKER;
	pthread_mutex_init(&w.lock, NULL);
	snprintf(w.dir, sizeof(w.dir), "%s/lt-fanout-w.XXXXXX",
	    tmp != NULL && *tmp ? tmp : "/tmp");
	if (mkdtemp(w.dir) == NULL) {
		lt_err_sys(err, 3, errno, "%s", w.dir);
		return 3;
	}
	if (lt_nngx_dial(&w.data, o->connect, 10000, o->sec, err) != 0 ||
	    lt_nngx_dial(&w.beat, o->connect, 1000, o->sec, err) != 0)
		goto out;
	if (join(&w, err) != 0) {
		if (w.argv != NULL || err->code == 2)
			tell_refusal(&w, err);
		goto out;
	}
	snprintf(w.spool, sizeof(w.spool), "%s/lt-fanout-%s-w%u.spool",
	    o->spool_dir != NULL ? o->spool_dir
	                         : (tmp != NULL && *tmp ? tmp : "/tmp"),
	    w.run, w.index);
	w.spool_fd =
	    open(w.spool, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
	if (w.spool_fd < 0) {
		lt_err_sys(err, 3, errno, "%s", w.spool);
		goto out;
	}
	if (pthread_create(&bt, NULL, beat_main, &w) != 0) {
		lt_err_set(err, 3, "cannot start a thread");
		goto out;
	}
	beating = 1;
	while (atomic_load(&w.t0_ms) == 0 && !atomic_load(&w.lost) &&
	    !atomic_load(&w.stop))
		msleep(20);
	if (atomic_load(&w.lost)) {
		lt_err_set(
		    err, 3, "the coordinator went away before the start");
		goto out;
	}
	if (atomic_load(&w.stop)) {
		/* stopped before the start: nothing ran, say so */
		rc = fin(&w, err) == 0 ? 0 : 3;
		goto out;
	}
	if (start_child(&w, &rfd, err) != 0)
		goto out;
	atomic_store(&w.started, 1);
	rd.w = &w;
	rd.fd = rfd;
	if (pthread_create(&rt, NULL, reader_main, &rd) != 0) {
		lt_err_set(err, 3, "cannot start a thread");
		stop_child(&w, SIGKILL);
		goto out;
	}
	reading = 1;
	if (ship(&w, err) != 0) {
		if (atomic_load(&w.lost))
			lt_err_set(err, 3,
			    "lost the coordinator at %s; "
			    "stopped the load; events kept in %s (lt-fanout "
			    "collect)",
			    o->connect, w.spool);
		goto out;
	}
	if (fin(&w, err) != 0) {
		lt_err_set(err, 3,
		    "the coordinator did not confirm the end; "
		    "events kept in %s",
		    w.spool);
		goto out;
	}
	rc = 0;
	if (!o->keep_spool)
		unlink(w.spool);
out:
	atomic_store(&w.fin, 1);
	if (w.child > 0 && !w.reader_done && rc != 0)
		stop_child(&w, SIGKILL);
	if (reading)
		pthread_join(rt, NULL);
	if (beating)
		pthread_join(bt, NULL);
	lt_nngx_close(&w.data);
	lt_nngx_close(&w.beat);
	if (w.spool_fd >= 0)
		close(w.spool_fd);
	if (w.spool_fd >= 0 && !atomic_load(&w.started))
		unlink(w.spool); /* never started: an empty spool */
	if (w.argv != NULL) {
		char **a;

		for (a = w.argv; *a != NULL; a++)
			free(*a);
		free(w.argv);
	}
	lt_fanout_steer_fini(&w.steer);
	lt_fanout_rmtree(w.dir); /* shipped files, data files */
	pthread_mutex_destroy(&w.lock);
	return rc;
}
