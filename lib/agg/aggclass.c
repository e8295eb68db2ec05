/*
 * aggclass.c - per user class statistics (the "classes" member of
 * lt-aggregate(5)); see aggclass.h.  State is one counter set and one
 * sig-3 latency histogram per class, so merging is exact like the
 * endpoints'.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "agg/aggclass.h"
#include "agg/aggget.h"
#include "core/jsonw.h"

#define OTHER "(other)"

static void
cls_free(struct lt_keyed *kk)
{
	struct lt_cls *k = (struct lt_cls *)kk;

	lt_hist_fini(&k->hist);
	free(k);
}

void
lt_aggcls_free(struct lt_aggcls *c)
{
	if (c == NULL)
		return;
	lt_captab_fini(&c->t);
	free(c);
}

static struct lt_keyed *
cls_new(int64_t seq)
{
	struct lt_cls *k = calloc(1, sizeof(*k));

	if (k == NULL)
		return NULL;
	if (lt_hist_init(&k->hist, 3) == -1) {
		free(k);
		return NULL;
	}
	k->seq = seq;
	return &k->key;
}

/* The table, created on first use ("classes" is written once it is). */
static struct lt_aggcls *
cls_tab(struct lt_aggcls **cp)
{
	if (*cp == NULL) {
		*cp = calloc(1, sizeof(**cp));
		if (*cp != NULL)
			lt_captab_init(
			    &(*cp)->t, LT_AGG_MAX_CLASSES, cls_new, cls_free);
	}
	return *cp;
}

/* The class name (created if new), or "(other)" past the cap or when
 * folded (a merged document's "(other)"). */
static struct lt_cls *
cls_get(struct lt_aggcls **cp, const char *name, size_t len, int folded)
{
	struct lt_key key = { { name }, { len } };
	struct lt_aggcls *c = cls_tab(cp);

	return c ? (struct lt_cls *)lt_captab_get(&c->t, &key, folded) : NULL;
}

int
lt_aggcls_req(
    struct lt_aggcls **c, const struct lt_event *ev, int failed, int64_t lat)
{
	struct lt_cls *k;

	if (ev->class_name.ptr == NULL)
		return 0;
	k = cls_get(c, ev->class_name.ptr, ev->class_name.len, 0);
	if (k == NULL)
		return -1;
	k->requests++;
	k->failures += failed;
	if (ev->bytes != LT_EV_ABSENT && ev->bytes > 0)
		k->bytes = lt_sat_add(k->bytes, ev->bytes);
	if (ev->bytes_sent != LT_EV_ABSENT) {
		k->has_sent = 1;
		if (ev->bytes_sent > 0)
			k->bytes_sent =
			    lt_sat_add(k->bytes_sent, ev->bytes_sent);
	}
	if (lat >= 0)
		lt_hist_record(&k->hist, lat);
	return 0;
}

static int
cmp_name(const void *x, const void *y)
{
	const struct lt_keyed *a = *(const struct lt_keyed *const *)x;
	const struct lt_keyed *b = *(const struct lt_keyed *const *)y;
	size_t n = a->n[0] < b->n[0] ? a->n[0] : b->n[0];
	int r = memcmp(a->p[0], b->p[0], n);

	if (r != 0)
		return r;
	return (a->n[0] > b->n[0]) - (a->n[0] < b->n[0]);
}

void
lt_aggcls_finish(struct lt_aggcls *c)
{
	if (c != NULL && c->t.n > 1)
		qsort(c->t.v, c->t.n, sizeof(*c->t.v), cmp_name);
}

/* --- writing ----------------------------------------------------------- */

#define ADD(s) lt_buf_adds(b, s)

