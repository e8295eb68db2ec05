/*
 * llm.c - token-level measurement of streamed answers (see llm.h).
 *
 * SSE framing follows the WHATWG event-stream rules: lines end in LF, CR
 * or CRLF; "data:" lines (one optional space after the colon) join with
 * LF; "event:" sets the type; lines starting with ':' are comments; a
 * blank line dispatches.  Events that arrive in one read share its time
 * stamp (as genai-perf does).
 *
 * What counts as content (the definitions of lt-events(5)): with `stream
 * openai`, an event whose JSON has a non-empty choices[0].delta.content,
 * choices[0].delta.reasoning_content or choices[0].text; the role-only
 * first delta, empty deltas and the usage-only chunk do not count.  vLLM
 * counts the first chunk with any choices for TTFT even when its text is
 * empty; lt follows llmperf and AIPerf there, so a role-only delta sent at
 * once does not make TTFT look instant.  With `stream sse`, any event with
 * non-empty data.  Chunks are parsed with jansson: one small document per
 * token, a few microseconds.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/jsonw.h"
#include "run/http.h"
#include "run/llm.h"

#define LINE_CAP (1 << 20)
#define DATA_CAP (4 << 20)
#define MSG_CAP  256

static void
on_stall(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct lt_llm *m = w->data;

	(void)revents;
	ev_timer_stop(loop, w);
	m->stalled = 1;
	lt_http_cancel(m->x, "stall");
}

struct lt_llm *
lt_llm_new(struct lt_http_xfer *x, struct ev_loop *loop)
{
	struct lt_llm *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	m->x = x;
	m->loop = loop;
	ev_init(&m->stall, on_stall);
	m->stall.data = m;
	lt_buf_init(&m->line, LINE_CAP);
	lt_buf_init(&m->data, DATA_CAP);
	lt_buf_init(&m->msg, MSG_CAP);
	return m;
}

void
lt_llm_free(struct lt_llm *m)
{
	if (m == NULL)
		return;
	ev_timer_stop(m->loop, &m->stall);
	lt_buf_fini(&m->line);
	lt_buf_fini(&m->data);
	lt_buf_fini(&m->msg);
	free(m->gaps_us);
	free(m);
}

void
lt_llm_begin(struct lt_llm *m, int openai, long stall_ms)
{
	m->openai = openai;
	m->stall_ms = stall_ms;
	m->stalled = m->done = m->error = m->ev_error = m->cr = 0;
	lt_buf_reset(&m->msg);
	lt_buf_reset(&m->line);
	lt_buf_reset(&m->data);
	m->first_us = m->last_us = 0;
	m->content = 0;
	m->usage_out = m->usage_in = -1;
	m->ngaps = 0;
	m->gaps_lost = 0;
	ev_timer_stop(m->loop, &m->stall);
	if (stall_ms > 0) {
		ev_now_update(m->loop);
		ev_timer_set(&m->stall, 0.0, (double)stall_ms / 1000.0);
		ev_timer_again(m->loop, &m->stall);
	}
}

int
lt_llm_setup(
    struct lt_http_xfer *x, struct ev_loop *loop, int openai, long stall_ms)
{
	if (!openai && stall_ms <= 0) {
		lt_llm_free(x->llm);
		x->llm = NULL;
		return 0;
	}
	if (x->llm == NULL)
		x->llm = lt_llm_new(x, loop);
	if (x->llm == NULL)
		return -1;
	x->llm_feed = lt_llm_feed;
	x->llm_free = lt_llm_free;
	lt_llm_begin(x->llm, openai, stall_ms);
	return 0;
}

static void
add_gap(struct lt_llm *m, int64_t gap_us)
{
	uint32_t *g;
	size_t cap;

	if (m->ngaps == m->gaps_cap) {
		if (m->gaps_cap >= LT_LLM_MAX_GAPS) {
			m->gaps_lost++;
			return;
		}
		cap = m->gaps_cap ? m->gaps_cap * 2 : 256;
		g = realloc(m->gaps_us, cap * sizeof(*g));
		if (g == NULL) {
			m->gaps_lost++;
			return;
		}
		m->gaps_us = g;
		m->gaps_cap = cap;
	}
	if (gap_us < 0)
		gap_us = 0;
	if (gap_us > (int64_t)UINT32_MAX)
		gap_us = (int64_t)UINT32_MAX;
	m->gaps_us[m->ngaps++] = (uint32_t)gap_us;
}

static void
content(struct lt_llm *m, int64_t now_us)
{
	if (m->content == 0)
		m->first_us = now_us;
	else
		add_gap(m, now_us - m->last_us);
	m->last_us = now_us;
	m->content++;
}

static void
set_error(struct lt_llm *m, const char *s, size_t n)
{
	if (m->error)
		return;
	m->error = 1;
	lt_buf_reset(&m->msg);
	lt_buf_add(&m->msg, s, n < MSG_CAP - 1 ? n : MSG_CAP - 1);
}

static int
nonempty(json_t *v)
{
	return json_is_string(v) && json_string_length(v) > 0;
}

/* One OpenAI chunk: content, usage, error. */
static void
openai_chunk(struct lt_llm *m, int64_t now_us)
{
	json_t *doc, *v, *c0, *d, *u;

	doc = json_loadb(m->data.data, m->data.len, 0, NULL);
	if (!json_is_object(doc)) {
		json_decref(doc);
		return; /* not JSON: neither content nor an error */
	}
	v = json_object_get(doc, "error");
	if (v != NULL) {
		json_t *msg = json_object_get(v, "message");
		const char *s = json_is_string(msg) ? json_string_value(msg)
		    : json_is_string(v)             ? json_string_value(v)
		                                    : "error event";
		set_error(m, s, strlen(s));
	}
	u = json_object_get(doc, "usage");
	if (json_is_object(u)) {
		v = json_object_get(u, "completion_tokens");
		if (json_is_integer(v))
			m->usage_out = (long)json_integer_value(v);
		v = json_object_get(u, "prompt_tokens");
		if (json_is_integer(v))
			m->usage_in = (long)json_integer_value(v);
	}
	c0 = json_array_get(json_object_get(doc, "choices"), 0);
	d = json_object_get(c0, "delta");
	if (nonempty(json_object_get(d, "content")) ||
	    nonempty(json_object_get(d, "reasoning_content")) ||
	    nonempty(json_object_get(c0, "text")))
		content(m, now_us);
	json_decref(doc);
}

