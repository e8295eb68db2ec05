/*
 * mdclass.c - the "User classes" section; see mdclass.h.  Class names
 * are data from the scenario: they go through the table cells, which
 * escape them for Markdown and HTML.
 */
#include "report/mdclass.h"

void
lt_mdclass_section(struct lt_md *d, const struct lt_report *r)
{
	static const char *const heads[] = { "Class", ">Requests", ">Failures",
		">Failure %", ">p50 ms", ">p95 ms", ">p99 ms", ">Max ms",
		">Requests/s" };
	const struct lt_aggdoc *doc = &r->doc;
	char a[32], b[32], c[32], m[32];

	if (doc->n_classes == 0)
		return;
	lt_md_text(d,
	    "\n## User classes\n\nRequests by the user class that made "
	    "them.\n\n");
	lt_md_table(d, "t-classes",
	    "Requests, failures and response times "
	    "per user class",
	    9, heads);
	for (size_t i = 0; i < doc->n_classes; i++) {
		const struct lt_doc_class *k = &doc->classes[i];

		lt_md_cell(d, LT_MD_ROWHEAD, "%s", k->name);
		lt_md_cell(d, LT_MD_NUM, "%lld", (long long)k->requests);
		lt_md_cell(d, LT_MD_NUM | (k->failures ? LT_MD_FAIL : 0),
		    "%lld", (long long)k->failures);
		lt_md_cell(d, LT_MD_NUM, "%.2f", 100.0 * k->fail_ratio);
		lt_md_cell(d, LT_MD_NUM, "%s",
		    lt_md_ms(a, sizeof(a), (double)k->pct_us[0] / 1000.0));
		lt_md_cell(d, LT_MD_NUM, "%s",
		    lt_md_ms(b, sizeof(b), (double)k->pct_us[5] / 1000.0));
		lt_md_cell(d, LT_MD_NUM, "%s",
		    lt_md_ms(c, sizeof(c), (double)k->pct_us[7] / 1000.0));
		lt_md_cell(d, LT_MD_NUM, "%s",
		    lt_md_ms(m, sizeof(m), (double)k->max_us / 1000.0));
		lt_md_cell(d, LT_MD_NUM, "%.2f", k->rps);
		lt_md_row_end(d);
	}
	lt_md_table_end(d);
	if (doc->classes[doc->n_classes - 1].folded)
		lt_md_text(d,
		    "Classes beyond the first 100 are counted together as "
		    "(other).\n\n");
}
