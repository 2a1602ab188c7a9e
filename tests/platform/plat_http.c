/* libmicrohttpd glue: routing, the header checks of sections 2 and 3, bodies gathered within their limits, the
 * idempotency and transaction around every write, the fault switches of section 13, and sending replies. */
#include "tests/platform/plat.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <microhttpd.h>

#include "tests/platform/plat_json.h"

enum route {
	ROUTE_NONE,
	ROUTE_CASES,
	ROUTE_PAGE,
	ROUTE_EVALS,
	ROUTE_QUERY,
	ROUTE_CERT_QUERY,
	ROUTE_CERT_FETCH,
	ROUTE_BEAT,
	ROUTE_CATALOG,
	ROUTE_ADMIN_STATE,
	ROUTE_ADMIN_FAULTS,
	ROUTE_ADMIN_STATUS,
	ROUTE_ADMIN_CATALOG,
	ROUTE_ADMIN_CERTS,
	ROUTE_ADMIN_LEDGER,
};

/* One request, from its headers to its reply (MHD's per-request pointer). */
struct request {
	enum route route;
	bool api;   /* under /api/v1: terminal checks, faults */
	bool write; /* POST or PATCH under idempotency */
	char platform_no[64];
	int material, page;
	long long upload_offset;
	char terminal[24];
	char key[132];
	char *body; /* owned */
	size_t len, cap, limit;
	bool too_large;
	bool drop; /* drop_mid_body taken: close once drop_at bytes arrived */
	size_t drop_at;
};

static const char *header(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

static bool parse_uint(const char *s, long long max, long long *ret)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 19)
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || v > (unsigned long long)max)
		return false;
	*ret = (long long)v;
	return true;
}

/* The media type of Content-Type without its parameters, compared without case. */
static bool media_is(const char *ct, const char *want)
{
	size_t n = strlen(want);

	return ct && strncasecmp(ct, want, n) == 0 && (ct[n] == 0 || ct[n] == ';' || ct[n] == ' ');
}

/* Splits /api/v1/cases/{no}/materials/{m}/pages/{p}; false when the path has another shape. */
static bool page_path(const char *rest, struct request *r)
{
	char no[64], tail[64];
	long long m, p;
	const char *slash = strchr(rest, '/');
	int n;

	if (!slash || slash == rest || (size_t)(slash - rest) >= sizeof(no))
		return false;
	memcpy(no, rest, (size_t)(slash - rest));
	no[slash - rest] = 0;
	if (sscanf(slash, "/materials/%lld/pages/%lld%n", &m, &p, &n) != 2 || slash[n] != 0)
		return false;
	/* sscanf accepts signs and spaces; the path must hold plain numbers. */
	snprintf(tail, sizeof(tail), "/materials/%lld/pages/%lld", m, p);
	if (strcmp(tail, slash) != 0 || m < 1 || m > 128 || p < 1 || p > 64)
		return false;
	snprintf(r->platform_no, sizeof(r->platform_no), "%s", no);
	r->material = (int)m;
	r->page = (int)p;
	return true;
}

/* Finds the route and the methods it takes; 0 for an unknown path. */
static enum route route_of(const char *url, struct request *r, const char **ret_methods)
{
	const char *rest;

