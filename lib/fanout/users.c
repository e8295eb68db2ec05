/*
 * users.c - the run-wide users count of a fanned-out run.  Each worker's
 * lt-run writes users events with its own counts; after each one the
 * coordinator writes a users event with the same ts and the sums over all
 * workers (tagged "worker":"all") and a ts never older than the last
 * such event's, so a reader that keeps the latest users event per second
 * (lt-agg) sees the whole run's users.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/jsonw.h"
#include "fanout/fanout.h"

struct lt_fanout_users {
	int n;
	long *count;
	json_t **classes; /* each worker's last "classes" object */
	long total;
	int64_t last_ts; /* of the last run-wide event: they never go back */
};

struct lt_fanout_users *
lt_fanout_users_new(int n)
{
	struct lt_fanout_users *u = calloc(1, sizeof(*u));

	if (u == NULL)
		return NULL;
	u->n = n;
	u->count = calloc((size_t)n, sizeof(*u->count));
	u->classes = calloc((size_t)n, sizeof(*u->classes));
	if (u->count == NULL || u->classes == NULL) {
		lt_fanout_users_free(u);
		return NULL;
	}
	return u;
}

void
lt_fanout_users_free(struct lt_fanout_users *u)
{
	int i;

	if (u == NULL)
		return;
	for (i = 0; u->classes != NULL && i < u->n; i++)
		json_decref(u->classes[i]);
	free(u->classes);
	free(u->count);
	free(u);
}

long
lt_fanout_users_total(const struct lt_fanout_users *u)
{
	return u->total;
}

void
lt_fanout_users_set(struct lt_fanout_users *u, int w, long count)
{
	if (w < 0 || w >= u->n || count < 0)
		return;
	u->total += count - u->count[w];
	u->count[w] = count;
}

int
lt_fanout_users_add(struct lt_fanout_users *u, int w, const char *line,
    size_t len, int64_t offset_us, struct lt_buf *out)
{
	json_t *j = json_loadb(line, len, 0, NULL), *sum, *c, *v;
	json_t *jc = json_object_get(j, "count"),
	       *jt = json_object_get(j, "ts");
	const char *k;
	int i, first = 1;
	int64_t ts;

	if (w < 0 || w >= u->n || !json_is_integer(jc) || !json_is_number(jt)) {
		json_decref(j);
		return 0; /* not a users event we understand: left alone */
	}
	ts = (int64_t)(json_number_value(jt) * 1e6 + 0.5) + offset_us;
	/* Workers' events arrive out of ts order; a run-wide event that is
	 * never older than the last one stays the newest of its second. */
	if (ts < u->last_ts)
		ts = u->last_ts;
	u->last_ts = ts;
	u->total -= u->count[w];
	u->count[w] = (long)json_integer_value(jc);
	u->total += u->count[w];
	c = json_object_get(j, "classes");
	json_decref(u->classes[w]);
	u->classes[w] = json_is_object(c) ? json_incref(c) : NULL;
	json_decref(j);
	sum = json_object();
	for (i = 0; i < u->n; i++)
		json_object_foreach(u->classes[i], k, v)
		{
			json_int_t had =
			    json_integer_value(json_object_get(sum, k));

			json_object_set_new(
			    sum, k, json_integer(had + json_integer_value(v)));
		}
	lt_buf_adds(out, "{\"type\":\"users\",\"ts\":");
	lt_jsonw_fixed(out, ts, 6);
	lt_buf_printf(out, ",\"count\":%ld,\"classes\":{", u->total);
	json_object_foreach(sum, k, v)
	{
		if (!first)
			lt_buf_addc(out, ',');
		first = 0;
		lt_jsonw_cstr(out, k);
		lt_buf_printf(out, ":%lld", (long long)json_integer_value(v));
	}
	json_decref(sum);
	return lt_buf_adds(out, "},\"worker\":\"all\"}\n");
}
