/*
 * userevent.c - a user's req events (the fields every one has, written
 * straight into the shard's event buffer) and the judgement of a response
 * by its step's checks: which parts of the response the checks need kept,
 * and the failure message of the first check that fails.
 */
#include "core/jsonw.h"
#include "run/secret.h"
#include "run/user.h"
#include "run/userpriv.h"

void
user_put_key(struct lt_buf *b, const char *k)
{
	lt_buf_addc(b, ',');
	lt_jsonw_key(b, k);
}

const char *
user_step_name(const struct lt_user *u)
{
	if (u->sh->opts->show_secrets && u->step->name_clear != NULL)
		return u->step->name_clear;
	return u->step->name;
}

static void
mask_one(
    struct lt_buf *b, size_t from, const char *v, size_t n, struct lt_buf *m)
{
	lt_secret_mask(b, from, v, n, m);
	if (n > LT_SECRET_SHOWN)
		lt_secret_mask(b, from, v, LT_SECRET_SHOWN, m);
}

/* Masks in b[from..) the values of the scenario's secrets: its
 * "secret" environment values and the user's "secret" variables. */
static void
mask_secrets(struct lt_user *u, struct lt_buf *b, size_t from)
{
	const struct lt_scenario *sc = u->sh->sc;
	struct lt_buf *m = &u->sh->mask;
	const struct lt_buf *v;
	size_t i, id;

	for (i = 0; i < sc->nsecret_values; i++)
		mask_one(b, from, sc->secret_values[i],
		    strlen(sc->secret_values[i]), m);
	for (i = 0; i < sc->nsecret_vars; i++) {
		id = sc->secret_vars[i];
		if (id >= u->vars.nvars || !u->vars.set[id])
			continue;
		v = &u->vars.val[id];
		mask_one(b, from, v->data, v->len, m);
	}
}

/* Writes url as a JSON string without its "user:password@", if any
 * (libcurl's effective URL keeps it), and with secrets masked. */
static void
put_url(struct lt_user *u, struct lt_buf *b, const char *url, size_t len)
{
	const struct lt_scenario *sc = u->sh->sc;
	struct lt_buf *t = &u->sh->tmp;
	size_t at, n;

	if (u->sh->opts->show_secrets ||
	    (!lt_secret_userinfo(url, len, &at, &n) &&
	        sc->nsecret_values == 0 && sc->nsecret_vars == 0)) {
		lt_jsonw_str(b, url, len);
		return;
	}
	lt_buf_reset(t);
	lt_secret_url_strip(t, url, len);
	mask_secrets(u, t, 0);
	lt_jsonw_str(b, t->data, t->len);
}

void
user_event_head(struct lt_user *u, struct lt_buf *b, const char *method,
    const char *url, size_t url_len, long status, int ok)
{
	lt_buf_adds(b, "{\"type\":\"req\",\"ts\":");
	lt_jsonw_fixed(b, u->ts_us, 6);
	PUT_KEY(b, "name");
	lt_jsonw_cstr(b, user_step_name(u));
	PUT_KEY(b, "method");
	lt_jsonw_cstr(b, method);
	PUT_KEY(b, "url");
	put_url(u, b, url, url_len);
	PUT_KEY(b, "status");
	lt_jsonw_i64(b, status);
	PUT_KEY(b, "ok");
	lt_jsonw_bool(b, ok);
}

void
user_event_tail(struct lt_user *u, struct lt_buf *b)
{
	size_t i;

	PUT_KEY(b, "user");
	lt_jsonw_i64(b, u->id);
	PUT_KEY(b, "class");
	lt_jsonw_cstr(b, u->c->name);
	if (u->wait_us >= 0) {
		PUT_KEY(b, "wait_ms");
		lt_jsonw_fixed(b, u->wait_us, 3);
	}
	if (u->step->ntags > 0) {
		PUT_KEY(b, "tags");
		lt_buf_addc(b, '[');
		for (i = 0; i < u->step->ntags; i++) {
			if (i > 0)
				lt_buf_addc(b, ',');
			lt_jsonw_cstr(b, u->step->tags[i]);
		}
		lt_buf_addc(b, ']');
	}
}

int
user_emit_end(struct lt_user *u)
{
	if (lt_evout_end(&u->sh->out) != 0)
		u->ops->output_broken(u->ops_ctx);
	return 0;
}

/* --- results ------------------------------------------------------- */

