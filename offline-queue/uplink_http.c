/* libcurl, one easy handle reused for every request so the connection stays
 * open (keep-alive, and HTTP/2 by ALPN where the platform offers it). libcurl's
 * codes end here as KERR_NET. */
#include "offline-queue/uplink_http.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_MAX_REPLY (1u << 20)

struct uplink_http {
	CURL *curl;
	char *base_url;
	char terminal_header[64];
	char errbuf[CURL_ERROR_SIZE];
};

/* What the callbacks fill while a reply arrives. */
struct sink {
	struct uplink_response *resp;
	size_t max;
	size_t cap;
	bool too_long;
};

enum kerr uplink_http_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? KERR_OK : KERR_NOMEM;
}

static size_t on_body(char *data, size_t size, size_t n, void *userdata)
{
	struct sink *s = userdata;
	struct uplink_response *r = s->resp;
	size_t add = size * n;
	char *grown;

	if (add > s->max - r->len) {
		s->too_long = true;
		return 0; /* makes libcurl fail the transfer with CURLE_WRITE_ERROR */
	}
	if (r->len + add + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 4096;

		while (cap < r->len + add + 1)
			cap *= 2;
		grown = realloc(r->body, cap);
		if (!grown)
			return 0;
		r->body = grown;
		s->cap = cap;
	}
	memcpy(r->body + r->len, data, add);
	r->len += add;
	r->body[r->len] = '\0';
	return add;
}

/* Copies the value of header name into buf when this line is that header. */
static void take_header(const char *line, size_t n, const char *name, char *buf, size_t size)
{
	size_t k = strlen(name), v;

	if (n <= k || strncasecmp(line, name, k) != 0 || line[k] != ':')
		return;
	line += k + 1;
	n -= k + 1;
	while (n && (*line == ' ' || *line == '\t')) {
		line++;
		n--;
	}
	while (n && (line[n - 1] == '\r' || line[n - 1] == '\n' || line[n - 1] == ' '))
		n--;
	v = n < size - 1 ? n : size - 1;
	memcpy(buf, line, v);
	buf[v] = '\0';
}

static size_t on_header(char *line, size_t size, size_t n, void *userdata)
{
	struct sink *s = userdata;
	struct uplink_response *r = s->resp;
	size_t len = size * n;

	/* A new status line (after a 100 Continue, say) starts the headers over. */
	if (len >= 5 && strncmp(line, "HTTP/", 5) == 0) {
		r->upload_offset[0] = r->upload_complete[0] = r->retry_after[0] = r->etag[0] = '\0';
		return len;
	}
	take_header(line, len, "Upload-Offset", r->upload_offset, sizeof(r->upload_offset));
	take_header(line, len, "Upload-Complete", r->upload_complete, sizeof(r->upload_complete));
	take_header(line, len, "Retry-After", r->retry_after, sizeof(r->retry_after));
	take_header(line, len, "ETag", r->etag, sizeof(r->etag));
	return len;
}

static bool set_ok(CURLcode *rc, CURLcode next)
{
	if (*rc == CURLE_OK)
		*rc = next;
	return *rc == CURLE_OK;
}

bool uplink_http_pin_ok(const char *pin)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = pin;
	int n = 0;

	if (!pin || !pin[0])
		return true;
	for (;;) {
		if (strncmp(p, "sha256//", 8) != 0 || strspn(p + 8, b64) != 43 || p[51] != '=' ||
		    ++n > 8)
			return false;
		p += 52;
		if (!*p)
			return true;
		if (*p++ != ';')
			return false;
	}
}

/* What a technician reads in the log and the status: which setting to look at, not only
 * libcurl's words (those follow in brackets). */
