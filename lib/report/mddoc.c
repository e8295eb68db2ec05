/*
 * mddoc.c - the document API the report is written through: Markdown
 * text, or pieces of the HTML page; see mddoc.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/esc.h"
#include "report/mddoc.h"

/* ---- the document API ---- */

void
lt_md_init(struct lt_md *d, int html)
{
	memset(d, 0, sizeof(*d));
	d->html = html;
	lt_buf_init(&d->md, 0);
	lt_buf_init(&d->tbl, 0);
	lt_buf_init(&d->cell, 0);
}

void
lt_md_fini(struct lt_md *d)
{
	size_t i;

	for (i = 0; i < d->n_blocks; i++)
		free(d->blocks[i]);
	free(d->blocks);
	lt_buf_fini(&d->md);
	lt_buf_fini(&d->tbl);
	lt_buf_fini(&d->cell);
}

void
lt_md_text(struct lt_md *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	d->failed |= lt_buf_vprintf(&d->md, fmt, ap) != 0;
	va_end(ap);
}

/* Markdown escaping of text into b: the characters that start markup. */
static int
md_esc(struct lt_buf *b, const char *s)
{
	int rc = 0;

	for (; *s != '\0'; s++) {
		if (strchr("\\`*_[]<>&|!~#", *s) != NULL)
			rc |= lt_buf_addc(b, '\\');
		if (*s == '\n' || *s == '\r')
			rc |= lt_buf_addc(b, ' ');
		else
			rc |= lt_buf_addc(b, *s);
	}
	return rc;
}

void
lt_md_esc(struct lt_md *d, const char *s)
{
	d->failed |= md_esc(&d->md, s) != 0;
}

void
lt_md_block(struct lt_md *d, const char *html)
{
	char **nb;
	char *copy;

	if (!d->html)
		return;
	if (d->n_blocks == d->cap_blocks) {
		size_t nc = d->cap_blocks ? d->cap_blocks * 2 : 16;

		nb = realloc(d->blocks, nc * sizeof(*nb));
		if (nb == NULL) {
			d->failed = 1;
			return;
		}
		d->blocks = nb;
		d->cap_blocks = nc;
	}
	copy = strdup(html);
	if (copy == NULL) {
		d->failed = 1;
		return;
	}
	d->blocks[d->n_blocks] = copy;
	lt_md_text(d, "\n@@lt-block-%zu@@\n\n", d->n_blocks);
	d->n_blocks++;
}

void
lt_md_table(struct lt_md *d, const char *id, const char *caption, int ncols,
    const char *const *heads)
{
	struct lt_buf *t = &d->tbl;
	int i, rc = 0;

	lt_buf_reset(t);
	d->ncols = ncols;
	d->col = 0;
	if (d->html) {
		size_t idlen = strlen(id);
		int tot = idlen > 0 && id[idlen - 1] == '+';

		rc |= lt_buf_printf(t,
		    "<div class=\"tw\"><table id=\"%.*s\"%s>"
		    "\n<caption>",
		    (int)(idlen - (size_t)tot), id,
		    tot ? " class=\"tot\"" : "");
		rc |= lt_html_esc(t, caption);
		rc |= lt_buf_adds(t, "</caption>\n<thead><tr>");
		for (i = 0; i < ncols; i++) {
			const char *h = heads[i];
			int num = h[0] == '>';

			rc |= lt_buf_printf(t, "<th scope=\"col\"%s>",
			    num ? " class=\"n\"" : "");
			rc |= lt_html_esc(t, h + num);
			rc |= lt_buf_adds(t, "</th>");
		}
		rc |= lt_buf_adds(t, "</tr></thead>\n<tbody>\n<tr>");
	} else {
		rc |= lt_buf_adds(t, "\n|");
		for (i = 0; i < ncols; i++) {
			rc |= lt_buf_addc(t, ' ');
			rc |= md_esc(t, heads[i] + (heads[i][0] == '>'));
			rc |= lt_buf_adds(t, " |");
		}
		rc |= lt_buf_adds(t, "\n|");
		for (i = 0; i < ncols; i++)
			rc |= lt_buf_adds(
			    t, heads[i][0] == '>' ? "---:|" : "---|");
		rc |= lt_buf_adds(t, "\n|");
	}
	d->failed |= rc != 0;
}

