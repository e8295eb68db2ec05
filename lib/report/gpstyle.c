/* gpstyle.c - the report's chart style and figure frame; see gpstyle.h. */
#include "report/esc.h"
#include "report/gpstyle.h"

int
lt_chart_preamble(struct lt_buf *b, int width, int height)
{
	return lt_buf_printf(b,
	    "set terminal svg dynamic noenhanced size %d,%d "
	    "font \"sans,%d\" background \"#ffffff\"\n"
	    "set output\nset encoding utf8\n"
	    "set border 3 lc rgb \"#444444\"\nset tics nomirror\n"
	    "set grid lc rgb \"#dddddd\"\n"
	    "set key top left box lc rgb \"#cccccc\" reverse Left samplen 2\n"
	    "set datafile missing \"?\"\n",
	    width, height, LT_CHART_FONT);
}

int
lt_chart_fig_open(struct lt_buf *b, const char *id, int full)
{
	return lt_buf_printf(b,
	    "<figure class=\"chart%s\" id=\"chart-%s\">\n"
	    "<div class=\"cs\" style=\"--minw:%dpx\">",
	    full ? " full" : "", id,
	    LT_CHART_MIN_PX(full ? LT_CHART_W_FULL : LT_CHART_W_HALF));
}

int
lt_chart_fig_close(struct lt_buf *b, const char *caption)
{
	int rc = lt_buf_adds(b, "</div><figcaption>");

	rc |= lt_html_esc(b, caption);
	rc |= lt_buf_adds(b, "</figcaption></figure>\n");
	return rc ? -1 : 0;
}
