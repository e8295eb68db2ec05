/*
 * evout_test.c - the event writer (batches of whole lines, PIPE_BUF cuts
 * for shared pipes, EPIPE) and the console latency histogram.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../tap.h"
#include "run/evout.h"
#include "run/lathist.h"

/* Reads everything the pipe holds into buf; returns the byte count. */
static size_t
slurp(int fd, char *buf, size_t cap)
{
	size_t n = 0;
	ssize_t r;

	while (n < cap) {
		r = read(fd, buf + n, cap - n);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	return n;
}

static void
test_batches(void)
{
	struct lt_evout o;
	struct lt_buf *b;
	int fds[2], i, lines = 0;
	static char got[1 << 20];
	size_t n, k;

	TAP_OK(pipe(fds) == 0, "pipe");
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);
	lt_evout_init(&o, fds[1], NULL, 1);
	for (i = 0; i < 1000; i++) {
		b = lt_evout_begin(&o);
		lt_buf_printf(b, "{\"i\":%d,\"pad\":\"%0*d\"}", i, i % 300, 0);
		if (lt_evout_end(&o) != 0)
			break;
	}
	TAP_EQ_INT(i, 1000, "1000 events accepted");
	n = slurp(fds[0], got, sizeof(got));
	TAP_OK(n >= 65536 && got[n - 1] == '\n',
	    "full 64 KiB batches were written, ending on a line (%zu)", n);
	TAP_EQ_INT(lt_evout_flush(&o), 0, "flush");
	n += slurp(fds[0], got + n, sizeof(got) - n);
	for (k = 0; k < n; k++)
		lines += got[k] == '\n';
	TAP_EQ_INT(lines, 1000, "1000 whole lines");
	TAP_EQ_INT(o.lines, 1000, "lines counted");
	lt_evout_fini(&o);
	close(fds[1]);
	close(fds[0]);
}

/*
 * With atomic cuts every write(2) is at most PIPE_BUF bytes and ends on a
 * newline.  A SOCK_SEQPACKET pair keeps write boundaries, so each read
 * returns exactly one write.
 */
static void
test_atomic(void)
{
	struct lt_evout o;
	struct lt_buf *b;
	int sv[2], i, writes = 0, bad = 0, lines = 0;
	char msg[1 << 17];
	ssize_t r, k;

	TAP_OK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0, "socketpair");
	lt_evout_init(&o, sv[1], NULL, 1);
	for (i = 0; i < 300; i++) {
		b = lt_evout_begin(&o);
		lt_buf_printf(b, "{\"i\":%d,\"pad\":\"%0*d\"}", i, 100, 0);
		lt_evout_end(&o);
	}
	lt_evout_flush(&o);
	close(sv[1]);
	for (;;) {
		r = read(sv[0], msg, sizeof(msg));
		if (r <= 0)
			break;
		writes++;
		if (r > PIPE_BUF || msg[r - 1] != '\n')
			bad++;
		for (k = 0; k < r; k++)
			lines += msg[k] == '\n';
	}
	TAP_OK(writes > 1, "several writes (%d)", writes);
	TAP_EQ_INT(bad, 0, "each write <= PIPE_BUF and ends a line");
	TAP_EQ_INT(lines, 300, "300 lines");
	lt_evout_fini(&o);
	close(sv[0]);
}

static void
test_epipe(void)
{
	struct lt_evout o;
	struct lt_buf *b;
	int fds[2];

	signal(SIGPIPE, SIG_IGN);
	TAP_OK(pipe(fds) == 0, "pipe");
	close(fds[0]);
	lt_evout_init(&o, fds[1], NULL, 0);
	b = lt_evout_begin(&o);
	lt_buf_adds(b, "{}");
	lt_evout_end(&o);
	TAP_EQ_INT(lt_evout_flush(&o), -1, "flush to a closed pipe fails");
	TAP_EQ_INT(o.broken, 1, "broken");
	TAP_EQ_INT(o.error, 0, "EPIPE is not an error to report");
	b = lt_evout_begin(&o);
	lt_buf_adds(b, "{}");
	TAP_EQ_INT(lt_evout_end(&o), -1, "later events fail at once");
	lt_evout_fini(&o);
	close(fds[1]);
}

static void
test_hist(void)
{
	struct lt_lathist h;
	int64_t v;
	int i;

	memset(&h, 0, sizeof(h));
	TAP_EQ_INT(lt_lathist_quantile(&h, 0.5), 0, "empty: 0");
	for (i = 1; i <= 1000; i++)
		lt_lathist_add(&h, i * 100); /* 100 us .. 100 ms */
	TAP_EQ_INT(h.count, 1000, "count");
	TAP_EQ_INT(h.min_us, 100, "min");
	TAP_EQ_INT(h.max_us, 100000, "max");
	v = lt_lathist_quantile(&h, 0.5);
	TAP_OK(v > 50000 * 0.96 && v < 50000 * 1.04, "median within 4%% (%lld)",
	    (long long)v);
	v = lt_lathist_quantile(&h, 0.95);
	TAP_OK(v > 95000 * 0.96 && v < 95000 * 1.04, "p95 within 4%% (%lld)",
	    (long long)v);
	TAP_EQ_INT(lt_lathist_quantile(&h, 1.0), 100000, "p100 is the max");
	lt_lathist_add(&h, 5);
	TAP_EQ_INT(lt_lathist_quantile(&h, 0.0), 5, "p0 is the min");
	lt_lathist_add(&h, (int64_t)1 << 40);
	TAP_EQ_INT(h.max_us, (int64_t)1 << 40, "huge values are kept in max");
}

int
main(void)
{
	test_batches();
	test_atomic();
	test_epipe();
	test_hist();
	return tap_done();
}
