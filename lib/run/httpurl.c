/*
 * httpurl.c - the run's base URL taken apart (credentials out of the URL
 * and out of what is recorded) and its host resolved once and pinned with
 * CURLOPT_RESOLVE, so DNS stays out of the measured path.
 */
#include <netdb.h>
#include <stdlib.h>

#include <arpa/inet.h>

#include "run/http.h"
#include "run/httppriv.h"
#include "run/secret.h"

int
http_pin_dns(struct lt_http_multi *h, const char *url, struct lt_err *err)
{
	CURLU *u;
	char *host = NULL, *port = NULL, line[600], addr[INET6_ADDRSTRLEN];
	struct addrinfo hints, *ai = NULL;
	int rc = -1, gai;

	u = curl_url();
	if (u == NULL)
		return lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) !=
	        CURLUE_OK) {
		lt_err_set(err, LT_EXIT_USAGE, "bad host URL '%s'", url);
		goto out;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	/* A bracketed IPv6 literal needs no resolving. */
	if (host[0] == '[') {
		rc = 0;
		goto out;
	}
	gai = getaddrinfo(host, port, &hints, &ai);
	if (gai != 0) {
		lt_err_set(err, LT_EXIT_RUNTIME, "cannot resolve %s: %s", host,
		    gai_strerror(gai));
		goto out;
	}
	if (ai->ai_family == AF_INET6) {
		inet_ntop(AF_INET6,
		    &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr, addr,
		    sizeof(addr));
		snprintf(line, sizeof(line), "%s:%s:[%s]", host, port, addr);
	} else {
		inet_ntop(AF_INET,
		    &((struct sockaddr_in *)ai->ai_addr)->sin_addr, addr,
		    sizeof(addr));
		snprintf(line, sizeof(line), "%s:%s:%s", host, port, addr);
	}
	h->resolve = curl_slist_append(NULL, line);
	if (h->resolve == NULL)
		lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
	else
		rc = 0;
out:
	if (ai != NULL)
		freeaddrinfo(ai);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return rc;
}

int
lt_http_check_host(const char *url, struct lt_err *err)
{
	struct lt_http_multi h;
	int rc;

	memset(&h, 0, sizeof(h));
	rc = http_pin_dns(&h, url, err);
	curl_slist_free_all(h.resolve);
	return rc;
}

int
lt_http_base_url(const char *url, char **base, char **user, char **password,
    struct lt_err *err)
{
	CURLU *u;
	CURLUcode rc;
	char *scheme = NULL, *part = NULL;
	const char *a, *end, *at;
	int ret = -1;
	struct lt_buf shown; /* url without its password, for errors */

	*base = *user = *password = NULL;
	lt_buf_init(&shown, 64 << 10);
	lt_secret_url_strip(&shown, url, strlen(url));
	lt_buf_cstr(&shown);
	u = curl_url();
	if (u == NULL) {
		lt_buf_fini(&shown);
		return lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
	}
	if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) !=
	        CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK) {
		lt_err_set(err, LT_EXIT_USAGE,
		    "bad host URL '%s': expected http[s]://HOST[:PORT][/PATH]",
		    shown.data);
		goto out;
	}
	if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
		lt_err_set(err, LT_EXIT_USAGE,
		    "bad host URL '%s': the scheme must be http or https",
		    shown.data);
		goto out;
	}
	rc = curl_url_get(u, CURLUPART_QUERY, &part, 0);
	if (rc == CURLUE_OK) {
		lt_err_set(err, LT_EXIT_USAGE,
		    "bad host URL '%s': a base URL has no query (?...); put "
		    "it in the scenario's paths",
		    shown.data);
		goto out;
	}
	rc = curl_url_get(u, CURLUPART_FRAGMENT, &part, 0);
	if (rc == CURLUE_OK) {
		lt_err_set(err, LT_EXIT_USAGE,
		    "bad host URL '%s': a base URL has no fragment (#...)",
		    shown.data);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_USER, user, CURLU_URLDECODE) != CURLUE_OK)
		*user = NULL;
	if (curl_url_get(u, CURLUPART_PASSWORD, password, CURLU_URLDECODE) !=
	    CURLUE_OK)
		*password = NULL;
	/* The text as given, without "user:password@": recorded URLs and
	 * the run event carry no credentials. */
	a = strstr(url, "://");
	a = a != NULL ? a + 3 : url;
	end = a + strcspn(a, "/?#");
	at = NULL;
	for (const char *p = a; p < end; p++)
		if (*p == '@')
			at = p;
	*base = malloc(strlen(url) + 1);
	if (*base == NULL) {
		lt_err_set(err, LT_EXIT_RUNTIME, "out of memory");
		goto out;
	}
	if (at != NULL) {
		memcpy(*base, url, (size_t)(a - url));
		strcpy(*base + (a - url), at + 1);
	} else {
		strcpy(*base, url);
	}
	ret = 0;
out:
	if (ret != 0) {
		lt_http_base_url_free(*base, *user, *password);
		*base = *user = *password = NULL;
	}
	curl_free(part);
	curl_free(scheme);
	curl_url_cleanup(u);
	lt_buf_fini(&shown);
	return ret;
}

void
lt_http_base_url_free(char *base, char *user, char *password)
{
	free(base);
	curl_free(user);
	if (password != NULL)
		memset(password, 0, strlen(password));
	curl_free(password);
}
