/*
 * auth_test.c - the run token's challenge-response (lib/fanout/auth.c):
 * a worker and a coordinator with the same token authenticate; another
 * token, no token on either side, a replayed or repeated answer, an answer
 * on another connection and a tampered MAC are refused; a full table of
 * connections is forgotten (they authenticate again), not overflowed.
 * The MAC itself is checked against Python's hmac in fanout_tls.sh.
 */
#include <stdint.h>
#include <string.h>

#include "core/buf.h"
#include "fanout/auth.h"
#include "../tap.h"

static struct lt_fanout_sec
sec(const char *token)
{
	struct lt_fanout_sec s;

	memset(&s, 0, sizeof(s));
	if (token != NULL) {
		s.has_token = 1;
		s.token_len = strlen(token);
		memcpy(s.token, token, s.token_len);
	}
	return s;
}

/* Where s is in b (not NUL-terminated), or NULL. */
static char *
find(const struct lt_buf *b, const char *s)
{
	return memmem(b->data, b->len, s, strlen(s));
}

/* One handshake on pipe: 0 when the coordinator accepts, -1 else; the
 * worker's answer is left in answer, the worker's verdict in wrc. */
static int
handshake(struct lt_auth_srv *a, const struct lt_fanout_sec *w, uint32_t pipe,
    struct lt_buf *answer, int *wrc, struct lt_err *err)
{
	unsigned char wn[LT_AUTH_NONCE];
	struct lt_buf ch, reply;
	int rc = -1;

	lt_buf_init(&ch, 0);
	lt_buf_init(&reply, 0);
	lt_buf_reset(answer);
	if (lt_auth_cli_challenge(wn, &ch, err) == 0 &&
	    lt_auth_srv_challenge(a, pipe, ch.data, ch.len, &reply, err) == 0) {
		*wrc = lt_auth_cli_answer(
		    w, wn, reply.data, reply.len, answer, err);
		rc =
		    lt_auth_srv_verify(a, pipe, answer->data, answer->len, err);
	}
	lt_buf_fini(&ch);
	lt_buf_fini(&reply);
	return rc;
}

int
main(void)
{
	struct lt_fanout_sec c = sec("s3cret"), w = sec("s3cret"),
	                     other = sec("other"), none = sec(NULL);
	struct lt_auth_srv *a = lt_auth_srv_new(&c),
	                   *open = lt_auth_srv_new(&none);
	struct lt_buf ans, copy;
	struct lt_err err;
	int wrc = -9, i, all = 1;
	uint32_t p;

	lt_buf_init(&ans, 0);
	lt_buf_init(&copy, 0);
	TAP_OK(!lt_auth_srv_ok(a, 7), "a new connection is not authenticated");
	TAP_EQ_INT(
	    handshake(a, &w, 7, &ans, &wrc, &err), 0, "same token: accepted");
	TAP_EQ_INT(
	    wrc, 0, "same token: the worker accepts the coordinator's proof");
	TAP_OK(lt_auth_srv_ok(a, 7), "the connection is now authenticated");
	TAP_OK(!lt_auth_srv_ok(a, 8), "another connection is not");
	TAP_OK(
	    find(&ans, "s3cret") == NULL, "the answer does not hold the token");
	lt_buf_add(&copy, ans.data, ans.len);

	TAP_EQ_INT(lt_auth_srv_verify(a, 7, copy.data, copy.len, &err), -1,
	    "the same answer again: refused");
	TAP_OK(strstr(err.msg, "without a challenge") != NULL, "says: %s",
	    err.msg);

	{
		unsigned char wn[LT_AUTH_NONCE];
		struct lt_buf ch, reply;

		lt_buf_init(&ch, 0);
		lt_buf_init(&reply, 0);
		lt_auth_cli_challenge(wn, &ch, &err);
		lt_auth_srv_challenge(a, 9, ch.data, ch.len, &reply, &err);
		TAP_EQ_INT(lt_auth_srv_verify(a, 9, copy.data, copy.len, &err),
		    -1,
		    "a captured answer replayed on a new connection: refused");
		TAP_OK(strstr(err.msg, "another challenge") != NULL, "says: %s",
		    err.msg);
		TAP_OK(!lt_auth_srv_ok(a, 9),
		    "that connection stays unauthenticated");
		lt_buf_fini(&ch);
		lt_buf_fini(&reply);
	}

	TAP_EQ_INT(handshake(a, &other, 10, &ans, &wrc, &err), -1,
	    "another token: refused");
	TAP_OK(strstr(err.msg, "wrong run token") != NULL,
	    "coordinator says: %s", err.msg);
	TAP_EQ_INT(
	    wrc, -1, "another token: the worker refuses the coordinator too");

	{
		char *m;

		handshake(a, &w, 11, &ans, &wrc, &err);
		TAP_OK(lt_auth_srv_ok(a, 11), "control: pipe 11 authenticated");
		m = find(&ans, "\"mac\":\"");
		TAP_OK(m != NULL, "the answer has a mac");
	}
	{
		unsigned char wn[LT_AUTH_NONCE];
		struct lt_buf ch, reply, out;
		char *m;

		lt_buf_init(&ch, 0);
		lt_buf_init(&reply, 0);
		lt_buf_init(&out, 0);
		lt_auth_cli_challenge(wn, &ch, &err);
		lt_auth_srv_challenge(a, 12, ch.data, ch.len, &reply, &err);
		lt_auth_cli_answer(&w, wn, reply.data, reply.len, &out, &err);
		m = find(&out, "\"mac\":\"") + 7;
		*m = *m == '0' ? '1' : '0';
		TAP_EQ_INT(lt_auth_srv_verify(a, 12, out.data, out.len, &err),
		    -1, "one hex digit of the mac changed: refused");
		TAP_EQ_INT(lt_auth_srv_verify(a, 12, "{}", 2, &err), -1,
		    "garbage after a spent challenge: refused");
		lt_buf_fini(&ch);
		lt_buf_fini(&reply);
		lt_buf_fini(&out);
	}

	TAP_EQ_INT(handshake(open, &w, 1, &ans, &wrc, &err), -1,
	    "worker with a token, coordinator without: refused");
	TAP_EQ_INT(wrc, -1, "the worker refuses a coordinator without a token");
	TAP_OK(strstr(err.msg, "this coordinator none") != NULL, "says: %s",
	    err.msg);
	TAP_OK(lt_auth_srv_ok(open, 5),
	    "a coordinator without a token lets all pass");

	for (p = 1000; p < 1000 + 13000; p++)
		if (handshake(a, &w, p, &ans, &wrc, &err) != 0)
			all = 0;
	TAP_OK(all,
	    "13000 connections authenticate (the table is wiped when full)");
	TAP_OK(lt_auth_srv_ok(a, 1000 + 12999), "the latest is remembered");
	TAP_OK(!lt_auth_srv_ok(a, 7),
	    "the oldest was forgotten: it must prove the token again");
	i = handshake(a, &w, 7, &ans, &wrc, &err);
	TAP_EQ_INT(i, 0, "and it can");

	lt_buf_fini(&ans);
	lt_buf_fini(&copy);
	lt_auth_srv_free(a);
	lt_auth_srv_free(open);
	return tap_done();
}
