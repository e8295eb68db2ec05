/*
 * shape_test.c - unit tests of load shapes (lib/run/shape.c): the line
 * grammar and its errors, and the three sources (file, command, FIFO)
 * plus the fed buffer, read through their non-blocking fds.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run/shape.h"
#include "../tap.h"
#include "../testfile.h"

static char dir[] = "/tmp/lt-shape-test.XXXXXX";

/* Parses one line: "kind at users rate rps" or "blank" or "err: msg". */
static const char *
line(const char *s)
{
	static char out[600];
	struct lt_stage st;
	struct lt_err err;
	int r = lt_shape_parse_line(s, strlen(s), &st, &err);

	if (r < 0)
		snprintf(out, sizeof(out), "err: %s", err.msg);
	else if (r == 0)
		snprintf(out, sizeof(out), "blank");
	else if (st.kind == LT_STAGE_USERS)
		snprintf(out, sizeof(out), "users at=%g n=%lu spawn=%g",
		    st.at_s, st.users, st.spawn_rate);
	else if (st.kind == LT_STAGE_RATE)
		snprintf(out, sizeof(out), "rate at=%g rps=%g", st.at_s,
		    st.rate_rps);
	else
		snprintf(out, sizeof(out), "end at=%g", st.at_s);
	return out;
}

static void
test_lines(void)
{
	TAP_EQ_STR(line("10 20 5"), "users at=10 n=20 spawn=5", "timed users");
	TAP_EQ_STR(line("  1m30s 100 10  # ramp"), "users at=90 n=100 spawn=10",
	    "units, blanks and a trailing comment");
	TAP_EQ_STR(line("60 rate 250.5"), "rate at=60 rps=250.5", "timed rate");
	TAP_EQ_STR(line("50 10"), "users at=-1 n=50 spawn=10",
	    "two fields: users now");
	TAP_EQ_STR(line("50"), "users at=-1 n=50 spawn=0", "users only");
	TAP_EQ_STR(line("rate 100"), "rate at=-1 rps=100", "rate now");
	TAP_EQ_STR(line("end"), "end at=-1", "end");
	TAP_EQ_STR(line("STOP"), "end at=-1", "stop, any case");
	TAP_EQ_STR(line("120 end"), "end at=120", "timed end");
	TAP_EQ_STR(line("# comment"), "blank", "comment");
	TAP_EQ_STR(line("   "), "blank", "blank");
	TAP_EQ_STR(line("10 x 5"),
	    "err: 4: expected a user count, 'rate' or 'end', got 'x'",
	    "bad user count");
	TAP_EQ_STR(line("soon 10 5"),
	    "err: 1: expected a time (seconds, 90s, 2m), got 'soon'",
	    "bad time");
	TAP_EQ_STR(line("10 10 fast"),
	    "err: 7: expected a spawn rate (users/s), got 'fast'", "bad rate");
	TAP_EQ_STR(line("10 rate"),
	    "err: 4: expected a spawn rate (users/s), got 'rate'",
	    "two fields are untimed: 10 users, then not a spawn rate");
	TAP_EQ_STR(line("rate"),
	    "err: 5: expected a rate (requests/s), got "
	    "end of line",
	    "rate without a value");
	TAP_EQ_STR(line("1 2 3 4"), "err: 7: expected end of line, got '4'",
	    "too many fields");
	TAP_EQ_STR(line("-5"),
	    "err: 1: expected a user count, 'rate', 'end' or "
	    "a time with 3 fields, got '-5'",
	    "negative users");
	TAP_EQ_STR(line("end now"), "err: 5: expected end of line, got 'now'",
	    "end with junk");
}

/* Drains sh into a text summary "at:users/rate;..." */
static const char *
drain(struct lt_shape *sh)
{
	static char out[1024];
	struct lt_stage st;

	out[0] = '\0';
	while (lt_shape_next(sh, &st)) {
		char one[64];

		if (st.kind == LT_STAGE_USERS)
			snprintf(one, sizeof(one), "%g:%lu@%g;", st.at_s,
			    st.users, st.spawn_rate);
		else if (st.kind == LT_STAGE_RATE)
			snprintf(
			    one, sizeof(one), "%g:r%g;", st.at_s, st.rate_rps);
		else
			snprintf(one, sizeof(one), "%g:end;", st.at_s);
		strcat(out, one);
	}
	return out;
}

static void
write_file(const char *name, const char *text, int mode)
{
	test_write_file(dir, name, text, mode);
}