static const char *reason_of(CURLcode rc)
{
	switch (rc) {
	case CURLE_PEER_FAILED_VERIFICATION:
		return "TLS: the platform's certificate is not trusted (check platform.ca and the "
		       "clock)";
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
		return "TLS: the platform's public key does not match platform.pin";
	case CURLE_SSL_CACERT_BADFILE:
		return "TLS: platform.ca cannot be read";
	case CURLE_SSL_CERTPROBLEM:
		return "TLS: the client certificate (platform.cert, platform.key) cannot be used";
	case CURLE_SSL_CONNECT_ERROR:
		return "TLS: handshake failed";
	case CURLE_OPERATION_TIMEDOUT:
		return "timed out (no connection, or the link stalled)";
	case CURLE_COULDNT_CONNECT:
		return "cannot connect";
	default:
		return NULL;
	}
}

enum kerr uplink_http_new(const struct uplink_http_config *cfg, struct uplink_http **ret)
{
	struct uplink_http *h;
	CURLcode rc = CURLE_OK;
	CURL *c;

	if (!cfg->base_url || !cfg->base_url[0] || !cfg->terminal_id)
		return KERR_INVAL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return KERR_NOMEM;
	h->base_url = strdup(cfg->base_url);
	h->curl = c = curl_easy_init();
	if (!h->base_url || !c) {
		uplink_http_free(h);
		return KERR_NOMEM;
	}
	snprintf(h->terminal_header, sizeof(h->terminal_header), "X-Terminal-Id: %s",
		 cfg->terminal_id);
	set_ok(&rc, curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf));
	set_ok(&rc, curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L));
	set_ok(&rc, curl_easy_setopt(c, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS));
	set_ok(&rc, curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http"));
	set_ok(&rc, curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L));
	set_ok(&rc, curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L));
	set_ok(&rc, curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L));
	set_ok(&rc, curl_easy_setopt(c, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2));
	set_ok(&rc, curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT,
				     cfg->connect_timeout_s > 0 ? cfg->connect_timeout_s : 10L));
	set_ok(&rc, curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1024L));
	set_ok(&rc, curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME,
				     cfg->stall_time_s > 0 ? cfg->stall_time_s : 30L));
	set_ok(&rc, curl_easy_setopt(c, CURLOPT_USERAGENT,
				     cfg->user_agent ? cfg->user_agent : "zwkiosk"));
	if (cfg->ca_file && cfg->ca_file[0])
		set_ok(&rc, curl_easy_setopt(c, CURLOPT_CAINFO, cfg->ca_file));
	if (cfg->pin && cfg->pin[0])
		set_ok(&rc, curl_easy_setopt(c, CURLOPT_PINNEDPUBLICKEY, cfg->pin));
	if (cfg->cert_file && cfg->cert_file[0]) {
		set_ok(&rc, curl_easy_setopt(c, CURLOPT_SSLCERT, cfg->cert_file));
		set_ok(&rc, curl_easy_setopt(c, CURLOPT_SSLKEY, cfg->key_file));
	}
	set_ok(&rc, curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body));
	set_ok(&rc, curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header));
	if (rc != CURLE_OK) {
		uplink_http_free(h);
		return KERR_UNSUPPORTED;
	}
	*ret = h;
	return KERR_OK;
}

void uplink_http_free(struct uplink_http *h)
{
	if (!h)
		return;
	if (h->curl)
		curl_easy_cleanup(h->curl);
	free(h->base_url);
	free(h);
}

void uplink_response_clear(struct uplink_response *resp)
{
	if (resp->body) {
		explicit_bzero(resp->body, resp->len);
		free(resp->body);
	}
	memset(resp, 0, sizeof(*resp));
}

static struct curl_slist *add_header(struct curl_slist *list, bool *failed, const char *line)
{
	struct curl_slist *next = curl_slist_append(list, line);

	if (!next) {
		*failed = true;
		return list;
	}
	return next;
}

enum kerr uplink_http_do(struct uplink_http *h, const struct uplink_request *req,
			 struct uplink_response *resp)
{
	struct sink s = {.resp = resp, .max = req->max_reply ? req->max_reply : DEFAULT_MAX_REPLY};
	struct curl_slist *hdr = NULL;
	char url[1024], line[256];
	bool failed = false, head = strcmp(req->method, "HEAD") == 0;
	CURLcode rc = CURLE_OK;
	CURL *c = h->curl;

