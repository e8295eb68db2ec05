/*
 * auth.c - the run token (loading it) and its challenge-response on each
 * connection (auth.h).  The crypto is OpenSSL's: HMAC-SHA-256 and a
 * constant-time compare; nonces come from getrandom(2).
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "fanout/auth.h"

#define TABLE_CAP  16384 /* connections remembered (power of two) */
#define TABLE_FULL 12000 /* then forget them all: they authenticate again */

static const char coord_label[] = "lt-fanout/1 coordinator\n";
static const char worker_label[] = "lt-fanout/1 worker\n";

/* --- the token ----------------------------------------------------- */

static int
take_token(struct lt_fanout_sec *s, const char *p, size_t n, const char *from,
    struct lt_err *err)
{
	const char *nl = memchr(p, '\n', n);

	if (nl != NULL)
		n = (size_t)(nl - p);
	while (n > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	while (
	    n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
		n--;
	if (n == 0)
		return lt_err_set(err, 2, "%s: the run token is empty", from);
	if (n > LT_TOKEN_MAX)
		return lt_err_set(err, 2,
		    "%s: the run token is over %d "
		    "bytes",
		    from, LT_TOKEN_MAX);
	memcpy(s->token, p, n);
	s->token_len = n;
	s->has_token = 1;
	return 0;
}

int
lt_fanout_sec_token(
    struct lt_fanout_sec *s, const char *path, struct lt_err *err)
{
	char buf[LT_TOKEN_MAX + 256];
	const char *env;
	ssize_t n;
	size_t got = 0;
	int fd;

	s->has_token = 0;
	s->token_len = 0;
	if (path == NULL) {
		env = getenv("LT_FANOUT_TOKEN");
		if (env == NULL || *env == '\0')
			return 0;
		return take_token(s, env, strlen(env), "LT_FANOUT_TOKEN", err);
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return lt_err_sys(err, 2, errno, "--token-file %s", path);
	while (got < sizeof(buf) &&
	    (n = read(fd, buf + got, sizeof(buf) - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			return lt_err_sys(
			    err, 2, errno, "--token-file %s", path);
		}
		got += (size_t)n;
	}
	close(fd);
	n = take_token(s, buf, got, path, err);
	memset(buf, 0, sizeof(buf));
	return (int)n;
}

/* --- helpers ------------------------------------------------------- */

static void
hex(struct lt_buf *out, const unsigned char *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	lt_buf_addc(out, '"');
	for (i = 0; i < n; i++) {
		lt_buf_addc(out, digits[p[i] >> 4]);
		lt_buf_addc(out, digits[p[i] & 15]);
	}
	lt_buf_addc(out, '"');
}

/* Decodes exactly n bytes of hex from s; 0 or -1. */
static int
unhex(const char *s, unsigned char *p, size_t n)
{
	size_t i;
	int k, v;

	if (s == NULL || strlen(s) != 2 * n)
		return -1;
	for (i = 0; i < n; i++) {
		p[i] = 0;
		for (k = 0; k < 2; k++) {
			char c = s[2 * i + (size_t)k];

			if (c >= '0' && c <= '9')
				v = c - '0';
			else if (c >= 'a' && c <= 'f')
				v = c - 'a' + 10;
			else
				return -1;
			p[i] = (unsigned char)(p[i] << 4 | v);
		}
	}
	return 0;
}

/* The hex field key of the JSON object at p..p+n into out[len]. */
static int
field(const char *p, size_t n, const char *key, unsigned char *out, size_t len)
{
	json_t *j = json_loadb(p, n, 0, NULL);
	int rc = unhex(json_string_value(json_object_get(j, key)), out, len);

	json_decref(j);
	return rc;
}

static int
nonce(unsigned char n[LT_AUTH_NONCE], struct lt_err *err)
{
	size_t got = 0;
	ssize_t k;

	while (got < LT_AUTH_NONCE) {
		k = getrandom(n + got, LT_AUTH_NONCE - got, 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return lt_err_sys(err, 3, errno, "getrandom");
		got += (size_t)k;
	}
	return 0;
}

static void
mac(const struct lt_fanout_sec *s, const char *label,
    const unsigned char cn[LT_AUTH_NONCE],
    const unsigned char wn[LT_AUTH_NONCE], unsigned char out[LT_AUTH_MAC])
{
	unsigned char msg[64 + 2 * LT_AUTH_NONCE];
	size_t l = strlen(label);
	unsigned int outlen = LT_AUTH_MAC;

	memcpy(msg, label, l);
	memcpy(msg + l, cn, LT_AUTH_NONCE);
	memcpy(msg + l + LT_AUTH_NONCE, wn, LT_AUTH_NONCE);
	HMAC(EVP_sha256(), s->token, (int)s->token_len, msg,
	    l + 2 * LT_AUTH_NONCE, out, &outlen);
}

/* --- coordinator --------------------------------------------------- */

enum { E_EMPTY, E_CHALLENGED, E_AUTHED, E_SPENT };

struct entry {
	uint32_t pipe;
	int state;
	unsigned char cn[LT_AUTH_NONCE];
};

struct lt_auth_srv {
	const struct lt_fanout_sec *s;
	size_t used;
	struct entry t[TABLE_CAP];
};

struct lt_auth_srv *
lt_auth_srv_new(const struct lt_fanout_sec *s)
{
	struct lt_auth_srv *a = calloc(1, sizeof(*a));

	if (a != NULL)
		a->s = s;
	return a;
}

void
lt_auth_srv_free(struct lt_auth_srv *a)
{
	if (a != NULL)
		OPENSSL_cleanse(a, sizeof(*a));
	free(a);
}

/* The entry of pipe, or a new empty one (create) or NULL. */
static struct entry *
slot(struct lt_auth_srv *a, uint32_t pipe, int create)
{
	size_t i = (pipe * 2654435761u) & (TABLE_CAP - 1);

	for (;; i = (i + 1) & (TABLE_CAP - 1)) {
		if (a->t[i].state != E_EMPTY && a->t[i].pipe == pipe)
			return &a->t[i];
		if (a->t[i].state == E_EMPTY)
			break;
	}
	if (!create)
		return NULL;
	if (a->used >= TABLE_FULL) {
		memset(a->t, 0, sizeof(a->t));
		a->used = 0;
		return slot(a, pipe, create);
	}
	a->used++;
	a->t[i].pipe = pipe;
	return &a->t[i];
}

int
lt_auth_srv_ok(struct lt_auth_srv *a, uint32_t pipe)
{
	struct entry *e;

	if (!a->s->has_token)
		return 1;
	e = slot(a, pipe, 0);
	return e != NULL && e->state == E_AUTHED;
}

int
lt_auth_srv_challenge(struct lt_auth_srv *a, uint32_t pipe, const char *p,
    size_t n, struct lt_buf *out, struct lt_err *err)
{
	unsigned char wn[LT_AUTH_NONCE], proof[LT_AUTH_MAC];
	struct entry *e;

	if (field(p, n, "nonce", wn, sizeof(wn)) != 0)
		return lt_err_set(err, 2,
		    "a challenge without a readable "
		    "nonce");
	e = slot(a, pipe, 1);
	if (nonce(e->cn, err) != 0)
		return -1;
	e->state = E_CHALLENGED;
	lt_buf_adds(out, "{\"nonce\":");
	hex(out, e->cn, LT_AUTH_NONCE);
	if (a->s->has_token) {
		mac(a->s, coord_label, e->cn, wn, proof);
		lt_buf_adds(out, ",\"proof\":");
		hex(out, proof, sizeof(proof));
	}
	lt_buf_addc(out, '}');
	return 0;
}

int
lt_auth_srv_verify(struct lt_auth_srv *a, uint32_t pipe, const char *p,
    size_t n, struct lt_err *err)
{
	unsigned char cn[LT_AUTH_NONCE], wn[LT_AUTH_NONCE], got[LT_AUTH_MAC];
	unsigned char want[LT_AUTH_MAC];
	struct entry *e = slot(a, pipe, 0);
	int fresh;

	if (!a->s->has_token) {
		json_t *j = json_loadb(p, n, 0, NULL);
		int refused = json_is_true(json_object_get(j, "refuse"));

		json_decref(j);
		if (refused)
			return lt_err_set(err, 2,
			    "the worker has a run token and "
			    "this coordinator none (give both the same "
			    "--token-file or LT_FANOUT_TOKEN)");
		return 0;
	}
	if (e == NULL || e->state != E_CHALLENGED)
		return lt_err_set(err, 2,
		    "authentication without a challenge on "
		    "this connection (a replayed message?)");
	if (field(p, n, "nonce", cn, sizeof(cn)) != 0 ||
	    field(p, n, "wnonce", wn, sizeof(wn)) != 0 ||
	    field(p, n, "mac", got, sizeof(got)) != 0) {
		e->state = E_SPENT;
		return lt_err_set(err, 2, "an unreadable authentication");
	}
	fresh = CRYPTO_memcmp(cn, e->cn, sizeof(cn)) == 0;
	e->state = E_SPENT; /* one answer per challenge, right or wrong */
	if (!fresh)
		return lt_err_set(err, 2,
		    "authentication for another challenge "
		    "(a replayed message?)");
	mac(a->s, worker_label, cn, wn, want);
	if (CRYPTO_memcmp(want, got, sizeof(want)) != 0)
		return lt_err_set(err, 2,
		    "wrong run token (the worker's proof "
		    "does not match this coordinator's token)");
	e->state = E_AUTHED;
	return 0;
}

/* --- worker -------------------------------------------------------- */

int
lt_auth_cli_challenge(
    unsigned char wn[LT_AUTH_NONCE], struct lt_buf *out, struct lt_err *err)
{
	if (nonce(wn, err) != 0)
		return -1;
	lt_buf_adds(out, "{\"nonce\":");
	hex(out, wn, LT_AUTH_NONCE);
	lt_buf_addc(out, '}');
	return 0;
}

int
lt_auth_cli_answer(const struct lt_fanout_sec *s,
    const unsigned char wn[LT_AUTH_NONCE], const char *p, size_t n,
    struct lt_buf *out, struct lt_err *err)
{
	unsigned char cn[LT_AUTH_NONCE], proof[LT_AUTH_MAC], want[LT_AUTH_MAC];
	json_t *j;
	int has_proof, rc = 0;

	if (field(p, n, "nonce", cn, sizeof(cn)) != 0)
		return lt_err_set(err, 3,
		    "the coordinator's challenge has no "
		    "readable nonce");
	j = json_loadb(p, n, 0, NULL);
	has_proof = json_object_get(j, "proof") != NULL;
	json_decref(j);
	mac(s, coord_label, cn, wn, want);
	if (!has_proof)
		rc = lt_err_set(err, 3,
		    "the coordinator has no run token, this "
		    "worker has one: refusing its plan (give both the same "
		    "--token-file or LT_FANOUT_TOKEN)");
	else if (field(p, n, "proof", proof, sizeof(proof)) != 0 ||
	    CRYPTO_memcmp(want, proof, sizeof(want)) != 0)
		rc = lt_err_set(err, 3,
		    "wrong run token: the coordinator's "
		    "proof does not match this worker's token");
	/* Answered even when refusing, so the coordinator can say why. */
	mac(s, worker_label, cn, wn, want);
	lt_buf_adds(out, "{\"nonce\":");
	hex(out, cn, LT_AUTH_NONCE);
	lt_buf_adds(out, ",\"wnonce\":");
	hex(out, wn, LT_AUTH_NONCE);
	lt_buf_adds(out, ",\"mac\":");
	hex(out, want, LT_AUTH_MAC);
	if (rc != 0)
		lt_buf_adds(out, ",\"refuse\":true");
	lt_buf_addc(out, '}');
	return rc;
}