static void
dispatch(struct lt_llm *m, int64_t now_us)
{
	int is_error = m->ev_error;

	m->ev_error = 0;
	if (m->data.len == 0 && !is_error)
		return;
	if (m->data.len > 0 && m->data.data[m->data.len - 1] == '\n')
		m->data.len--; /* WHATWG: drop the last LF */
	if (is_error) {
		openai_chunk(m, now_us); /* {"error":{"message":...}} */
		set_error(m, m->data.data, m->data.len);
	} else if (m->data.len == 6 && memcmp(m->data.data, "[DONE]", 6) == 0) {
		m->done = 1;
	} else if (m->openai) {
		openai_chunk(m, now_us);
	} else if (m->data.len > 0) {
		content(m, now_us);
	}
	lt_buf_reset(&m->data);
}

static int
field_is(const char *l, size_t n, const char *name, size_t *vo)
{
	size_t k = strlen(name);

	if (n < k || memcmp(l, name, k) != 0)
		return 0;
	if (n == k) {
		*vo = k;
		return 1;
	}
	if (l[k] != ':')
		return 0;
	*vo = k + 1 < n && l[k + 1] == ' ' ? k + 2 : k + 1;
	return 1;
}

static void
line(struct lt_llm *m, int64_t now_us)
{
	const char *l = m->line.data;
	size_t n = m->line.len, vo;

	if (n == 0) {
		dispatch(m, now_us);
		return;
	}
	if (l[0] == ':')
		return;
	if (field_is(l, n, "data", &vo)) {
		lt_buf_add(&m->data, l + vo, n - vo);
		lt_buf_addc(&m->data, '\n');
	} else if (field_is(l, n, "event", &vo)) {
		m->ev_error = n - vo == 5 && memcmp(l + vo, "error", 5) == 0;
	}
}