static int
w_cls(const struct lt_cls *k, int folded, double dur, struct lt_buf *b)
{
	const struct lt_hist *h = &k->hist;
	int64_t pct[LT_PCT_N];
	double mean = lt_hist_mean_us(h);
	int rc = 0;

	lt_hist_percentiles(h, lt_pct_list, LT_PCT_N, pct);
	rc |= ADD("{\"name\":");
	rc |= folded ? ADD("\"" OTHER "\",\"folded\":true")
	             : lt_jsonw_str(b, k->key.p[0], k->key.n[0]);
	rc |= ADD(",\"requests\":") | lt_jsonw_i64(b, k->requests);
	rc |= ADD(",\"failures\":") | lt_jsonw_i64(b, k->failures);
	rc |= ADD(",\"fail_ratio\":") |
	    lt_jsonw_double(b,
	        k->requests ? (double)k->failures / (double)k->requests : 0, 6);
	rc |= ADD(",\"rps\":") |
	    lt_jsonw_double(b, dur > 0 ? (double)k->requests / dur : 0, 3);
	rc |= ADD(",\"min_ms\":") | lt_jsonw_fixed(b, h->count ? h->min : 0, 3);
	rc |= ADD(",\"max_ms\":") | lt_jsonw_fixed(b, h->count ? h->max : 0, 3);
	rc |= ADD(",\"mean_ms\":") | lt_jsonw_double(b, mean / 1000.0, 3);
	rc |= ADD(",\"median_ms\":") |
	    lt_jsonw_fixed(b, lt_hist_percentile(h, 50), 3);
	rc |= ADD(",\"percentiles_ms\":{");
	for (int i = 0; i < LT_PCT_N; i++) {
		rc |= i ? lt_buf_addc(b, ',') : 0;
		rc |= lt_jsonw_key(b, lt_pct_keys[i]) |
		    lt_jsonw_fixed(b, pct[i], 3);
	}
	rc |= ADD("},\"bytes\":") | lt_jsonw_i64(b, k->bytes);
	if (k->has_sent)
		rc |= ADD(",\"bytes_sent\":") | lt_jsonw_i64(b, k->bytes_sent);
	rc |= ADD(",\"seq\":") | lt_jsonw_i64(b, k->seq);
	rc |= ADD(",\"hist\":") | lt_hist_write_json(h, b);
	return rc | ADD("}");
}

int
lt_aggcls_write(const struct lt_aggcls *c, double dur, struct lt_buf *b)
{
	int rc = 0;

	if (c == NULL)
		return 0;
	rc |= ADD("\"classes\":[");
	for (size_t i = 0; i < c->t.n; i++) {
		rc |= ADD(i ? ",\n" : "\n");
		rc |= w_cls((const struct lt_cls *)c->t.v[i], 0, dur, b);
	}
	if (c->t.other) {
		rc |= ADD(c->t.n ? ",\n" : "\n");
		rc |= w_cls((const struct lt_cls *)c->t.other, 1, dur, b);
	}
	return rc | ADD("\n],\n");
}

/* --- reading ----------------------------------------------------------- */

static int
read_one(struct lt_rd *r, const json_t *v, struct lt_doc_class *k)
{
	const json_t *f = json_object_get(v, "folded");

	if (!json_is_object(v))
		return lt_rd_fail(r, NULL, "expected an object");
	if (f != NULL && !json_is_boolean(f))
		return lt_rd_fail(r, "folded", "expected true or false");
	k->folded = json_is_true(f);
	k->has_sent = json_object_get(v, "bytes_sent") != NULL;
	if (lt_rd_str(r, v, "name", &k->name, 1) ||
	    lt_rd_count(r, v, "requests", &k->requests, 1) ||
	    lt_rd_count(r, v, "failures", &k->failures, 1) ||
	    lt_rd_count(r, v, "bytes", &k->bytes, 0) ||
	    lt_rd_count(r, v, "bytes_sent", &k->bytes_sent, 0) ||
	    lt_rd_i64(r, v, "seq", &k->seq, 0, -1) ||
	    lt_rd_dbl(r, v, "fail_ratio", &k->fail_ratio, LT_RD_RATIO) ||
	    lt_rd_dbl(r, v, "rps", &k->rps, LT_RD_POS) ||
	    lt_rd_ms(r, v, "min_ms", &k->min_us) ||
	    lt_rd_ms(r, v, "max_ms", &k->max_us) ||
	    lt_rd_ms(r, v, "median_ms", &k->median_us) ||
	    lt_rd_pcts(r, v, "percentiles_ms", k->pct_us) ||
	    lt_rd_hist(r, v, "hist", &k->hist, 3, 1))
		return -1;
	{
		double mean_ms;

		if (lt_rd_dbl(r, v, "mean_ms", &mean_ms, LT_RD_LAT_MS))
			return -1;
		k->mean_us = mean_ms * 1000.0;
	}
	if (k->failures > k->requests)
		return lt_rd_fail(r, "failures", "more than requests");
	if (k->hist.count > k->requests)
		return lt_rd_fail(r, "hist", "more samples than requests");
	return 0;
}

