/*
 * tls.h - NNG TLS configurations for tls+tcp:// URLs (tls.c), used only
 * by nngx.c; the configuration is opaque here so that nothing else
 * includes NNG's headers.
 */
#ifndef LT_FANOUT_TLS_H
#define LT_FANOUT_TLS_H

#include "core/err.h"
#include "fanout/sec.h"

/*
 * For a tls+tcp:// url: loads the certificate files of s into a new NNG
 * TLS configuration for a server (listener) or a client (dialer), both
 * requiring the peer's certificate, and stores it in *cfg.  For other
 * URLs stores NULL.  Returns 0, or -1 with err (a file missing or not
 * PEM, a key that does not fit the certificate).
 */
int lt_tls_config(const struct lt_fanout_sec *s, const char *url, int server,
    void **cfg, struct lt_err *err);

void lt_tls_config_free(void *cfg);

#endif
