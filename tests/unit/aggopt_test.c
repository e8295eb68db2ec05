/* aggopt_test.c - lt-agg's option values and the rules between options
 * (lib/agg/aggopt.c). */
#include <string.h>

#include "agg/aggopt.h"
#include "../tap.h"

int
main(void)
{
	struct lt_aggcmd c;
	struct lt_err err;
	char *files[] = { "a.json" };

	TAP_EQ_INT(lt_aggopt_code("0"), 0, "code 0");
	TAP_EQ_INT(lt_aggopt_code("255"), 255, "code 255");
	TAP_EQ_INT(lt_aggopt_code("256"), -1, "code 256 refused");
	TAP_EQ_INT(lt_aggopt_code("0010"), -1, "code: four digits refused");
	TAP_EQ_INT(lt_aggopt_code(""), -1, "code: empty refused");
	TAP_EQ_INT(lt_aggopt_code("-1"), -1, "code: sign refused");
	TAP_EQ_INT(lt_aggopt_code("1x"), -1, "code: trailing junk refused");

	TAP_EQ_INT(lt_aggopt_format("json"), LT_FMT_JSON, "format json");
	TAP_EQ_INT(lt_aggopt_format("text"), LT_FMT_TEXT, "format text");
	TAP_EQ_INT(lt_aggopt_format("openmetrics"), LT_FMT_OPENMETRICS,
	    "format openmetrics");
	TAP_EQ_INT(lt_aggopt_format("prometheus"), LT_FMT_PROMETHEUS,
	    "format prometheus");
	TAP_EQ_INT(lt_aggopt_format("JSON"), -1, "format: case matters");

	TAP_OK(lt_aggopt_interval("2") == 2, "interval 2");
	TAP_OK(lt_aggopt_interval("2s") == 2, "interval 2s");
	TAP_OK(lt_aggopt_interval("500ms") == 0.5, "interval 500ms");
	TAP_OK(lt_aggopt_interval("1m") == 60, "interval 1m");
	TAP_OK(lt_aggopt_interval("1h") == 3600, "interval 1h");
	TAP_OK(lt_aggopt_interval("0") < 0, "interval 0 refused");
	TAP_OK(lt_aggopt_interval("-1") < 0, "interval: sign refused");
	TAP_OK(lt_aggopt_interval("inf") < 0, "interval: inf refused");
	TAP_OK(lt_aggopt_interval("2d") < 0, "interval: unknown unit");
	TAP_OK(lt_aggopt_interval("2e10") < 0, "interval: too large");

	memset(&c, 0, sizeof(c));
	c.live_format = LT_FMT_TEXT; /* as lt-agg's main sets it */
	TAP_OK(lt_aggopt_finish(&c, &err) == 0 && c.every_s == 0,
	    "finish: defaults pass, no live table");
	c.live_format = LT_FMT_PROMETHEUS;
	TAP_OK(lt_aggopt_finish(&c, &err) == 0 && c.every_s == 2,
	    "finish: --live-format implies --live");
	memset(&c, 0, sizeof(c));
	c.live_format = LT_FMT_TEXT; /* as lt-agg's main sets it */
	c.live_output = "live.txt";
	c.every_s = 5;
	TAP_OK(lt_aggopt_finish(&c, &err) == 0 && c.every_s == 5,
	    "finish: --live-output keeps --every");
	c.live_output = "-";
	TAP_OK(lt_aggopt_finish(&c, &err) == -1 && err.code == LT_EXIT_USAGE,
	    "finish: --live-output - without -o refused");
	TAP_EQ_STR(err.msg, "--live-output - needs -o for the aggregate",
	    "finish: its message");
	c.output = "agg.json";
	TAP_OK(lt_aggopt_finish(&c, &err) == 0, "finish: with -o it passes");

	memset(&c, 0, sizeof(c));
	c.live_format = LT_FMT_TEXT; /* as lt-agg's main sets it */
	c.since_us = 5000000;
	c.until_us = 5000000;
	TAP_OK(lt_aggopt_finish(&c, &err) == -1, "finish: until == since");
	TAP_EQ_STR(err.msg, "--until must be later than --since",
	    "finish: its message");
	c.until_us = 0;
	c.merge = 1;
	c.files = files;
	c.n_files = 1;
	TAP_OK(lt_aggopt_finish(&c, &err) == -1, "finish: --merge --since");
	TAP_EQ_STR(err.msg,
	    "--since and --until read events, not aggregates (--merge)",
	    "finish: its message");
	c.since_us = 0;
	TAP_OK(lt_aggopt_finish(&c, &err) == 0, "finish: --merge with files");
	c.n_files = 0;
	TAP_OK(lt_aggopt_finish(&c, &err) == -1, "finish: --merge, no files");
	TAP_EQ_STR(
	    err.msg, "--merge needs aggregate files", "finish: its message");
	return tap_done();
}