void
user_put_checks(struct lt_user *u, struct lt_buf *b, const struct lt_checks *cs)
{
	const unsigned char *m = (const unsigned char *)u->sh->marks.data;
	size_t i, n = u->sh->marks.len;
	int any = 0;

	if (n != cs->n + cs->ncap || n == 0)
		return;
	for (i = 0; i < n; i++) {
		/* --show-secrets: the check as written, unmasked */
		const char *label = i >= cs->n  ? cs->cap[i - cs->n].label
		    : u->sh->opts->show_secrets ? cs->v[i].src
		                                : cs->v[i].label;

		if (m[i] == LT_MARK_NOT_RUN || label == NULL)
			continue;
		lt_buf_adds(b, any ? "," : ",\"checks\":{");
		any = 1;
		lt_jsonw_cstr(b, label);
		lt_buf_addc(b, ':');
		lt_jsonw_bool(b, m[i] == LT_MARK_PASS);
		if (m[i] == LT_MARK_PASS)
			u->sh->st.check_passes++;
		else
			u->sh->st.check_fails++;
	}
	if (any)
		lt_buf_addc(b, '}');
}

int
user_needs_body(const struct lt_checks *cs)
{
	size_t i;

	if (cs->need_json)
		return 1;
	for (i = 0; i < cs->n; i++)
		switch (cs->v[i].kind) {
		case LT_CHK_BODY_CONTAINS:
		case LT_CHK_BODY_LACKS:
		case LT_CHK_BODY_MATCH:
		case LT_CHK_BODY_NOMATCH:
			return 1;
		default:
			break;
		}
	for (i = 0; i < cs->ncap; i++)
		if (cs->cap[i].kind == LT_CAP_REGEX ||
		    cs->cap[i].kind == LT_CAP_BODY ||
		    cs->cap[i].kind == LT_CAP_JSON)
			return 1;
	return 0;
}

int
user_needs_headers(const struct lt_checks *cs)
{
	size_t i;

	for (i = 0; i < cs->n; i++)
		if (cs->v[i].kind == LT_CHK_HEADER_EXISTS ||
		    cs->v[i].kind == LT_CHK_HEADER_EQ ||
		    cs->v[i].kind == LT_CHK_HEADER_MATCH)
			return 1;
	for (i = 0; i < cs->ncap; i++)
		if (cs->cap[i].kind == LT_CAP_HEADER)
			return 1;
	return 0;
}

int
user_judge(struct lt_user *u, const struct lt_checks *cs, long status,
    const char *body, size_t body_len, const char *hdr, size_t hdr_len,
    int64_t latency_us, int exec)
{
	struct lt_shard *sh = u->sh;
	struct lt_response r;
	unsigned char *marks = NULL;
	int rc;

	lt_buf_reset(&sh->reason);
	lt_buf_reset(&sh->marks);
	if (cs->n == 0 && cs->ncap == 0) {
		if (exec && status != 0) {
			lt_buf_printf(
			    &sh->reason, "exec: exit status %ld", status);
			return 1;
		}
		if (!exec && status >= 400) {
			lt_buf_printf(&sh->reason, "http: status %ld", status);
			return 1;
		}
		return 0;
	}
	memset(&r, 0, sizeof(r));
	r.status = status;
	r.headers = hdr;
	r.headers_len = hdr_len;
	r.body = body;
	r.body_len = body_len;
	r.latency_us = latency_us;
	r.show_secrets = sh->opts->show_secrets;
	u->ctx.now_us = lt_http_real_us();
	lt_buf_reset(&sh->tmp);
	if (lt_buf_reserve(&sh->marks, cs->n + cs->ncap) == 0) {
		marks = (unsigned char *)sh->marks.data;
		sh->marks.len = cs->n + cs->ncap;
	}
	rc = lt_check_eval(cs, &r, &u->ctx, &sh->tmp, &sh->reason, marks);
	if (rc == LT_CHECK_OK) {
		if (exec && status != 0 && !cs->has_status) {
			lt_buf_reset(&sh->reason);
			lt_buf_printf(
			    &sh->reason, "exec: exit status %ld", status);
			return 1;
		}
		return 0;
	}
	if (rc == LT_CHECK_HTTP && exec) {
		lt_buf_reset(&sh->reason);
		lt_buf_printf(&sh->reason, "exec: exit status %ld", status);
	} else if (rc < 0) {
		lt_buf_reset(&sh->reason);
		lt_buf_adds(&sh->reason, "check: out of memory");
	}
	if (!sh->opts->show_secrets)
		mask_secrets(u, &sh->reason, 0);
	lt_buf_cstr(&sh->reason);
	return 1;
}
