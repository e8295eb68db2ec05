/*
 * aggcheck.c - pass and failure counts per check and endpoint (the
 * "checks" member of lt-aggregate(5)); see aggcheck.h.  Two counters per
 * pair, so merging is exact: a merge adds each document's pairs in the
 * order the document first met them, as the concatenated stream would.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "agg/aggcheck.h"
#include "agg/aggget.h"
#include "core/jsonw.h"

#define OTHER "(other)"

static void
chk_free(struct lt_keyed *k)
{
	free(k);
}

void
lt_aggchk_free(struct lt_aggchk *c)
{
	if (c == NULL)
		return;
	lt_captab_fini(&c->t);
	free(c);
}

static struct lt_keyed *
chk_new(int64_t seq)
{
	struct lt_chk *k = calloc(1, sizeof(*k));

	if (k == NULL)
		return NULL;
	k->seq = seq;
	return &k->key;
}

int
lt_aggchk_ensure(struct lt_aggchk **cp)
{
	if (*cp == NULL) {
		*cp = calloc(1, sizeof(**cp));
		if (*cp == NULL)
			return -1;
		lt_captab_init(&(*cp)->t, LT_AGG_MAX_CHECKS, chk_new, chk_free);
	}
	return 0;
}

/* The entry of key (created if new), or the folded one. */
static struct lt_chk *
chk_get(struct lt_aggchk **cp, const struct lt_key *key, int folded)
{
	if (lt_aggchk_ensure(cp) == -1)
		return NULL;
	return (struct lt_chk *)lt_captab_get(&(*cp)->t, key, folded);
}

int
lt_aggchk_add(struct lt_aggchk **c, const struct lt_key *key, int folded,
    int64_t passes, int64_t fails)
{
	struct lt_chk *k = chk_get(c, key, folded);

	if (k == NULL)
		return -1;
	k->passes = lt_sat_add(k->passes, passes);
	k->fails = lt_sat_add(k->fails, fails);
	return 0;
}

int
lt_aggchk_req(struct lt_aggchk **c, const char *method, size_t mlen,
    const char *name, size_t nlen, const struct lt_evcheck *v, size_t n)
{
	struct lt_key key = { { method, name }, { mlen, nlen } };

	for (size_t i = 0; i < n; i++) {
		key.p[2] = v[i].label.ptr;
		key.n[2] = v[i].label.len;
		if (lt_aggchk_add(c, &key, 0, v[i].ok, !v[i].ok) == -1)
			return -1;
	}
	return 0;
}

static int
cmp_part(const struct lt_chk *a, const struct lt_chk *b, int i)
{
	size_t n = a->key.n[i] < b->key.n[i] ? a->key.n[i] : b->key.n[i];
	int r = memcmp(a->key.p[i], b->key.p[i], n);

	if (r != 0)
		return r;
	return (a->key.n[i] > b->key.n[i]) - (a->key.n[i] < b->key.n[i]);
}

/* As the endpoints are sorted (name, then method); a step's checks in
 * the order written, which is the order they first appear. */
static int
cmp_chk(const void *x, const void *y)
{
	const struct lt_chk *a =
	    (const struct lt_chk *)*(const struct lt_keyed *const *)x;
	const struct lt_chk *b =
	    (const struct lt_chk *)*(const struct lt_keyed *const *)y;
	int r = cmp_part(a, b, 1);

	if (r == 0)
		r = cmp_part(a, b, 0);
	if (r == 0)
		r = (a->seq > b->seq) - (a->seq < b->seq);
	return r;
}

void
lt_aggchk_finish(struct lt_aggchk *c)
{
	if (c != NULL && c->t.n > 1)
		qsort(c->t.v, c->t.n, sizeof(*c->t.v), cmp_chk);
}

/* --- writing ----------------------------------------------------------- */

static int
text_row(struct lt_buf *b, const struct lt_chk *k, int folded)
{
	int64_t n = k->passes + k->fails;

	return lt_buf_printf(b, "%-10lld %-10lld %7.2f%%  %.*s%s%.*s: %.*s\n",
	    (long long)k->passes, (long long)k->fails,
	    n ? 100.0 * (double)k->passes / (double)n : 0.0,
	    folded ? 0 : (int)k->key.n[0], k->key.p[0],
	    folded || k->key.n[0] == 0 ? "" : " ",
	    folded ? 7 : (int)k->key.n[1], folded ? OTHER : k->key.p[1],
	    folded ? 7 : (int)k->key.n[2], folded ? OTHER : k->key.p[2]);
}

int
lt_aggchk_write_text(const struct lt_aggchk *c, struct lt_buf *b)
{
	int64_t pass = 0, all = 0;
	int rc = 0;

	if (c == NULL || (c->t.n == 0 && c->t.other == NULL))
		return 0;
	for (size_t i = 0; i <= c->t.n; i++) {
		const struct lt_chk *k = lt_aggchk_at(c, i);

		if (k != NULL) {
			pass += k->passes;
			all += k->passes + k->fails;
		}
	}
	rc |= lt_buf_printf(b, "\nChecks: %.2f%% passed (%lld of %lld)\n",
	    all ? 100.0 * (double)pass / (double)all : 0.0, (long long)pass,
	    (long long)all);
	rc |= lt_buf_printf(b, "%-10s %-10s %8s  %s\n", "# passes", "# fails",
	    "passed", "Check");
	for (size_t i = 0; i <= c->t.n; i++)
		if (lt_aggchk_at(c, i) != NULL)
			rc |= text_row(b, lt_aggchk_at(c, i), i == c->t.n);
	return rc ? -1 : 0;
}