static void
test_buf(void)
{
	struct lt_shape *sh = lt_shape_new_buf("fed");
	struct lt_err err;

	TAP_OK(lt_shape_feed(sh, "0 10 5\n30 2", 11, 0, &err) == 0,
	    "feed a line and a half");
	TAP_EQ_STR(drain(sh), "0:10@5;", "only complete lines yield");
	TAP_OK(lt_shape_feed(sh, "0 1\n", 4, 0, &err) == 0, "finish the line");
	TAP_EQ_STR(drain(sh), "30:20@1;", "the rest arrives");
	TAP_EQ_INT(lt_shape_fd(sh), -1, "a fed source has no fd");
	TAP_OK(lt_shape_feed(sh, "10 5 1\n", 7, 0, &err) != 0 &&
	        strcmp(err.msg,
	            "fed:3:1: expected a time >= 30 (the previous "
	            "stage's), got 10") == 0,
	    "time going back is an error: %s", err.msg);
	lt_shape_close(sh);
	sh = lt_shape_new_buf("fed");
	TAP_OK(lt_shape_feed(sh, "5 5\nbad line\n", 13, 0, &err) != 0 &&
	        strcmp(err.msg,
	            "fed:2:1: expected a user count, 'rate', 'end' or "
	            "a time with 3 fields, got 'bad'") == 0,
	    "errors carry name:line:col: %s", err.msg);
	lt_shape_close(sh);
	sh = lt_shape_new_buf("fed");
	TAP_OK(lt_shape_feed(sh, "1 1 1\nend\n2 2 2\n", 16, 1, &err) == 0,
	    "lines after end are ignored");
	TAP_EQ_STR(drain(sh), "1:1@1;-1:end;", "end is the last stage");
	TAP_OK(lt_shape_done(sh), "done after end");
	lt_shape_close(sh);
}

static void
test_file(void)
{
	struct lt_shape *sh;
	struct lt_err err;
	char path[256];

	write_file("stages.shape",
	    "# stages\n0 10 5\n60 50 10\n\n120 rate 30\n"
	    "180 end\n",
	    0644);
	snprintf(path, sizeof(path), "%s/stages.shape", dir);
	TAP_OK(lt_shape_open(path, &sh, &err) == 0, "open a file shape");
	TAP_EQ_INT(lt_shape_kind(sh), LT_SHAPE_FILE, "it is a file");
	TAP_EQ_INT(lt_shape_fd(sh), -1, "read at once: no fd to watch");
	TAP_EQ_STR(drain(sh), "0:10@5;60:50@10;120:r30;180:end;", "all stages");
	lt_shape_close(sh);
	write_file("noend.shape", "0 10 5\n5 1 1", 0644);
	snprintf(path, sizeof(path), "%s/noend.shape", dir);
	TAP_OK(lt_shape_open(path, &sh, &err) == 0, "open a file without end");
	TAP_EQ_STR(drain(sh), "0:10@5;5:1@1;",
	    "no end stage: the last stage holds (last line without newline)");
	TAP_OK(lt_shape_done(sh), "and the source is done");
	lt_shape_close(sh);
	write_file("bad.shape", "0 10 5\n10 x\n", 0644);
	snprintf(path, sizeof(path), "%s/bad.shape", dir);
	TAP_OK(lt_shape_open(path, &sh, &err) != 0 &&
	        strstr(err.msg,
	            "bad.shape:2:4: expected a spawn rate (users/s), got "
	            "'x'") != NULL,
	    "a bad file fails at open: %s", err.msg);
}

/* Reads the source until it reports EOF, or 5 s. */
static int
read_until_eof(struct lt_shape *sh, struct lt_err *err)
{
	int i, r = 0;

	for (i = 0; i < 500; i++) {
		struct pollfd pfd = { lt_shape_fd(sh), POLLIN, 0 };

		if (pfd.fd < 0)
			return 1;
		poll(&pfd, 1, 10);
		r = lt_shape_read(sh, err);
		if (r != 0)
			return r;
	}
	return r;
}

