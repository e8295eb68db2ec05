/* aggerr_test.c - the failure grouping key (lib/agg/aggerr.c): measurements
 * with a unit become N, identities stay (QA F5/F8). */
#include <string.h>

#include "agg/aggerr.h"
#include "../tap.h"

static void
key(const char *in, const char *want)
{
	struct lt_buf b;
	int rc;

	lt_buf_init(&b, 0);
	rc = lt_aggerr_key(in, strlen(in), &b);
	if (want == NULL)
		TAP_OK(rc == 0, "kept as is: %s", in);
	else if (!TAP_OK(
	             rc == 1 && strcmp(lt_buf_cstr(&b), want) == 0, "%s", in))
		printf("#   got %d '%s'\n#   want '%s'\n", rc,
		    rc == 1 ? lt_buf_cstr(&b) : "", want);
	lt_buf_fini(&b);
}

int
main(void)
{
	key("timeout: Operation timed out after 1000 milliseconds with 0 "
	    "bytes received",
	    "timeout: Operation timed out after N milliseconds with N bytes "
	    "received");
	key("timeout: Operation timed out after 1001 milliseconds with 0 "
	    "bytes received",
	    "timeout: Operation timed out after N milliseconds with N bytes "
	    "received");
	key("connect: Failed to connect to 127.0.0.1 port 1 after 0 ms: "
	    "Couldn't connect to server",
	    "connect: Failed to connect to 127.0.0.1 port 1 after N ms: "
	    "Couldn't connect to server");
	key("timeout: Connection timed out after 10001 milliseconds",
	    "timeout: Connection timed out after N milliseconds");
	/* configured limits tell causes apart and are kept (issue 12) */
	key("timeout: no response within 1.5s", NULL);
	key("timeout: no response within 1000 ms", NULL);
	key("timeout: Operation too slow. Less than 1 bytes/sec transferred "
	    "the last 5 seconds",
	    NULL);
	key("check: latency 12.5 ms > 10 ms", "check: latency N ms > 10 ms");
	key("check: body larger than 1 MiB, got 3 MiB",
	    "check: body larger than 1 MiB, got N MiB");
	key("reset: limit: 64 KiB after 70 KiB",
	    "reset: limit: 64 KiB after N KiB");
	key("timeout: WITHIN 2 s", NULL);
	key("reset: Too large response headers: 307211 > 307200", NULL);
	key("http: status 503", NULL);
	key("http: status 500", NULL);
	key("connect: Failed to connect to 127.0.0.1 port 8080: refused", NULL);
	key("dns: Could not resolve host: h2.example", NULL);
	key("http: 10 msgs", NULL); /* "msgs" is not "ms" */
	key("http: x10 ms", NULL);  /* a number inside a word */
	key("tls: v1.2 s", NULL);   /* ditto */
	key("http: 1.2.3 s", NULL); /* not a number */
	key("", NULL);
	key("no digits at all", NULL);
	key("5ms", "Nms");
	key("after 7 bytes", "after N bytes");
	key("after 7  bytes", NULL); /* one space at most */
	key("got 3 B and 4 KiB", "got N B and N KiB");
	return tap_done();
}