void
lt_md_cell(struct lt_md *d, int flags, const char *fmt, ...)
{
	struct lt_buf *t = &d->tbl;
	const char *cls = flags & LT_MD_WORSE ? "worse"
	    : flags & LT_MD_BETTER            ? "better"
	    : flags & LT_MD_PASS              ? "pass"
	    : flags & LT_MD_FAIL              ? "fail"
	                                      : NULL;
	const char *tag = flags & LT_MD_ROWHEAD ? "th" : "td";
	const char *text;
	va_list ap;
	int rc;

	lt_buf_reset(&d->cell);
	va_start(ap, fmt);
	rc = lt_buf_vprintf(&d->cell, fmt, ap);
	va_end(ap);
	if (rc != 0) {
		d->failed = 1;
		return;
	}
	text = lt_buf_cstr(&d->cell);
	if (d->html) {
		rc |= lt_buf_printf(t, "<%s%s", tag,
		    flags & LT_MD_ROWHEAD ? " scope=\"row\"" : "");
		if (cls != NULL || (flags & LT_MD_NUM))
			rc |= lt_buf_printf(t, " class=\"%s%s%s\"",
			    flags & LT_MD_NUM ? "n" : "",
			    cls && (flags & LT_MD_NUM) ? " " : "",
			    cls ? cls : "");
		rc |= lt_buf_addc(t, '>');
		rc |= lt_html_esc(t, text);
		rc |= lt_buf_printf(t, "</%s>", tag);
	} else {
		rc |= lt_buf_addc(t, ' ');
		if (flags & (LT_MD_WORSE | LT_MD_FAIL))
			rc |= lt_buf_adds(t, "**");
		rc |= md_esc(t, text);
		if (flags & (LT_MD_WORSE | LT_MD_FAIL))
			rc |= lt_buf_adds(t, "**");
		if (flags & LT_MD_WORSE)
			rc |= lt_buf_adds(t, " (worse)");
		else if (flags & LT_MD_BETTER)
			rc |= lt_buf_adds(t, " (better)");
		rc |= lt_buf_adds(t, " |");
	}
	d->col++;
	d->failed |= rc != 0;
}

void
lt_md_row_end(struct lt_md *d)
{
	d->failed |= lt_buf_adds(&d->tbl, d->html ? "</tr>\n<tr>" : "\n|") != 0;
	d->col = 0;
}

/* Drops the row opened after the last lt_md_row_end. */
static void
trim_open_row(struct lt_md *d)
{
	const char *open = d->html ? "<tr>" : "|";
	size_t n = strlen(open);

	if (d->tbl.len >= n &&
	    memcmp(d->tbl.data + d->tbl.len - n, open, n) == 0)
		d->tbl.len -= n;
}

void
lt_md_table_end(struct lt_md *d)
{
	trim_open_row(d);
	if (d->html) {
		d->failed |=
		    lt_buf_adds(&d->tbl, "</tbody></table></div>") != 0;
		lt_md_block(d, lt_buf_cstr(&d->tbl));
	} else {
		d->failed |= lt_buf_adds(&d->tbl, "\n") != 0;
		d->failed |= lt_buf_add(&d->md, d->tbl.data, d->tbl.len) != 0;
	}
	lt_buf_reset(&d->tbl);
}

/* ---- formatting helpers ---- */

const char *
lt_md_ms(char *s, size_t cap, double ms)
{
	if (ms < 1)
		snprintf(s, cap, "%.3f", ms);
	else if (ms < 10)
		snprintf(s, cap, "%.2f", ms);
	else if (ms < 1000)
		snprintf(s, cap, "%.1f", ms);
	else
		snprintf(s, cap, "%.0f", ms);
	return s;
}
