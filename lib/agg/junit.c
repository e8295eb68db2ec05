/*
 * junit.c - JUnit XML of threshold and baseline results; see junit.h.
 *
 * Endpoint names and threshold expressions are user data: every one goes
 * through lt_junit_esc, which also drops what XML 1.0 cannot carry at all
 * (control characters other than tab and newline, invalid UTF-8), since a
 * CI reporter rejects the whole file for one bad byte.
 */
#include <jansson.h>
#include <string.h>

#include "agg/junit.h"
#include "core/utf8.h"

/* XML 1.0 Char also excludes U+FFFE and U+FFFF. */
static size_t
xml_char_len(const unsigned char *s, size_t n)
{
	unsigned cp;
	size_t len = lt_utf8_len(s, n, &cp);

	return len > 0 && cp != 0xfffe && cp != 0xffff ? len : 0;
}

int
lt_junit_esc(struct lt_buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	int rc = 0;

	for (size_t i = 0; i < n;) {
		size_t l = xml_char_len(p + i, n - i);
		const char *rep = NULL;

		switch (l == 1 ? p[i] : 0x80) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&apos;";
			break;
		case '\n':
			rep = "&#10;";
			break;
		case '\t':
			rep = "&#9;";
			break;
		case '\r':
			rep = "&#13;";
			break;
		default:
			if (l == 0 || (l == 1 && p[i] < 0x20))
				rep = "\xef\xbf\xbd";
		}
		if (rep) {
			rc |= lt_buf_adds(b, rep);
			i += l ? l : 1;
		} else {
			rc |= lt_buf_add(b, p + i, l);
			i += l;
		}
	}
	return rc;
}

void
lt_junit_init(struct lt_junit *j)
{
	memset(j, 0, sizeof(*j));
	lt_buf_init(&j->th, 0);
	lt_buf_init(&j->bl, 0);
}

void
lt_junit_fini(struct lt_junit *j)
{
	lt_buf_fini(&j->th);
	lt_buf_fini(&j->bl);
}

static int
open_case(struct lt_buf *b, const char *cls, const char *name, size_t n)
{
	int rc = lt_buf_adds(b, "    <testcase classname=\"");

	rc |= lt_buf_adds(b, cls) | lt_buf_adds(b, "\" name=\"");
	rc |= lt_junit_esc(b, name, n) | lt_buf_adds(b, "\" time=\"0\"");
	return rc;
}

int
lt_junit_thresh(struct lt_junit *j, const struct lt_thresh *t)
{
	struct lt_buf msg;
	int rc;

	lt_buf_init(&msg, 0);
	rc = lt_thresh_describe(t, &msg);
	if (msg.len && msg.data[msg.len - 1] == '\n')
		msg.len--;
	rc |= open_case(&j->th, "lt.thresholds", t->expr, strlen(t->expr));
	if (t->ok) {
		rc |= lt_buf_adds(&j->th, "/>\n");
	} else {
		rc |= lt_buf_adds(&j->th,
		    ">\n      <failure type=\"threshold\" "
		    "message=\"");
		rc |= lt_junit_esc(&j->th, msg.data, msg.len);
		rc |= lt_buf_adds(&j->th, "\">");
		rc |= lt_junit_esc(&j->th, msg.data, msg.len);
		rc |= lt_buf_adds(&j->th, "</failure>\n    </testcase>\n");
		j->th_fail++;
	}
	j->th_n++;
	lt_buf_fini(&msg);
	return rc ? -1 : 0;
}

static const char *const metrics[] = { "p50_ms", "p95_ms", "p99_ms", "rps",
	"fail_ratio" };

/* "GET /x" or "Aggregated": the endpoint part of a case name. */
static int
ep_label(struct lt_buf *b, json_t *ep)
{
	const char *m = json_string_value(json_object_get(ep, "method"));
	const char *n = json_string_value(json_object_get(ep, "name"));
	int rc = 0;

	if (m && *m)
		rc |= lt_buf_adds(b, m) | lt_buf_addc(b, ' ');
	rc |= lt_buf_adds(b, n ? n : "?");
	return rc;
}

static int
bl_metric(
    struct lt_junit *j, const char *ep, const char *key, json_t *m, double tol)
{
	struct lt_buf name, msg;
	json_t *dp = json_object_get(m, "delta_pct");
	int worse = json_is_true(json_object_get(m, "regressed"));
	int rc = 0;

