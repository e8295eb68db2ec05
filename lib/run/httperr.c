/*
 * httperr.c - a finished transfer's libcurl result as one of the
 * documented error categories (lt-events(5)) and a message that names
 * what failed, in the words a reader of the events expects.
 */
#include "run/http.h"
#include "run/httppriv.h"

const char *
http_category(CURLcode c)
{
	switch (c) {
	case CURLE_OK:
		return NULL;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return "dns";
	case CURLE_COULDNT_CONNECT:
		return "connect";
	case CURLE_OPERATION_TIMEDOUT:
		return "timeout";
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_SHUTDOWN_FAILED:
		return "tls";
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2_STREAM:
		return "reset";
	case CURLE_TOO_MANY_REDIRECTS:
		return "redirect";
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_BAD_CONTENT_ENCODING:
	case CURLE_HTTP2:
	case CURLE_FILESIZE_EXCEEDED:
		return "http";
	default:
		/* The request could not be made: a malformed URL, a refused
		 * protocol, a local failure. */
		return "request";
	}
}

const char *
http_message(struct lt_http_xfer *x, CURLcode code)
{
	long oserr = 0, redirects = 0, limit;
	char *p;

	curl_easy_getinfo(x->easy, CURLINFO_OS_ERRNO, &oserr);
	curl_easy_getinfo(x->easy, CURLINFO_REDIRECT_COUNT, &redirects);
	switch (code) {
	case CURLE_OPERATION_TIMEDOUT:
		limit = x->timeout_ms > 0 ? x->timeout_ms
		                          : x->http->opts.timeout_ms;
		if (limit > 0)
			snprintf(x->errbuf, sizeof(x->errbuf),
			    "no response within %ld ms", limit);
		else
			snprintf(x->errbuf, sizeof(x->errbuf),
			    "no response in time");
		return x->errbuf;
	case CURLE_COULDNT_CONNECT:
		snprintf(x->errbuf, sizeof(x->errbuf), "%s",
		    oserr > 0 ? strerror((int)oserr) : "cannot connect");
		/* "connection refused", as the category is a prefix */
		for (p = x->errbuf; *p != '\0' && *p != ' '; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		return x->errbuf;
	case CURLE_TOO_MANY_REDIRECTS:
		snprintf(x->errbuf, sizeof(x->errbuf),
		    "too many redirects (%d)", LT_HTTP_MAX_REDIRS);
		return x->errbuf;
	case CURLE_UNSUPPORTED_PROTOCOL:
		if (redirects > 0) {
			snprintf(x->errbuf, sizeof(x->errbuf),
			    "to a protocol other than http or https");
			return x->errbuf;
		}
		break;
	default:
		break;
	}
	return x->errbuf[0] ? x->errbuf : curl_easy_strerror(code);
}

const char *
http_response_message(struct lt_http_xfer *x, CURLcode code)
{
	switch (code) {
	case CURLE_OUT_OF_MEMORY:
		/* 7.88 says "Out of memory" for a header over its 100 KB */
#if LIBCURL_VERSION_NUM >= 0x080600
	case CURLE_TOO_LARGE: /* what 8.6 and later say */
#endif
		return "response header too large";
	case CURLE_UNSUPPORTED_PROTOCOL:
		if (strstr(x->errbuf, "HTTP/0.9") != NULL)
			return "no HTTP status line (garbage or HTTP/0.9)";
		if (strstr(x->errbuf, "response code") != NULL)
			return "bad status code";
		break;
	default:
		break;
	}
	return x->errbuf[0] ? x->errbuf : curl_easy_strerror(code);
}
