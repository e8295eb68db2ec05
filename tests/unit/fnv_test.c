/*
 * fnv_test.c - lt_fnv1a (lib/core/fnv.c) against the published FNV-1a 64-bit
 * test vectors, and that one changed byte changes the hash.
 */
#include <stdint.h>
#include <string.h>

#include "core/fnv.h"
#include "../tap.h"

int
main(void)
{
	TAP_OK(lt_fnv1a("", 0) == 0xcbf29ce484222325ULL, "empty: offset basis");
	TAP_OK(lt_fnv1a("a", 1) == 0xaf63dc4c8601ec8cULL, "\"a\"");
	TAP_OK(lt_fnv1a("foobar", 6) == 0x85944171f73967e8ULL, "\"foobar\"");
	TAP_OK(lt_fnv1a("/ok?step=1", 10) != lt_fnv1a("/ok?step=2", 10),
	    "one byte apart, different hashes");
	TAP_OK(lt_fnv1a("\xff\x80", 2) != lt_fnv1a("\x7f\x80", 2),
	    "bytes over 127 hash as unsigned");
	return tap_done();
}
