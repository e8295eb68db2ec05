/*
 * tls.c - mutual TLS for tls+tcp:// URLs: builds NNG's TLS configuration
 * (mbedTLS in Debian's libnng) from the certificate files of sec.h.  Both
 * sides present a certificate and require the peer's to be signed by
 * --tls-ca; a worker also checks that the coordinator's certificate names
 * the host of its --connect URL.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nng/nng.h>
#include <nng/supplemental/tls/tls.h>

#include "fanout/tls.h"

static int
is_tls(const char *url)
{
	return strncmp(url, "tls+tcp", 7) == 0;
}

int
lt_fanout_sec_check(
    const struct lt_fanout_sec *s, const char *url, struct lt_err *err)
{
	int n =
	    (s->tls_cert != NULL) + (s->tls_key != NULL) + (s->tls_ca != NULL);

	if (url == NULL)
		return 0;
	if (is_tls(url) && n != 3)
		return lt_err_set(err, 2,
		    "%s needs --tls-cert, --tls-key and "
		    "--tls-ca (mutual TLS)",
		    url);
	if (!is_tls(url) && n != 0)
		return lt_err_set(err, 2,
		    "--tls-cert, --tls-key and --tls-ca "
		    "need a tls+tcp:// URL, not %s",
		    url);
	return 0;
}

/* The whole PEM file as a string (malloc'd). */
static char *
pem(const char *path, const char *what, struct lt_err *err)
{
	char *b = NULL, *nb;
	size_t len = 0, cap = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		lt_err_sys(err, 2, errno, "%s %s", what, path);
		return NULL;
	}
	for (;;) {
		if (cap - len < 4097) {
			cap = cap ? cap * 2 : 8192;
			if (cap > (4u << 20) ||
			    (nb = realloc(b, cap)) == NULL) {
				lt_err_set(
				    err, 2, "%s %s: too large", what, path);
				goto fail;
			}
			b = nb;
		}
		n = read(fd, b + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			lt_err_sys(err, 2, errno, "%s %s", what, path);
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	b[len] = '\0';
	if (strstr(b, "-----BEGIN ") == NULL) {
		lt_err_set(err, 2, "%s %s: not a PEM file", what, path);
		free(b);
		return NULL;
	}
	return b;
fail:
	close(fd);
	free(b);
	return NULL;
}

/* The host part of a tls+tcp://HOST:PORT URL into out. */
static void
url_host(const char *url, char *out, size_t cap)
{
	const char *h = strstr(url, "://"), *e;

	out[0] = '\0';
	if (h == NULL)
		return;
	h += 3;
	if (*h == '[') {
		h++;
		e = strchr(h, ']');
	} else {
		e = strrchr(h, ':');
	}
	if (e == NULL)
		e = h + strlen(h);
	if ((size_t)(e - h) < cap) {
		memcpy(out, h, (size_t)(e - h));
		out[e - h] = '\0';
	}
}

int
lt_tls_config(const struct lt_fanout_sec *s, const char *url, int server,
    void **cfgp, struct lt_err *err)
{
	nng_tls_config *cfg = NULL;
	char *cert = NULL, *key = NULL, *ca = NULL, host[256];
	int rv;

	*cfgp = NULL;
	if (!is_tls(url))
		return 0;
	if (lt_fanout_sec_check(s, url, err) != 0)
		return -1;
	if ((cert = pem(s->tls_cert, "--tls-cert", err)) == NULL ||
	    (key = pem(s->tls_key, "--tls-key", err)) == NULL ||
	    (ca = pem(s->tls_ca, "--tls-ca", err)) == NULL)
		goto fail;
	if ((rv = nng_tls_config_alloc(&cfg,
	         server ? NNG_TLS_MODE_SERVER : NNG_TLS_MODE_CLIENT)) != 0) {
		lt_err_set(err, 3, "TLS: %s", nng_strerror(rv));
		goto fail;
	}
	if ((rv = nng_tls_config_own_cert(cfg, cert, key, NULL)) != 0) {
		lt_err_set(err, 2,
		    "TLS: --tls-cert %s with --tls-key %s: %s "
		    "(a PEM certificate and its unencrypted private key)",
		    s->tls_cert, s->tls_key, nng_strerror(rv));
		goto fail;
	}
	if ((rv = nng_tls_config_ca_chain(cfg, ca, NULL)) != 0) {
		lt_err_set(err, 2, "TLS: --tls-ca %s: %s", s->tls_ca,
		    nng_strerror(rv));
		goto fail;
	}
	nng_tls_config_auth_mode(cfg, NNG_TLS_AUTH_MODE_REQUIRED);
	url_host(url, host, sizeof(host));
	if (!server && host[0] != '\0' &&
	    (rv = nng_tls_config_server_name(cfg, host)) != 0) {
		lt_err_set(
		    err, 3, "TLS: server name %s: %s", host, nng_strerror(rv));
		goto fail;
	}
	*cfgp = cfg;
	cfg = NULL;
fail:
	if (cfg != NULL)
		nng_tls_config_free(cfg);
	if (key != NULL)
		memset(key, 0, strlen(key));
	free(cert);
	free(key);
	free(ca);
	return *cfgp != NULL ? 0 : -1;
}

void
lt_tls_config_free(void *cfg)
{
	if (cfg != NULL)
		nng_tls_config_free(cfg);
}