#define ADD(s) lt_buf_adds(b, s)

static int
w_chk(const struct lt_chk *k, int folded, struct lt_buf *b)
{
	int rc = 0;

	if (folded) {
		rc |= ADD("{\"method\":\"\",\"name\":\"" OTHER
		          "\",\"check\":\"" OTHER "\",\"folded\":true");
	} else {
		rc |= ADD("{\"method\":") |
		    lt_jsonw_str(b, k->key.p[0], k->key.n[0]);
		rc |= ADD(",\"name\":") |
		    lt_jsonw_str(b, k->key.p[1], k->key.n[1]);
		rc |= ADD(",\"check\":") |
		    lt_jsonw_str(b, k->key.p[2], k->key.n[2]);
	}
	rc |= ADD(",\"passes\":") | lt_jsonw_i64(b, k->passes);
	rc |= ADD(",\"fails\":") | lt_jsonw_i64(b, k->fails);
	rc |= ADD(",\"seq\":") | lt_jsonw_i64(b, k->seq);
	return rc | ADD("}");
}

int
lt_aggchk_write(const struct lt_aggchk *c, struct lt_buf *b)
{
	int rc = 0;

	if (c == NULL)
		return 0;
	rc |= ADD("\"checks\":[");
	for (size_t i = 0; i <= c->t.n; i++) {
		if (lt_aggchk_at(c, i) == NULL)
			continue;
		rc |= ADD(i ? ",\n" : "\n");
		rc |= w_chk(lt_aggchk_at(c, i), i == c->t.n, b);
	}
	return rc | ADD("\n],\n");
}

/* --- reading ----------------------------------------------------------- */

static int
read_one(struct lt_rd *r, const json_t *v, struct lt_doc_check *k)
{
	const json_t *f = json_object_get(v, "folded");

	if (!json_is_object(v))
		return lt_rd_fail(r, NULL, "expected an object");
	if (f != NULL && !json_is_boolean(f))
		return lt_rd_fail(r, "folded", "expected true or false");
	k->folded = json_is_true(f);
	return lt_rd_str(r, v, "method", &k->method, 1) ||
	        lt_rd_str(r, v, "name", &k->name, 1) ||
	        lt_rd_str(r, v, "check", &k->check, 1) ||
	        lt_rd_count(r, v, "passes", &k->passes, 1) ||
	        lt_rd_count(r, v, "fails", &k->fails, 1) ||
	        lt_rd_i64(r, v, "seq", &k->seq, 0, -1)
	    ? -1
	    : 0;
}

static int
same(const struct lt_doc_check *a, const struct lt_doc_check *b)
{
	return strcmp(a->check, b->check) == 0 &&
	    strcmp(a->name, b->name) == 0 && strcmp(a->method, b->method) == 0;
}

int
lt_aggchk_read(struct lt_rd *r, const json_t *root, struct lt_aggdoc *d)
{
	const json_t *a, *v;
	size_t i, named = 0, other = 0;

	snprintf(r->where, sizeof(r->where), "%s", "");
	a = json_object_get(root, "checks");
	if (a == NULL || json_is_null(a))
		return 0;
	a = lt_rd_array(r, root, "checks", 1);
	if (a == NULL)
		return -1;
	d->checks = calloc(json_array_size(a) + 1, sizeof(*d->checks));
	if (d->checks == NULL)
		return lt_err_set(r->err, LT_EXIT_RUNTIME, "out of memory");
	json_array_foreach(a, i, v)
	{
		struct lt_doc_check *k = &d->checks[i];

		d->n_checks = i + 1;
		snprintf(r->where, sizeof(r->where), "checks[%zu]", i);
		if (read_one(r, v, k) == -1)
			return -1;
		if (k->folded ? ++other > 1 : ++named > LT_AGG_MAX_CHECKS)
			return lt_rd_fail(r, NULL,
			    other > 1 ? "a second folded \"(other)\" entry"
			              : "more than 1000 named checks");
		/* quadratic, but at most 1000 entries, read once */
		for (size_t j = 0; j < i && !k->folded; j++)
			if (!d->checks[j].folded && same(&d->checks[j], k))
				return lt_rd_fail(r, "check", "repeated");
	}
	return 0;
}

void
lt_aggchk_doc_fini(struct lt_aggdoc *d)
{
	for (size_t i = 0; i < d->n_checks; i++) {
		free(d->checks[i].method);
		free(d->checks[i].name);
		free(d->checks[i].check);
	}
	free(d->checks);
	d->checks = NULL;
	d->n_checks = 0;
}

static int
cmp_seq(const void *x, const void *y)
{
	const struct lt_doc_check *a = *(const struct lt_doc_check *const *)x;
	const struct lt_doc_check *b = *(const struct lt_doc_check *const *)y;

	return lt_captab_seq_cmp(a->seq, b->seq, a, b);
}

const struct lt_doc_check **
lt_aggchk_by_seq(const struct lt_aggdoc *d)
{
	const struct lt_doc_check **v = calloc(d->n_checks + 1, sizeof(*v));

	if (v == NULL)
		return NULL;
	for (size_t i = 0; i < d->n_checks; i++)
		v[i] = &d->checks[i];
	qsort(v, d->n_checks, sizeof(*v), cmp_seq);
	return v;
}