	if (strncmp(url, "/api/v1/", 8) == 0) {
		rest = url + 8;
		r->api = true;
		if (strcmp(rest, "cases") == 0)
			return *ret_methods = "POST", ROUTE_CASES;
		if (strncmp(rest, "cases/", 6) == 0 && page_path(rest + 6, r))
			return *ret_methods = "HEAD PATCH", ROUTE_PAGE;
		if (strcmp(rest, "evaluations") == 0)
			return *ret_methods = "POST", ROUTE_EVALS;
		if (strcmp(rest, "case-queries") == 0)
			return *ret_methods = "POST", ROUTE_QUERY;
		if (strcmp(rest, "certificate-queries") == 0)
			return *ret_methods = "POST", ROUTE_CERT_QUERY;
		if (strcmp(rest, "certificate-fetches") == 0)
			return *ret_methods = "POST", ROUTE_CERT_FETCH;
		if (strcmp(rest, "heartbeat") == 0)
			return *ret_methods = "POST", ROUTE_BEAT;
		if (strcmp(rest, "catalog") == 0)
			return *ret_methods = "GET", ROUTE_CATALOG;
		return ROUTE_NONE;
	}
	r->api = false;
	if (strcmp(url, "/admin/state") == 0)
		return *ret_methods = "GET", ROUTE_ADMIN_STATE;
	if (strcmp(url, "/admin/ledger") == 0)
		return *ret_methods = "GET", ROUTE_ADMIN_LEDGER;
	if (strcmp(url, "/admin/faults") == 0)
		return *ret_methods = "POST", ROUTE_ADMIN_FAULTS;
	if (strcmp(url, "/admin/catalog") == 0)
		return *ret_methods = "POST", ROUTE_ADMIN_CATALOG;
	if (strcmp(url, "/admin/certificates") == 0)
		return *ret_methods = "POST", ROUTE_ADMIN_CERTS;
	if (strncmp(url, "/admin/cases/", 13) == 0) {
		const char *end = strstr(url + 13, "/status");
		size_t n = end ? (size_t)(end - (url + 13)) : 0;

		if (n > 0 && n < sizeof(r->platform_no) && strcmp(end, "/status") == 0 && !memchr(url + 13, '/', n)) {
			memcpy(r->platform_no, url + 13, n);
			r->platform_no[n] = 0;
			return *ret_methods = "POST", ROUTE_ADMIN_STATUS;
		}
	}
	return ROUTE_NONE;
}

static size_t limit_of(enum route route)
{
	switch (route) {
	case ROUTE_CASES:
		return PLAT_MAX_CASE;
	case ROUTE_PAGE:
		return PLAT_MAX_CHUNK;
	case ROUTE_EVALS:
		return PLAT_MAX_EVAL;
	case ROUTE_QUERY:
	case ROUTE_CERT_QUERY:
	case ROUTE_CERT_FETCH:
		return PLAT_MAX_QUERY;
	case ROUTE_BEAT:
		return PLAT_MAX_BEAT;
	case ROUTE_ADMIN_CATALOG:
		return PLAT_MAX_CATALOG;
	default:
		return PLAT_MAX_ADMIN;
	}
}

