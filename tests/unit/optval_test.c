/*
 * optval_test.c - lib/run/optval.c: option values read strictly (whole
 * numbers in range, finite decimals, durations, log levels, arrivals),
 * each refusal with its reason and the output left alone.
 */
#include <stdint.h>
#include <string.h>

#include "run/optval.h"
#include "../tap.h"

int
main(void)
{
	const char *why = NULL;
	uint64_t u = 7;
	double d = 7;
	int lv = 9;
	enum lt_arrival a = LT_ARRIVAL_CONSTANT;

	TAP_OK(lt_optval_whole("42", 0, 100, &u, &why) == 0 && u == 42,
	    "whole: 42");
	TAP_OK(lt_optval_whole(
	           "18446744073709551615", 0, UINT64_MAX, &u, &why) == 0 &&
	        u == UINT64_MAX,
	    "whole: UINT64_MAX");
	u = 7;
	TAP_OK(lt_optval_whole("101", 0, 100, &u, &why) == -1 && u == 7,
	    "whole: over hi refused, output kept");
	TAP_EQ_STR(why, "too large", "whole: too large");
	TAP_OK(lt_optval_whole(
	           "99999999999999999999", 0, UINT64_MAX, &u, &why) == -1,
	    "whole: overflow refused");
	TAP_EQ_STR(why, "too large", "whole: overflow is too large");
	TAP_OK(lt_optval_whole("0", 1, 9, &u, &why) == -1, "whole: below 1");
	TAP_EQ_STR(why, "must be at least 1", "whole: at least 1");
	TAP_OK(lt_optval_whole("1", 2, 9, &u, &why) == -1, "whole: below 2");
	TAP_EQ_STR(why, "too small", "whole: too small");
	TAP_OK(lt_optval_whole("0x10", 0, 99, &u, &why) == -1, "whole: hex");
	TAP_OK(lt_optval_whole("1.5", 0, 99, &u, &why) == -1, "whole: 1.5");
	TAP_OK(lt_optval_whole("", 0, 99, &u, &why) == -1, "whole: empty");
	TAP_EQ_STR(why, "expected a whole number", "whole: reason");

	TAP_OK(lt_optval_real("2.5", 0, 10, &d, &why) == 0 && d == 2.5,
	    "real: 2.5");
	TAP_OK(lt_optval_real("0", 1, 10, &d, &why) == 0 && d == 0,
	    "real: 0 when zero_ok");
	d = 7;
	TAP_OK(lt_optval_real("0", 0, 10, &d, &why) == -1 && d == 7,
	    "real: 0 refused, output kept");
	TAP_EQ_STR(why, "must be greater than 0", "real: greater than 0");
	TAP_OK(lt_optval_real("-1", 1, 10, &d, &why) == -1, "real: negative");
	TAP_OK(lt_optval_real("nan", 0, 10, &d, &why) == -1, "real: nan");
	TAP_EQ_STR(why, "expected a decimal number", "real: nan's reason");
	TAP_OK(lt_optval_real("1e999", 0, 1e9, &d, &why) == -1, "real: inf");
	TAP_EQ_STR(why, "too large", "real: inf is too large");
	TAP_OK(lt_optval_real("11", 0, 10, &d, &why) == -1, "real: over hi");
	TAP_OK(lt_optval_real("1-", 0, 10, &d, &why) == -1, "real: 1-");

	TAP_OK(
	    lt_optval_span("1h30m", &d, &why) == 0 && d == 5400, "span: 1h30m");
	TAP_OK(lt_optval_span("90", &d, &why) == 0 && d == 90, "span: 90");
	TAP_OK(lt_optval_span("soon", &d, &why) == -1, "span: soon");
	TAP_OK(why != NULL && strstr(why, "duration") != NULL,
	    "span: reason names a duration");

	TAP_OK(lt_optval_level("WARNING", &lv, &why) == 0 && lv == 2,
	    "level: any case");
	TAP_OK(lt_optval_level("critical", &lv, &why) == 0 && lv == 3,
	    "level: critical is error");
	lv = 9;
	TAP_OK(lt_optval_level("loud", &lv, &why) == -1 && lv == 9,
	    "level: unknown refused, output kept");

	TAP_OK(lt_optval_arrival("poisson", &a, &why) == 0 &&
	        a == LT_ARRIVAL_POISSON,
	    "arrival: poisson");
	TAP_OK(lt_optval_arrival("constant", &a, &why) == 0 &&
	        a == LT_ARRIVAL_CONSTANT,
	    "arrival: constant");
	TAP_OK(lt_optval_arrival("burst", &a, &why) == -1, "arrival: burst");
	TAP_EQ_STR(why, "expected constant or poisson", "arrival: reason");
	return tap_done();
}
