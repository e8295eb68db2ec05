/*
 * fanout_files_test.c - a shipped file's content in lt-fanout's plan
 * (lib/fanout/datafiles.c): text travels as a JSON string, anything
 * else in base64, and either comes back byte for byte through the JSON
 * a worker parses, checked against the hash; a changed byte, a wrong
 * hash or broken base64 are refused.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "fanout/datafiles.h"
#include "../tap.h"

/* Puts n bytes into an entry, dumps it and parses it back as a worker
 * does, then gets the bytes: 1 when they are the same.  *enc is set to
 * the content's key ("data" or "base64"). */
static int
round_trip(const char *p, size_t n, const char **enc)
{
	json_t *f = json_object(), *g;
	struct lt_buf out;
	struct lt_err err;
	char *s;
	int same;

	*enc = "?";
	if (f == NULL || lt_fanout_file_put(f, p, n) != 0) {
		json_decref(f);
		return 0;
	}
	s = json_dumps(f, JSON_COMPACT);
	json_decref(f);
	g = s != NULL ? json_loads(s, 0, NULL) : NULL;
	free(s);
	if (g == NULL)
		return 0;
	*enc = json_object_get(g, "data") ? "data" : "base64";
	lt_buf_init(&out, 0);
	same = lt_fanout_file_get(g, "f", &out, &err) == 0 && out.len == n &&
	    (n == 0 || memcmp(out.data, p, n) == 0);
	lt_buf_fini(&out);
	json_decref(g);
	return same;
}

int
main(void)
{
	unsigned char all[256 * 3], bin[1000];
	const char *enc;
	struct lt_buf out;
	struct lt_err err;
	unsigned x = 12345;
	json_t *f;
	size_t i, n;
	int ok;

	for (i = 0; i < sizeof(all); i++)
		all[i] = (unsigned char)i;
	for (i = 0; i < sizeof(bin); i++) {
		x = x * 1103515245u + 12345u;
		bin[i] = (unsigned char)(x >> 16);
	}

	TAP_OK(round_trip("", 0, &enc), "empty file");
	TAP_EQ_STR(enc, "data", "empty file: as text");
	TAP_OK(round_trip("id,name\n1,\xc3\xa9t\xc3\xa9\n", 16, &enc),
	    "UTF-8 text");
	TAP_EQ_STR(enc, "data", "UTF-8 text: as a JSON string");
	TAP_OK(round_trip("a\0b", 3, &enc), "text with a NUL byte");
	TAP_EQ_STR(enc, "base64", "a NUL byte: base64");
	TAP_OK(round_trip("caf\xe9", 4, &enc), "Latin-1 (invalid UTF-8)");
	TAP_EQ_STR(enc, "base64", "invalid UTF-8: base64");
	TAP_OK(round_trip("\x01\x02\x03\x04\x05\x06", 6, &enc),
	    "control characters");
	TAP_EQ_STR(enc, "base64", "escapes longer than base64: base64");
	TAP_OK(round_trip((const char *)all, sizeof(all), &enc),
	    "every byte value, three times");
	ok = 1;
	for (n = 0; n <= 9; n++) /* every padding: none, "=", "==" */
		ok &= round_trip((const char *)bin, n, &enc);
	TAP_OK(ok, "binary of 0..9 bytes");
	TAP_OK(round_trip((const char *)bin, sizeof(bin), &enc),
	    "1000 pseudo-random bytes");
	TAP_EQ_STR(enc, "base64", "pseudo-random bytes: base64");

	lt_buf_init(&out, 0);
	/* a content that does not match its hash is refused */
	f = json_object();
	lt_fanout_file_put(f, (const char *)bin, 100);
	json_object_set_new(f, "hash", json_string("0123456789abcdef"));
	TAP_OK(lt_fanout_file_get(f, "shipped body file 3", &out, &err) != 0 &&
	        strstr(err.msg, "shipped body file 3: content hash") != NULL &&
	        strstr(err.msg, "announced 0123456789abcdef") != NULL,
	    "another hash: refused, naming the file");
	json_decref(f);
	/* one character of the base64 changed: the hash catches it */
	f = json_object();
	lt_fanout_file_put(f, (const char *)bin, 100);
	{
		char *b =
		    strdup(json_string_value(json_object_get(f, "base64")));

		b[10] = b[10] == 'A' ? 'B' : 'A';
		json_object_set_new(f, "base64", json_string(b));
		free(b);
	}
	TAP_OK(lt_fanout_file_get(f, "f", &out, &err) != 0 &&
	        strstr(err.msg, "content hash") != NULL,
	    "a changed byte: refused");
	json_decref(f);
	/* broken base64: a length not a multiple of 4, a stray character */
	f = json_pack("{s:s,s:s}", "hash", "0", "base64", "QUJD=");
	TAP_OK(lt_fanout_file_get(f, "f", &out, &err) != 0 &&
	        strstr(err.msg, "broken base64") != NULL,
	    "base64 of 5 characters: refused");
	json_decref(f);
	f = json_pack("{s:s,s:s}", "hash", "0", "base64", "QU*D");
	TAP_OK(lt_fanout_file_get(f, "f", &out, &err) != 0 &&
	        strstr(err.msg, "broken base64") != NULL,
	    "a character outside base64: refused");
	json_decref(f);
	/* neither content, or both */
	f = json_pack("{s:s}", "hash", "0");
	TAP_OK(
	    lt_fanout_file_get(f, "f", &out, &err) != 0, "no content: refused");
	json_decref(f);
	f = json_pack("{s:s,s:s,s:s}", "hash", "0", "data", "", "base64", "");
	TAP_OK(lt_fanout_file_get(f, "f", &out, &err) != 0,
	    "two contents: refused");
	json_decref(f);
	lt_buf_fini(&out);
	return tap_done();
}
