/*
 * plot.c - the gnuplot driver; see plot.h.  Feeding stdin and reading
 * stdout at once could deadlock with blocking writes once the SVG fills
 * the pipe while the script is still being written (apis.md 4), so both
 * pipes are non-blocking and served by one poll() loop.
 */
#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "report/esc.h"
#include "report/plot.h"

#define SVG_CAP ((size_t)64 << 20)
#define ERR_CAP 4096

extern char **environ;

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Reads what is available on fd into b; 1 at EOF, 0 otherwise, -1 error. */
static int
drain(int fd, struct lt_buf *b)
{
	char chunk[16384];
	ssize_t n;

	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n > 0) {
			if (lt_buf_add(b, chunk, (size_t)n) != 0)
				return -1;
			continue;
		}
		if (n == 0)
			return 1;
		if (errno == EINTR)
			continue;
		return errno == EAGAIN ? 0 : -1;
	}
}

struct child {
	pid_t pid;
	int in, out, errfd;
};

static int
spawn(const char *prog, struct child *c, struct lt_err *err)
{
	int pin[2], pout[2], perr[2], rc;
	posix_spawn_file_actions_t fa;
	char *argv[2];

	if (pipe2(pin, O_CLOEXEC) != 0)
		return lt_err_sys(err, LT_EXIT_RUNTIME, errno, "pipe");
	if (pipe2(pout, O_CLOEXEC) != 0) {
		close(pin[0]);
		close(pin[1]);
		return lt_err_sys(err, LT_EXIT_RUNTIME, errno, "pipe");
	}
	if (pipe2(perr, O_CLOEXEC) != 0) {
		close(pin[0]);
		close(pin[1]);
		close(pout[0]);
		close(pout[1]);
		return lt_err_sys(err, LT_EXIT_RUNTIME, errno, "pipe");
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pin[0], 0);
	posix_spawn_file_actions_adddup2(&fa, pout[1], 1);
	posix_spawn_file_actions_adddup2(&fa, perr[1], 2);
	argv[0] = (char *)prog;
	argv[1] = NULL;
	rc = posix_spawnp(&c->pid, prog, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	c->in = pin[1];
	c->out = pout[0];
	c->errfd = perr[0];
	if (rc != 0) {
		close_fd(&c->in);
		close_fd(&c->out);
		close_fd(&c->errfd);
		if (rc == ENOENT || rc == EACCES || rc == ENOTDIR)
			return LT_PLOT_MISSING;
		return lt_err_sys(
		    err, LT_EXIT_RUNTIME, rc, "cannot run %s", prog);
	}
	fcntl(c->in, F_SETFL, O_NONBLOCK);
	fcntl(c->out, F_SETFL, O_NONBLOCK);
	fcntl(c->errfd, F_SETFL, O_NONBLOCK);
	return 0;
}

/* The poll loop: returns 0, or -1 on timeout or an I/O error. */
static int
pump(struct child *c, const char *script, size_t len, struct lt_buf *svg,
    struct lt_buf *ebuf, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	size_t off = 0;
	int rc;

	if (len == 0)
		close_fd(&c->in);
	while (c->out >= 0 || c->errfd >= 0) {
		struct pollfd p[3];
		int n = 0, left = (int)(deadline - now_ms());

		if (left <= 0)
			return -1;
		if (c->in >= 0)
			p[n++] =
			    (struct pollfd) { .fd = c->in, .events = POLLOUT };
		if (c->out >= 0)
			p[n++] =
			    (struct pollfd) { .fd = c->out, .events = POLLIN };
		if (c->errfd >= 0)
			p[n++] = (struct pollfd) { .fd = c->errfd,
				.events = POLLIN };
		if (poll(p, (nfds_t)n, left) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (c->in >= 0 && off < len) {
			ssize_t w = write(c->in, script + off, len - off);

			if (w > 0)
				off += (size_t)w;
			else if (w < 0 && errno != EAGAIN && errno != EINTR)
				close_fd(&c->in); /* EPIPE: gnuplot quit */
			if (off == len)
				close_fd(&c->in);
		}
		if (c->out >= 0) {
			rc = drain(c->out, svg);
			if (rc < 0)
				return -1;
			if (rc == 1)
				close_fd(&c->out);
		}
		if (c->errfd >= 0) {
			rc = drain(c->errfd, ebuf);
			if (rc != 0)
				close_fd(&c->errfd);
		}
	}
	return 0;
}

/* The first non-empty line of gnuplot's stderr, for the message. */
static void
first_line(struct lt_buf *ebuf, char *out, size_t cap)
{
	const char *s = lt_buf_cstr(ebuf);
	size_t n;

	if (s == NULL)
		s = "";
	while (*s == '\n' || *s == ' ')
		s++;
	n = strcspn(s, "\n");
	if (n >= cap)
		n = cap - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}

int
lt_plot_run(const char *prog, const char *script, size_t len,
    struct lt_buf *svg, int timeout_ms, struct lt_err *err)
{
	struct child c = { -1, -1, -1, -1 };
	struct lt_buf ebuf;
	char line[256];
	int rc, status = 0;
	size_t start = svg->len;

	rc = spawn(prog, &c, err);
	if (rc != 0)
		return rc;
	lt_buf_init(&ebuf, ERR_CAP);
	rc = pump(&c, script, len, svg, &ebuf, timeout_ms);
	close_fd(&c.in);
	close_fd(&c.out);
	close_fd(&c.errfd);
	if (rc != 0)
		kill(c.pid, SIGKILL);
	while (waitpid(c.pid, &status, 0) < 0 && errno == EINTR)
		;
	first_line(&ebuf, line, sizeof(line));
	lt_buf_fini(&ebuf);
	if (rc != 0)
		return lt_err_set(err, LT_EXIT_RUNTIME,
		    "%s: timed out or failed reading its output", prog);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return lt_err_set(err, LT_EXIT_RUNTIME, "%s failed: %s", prog,
		    line[0] ? line : "no message");
	if (svg->len == start)
		return lt_err_set(
		    err, LT_EXIT_RUNTIME, "%s wrote nothing", prog);
	return 0;
}

/* Does s[i..len) start with lit? */
static int
at(const char *s, size_t len, size_t i, const char *lit)
{
	size_t n = strlen(lit);

	return len - i >= n && memcmp(s + i, lit, n) == 0;
}

/* Skips an attribute xmlns...="..." starting at s[i]; returns the end. */
static size_t
skip_attr(const char *s, size_t len, size_t i)
{
	char q = 0;

	while (i < len && s[i] != '=')
		i++;
	if (i + 1 < len) {
		q = s[i + 1];
		i += 2;
		while (i < len && s[i] != q)
			i++;
		i++;
	}
	return i;
}

/*
 * At svg[i]: "<title>gnuplot_plot_N</title>" with line N of series?
 * Appends that line escaped and returns the length consumed, else 0.
 */
static size_t
series_title(struct lt_buf *html, const char *svg, size_t len, size_t i,
    const char *series, int *rc)
{
	static const char open[] = "<title>gnuplot_plot_";
	size_t j = i + sizeof(open) - 1;
	unsigned long n = 0;
	const char *p = series;
	char *line;
	size_t ll;

	if (series == NULL || !at(svg, len, i, open))
		return 0;
	while (j < len && svg[j] >= '0' && svg[j] <= '9' && n < 100000)
		n = n * 10 + (unsigned long)(svg[j++] - '0');
	if (n == 0 || !at(svg, len, j, "</title>"))
		return 0;
	while (--n > 0 && p != NULL) {
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	if (p == NULL || *p == '\0')
		return 0;
	ll = strcspn(p, "\n");
	line = strndup(p, ll);
	if (line == NULL) {
		*rc = -1;
		return 0;
	}
	*rc |= lt_buf_adds(html, "<title>");
	*rc |= lt_html_esc(html, line);
	*rc |= lt_buf_adds(html, "</title>");
	free(line);
	return j + strlen("</title>") - i;
}

int
lt_plot_splice(struct lt_buf *html, const char *svg, size_t len,
    const char *prefix, const char *title, const char *series)
{
	size_t used;

	const char *p = memmem(svg, len, "<svg", 4);
	size_t i, tag_end;
	int rc = 0, in_tag = 1;

	if (p == NULL)
		return -1;
	i = (size_t)(p - svg);
	tag_end = i;
	while (tag_end < len && svg[tag_end] != '>')
		tag_end++;
	rc |= lt_buf_adds(html, "<svg role=\"img\" aria-label=\"");
	rc |= lt_html_esc(html, title);
	rc |= lt_buf_addc(html, '"');
	for (i += 4; i < len; i++) {
		if (in_tag && i == tag_end)
			in_tag = 0;
		if (in_tag && at(svg, len, i, "xmlns")) {
			i = skip_attr(svg, len, i) - 1;
			continue;
		}
		if (in_tag && (svg[i] == '\n' || svg[i] == ' ')) {
			if (html->len && html->data[html->len - 1] != ' ')
				rc |= lt_buf_addc(html, ' ');
			continue;
		}
		if (!in_tag &&
		    (used = series_title(html, svg, len, i, series, &rc)) > 0) {
			i += used - 1;
		} else if (at(svg, len, i, "<title>Gnuplot</title>")) {
			rc |= lt_buf_adds(html, "<title>");
			rc |= lt_html_esc(html, title);
			rc |= lt_buf_adds(html, "</title>");
			i += strlen("<title>Gnuplot</title>") - 1;
		} else if (at(svg, len, i, "id='") ||
		    at(svg, len, i, "id=\"")) {
			rc |= lt_buf_add(html, svg + i, 4);
			rc |= lt_buf_printf(html, "%s-", prefix);
			i += 3;
		} else if (at(svg, len, i, "href='#") ||
		    at(svg, len, i, "href=\"#")) {
			rc |= lt_buf_add(html, svg + i, 7);
			rc |= lt_buf_printf(html, "%s-", prefix);
			i += 6;
		} else if (at(svg, len, i, "url(#")) {
			rc |= lt_buf_printf(html, "url(#%s-", prefix);
			i += 4;
		} else if (svg[i] == '\n' && i + 1 < len &&
		    svg[i + 1] == '\n') {
			continue; /* blank lines: keep the page compact */
		} else {
			rc |= lt_buf_addc(html, svg[i]);
		}
	}
	return rc ? -1 : 0;
}