void
lt_llm_feed(struct lt_llm *m, const char *p, size_t len, int64_t now_us)
{
	size_t i, s = 0;

	if (m->stall_ms > 0 && !m->stalled)
		ev_timer_again(m->loop, &m->stall);
	for (i = 0; i < len; i++) {
		char ch = p[i];

		if (ch != '\n' && ch != '\r') {
			m->cr = 0;
			continue;
		}
		if (ch == '\n' && m->cr && i == s) {
			/* the LF of a CRLF split from its CR */
			m->cr = 0;
			s = i + 1;
			continue;
		}
		lt_buf_add(&m->line, p + s, i - s);
		line(m, now_us);
		lt_buf_reset(&m->line);
		m->cr = ch == '\r';
		if (ch == '\r' && i + 1 < len && p[i + 1] == '\n') {
			i++;
			m->cr = 0;
		}
		s = i + 1;
	}
	if (s < len)
		lt_buf_add(&m->line, p + s, len - s);
}

int
lt_llm_end(struct lt_llm *m, const char *r_category, long status,
    const char **cat, const char **msg)
{
	ev_timer_stop(m->loop, &m->stall);
	if (m->stalled) {
		lt_buf_reset(&m->msg);
		lt_buf_printf(&m->msg, "no event within %ld ms", m->stall_ms);
		*cat = "stall";
		*msg = lt_buf_cstr(&m->msg);
		return 1;
	}
	if (r_category != NULL || status >= 400)
		return 0;
	*cat = "stream";
	if (m->error) {
		lt_buf_reset(&m->line);
		lt_buf_adds(
		    &m->line, m->msg.len ? "error event: " : "error event");
		lt_buf_add(&m->line, m->msg.data, m->msg.len);
		*msg = lt_buf_cstr(&m->line);
		return 1;
	}
	if (!m->openai)
		return 0;
	if (!m->done) {
		*msg = "ended without [DONE]";
		return 1;
	}
	if (m->content == 0) {
		*msg = "no content";
		return 1;
	}
	return 0;
}

void
lt_llm_put(const struct lt_llm *m, struct lt_buf *b, int64_t t0_us)
{
	size_t i;

	lt_buf_adds(b, ",\"ttft_ms\":");
	if (m->content > 0)
		lt_jsonw_fixed(b, m->first_us - t0_us, 3);
	else
		lt_jsonw_null(b);
	lt_buf_adds(b, ",\"e2e_ms\":");
	if (m->content > 0)
		lt_jsonw_fixed(b, m->last_us - t0_us, 3);
	else
		lt_jsonw_null(b);
	lt_buf_adds(b, ",\"content_events\":");
	lt_jsonw_i64(b, m->content);
	lt_buf_adds(b, ",\"output_tokens\":");
	lt_jsonw_i64(b, m->usage_out >= 0 ? m->usage_out : m->content);
	if (m->usage_in >= 0) {
		lt_buf_adds(b, ",\"input_tokens\":");
		lt_jsonw_i64(b, m->usage_in);
	}
	lt_buf_adds(b, ",\"itl_us\":[");
	for (i = 0; i < m->ngaps; i++) {
		if (i > 0)
			lt_buf_addc(b, ',');
		lt_jsonw_u64(b, m->gaps_us[i]);
	}
	lt_buf_addc(b, ']');
	if (m->gaps_lost > 0) {
		lt_buf_adds(b, ",\"itl_lost\":");
		lt_jsonw_i64(b, m->gaps_lost);
	}
}
