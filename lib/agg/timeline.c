/* timeline.c - per-second series with a small dense cache; see timeline.h. */
#include <stdlib.h>
#include <string.h>

#include "agg/timeline.h"

void
lt_series_init(struct lt_series *s)
{
	memset(s, 0, sizeof(*s));
}

void
lt_series_fini(struct lt_series *s)
{
	for (size_t i = 0; i < s->n; i++) {
		lt_shist_fini(&s->secs[i].hist);
		lt_shist_fini(&s->secs[i].co);
	}
	for (int i = 0; i < LT_TL_WAYS; i++) {
		lt_hist_fini(&s->slot[i].hist);
		lt_hist_fini(&s->slot[i].co);
	}
	free(s->secs);
	free(s->index);
	memset(s, 0, sizeof(*s));
}

static size_t
t_hash(int64_t t, size_t cap)
{
	uint64_t x = (uint64_t)t * 0x9e3779b97f4a7c15ULL;

	return (size_t)(x >> 17) & (cap - 1);
}

static size_t *
index_probe(const struct lt_series *s, int64_t t)
{
	size_t i = t_hash(t, s->index_cap);

	while (s->index[i] && s->secs[s->index[i] - 1].t != t)
		i = (i + 1) & (s->index_cap - 1);
	return &s->index[i];
}

struct lt_sec *
lt_series_find(const struct lt_series *s, int64_t t)
{
	size_t *p;

	if (s->index_cap == 0)
		return NULL;
	p = index_probe(s, t);
	return *p ? &s->secs[*p - 1] : NULL;
}

static int
index_grow(struct lt_series *s)
{
	size_t ncap = s->index_cap ? s->index_cap * 2 : 256;
	size_t *old = s->index, oldcap = s->index_cap;

	s->index = calloc(ncap, sizeof(*s->index));
	if (s->index == NULL) {
		s->index = old;
		return -1;
	}
	s->index_cap = ncap;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i])
			*index_probe(s, s->secs[old[i] - 1].t) = old[i];
	free(old);
	return 0;
}

/* Index of second t, created when new; (size_t)-1 on ENOMEM. */
static size_t
sec_index(struct lt_series *s, int64_t t)
{
	size_t *p;
	struct lt_sec *sec;

	if ((s->n + 1) * 2 > s->index_cap && index_grow(s) == -1)
		return (size_t)-1;
	p = index_probe(s, t);
	if (*p)
		return *p - 1;
	if (s->n == s->alloc) {
		size_t na = s->alloc ? s->alloc * 2 : 64;
		struct lt_sec *ns = realloc(s->secs, na * sizeof(*ns));

		if (ns == NULL)
			return (size_t)-1;
		s->secs = ns;
		s->alloc = na;
	}
	sec = &s->secs[s->n];
	memset(sec, 0, sizeof(*sec));
	sec->t = t;
	sec->users = -1;
	*p = ++s->n;
	return s->n - 1;
}

/* Compacts slot's dense histograms back into its second. */
static int
evict(struct lt_series *s, struct lt_tl_slot *sl)
{
	struct lt_sec *sec;

	if (!sl->used)
		return 0;
	sec = &s->secs[sl->sec];
	if (lt_shist_set(&sec->hist, &sl->hist) == -1)
		return -1;
	if (sl->co.counts && lt_shist_set(&sec->co, &sl->co) == -1)
		return -1;
	lt_hist_reset(&sl->hist);
	if (sl->co.counts)
		lt_hist_reset(&sl->co);
	sl->used = 0;
	return 0;
}

struct lt_sec *
lt_series_sec(struct lt_series *s, int64_t t, struct lt_hist **hist,
    struct lt_hist **co, int want_co)
{
	struct lt_tl_slot *sl = &s->slot[(uint64_t)t % LT_TL_WAYS];
	struct lt_sec *sec;
	size_t i;

	if (!(sl->used && s->secs[sl->sec].t == t)) {
		if (evict(s, sl) == -1)
			return NULL;
		i = sec_index(s, t);
		if (i == (size_t)-1)
			return NULL;
		if (sl->hist.counts == NULL &&
		    lt_hist_init(&sl->hist, LT_TL_SIG) == -1)
			return NULL;
		sec = &s->secs[i];
		lt_shist_add_to(&sec->hist, &sl->hist);
		if (sec->has_co) {
			if (sl->co.counts == NULL &&
			    lt_hist_init(&sl->co, LT_TL_SIG) == -1)
				return NULL;
			lt_shist_add_to(&sec->co, &sl->co);
		}
		sl->sec = i;
		sl->used = 1;
	}
	sec = &s->secs[sl->sec];
	if (want_co && !sec->has_co) {
		if (sl->co.counts == NULL &&
		    lt_hist_init(&sl->co, LT_TL_SIG) == -1)
			return NULL;
		sec->has_co = 1;
	}
	*hist = &sl->hist;
	*co = sec->has_co ? &sl->co : NULL;
	return sec;
}

int
lt_series_flush(struct lt_series *s)
{
	for (int i = 0; i < LT_TL_WAYS; i++)
		if (evict(s, &s->slot[i]) == -1)
			return -1;
	return 0;
}

static int
cmp_t(const void *a, const void *b, void *arg)
{
	const struct lt_series *s = arg;
	int64_t x = s->secs[*(const size_t *)a].t;
	int64_t y = s->secs[*(const size_t *)b].t;

	return (x > y) - (x < y);
}

size_t *
lt_series_order(const struct lt_series *s)
{
	size_t *o;

	if (s->n == 0)
		return NULL;
	o = malloc(s->n * sizeof(*o));
	if (o == NULL)
		return NULL;
	for (size_t i = 0; i < s->n; i++)
		o[i] = i;
	qsort_r(o, s->n, sizeof(*o), cmp_t, (void *)s);
	return o;
}