static void
test_cmd(void)
{
	struct lt_shape *sh;
	struct lt_err err;
	char buf[1024];

	TAP_OK(lt_shape_open("printf '0 5 5\\n'; sleep 0.1; printf '2 9 1\\n'",
	           &sh, &err) == 0,
	    "open a command");
	TAP_EQ_INT(lt_shape_kind(sh), LT_SHAPE_CMD, "it is a command");
	TAP_OK(lt_shape_fd(sh) >= 0, "with an fd to watch");
	TAP_EQ_INT(read_until_eof(sh, &err), 1, "reads to EOF");
	snprintf(buf, sizeof(buf), "%s", drain(sh));
	TAP_EQ_STR(buf, "0:5@5;2:9@1;2:end;",
	    "lines as they come, then an end at the last stage's time");
	TAP_OK(lt_shape_done(sh), "done");
	lt_shape_close(sh);

	write_file("sine.sh", "#!/bin/sh\necho '0 1 1'\necho 'rate 7'\n", 0755);
	snprintf(buf, sizeof(buf), "%s/sine.sh", dir);
	TAP_OK(lt_shape_open(buf, &sh, &err) == 0 &&
	        lt_shape_kind(sh) == LT_SHAPE_CMD,
	    "an executable file is a command");
	read_until_eof(sh, &err);
	TAP_EQ_STR(drain(sh), "0:1@1;-1:r7;0:end;", "its output");
	lt_shape_close(sh);

	TAP_OK(lt_shape_open("echo '0 1 1'; echo oops", &sh, &err) == 0,
	    "open a command printing garbage");
	TAP_EQ_INT(read_until_eof(sh, &err), -1, "its error surfaces on read");
	TAP_OK(strstr(err.msg, ":2:1: expected a user count") != NULL,
	    "with the line: %s", err.msg);
	lt_shape_close(sh);

	TAP_OK(
	    lt_shape_open("sleep 30", &sh, &err) == 0, "a command that hangs");
	TAP_EQ_INT(lt_shape_read(sh, &err), 0, "reading does not block");
	lt_shape_close(sh); /* must kill and reap it quickly */
	TAP_OK(1, "close stops a running command");
}

static void
test_fifo(void)
{
	struct lt_shape *sh;
	struct lt_err err;
	char path[256];
	int w, i;

	snprintf(path, sizeof(path), "%s/steer", dir);
	if (mkfifo(path, 0600) != 0) {
		TAP_OK(0, "mkfifo");
		return;
	}
	TAP_OK(lt_shape_open(path, &sh, &err) == 0, "open a FIFO");
	TAP_EQ_INT(lt_shape_kind(sh), LT_SHAPE_FIFO, "it is a FIFO");
	TAP_EQ_INT(lt_shape_read(sh, &err), 0, "nothing yet, no block");
	w = open(path, O_WRONLY);
	TAP_OK(w >= 0 && write(w, "20 4\n", 5) == 5, "a writer sends a line");
	close(w);
	for (i = 0; i < 100 && lt_shape_read(sh, &err) == 0; i++) {
		struct lt_stage st;

		if (lt_shape_next(sh, &st)) {
			TAP_OK(st.kind == LT_STAGE_USERS && st.users == 20 &&
			        st.at_s < 0,
			    "the stage arrives, untimed");
			break;
		}
		usleep(10000);
	}
	TAP_EQ_INT(lt_shape_read(sh, &err), 0,
	    "the writer closing is not an EOF (dummy writer)");
	TAP_OK(!lt_shape_done(sh), "the FIFO stays open for more");
	w = open(path, O_WRONLY);
	TAP_OK(w >= 0 && write(w, "end\n", 4) == 4, "a second writer ends it");
	close(w);
	lt_shape_read(sh, &err);
	TAP_EQ_STR(drain(sh), "-1:end;", "end arrives");
	TAP_OK(lt_shape_done(sh), "done");
	lt_shape_close(sh);
}

/* The shapes shipped in scenarios/shapes/ parse; sine.sh runs. */
static void
test_examples(void)
{
	const char *top = getenv("LT_TOP");
	const char *files[] = { "stages", "step", "spike", "rate",
		"demo-ramp" };
	struct lt_shape *sh;
	struct lt_stage st;
	struct lt_err err;
	char path[600];
	size_t i;
	int n, users, max;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/scenarios/shapes/%s.shape",
		    top ? top : ".", files[i]);
		if (lt_shape_open(path, &sh, &err) != 0) {
			TAP_OK(0, "%s: %s", files[i], err.msg);
			continue;
		}
		n = 0;
		while (lt_shape_next(sh, &st))
			n++;
		TAP_OK(n >= 3 && st.kind == LT_STAGE_END,
		    "%s.shape: %d stages, then end", files[i], n);
		lt_shape_close(sh);
	}
	snprintf(path, sizeof(path),
	    "%s/scenarios/shapes/sine.sh 0.4 2 10 0.4 0.05", top ? top : ".");
	if (lt_shape_open(path, &sh, &err) != 0) {
		TAP_OK(0, "sine.sh: %s", err.msg);
		return;
	}
	TAP_EQ_INT(read_until_eof(sh, &err), 1, "sine.sh runs to its end");
	n = 0;
	max = 0;
	users = 99;
	while (lt_shape_next(sh, &st)) {
		if (st.kind != LT_STAGE_USERS)
			break;
		n++;
		users = (int)st.users < users ? (int)st.users : users;
		max = (int)st.users > max ? (int)st.users : max;
	}
	TAP_OK(n >= 4 && users == 2 && max >= 8 && st.kind == LT_STAGE_END,
	    "sine.sh swings between its bounds (%d lines, %d..%d)", n, users,
	    max);
	lt_shape_close(sh);
}

