/*
 * auth.c - the login, bearer-token and cookie endpoints of lt-target.
 *
 * Tokens are stateless so that the server keeps no memory per user:
 * "lt1.<user in hex>.<16 hex digits of a keyed hash of the user>".  Any
 * user logs in with the password "secret"; a token is valid when its hash
 * matches its user, so scenario tests can log many users in and check
 * that each later request carries its own token.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "core/jsonw.h"
#include "target.h"

#define USER_MAX   64
#define TOKEN_MAX  (4 + 2 * USER_MAX + 1 + 16 + 1)
#define COOKIE_MAX 256

static uint64_t
user_mac(const char *user, size_t n)
{
	static const char key[] = "lt-target token key";
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < sizeof(key) - 1; i++)
		h = (h ^ (unsigned char)key[i]) * 0x100000001b3ULL;
	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)user[i]) * 0x100000001b3ULL;
	h = (h ^ (h >> 33)) * 0xff51afd7ed558ccdULL;
	return h ^ (h >> 33);
}

/* Writes the token of user to tok (TOKEN_MAX bytes). */
static void
make_token(const char *user, size_t n, char *tok)
{
	static const char hex[] = "0123456789abcdef";
	uint64_t mac = user_mac(user, n);
	size_t i, o = 0;
	int k;

	memcpy(tok, "lt1.", 4);
	o = 4;
	for (i = 0; i < n; i++) {
		tok[o++] = hex[(unsigned char)user[i] >> 4];
		tok[o++] = hex[(unsigned char)user[i] & 15];
	}
	tok[o++] = '.';
	for (k = 60; k >= 0; k -= 4)
		tok[o++] = hex[(mac >> k) & 15];
	tok[o] = '\0';
}

static int
hexv(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Checks a token; on success writes its user to user (USER_MAX + 1). */
static int
check_token(struct tg_str t, char *user)
{
	char want[TOKEN_MAX];
	size_t n, i;
	int hi, lo;

	if (t.n < 4 + 2 + 1 + 16 || t.n >= TOKEN_MAX ||
	    memcmp(t.p, "lt1.", 4) != 0)
		return -1;
	n = (t.n - 4 - 1 - 16) / 2;
	if (4 + 2 * n + 1 + 16 != t.n || n > USER_MAX)
		return -1;
	for (i = 0; i < n; i++) {
		hi = hexv((unsigned char)t.p[4 + 2 * i]);
		lo = hexv((unsigned char)t.p[5 + 2 * i]);
		if (hi < 0 || lo < 0)
			return -1;
		user[i] = (char)(hi * 16 + lo);
	}
	user[n] = '\0';
	make_token(user, n, want);
	return memcmp(want, t.p, t.n) == 0 ? 0 : -1;
}

/*
 * Reads user and password from a JSON or form body.  Returns 0, or -1 when
 * the body is malformed or lacks them.
 */
static int
login_fields(const struct tg_req *r, char *user, char *pass)
{
	struct tg_str body = { r->body, r->body_len };
	json_t *doc, *u, *p;
	int rc = -1;
	size_t i = 0;

	/* curl -d labels JSON as a form: look at the body itself. */
	while (i < r->body_len && strchr(" \t\r\n", r->body[i]) != NULL &&
	    r->body[i] != '\0')
		i++;
	if (i == r->body_len || r->body[i] != '{') {
		if (tg_query_get(body, "user", user, USER_MAX + 1) <= 0 ||
		    tg_query_get(body, "password", pass, USER_MAX + 1) < 0)
			return -1;
		return 0;
	}
	doc = json_loadb(r->body, r->body_len, 0, NULL);
	if (doc == NULL)
		return -1;
	u = json_object_get(doc, "user");
	p = json_object_get(doc, "password");
	if (json_is_string(u) && json_is_string(p) &&
	    json_string_length(u) > 0 && json_string_length(u) <= USER_MAX &&
	    json_string_length(p) <= USER_MAX &&
	    strlen(json_string_value(u)) == json_string_length(u)) {
		snprintf(user, USER_MAX + 1, "%s", json_string_value(u));
		snprintf(pass, USER_MAX + 1, "%s", json_string_value(p));
		rc = 0;
	}
	json_decref(doc);
	return rc;
}

void
tg_route_login(struct tg_conn *c, struct tg_req *r)
{
	struct lt_buf *b = &tg_conn_server(c)->scratch;
	char user[USER_MAX + 1], pass[USER_MAX + 1], tok[TOKEN_MAX];

	if (!tg_str_eq(r->method, "POST")) {
		tg_reply_str(
		    c, r, 405, "text/plain", "Allow: POST\r\n", "use POST\n");
		return;
	}
	if (login_fields(r, user, pass) != 0) {
		tg_reply_str(c, r, 400, "application/json", NULL,
		    "{\"error\":\"expected {\\\"user\\\":...,"
		    "\\\"password\\\":...}\"}\n");
		return;
	}
	if (strcmp(pass, "secret") != 0) {
		tg_reply_str(c, r, 401, "application/json", NULL,
		    "{\"error\":\"bad password\"}\n");
		return;
	}
	make_token(user, strlen(user), tok);
	lt_buf_reset(b);
	lt_buf_adds(b, "{\"token\":\"");
	lt_buf_adds(b, tok);
	lt_buf_adds(b, "\"}\n");
	tg_reply_json(c, r, 200, NULL);
}

void
tg_route_secure(struct tg_conn *c, struct tg_req *r)
{
	struct lt_buf *b = &tg_conn_server(c)->scratch;
	struct tg_str tok = r->auth;
	char user[USER_MAX + 1];

	if (tok.n > 7 && strncasecmp(tok.p, "Bearer ", 7) == 0) {
		tok.p += 7;
		tok.n -= 7;
		while (tok.n > 0 && tok.p[0] == ' ') {
			tok.p++;
			tok.n--;
		}
		if (check_token(tok, user) == 0) {
			lt_buf_reset(b);
			lt_buf_adds(b, "{\"user\":");
			lt_jsonw_cstr(b, user);
			lt_buf_adds(b, ",\"path\":");
			lt_jsonw_str(b, r->path.p, r->path.n);
			lt_buf_adds(b, "}\n");
			tg_reply_json(c, r, 200, NULL);
			return;
		}
	}
	tg_reply_str(c, r, 401, "application/json",
	    "WWW-Authenticate: Bearer realm=\"lt-target\"\r\n",
	    "{\"error\":\"unauthorized\"}\n");
}

/* RFC 6265 4.1.1 cookie-octet. */
static int
cookie_octets(const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch < 0x21 || ch > 0x7e || ch == '"' || ch == ',' ||
		    ch == ';' || ch == '\\')
			return 0;
	}
	return 1;
}