	lt_buf_init(&name, 0);
	lt_buf_init(&msg, 0);
	rc |= lt_buf_printf(&name, "%s %s", ep, key);
	rc |= open_case(&j->bl, "lt.baseline", lt_buf_cstr(&name), name.len);
	if (!worse) {
		rc |= lt_buf_adds(&j->bl, "/>\n");
	} else {
		rc |= lt_buf_printf(&msg, "%s regressed: %.6g -> %.6g",
		    lt_buf_cstr(&name),
		    json_number_value(json_object_get(m, "old")),
		    json_number_value(json_object_get(m, "new")));
		if (json_is_number(dp))
			rc |= lt_buf_printf(
			    &msg, " (%+.1f%%)", json_number_value(dp));
		rc |= lt_buf_printf(&msg, ", tolerance %g%%", tol * 100);
		rc |= lt_buf_adds(&j->bl,
		    ">\n      <failure type=\"regression\" "
		    "message=\"");
		rc |= lt_junit_esc(&j->bl, msg.data, msg.len);
		rc |= lt_buf_adds(&j->bl, "\">");
		rc |= lt_junit_esc(&j->bl, msg.data, msg.len);
		rc |= lt_buf_adds(&j->bl, "</failure>\n    </testcase>\n");
		j->bl_fail++;
	}
	j->bl_n++;
	lt_buf_fini(&name);
	lt_buf_fini(&msg);
	return rc;
}

/* The cases of one compared, new or gone endpoint (or the total). */
static int
bl_endpoint(struct lt_junit *j, json_t *ep, double tol)
{
	struct lt_buf label;
	json_t *ms = json_object_get(ep, "metrics");
	const char *st = json_string_value(json_object_get(ep, "status"));
	int rc = 0;

	lt_buf_init(&label, 0);
	rc |= ep_label(&label, ep);
	if (!json_is_object(ms)) {
		/* new or gone: nothing to judge, shown as skipped */
		rc |= open_case(&j->bl, "lt.baseline", label.data, label.len);
		rc |= lt_buf_printf(&j->bl,
		    ">\n      <skipped message=\"%s endpoint: not in %s "
		    "aggregate\"/>\n    </testcase>\n",
		    st ? st : "unmatched",
		    st && strcmp(st, "gone") == 0 ? "the new" : "the old");
		j->bl_n++;
		j->bl_skip++;
	} else {
		for (size_t i = 0; i < sizeof(metrics) / sizeof(metrics[0]);
		     i++) {
			json_t *m = json_object_get(ms, metrics[i]);

			if (json_is_object(m))
				rc |= bl_metric(
				    j, lt_buf_cstr(&label), metrics[i], m, tol);
		}
	}
	lt_buf_fini(&label);
	return rc;
}

int
lt_junit_baseline(
    struct lt_junit *j, const char *json, size_t len, struct lt_err *err)
{
	json_error_t je;
	json_t *root = json_loadb(json, len, 0, &je), *eps, *ep;
	double tol;
	size_t i;
	int rc = 0;

	if (root == NULL)
		return lt_err_set(
		    err, LT_EXIT_RUNTIME, "junit: baseline: %s", je.text);
	tol = json_number_value(json_object_get(root, "tolerance"));
	rc |= bl_endpoint(j, json_object_get(root, "total"), tol);
	eps = json_object_get(root, "endpoints");
	json_array_foreach(eps, i, ep) rc |= bl_endpoint(j, ep, tol);
	json_decref(root);
	if (rc)
		return lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
	return 0;
}

static int
suite(struct lt_buf *b, const char *name, int n, int fail, int skip,
    const struct lt_buf *cases)
{
	int rc = lt_buf_printf(b,
	    "  <testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" "
	    "errors=\"0\" skipped=\"%d\" time=\"0\">\n",
	    name, n, fail, skip);

	rc |= lt_buf_add(b, cases->data, cases->len);
	rc |= lt_buf_adds(b, "  </testsuite>\n");
	return rc;
}

int
lt_junit_doc(const struct lt_junit *j, int with_baseline, struct lt_buf *b)
{
	int n = j->th_n + (with_baseline ? j->bl_n : 0);
	int f = j->th_fail + (with_baseline ? j->bl_fail : 0);
	int rc = 0;

	rc |= lt_buf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	rc |= lt_buf_printf(b,
	    "<testsuites name=\"lt-agg\" tests=\"%d\" failures=\"%d\" "
	    "errors=\"0\" time=\"0\">\n",
	    n, f);
	rc |= suite(b, "thresholds", j->th_n, j->th_fail, 0, &j->th);
	if (with_baseline)
		rc |= suite(
		    b, "baseline", j->bl_n, j->bl_fail, j->bl_skip, &j->bl);
	rc |= lt_buf_adds(b, "</testsuites>\n");
	return rc ? -1 : 0;
}