int
lt_aggcls_read(struct lt_rd *r, const json_t *root, struct lt_aggdoc *d)
{
	const json_t *a, *v;
	size_t i, named = 0, other = 0;

	snprintf(r->where, sizeof(r->where), "%s", "");
	a = json_object_get(root, "classes");
	if (a == NULL || json_is_null(a))
		return 0;
	a = lt_rd_array(r, root, "classes", 1);
	if (a == NULL)
		return -1;
	d->classes = calloc(json_array_size(a) + 1, sizeof(*d->classes));
	if (d->classes == NULL)
		return lt_err_set(r->err, LT_EXIT_RUNTIME, "out of memory");
	json_array_foreach(a, i, v)
	{
		d->n_classes = i + 1;
		snprintf(r->where, sizeof(r->where), "classes[%zu]", i);
		if (read_one(r, v, &d->classes[i]) == -1)
			return -1;
		if (d->classes[i].folded ? ++other > 1
		                         : ++named > LT_AGG_MAX_CLASSES)
			return lt_rd_fail(r, NULL,
			    other > 1 ? "a second folded \"(other)\" entry"
			              : "more than 100 named classes");
		for (size_t j = 0; j < i && !d->classes[i].folded; j++)
			if (!d->classes[j].folded &&
			    strcmp(d->classes[j].name, d->classes[i].name) == 0)
				return lt_rd_fail(r, "name", "repeated");
	}
	return 0;
}

void
lt_aggcls_doc_fini(struct lt_aggdoc *d)
{
	for (size_t i = 0; i < d->n_classes; i++) {
		free(d->classes[i].name);
		lt_hist_fini(&d->classes[i].hist);
	}
	free(d->classes);
	d->classes = NULL;
	d->n_classes = 0;
}

/* --- merging ----------------------------------------------------------- */

static int
cmp_seq(const void *x, const void *y)
{
	const struct lt_doc_class *a = *(const struct lt_doc_class *const *)x;
	const struct lt_doc_class *b = *(const struct lt_doc_class *const *)y;

	return lt_captab_seq_cmp(a->seq, b->seq, a, b);
}

/*
 * Classes enter in the order the part first saw them, so that at the cap
 * the names kept are those the concatenated stream keeps.
 */
int
lt_aggcls_merge(struct lt_aggcls **cp, const struct lt_aggdoc *d)
{
	const struct lt_doc_class **v;
	int rc = 0;

	if (d->classes == NULL)
		return 0;
	v = calloc(d->n_classes + 1, sizeof(*v));
	if (v == NULL)
		return -1;
	for (size_t i = 0; i < d->n_classes; i++)
		v[i] = &d->classes[i];
	qsort(v, d->n_classes, sizeof(*v), cmp_seq);
	if (cls_tab(cp) == NULL) /* "classes" stays, even empty */
		rc = -1;
	for (size_t i = 0; i < d->n_classes && rc == 0; i++) {
		const struct lt_doc_class *dk = v[i];
		struct lt_cls *k =
		    cls_get(cp, dk->name, strlen(dk->name), dk->folded);

		if (k == NULL) {
			rc = -1;
			break;
		}
		k->requests = lt_sat_add(k->requests, dk->requests);
		k->failures = lt_sat_add(k->failures, dk->failures);
		k->bytes = lt_sat_add(k->bytes, dk->bytes);
		k->bytes_sent = lt_sat_add(k->bytes_sent, dk->bytes_sent);
		k->has_sent |= dk->has_sent;
		rc = lt_hist_add(&k->hist, &dk->hist);
	}
	free(v);
	return rc;
}
