/*
 * sec.h - lt-fanout's security settings, shared by the coordinator and
 * the worker: mutual TLS certificate files (tls.c) and the run token
 * (auth.c), loaded once by the main and passed down as plain data.
 */
#ifndef LT_FANOUT_SEC_H
#define LT_FANOUT_SEC_H

#include <stddef.h>

#include "core/err.h"

#define LT_TOKEN_MAX 1024

struct lt_fanout_sec {
	const char *tls_cert; /* --tls-cert FILE (PEM) */
	const char *tls_key;  /* --tls-key FILE (PEM) */
	const char *tls_ca;   /* --tls-ca FILE (PEM): who may talk to us */
	int has_token;
	size_t token_len;
	unsigned char token[LT_TOKEN_MAX];
};

/*
 * Loads the run token from path (its first line, surrounding blanks
 * removed) or, when path is NULL, from the environment variable
 * LT_FANOUT_TOKEN; no token at all is not an error (has_token stays 0).
 * Returns 0, or -1 with err (unreadable, empty, too long).
 */
int lt_fanout_sec_token(
    struct lt_fanout_sec *s, const char *path, struct lt_err *err);

/* Checks that the TLS options fit url: all three files for a tls+tcp://
 * URL, none for another.  Returns 0 or -1 (err, code 2). */
int lt_fanout_sec_check(
    const struct lt_fanout_sec *s, const char *url, struct lt_err *err);

#endif