static enum MHD_Result send_reply(struct MHD_Connection *c, const struct plat_reply *reply)
{
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(reply->len, reply->body ? reply->body : (void *)"", MHD_RESPMEM_MUST_COPY);
	char num[32];
	enum MHD_Result ret;

	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Api-Version", "1.0");
	if (reply->len > 0)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
					reply->content_type ? reply->content_type : "application/json");
	if (reply->upload_offset >= 0) {
		snprintf(num, sizeof(num), "%lld", reply->upload_offset);
		MHD_add_response_header(resp, "Upload-Offset", num);
	}
	if (reply->upload_length >= 0) {
		snprintf(num, sizeof(num), "%lld", reply->upload_length);
		MHD_add_response_header(resp, "Upload-Length", num);
	}
	if (reply->upload_complete >= 0)
		MHD_add_response_header(resp, "Upload-Complete", reply->upload_complete ? "?1" : "?0");
	if (reply->retry_after > 0) {
		snprintf(num, sizeof(num), "%d", reply->retry_after);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, num);
	}
	if (reply->replayed)
		MHD_add_response_header(resp, "Idempotent-Replayed", "true");
	if (reply->etag[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, reply->etag);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	ret = MHD_queue_response(c, reply->status ? reply->status : 500, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result send_and_finish(struct MHD_Connection *c, struct plat_reply *reply)
{
	enum MHD_Result ret = send_reply(c, reply);

	plat_reply_finish(reply);
	return ret;
}

/* True when method is one of the space-separated words of methods. */
static bool method_in(const char *methods, const char *method)
{
	size_t n = strlen(method);
	const char *m = methods;

	while (n && (m = strstr(m, method))) {
		if ((m == methods || m[-1] == ' ') && (m[n] == 0 || m[n] == ' '))
			return true;
		m += n;
	}
	return false;
}

/* The checks made on the headers alone, before any body byte is read; false with reply filled. */
static bool admit(struct plat *p, struct MHD_Connection *c, const char *url, const char *method, struct request *r,
		  struct plat_reply *reply)
{
	const char *methods = NULL, *terminal, *key, *ct, *cl, *te;
	long long length = -1;
	bool has_body;

	r->route = route_of(url, r, &methods);
	if (r->route == ROUTE_NONE) {
		plat_reply_error(reply, 404, "not_found", NULL, "no such path");
		return false;
	}
	if (!method_in(methods, method)) {
		plat_reply_error(reply, 405, "method_not_allowed", NULL, "%s takes %s", url, methods);
		return false;
	}
	r->limit = limit_of(r->route);
	cl = header(c, MHD_HTTP_HEADER_CONTENT_LENGTH);
	te = header(c, MHD_HTTP_HEADER_TRANSFER_ENCODING);
	if (cl && !parse_uint(cl, INT64_MAX, &length)) {
		plat_reply_error(reply, 400, "invalid", "Content-Length", "not a number");
		return false;
	}
	has_body = length > 0 || (te && strcasecmp(te, "identity") != 0);
	if (r->api) {
		terminal = header(c, "X-Terminal-Id");
		if (p->client_certs && !plat_tls_check(c, terminal, reply))
			return false;
		if (!plat_json_terminal_ok(terminal)) {
			plat_reply_error(reply, 400, "invalid", "X-Terminal-Id", "1 to 20 letters and digits required");
			return false;
		}
		snprintf(r->terminal, sizeof(r->terminal), "%s", terminal);
		/* Queries read: no key, nothing to replay. */
		r->write = r->route != ROUTE_QUERY && r->route != ROUTE_CERT_QUERY && r->route != ROUTE_CERT_FETCH &&
			   (!strcmp(method, "POST") || !strcmp(method, "PATCH"));
		if (r->write) {
			key = header(c, "Idempotency-Key");
			if (!plat_idem_key_ok(key)) {
				plat_reply_error(reply, 400, "key_missing", "Idempotency-Key",
						 key ? "1 to 128 characters of A-Z a-z 0-9 . _ : - required"
						     : "required on every POST and PATCH");
				return false;
			}
			snprintf(r->key, sizeof(r->key), "%s", key);
		}
		ct = header(c, MHD_HTTP_HEADER_CONTENT_TYPE);
		if (r->route == ROUTE_PAGE && !strcmp(method, "PATCH")) {
			if (!media_is(ct, "application/offset+octet-stream")) {
				plat_reply_error(reply, 415, "unsupported_media", "Content-Type",
						 "page bytes are application/offset+octet-stream");
				return false;
			}
			if (!parse_uint(header(c, "Upload-Offset"), 33554432LL, &r->upload_offset)) {
				plat_reply_error(reply, 400, "invalid", "Upload-Offset", "a byte offset is required");
				return false;
			}
		} else if (!strcmp(method, "POST") && !media_is(ct, "application/json")) {
			plat_reply_error(reply, 415, "unsupported_media", "Content-Type", "JSON bodies are application/json");
			return false;
		}
	}
	if (length > (long long)r->limit) {
		plat_reply_error(reply, 413, "too_large", NULL, "the body is over %zu bytes", r->limit);
		return false;
	}
	if (r->api && has_body) {
		pthread_mutex_lock(&p->lock);
		if (p->faults.drop_mid_body > 0) {
			p->faults.drop_mid_body--;
			r->drop = true;
			r->drop_at = length > 0 ? (size_t)length / 2 : 0;
		}
		pthread_mutex_unlock(&p->lock);
	}
	return true;
}

static bool gather(struct request *r, const char *data, size_t n)
{
	if (r->too_large)
		return true;
	if (n > r->limit - r->len) {
		/* Nothing more is kept: the rest of the body is read and thrown away, then 413 answers. */
		r->too_large = true;
		free(r->body);
		r->body = NULL;
		r->len = r->cap = 0;
		return true;
	}
	if (r->len + n > r->cap) {
		size_t cap = r->cap ? r->cap : 4096;
		char *b;

		while (cap < r->len + n)
			cap *= 2;
		if (cap > r->limit)
			cap = r->limit;
		b = realloc(r->body, cap);
		if (!b)
			return false;
		r->body = b;
		r->cap = cap;
	}
	memcpy(r->body + r->len, data, n);
	r->len += n;
	return true;
}

static void sleep_ms(long long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 };

	while (ms > 0 && nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static void fill_req(struct plat_req *q, struct MHD_Connection *c, const char *method, const char *url,
		     const struct request *r)
{
	q->method = method;
	q->path = url;
	q->terminal = r->terminal;
	q->body = r->body ? r->body : "";
	q->len = r->len;
	q->key = r->key;
	q->conn = c;
}

/* The connection closes mid-body: a PATCH keeps the first half of its chunk (section 13). */
static void drop_now(struct plat *p, struct MHD_Connection *c, const char *method, const char *url,
		     struct request *r)
{
	struct plat_reply reply;
	struct plat_req q;

	if (r->route != ROUTE_PAGE || strcmp(method, "PATCH") != 0)
		return;
	fill_req(&q, c, method, url, r);
	q.len = r->drop_at < r->len ? r->drop_at : r->len;
	plat_reply_init(&reply);
	pthread_mutex_lock(&p->lock);
	if (plat_store_begin(p) == KERR_OK) {
		plat_pages_patch(p, &q, r->platform_no, r->material, r->page, r->upload_offset, &reply);
		if (reply.status >= 500 || plat_store_commit(p) != KERR_OK)
			plat_store_rollback(p);
	}
	pthread_mutex_unlock(&p->lock);
	plat_log_info(p, "fault: dropped %s %s after %zu of its bytes", method, url, q.len);
	plat_reply_finish(&reply);
}

static void handle(struct plat *p, const struct plat_req *q, const struct request *r, struct plat_reply *reply)
{
	switch (r->route) {
	case ROUTE_CASES:
		plat_cases_submit(p, q, reply);
		break;
	case ROUTE_PAGE:
		if (!strcmp(q->method, "HEAD"))
			plat_pages_head(p, q, r->platform_no, r->material, r->page, reply);
		else
			plat_pages_patch(p, q, r->platform_no, r->material, r->page, r->upload_offset, reply);
		break;
	case ROUTE_EVALS:
		plat_evals_submit(p, q, reply);
		break;
	case ROUTE_QUERY:
		plat_query_cases(p, q, reply);
		break;
	case ROUTE_CERT_QUERY:
		plat_certs_query(p, q, reply);
		break;
	case ROUTE_CERT_FETCH:
		plat_certs_fetch(p, q, reply);
		break;
	case ROUTE_BEAT:
		plat_beat_receive(p, q, reply);
		break;
	case ROUTE_CATALOG:
		plat_catalog_get(p, header(q->conn, MHD_HTTP_HEADER_IF_NONE_MATCH), reply);
		break;
	case ROUTE_ADMIN_STATE:
		plat_admin_state(p, reply);
		break;
	case ROUTE_ADMIN_LEDGER:
		plat_admin_ledger(p, reply);
		break;
	case ROUTE_ADMIN_FAULTS:
		plat_admin_faults(p, q->body, q->len, reply);
		break;
	case ROUTE_ADMIN_STATUS:
		plat_admin_status(p, r->platform_no, q->body, q->len, reply);
		break;
	case ROUTE_ADMIN_CATALOG:
		plat_admin_catalog(p, q->body, q->len, reply);
		break;
	case ROUTE_ADMIN_CERTS:
		plat_admin_certs(p, q->body, q->len, reply);
		break;
	case ROUTE_NONE:
		plat_reply_error(reply, 404, "not_found", NULL, "no such path");
		break;
	}
}

/* A write under its key (section 3): replay, refuse, or do the work and store its answer in one transaction.
 * Returns false when the connection must close without a reply (lose_response). */
static bool write_request(struct plat *p, const struct plat_req *q, const struct request *r,
			  struct plat_reply *reply)
{
	char fp[65];
	enum plat_idem state;
	long long slow;
	bool lose = false;

	plat_idem_fingerprint(q->method, q->path, q->body, q->len, fp);
	pthread_mutex_lock(&p->lock);
	slow = p->faults.slow_ms;
	if (p->faults.fail_500 > 0) {
		p->faults.fail_500--;
		pthread_mutex_unlock(&p->lock);
		sleep_ms(slow);
		plat_log_info(p, "fault: %s %s failed with 500", q->method, q->path);
		plat_reply_error(reply, 500, "internal", NULL, "failure injected by the fault switch");
		return true;
	}
	state = plat_idem_begin(p, r->terminal, r->key, fp, reply);
	/* A replay is counted, so the ledger shows the retries that created nothing. */
	if (state == PLAT_IDEM_REPLAY && (r->route == ROUTE_CASES || r->route == ROUTE_EVALS))
		plat_ledger_note(p, r->terminal, r->route == ROUTE_CASES ? "case" : "eval", NULL, r->key, "replayed");
	pthread_mutex_unlock(&p->lock);
	/* The key stays in flight while the answer is held back, so a twin meanwhile sees 409 in_progress. */
	sleep_ms(slow);
	if (state != PLAT_IDEM_NEW)
		return true;
	pthread_mutex_lock(&p->lock);
	if (plat_store_begin(p) != KERR_OK) {
		plat_reply_error(reply, 500, "internal", NULL, "database error");
		goto out;
	}
	handle(p, q, r, reply);
	if (reply->status >= 500) {
		plat_store_rollback(p);
		goto out;
	}
	/* Only answers that did the work are kept with the key; a refusal changed nothing, so its retry is judged
	 * afresh (a page resent after digest_mismatch reuses its chunk keys). */
	if ((reply->status >= 300 || plat_idem_store(p, r->terminal, r->key, fp, q, reply) == KERR_OK) &&
	    plat_store_commit(p) == KERR_OK) {
		if (p->faults.lose_response > 0) {
			p->faults.lose_response--;
			lose = true;
		}
	} else {
		plat_store_rollback(p);
		plat_reply_finish(reply);
		plat_reply_init(reply);
		plat_reply_error(reply, 500, "internal", NULL, "database error");
	}
out:
	plat_idem_release(p, r->terminal, r->key);
	pthread_mutex_unlock(&p->lock);
	if (lose)
		plat_log_info(p, "fault: %s %s committed, reply lost", q->method, q->path);
	return !lose;
}

static void read_request(struct plat *p, const struct plat_req *q, const struct request *r,
			 struct plat_reply *reply)
{
	long long slow = 0;

	if (r->api) {
		pthread_mutex_lock(&p->lock);
		slow = p->faults.slow_ms;
		pthread_mutex_unlock(&p->lock);
		sleep_ms(slow);
	}
	pthread_mutex_lock(&p->lock);
	handle(p, q, r, reply);
	pthread_mutex_unlock(&p->lock);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	struct plat *p = cls;
	struct request *r = *con_cls;
	struct plat_reply reply;
	struct plat_req q;

	(void)version;
	plat_reply_init(&reply);
	if (!r) {
		r = calloc(1, sizeof(*r));
		if (!r)
			return MHD_NO;
		*con_cls = r;
		if (!admit(p, c, url, method, r, &reply))
			return send_and_finish(c, &reply);
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!gather(r, upload_data, *upload_data_size))
			return MHD_NO;
		*upload_data_size = 0;
		if (r->drop && !r->too_large && r->len >= r->drop_at) {
			drop_now(p, c, method, url, r);
			return MHD_NO;
		}
		return MHD_YES;
	}
	if (r->too_large) {
		plat_reply_error(&reply, 413, "too_large", NULL, "the body is over %zu bytes", r->limit);
		return send_and_finish(c, &reply);
	}
	if (r->drop) {
		drop_now(p, c, method, url, r);
		return MHD_NO;
	}
	fill_req(&q, c, method, url, r);
	if (r->write) {
		if (!write_request(p, &q, r, &reply)) {
			plat_reply_finish(&reply);
			return MHD_NO;
		}
	} else {
		read_request(p, &q, r, &reply);
	}
	return send_and_finish(c, &reply);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct request *r = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (r)
		free(r->body);
	free(r);
	*con_cls = NULL;
}

static void on_mhd_error(void *cls, const char *fmt, va_list ap)
{
	char line[512];

	(void)cls;
	vsnprintf(line, sizeof(line), fmt, ap);
	line[strcspn(line, "\n")] = 0;
	plat_log_err("http: %s", line);
}

enum kerr plat_http_start(struct plat *p, const struct plat_http_opts *o, struct MHD_Daemon **ret_daemon,
			  unsigned *ret_port)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)o->port),
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	struct MHD_OptionItem opts[8];
	const union MHD_DaemonInfo *info;
	struct MHD_Daemon *d;
	int n = 0;

	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_TIMEOUT, 60, NULL };
	if (o->tls_cert_pem) {
		flags |= MHD_USE_TLS;
		opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)o->tls_cert_pem };
		opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)o->tls_key_pem };
		/* Section 1: TLS 1.2 or later. */
		opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_PRIORITIES, 0,
						     (void *)"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2" };
		if (o->client_ca_pem)
			opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_TRUST, 0, (void *)o->client_ca_pem };
	}
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, p, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_error, NULL,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
			     NULL, MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
	if (!d)
		return KERR_IO;
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	if (!info || !info->port) {
		MHD_stop_daemon(d);
		return KERR_IO;
	}
	*ret_port = info->port;
	*ret_daemon = d;
	return KERR_OK;
}

void plat_http_stop(struct MHD_Daemon *d)
{
	if (d)
		MHD_stop_daemon(d);
}