/* Whether the Cookie header holds name=value (any value when NULL). */
static int
has_cookie(struct tg_str h, const char *name, const char *value)
{
	size_t nl = strlen(name), i = 0, s, e, eq;

	while (i < h.n) {
		while (i < h.n && (h.p[i] == ' ' || h.p[i] == ';'))
			i++;
		s = i;
		while (i < h.n && h.p[i] != ';')
			i++;
		e = i;
		while (e > s && h.p[e - 1] == ' ')
			e--;
		eq = s + nl;
		if (e - s > nl && h.p[eq] == '=' &&
		    memcmp(h.p + s, name, nl) == 0) {
			if (value == NULL)
				return 1;
			if (e - eq - 1 == strlen(value) &&
			    memcmp(h.p + eq + 1, value, e - eq - 1) == 0)
				return 1;
		}
	}
	return 0;
}

void
tg_route_cookie(struct tg_conn *c, struct tg_req *r)
{
	char name[COOKIE_MAX], value[COOKIE_MAX], extra[2 * COOKIE_MAX + 32];
	long vl;
	struct tg_str what = { r->path.p + 8, r->path.n - 8 };

	if (tg_str_eq(what, "echo")) {
		tg_reply(
		    c, r, 200, "text/plain", NULL, r->cookie.p, r->cookie.n);
		return;
	}
	if (!tg_str_eq(what, "set") && !tg_str_eq(what, "check")) {
		tg_reply_str(c, r, 404, "text/plain", NULL, "not found\n");
		return;
	}
	vl = tg_query_get(r->query, "value", value, sizeof(value));
	if (tg_query_get(r->query, "name", name, sizeof(name)) <= 0 ||
	    !cookie_octets(name) || strchr(name, '=') != NULL || vl == -2 ||
	    (vl >= 0 && !cookie_octets(value))) {
		tg_reply_str(c, r, 400, "text/plain", NULL,
		    "expected name=N[&value=V] (cookie characters)\n");
		return;
	}
	if (tg_str_eq(what, "set")) {
		snprintf(extra, sizeof(extra), "Set-Cookie: %s=%s; Path=/\r\n",
		    name, vl >= 0 ? value : "");
		tg_reply_str(c, r, 200, "text/plain", extra, "cookie set\n");
	} else if (has_cookie(r->cookie, name, vl >= 0 ? value : NULL)) {
		tg_reply_str(c, r, 200, "text/plain", NULL, "cookie ok\n");
	} else {
		tg_reply_str(c, r, 403, "text/plain", NULL, "cookie missing\n");
	}
}
