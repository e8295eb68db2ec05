/*
 * llm_test.c - the stream measurement of lt-run (run/llm.h): SSE framing
 * whatever the split of the body into reads (CRLF cut between reads,
 * events cut mid-line), what counts as content, the gaps, usage, the
 * stream failures; and lt-agg's side: llm thresholds' metric names.
 */
#include <stdlib.h>
#include <string.h>

#include "../tap.h"
#include "agg/llmstat.h"
#include "core/buf.h"
#include "run/llm.h"

#define ROLE                                                                   \
	"data: {\"choices\":[{\"delta\":{\"role\":\"assistant\","              \
	"\"content\":\"\"}}]}\r\n\r\n"
#define TOK(w) "data: {\"choices\":[{\"delta\":{\"content\":\"" w "\"}}]}\n\n"
#define USAGE                                                                  \
	"data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,"                \
	"\"completion_tokens\":9}}\n\n"

/* Feeds s in pieces of n bytes, the k-th piece at time t0 + k * 1000. */
static void
feed_split(struct lt_llm *m, const char *s, size_t n, int64_t t0)
{
	size_t len = strlen(s), off;
	int64_t k = 0;

	for (off = 0; off < len; off += n, k++)
		lt_llm_feed(
		    m, s + off, len - off < n ? len - off : n, t0 + k * 1000);
}

static const char *
verdict(struct lt_llm *m)
{
	const char *cat, *msg;
	static char out[256];

	if (!lt_llm_end(m, NULL, 200, &cat, &msg))
		return "ok";
	snprintf(out, sizeof(out), "%s: %s", cat, msg);
	return out;
}

static void
test_framing(void)
{
	const char *body = ROLE ": a comment\n\n" TOK("a")
	    TOK("b") "data: "
	             "{\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}"
	             "\n\n" USAGE "data: [DONE]\n\n";
	size_t n;

	for (n = 1; n <= strlen(body); n += (n < 8 ? 1 : 37)) {
		struct lt_llm *m = lt_llm_new(NULL, EV_DEFAULT);
		char what[64];

		lt_llm_begin(m, 1, 0);
		feed_split(m, body, n, 1000000);
		snprintf(
		    what, sizeof(what), "reads of %zu bytes: 2 content", n);
		TAP_EQ_INT(m->content, 2, what);
		snprintf(what, sizeof(what), "reads of %zu: usage 9 and 5", n);
		TAP_OK(m->usage_out == 9 && m->usage_in == 5, "%s", what);
		snprintf(what, sizeof(what), "reads of %zu: ok with [DONE]", n);
		TAP_EQ_STR(verdict(m), "ok", what);
		lt_llm_free(m);
	}
}

static void
test_fields(void)
{
	struct lt_llm *m = lt_llm_new(NULL, EV_DEFAULT);
	struct lt_buf b;

	lt_llm_begin(m, 1, 0);
	lt_llm_feed(m, ROLE, strlen(ROLE), 400);
	lt_llm_feed(m, TOK("x"), strlen(TOK("x")), 150200);
	lt_llm_feed(m, TOK("y") TOK("z"), 2 * strlen(TOK("y")), 180900);
	lt_llm_feed(m, "data: [DONE]\n\n", 14, 210000);
	lt_buf_init(&b, 0);
	lt_llm_put(m, &b, 0);
	TAP_EQ_STR(lt_buf_cstr(&b),
	    ",\"ttft_ms\":150.200,\"e2e_ms\":180.900,\"content_events\":3,"
	    "\"output_tokens\":3,\"itl_us\":[30700,0]",
	    "two events in one read share its time (gap 0)");
	lt_buf_fini(&b);
	lt_llm_free(m);
}

static void
test_failures(void)
{
	struct lt_llm *m = lt_llm_new(NULL, EV_DEFAULT);
	const char *s;

	lt_llm_begin(m, 1, 0);
	s = TOK(
	    "a") "event: error\ndata: {\"error\":{\"message\":\"boom\"}}\n\n";
	lt_llm_feed(m, s, strlen(s), 10);
	TAP_EQ_STR(verdict(m), "stream: error event: boom", "event: error");

	lt_llm_begin(m, 1, 0);
	s = "data: {\"error\":\"overloaded\"}\n\n";
	lt_llm_feed(m, s, strlen(s), 10);
	TAP_EQ_STR(verdict(m), "stream: error event: overloaded",
	    "data with an error member");

	lt_llm_begin(m, 1, 0);
	s = TOK("a") "event: error\n\n";
	lt_llm_feed(m, s, strlen(s), 10);
	TAP_EQ_STR(verdict(m), "stream: error event", "event: error, no data");

	lt_llm_begin(m, 1, 0);
	s = TOK("a");
	lt_llm_feed(m, s, strlen(s), 10);
	TAP_EQ_STR(verdict(m), "stream: ended without [DONE]", "no [DONE]");

	lt_llm_begin(m, 1, 0);
	s = ROLE "data: [DONE]\n\n";
	lt_llm_feed(m, s, strlen(s), 10);
	TAP_EQ_STR(verdict(m), "stream: no content", "role only");

	lt_llm_begin(m, 0, 0);
	s = "data: hello\r\rdata: world\r\r";
	lt_llm_feed(m, s, strlen(s), 10);
	TAP_EQ_INT(m->content, 2, "stream sse: CR line ends, any data counts");
	TAP_EQ_STR(verdict(m), "ok", "stream sse needs no [DONE]");

	lt_llm_begin(m, 1, 0);
	s = "data: {\"choices\":[{\"text\":\" hi\"}]}\n\ndata: [DONE]\n\n";
	lt_llm_feed(m, s, strlen(s), 10);
	TAP_EQ_INT(m->content, 1, "completions: choices[0].text is content");
	TAP_EQ_STR(verdict(m), "ok", "completions stream ok");
	{
		const char *cat, *msg;

		TAP_EQ_INT(lt_llm_end(m, "timeout", 0, &cat, &msg), 0,
		    "a transport failure is left to the caller");
	}
	lt_llm_free(m);
}

static void
test_metrics(void)
{
	int w = 0;
	double p = 0;

	TAP_EQ_INT(lt_llmstat_metric("ttft_p95<1", &w, &p), 8, "ttft_p95");
	TAP_OK(p == 95, "ttft_p95: pct 95");
	TAP_EQ_INT(lt_llmstat_metric("itl_p99.9<", &w, &p), 9, "itl_p99.9");
	TAP_EQ_INT(lt_llmstat_metric("tpot_median", &w, &p), 11, "tpot_median");
	TAP_EQ_STR(lt_llmstat_unit(w), "ms", "tpot_median in ms");
	TAP_EQ_INT(lt_llmstat_metric("goodput>0.9", &w, &p), 7, "goodput");
	TAP_EQ_STR(lt_llmstat_unit(w), "ratio", "goodput is a ratio");
	TAP_EQ_INT(
	    lt_llmstat_metric("goodput_rps>1", &w, &p), 11, "goodput_rps");
	TAP_EQ_INT(
	    lt_llmstat_metric("tokens_per_s>1", &w, &p), 12, "tokens_per_s");
	TAP_EQ_INT(lt_llmstat_metric("p95<1", &w, &p), 0, "p95 is not one");
	TAP_EQ_INT(lt_llmstat_metric("ttft_p0<1", &w, &p), 0, "ttft_p0 is bad");
	TAP_EQ_INT(lt_llmstat_metric("ttftx<1", &w, &p), 0, "ttftx is bad");
}

int
main(void)
{
	test_framing();
	test_fields();
	test_failures();
	test_metrics();
	return tap_done();
}