/* QA F10 / F9: going back in time, untimed lines in files, the end,
   and a command's exit status. */
static void
test_back_in_time(void)
{
	struct lt_shape *sh;
	struct lt_err err;
	char path[256];
	const char *w;

	write_file("back.shape", "0 10 5\n5 10 1\n2 3 1\n", 0644);
	snprintf(path, sizeof(path), "%s/back.shape", dir);
	TAP_OK(lt_shape_open(path, &sh, &err) != 0 &&
	        strstr(err.msg, "back.shape:3:1: expected a time >= 5") != NULL,
	    "a file going back in time is an error at file:line:col: %s",
	    err.msg);
	write_file("untimed.shape", "5 10\n2 3\n", 0644);
	snprintf(path, sizeof(path), "%s/untimed.shape", dir);
	TAP_OK(lt_shape_open(path, &sh, &err) != 0 &&
	        strstr(err.msg, "untimed.shape:2:1: expected a time first") !=
	            NULL,
	    "a second untimed line in a file is an error: %s", err.msg);
	write_file("noend.shape", "5 10\n", 0644);
	snprintf(path, sizeof(path), "%s/noend.shape", dir);
	TAP_OK(lt_shape_open(path, &sh, &err) == 0, "one untimed line is fine");
	TAP_EQ_INT(lt_shape_ends(sh), 0, "a file without end does not end");
	TAP_OK(lt_shape_warnings(sh) == NULL, "no warnings");
	lt_shape_close(sh);
	write_file("end.shape", "0 10 5\n9 end\n", 0644);
	snprintf(path, sizeof(path), "%s/end.shape", dir);
	TAP_OK(lt_shape_open(path, &sh, &err) == 0 && lt_shape_ends(sh) == 1,
	    "a file with an end line ends");
	TAP_EQ_INT(lt_shape_status(sh), -1, "a file has no exit status");
	lt_shape_close(sh);

	TAP_OK(
	    lt_shape_open("printf '5 10 1\\n2 3 1\\n7 4 1\\n'", &sh, &err) == 0,
	    "a command going back in time");
	TAP_EQ_INT(lt_shape_ends(sh), 1, "a command ends the run");
	TAP_EQ_INT(read_until_eof(sh, &err), 1, "is read to EOF");
	TAP_EQ_STR(drain(sh), "5:10@1;7:4@1;7:end;", "the bad line is dropped");
	w = lt_shape_warnings(sh);
	TAP_EQ_STR(w ? w : "(null)",
	    "printf '5 10 1\\n2 3 1\\n7 4 1\\n':2:1: line ignored: time 2 "
	    "is before the previous stage's 5\n",
	    "and a warning says so");
	TAP_OK(lt_shape_warnings(sh) == NULL, "warnings are handed out once");
	TAP_EQ_INT(lt_shape_status(sh), 0, "exit status 0");
	lt_shape_close(sh);

	TAP_OK(lt_shape_open("echo '0 2 1'; exit 3", &sh, &err) == 0,
	    "a failing command");
	TAP_EQ_INT(read_until_eof(sh, &err), 1, "is read to EOF");
	TAP_EQ_INT(lt_shape_status(sh), 3, "its exit status is 3");
	lt_shape_close(sh);
	TAP_OK(lt_shape_open("/nonexistent/cmd 2>/dev/null", &sh, &err) == 0,
	    "a command that is not found");
	TAP_EQ_INT(read_until_eof(sh, &err), 1, "is read to EOF");
	TAP_EQ_INT(lt_shape_status(sh), 127, "exit status 127");
	lt_shape_close(sh);
}

int
main(void)
{
	char cmd[300];

	if (mkdtemp(dir) == NULL)
		return 1;
	test_lines();
	test_buf();
	test_file();
	test_cmd();
	test_fifo();
	test_examples();
	test_back_in_time();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return 1;
	return tap_done();
}