	memset(resp, 0, sizeof(*resp));
	if ((size_t)snprintf(url, sizeof(url), "%s%s", h->base_url, req->path) >= sizeof(url)) {
		snprintf(resp->error, sizeof(resp->error), "URL too long");
		return KERR_INVAL;
	}
	hdr = add_header(hdr, &failed, h->terminal_header);
	/* libcurl would otherwise wait for "100 Continue" before every large body: a
	 * round trip per chunk for nothing. */
	hdr = add_header(hdr, &failed, "Expect:");
	if (req->content_type) {
		snprintf(line, sizeof(line), "Content-Type: %s", req->content_type);
		hdr = add_header(hdr, &failed, line);
	}
	if (req->idempotency_key) {
		snprintf(line, sizeof(line), "Idempotency-Key: %s", req->idempotency_key);
		hdr = add_header(hdr, &failed, line);
	}
	if (req->upload_offset >= 0) {
		snprintf(line, sizeof(line), "Upload-Offset: %lld", (long long)req->upload_offset);
		hdr = add_header(hdr, &failed, line);
	}
	if (req->if_none_match) {
		snprintf(line, sizeof(line), "If-None-Match: %s", req->if_none_match);
		hdr = add_header(hdr, &failed, line);
	}
	if (failed) {
		curl_slist_free_all(hdr);
		return KERR_NOMEM;
	}
	/* The handle keeps options between requests: every one that varies is set
	 * each time. */
	set_ok(&rc, curl_easy_setopt(c, CURLOPT_URL, url));
	set_ok(&rc, curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr));
	set_ok(&rc, curl_easy_setopt(c, CURLOPT_WRITEDATA, &s));
	set_ok(&rc, curl_easy_setopt(c, CURLOPT_HEADERDATA, &s));
	set_ok(&rc, curl_easy_setopt(c, CURLOPT_NOBODY, head ? 1L : 0L));
	if (strcmp(req->method, "GET") == 0 || head) {
		set_ok(&rc, curl_easy_setopt(c, CURLOPT_HTTPGET, 1L));
		set_ok(&rc, curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, NULL));
		if (head)
			set_ok(&rc, curl_easy_setopt(c, CURLOPT_NOBODY, 1L));
	} else {
		set_ok(&rc, curl_easy_setopt(c, CURLOPT_POST, 1L));
		set_ok(&rc, curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body ? req->body : ""));
		set_ok(&rc, curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
					     (curl_off_t)(req->body ? req->len : 0)));
		set_ok(&rc,
		       curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST,
					strcmp(req->method, "POST") == 0 ? NULL : req->method));
	}
	h->errbuf[0] = '\0';
	if (rc == CURLE_OK)
		rc = curl_easy_perform(c);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(hdr);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
	if (rc != CURLE_OK || resp->status == 0) {
		const char *why = s.too_long ? NULL : reason_of(rc);
		const char *native = s.too_long	    ? "reply too long"
				     : h->errbuf[0] ? h->errbuf
						    : curl_easy_strerror(rc);
		int n = snprintf(resp->error, sizeof(resp->error), "%s %.60s: ", req->method,
				 req->path);

		/* Cut to the buffer, ours first: the reason matters more than libcurl's words. */
		if (n > 0 && (size_t)n < sizeof(resp->error))
			snprintf(resp->error + n, sizeof(resp->error) - (size_t)n,
				 why ? "%s [%s]" : "%s%s", why ? why : "", native);
		if (resp->body)
			explicit_bzero(resp->body, resp->len);
		free(resp->body);
		resp->body = NULL;
		resp->len = 0;
		resp->status = 0;
		return KERR_NET;
	}
	return KERR_OK;
}
