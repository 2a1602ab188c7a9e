/* The libcurl edge of the uplink: one connection kept alive across requests,
 * TLS verified against the configured CA, an optional client certificate, and
 * every libcurl failure turned into KERR_NET here and nowhere else. One handle
 * per thread. */
#ifndef OFFLINE_QUEUE_UPLINK_HTTP_H
#define OFFLINE_QUEUE_UPLINK_HTTP_H

#include "common/kerr.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct uplink_http;

struct uplink_http_config {
	const char *base_url;  /* "https://host:port", no trailing slash */
	const char *ca_file;   /* PEM; NULL: the system store */
	const char *cert_file; /* client certificate (PEM), or NULL */
	const char *key_file;
	const char *terminal_id; /* X-Terminal-Id */
	const char *user_agent;
	long connect_timeout_s; /* 10 unless set */
	long stall_time_s;	/* abort below 1 KiB/s for this long; 30 unless set */
	/* The platform's public key must be one of these, besides chaining to ca_file:
	 * "sha256//BASE64[;sha256//BASE64...]" (CURLOPT_PINNEDPUBLICKEY); NULL or "": no pin. */
	const char *pin;
};

struct uplink_request {
	const char *method;	  /* GET, HEAD, POST, PATCH */
	const char *path;	  /* "/api/v1/…" */
	const char *content_type; /* with a body */
	const void *body;
	size_t len;
	const char *idempotency_key; /* NULL for reads */
	int64_t upload_offset;	     /* sent as Upload-Offset when >= 0 */
	const char *if_none_match;   /* NULL: none */
	size_t max_reply;	     /* a longer reply body is a failure; 0: 1 MiB */
};

struct uplink_response {
	long status;
	char *body; /* NUL-terminated, malloc'd; NULL when empty */
	size_t len;
	char upload_offset[24];
	char upload_complete[8];
	char retry_after[64];
	char etag[96];
	char error[256]; /* with KERR_NET: what failed, for the log */
};

/* libcurl's global set-up; call once from the main thread before any other
 * thread starts. */
enum kerr uplink_http_global_init(void);

/* True for "" and for a pin list uplink_http_config.pin takes: one to eight "sha256//" followed by
 * the 44 base64 characters of a SHA-256, separated by ';'. */
bool uplink_http_pin_ok(const char *pin);

enum kerr uplink_http_new(const struct uplink_http_config *cfg, struct uplink_http **ret);
void uplink_http_free(struct uplink_http *h);
/* Sends the request and reads the whole reply into resp (cleared first; free
 * its body with uplink_response_clear()). KERR_OK for any HTTP status; KERR_NET
 * when no complete reply came (connection, TLS, timeout, a reply too long),
 * with resp->error saying what. */
enum kerr uplink_http_do(struct uplink_http *h, const struct uplink_request *req,
			 struct uplink_response *resp);
void uplink_response_clear(struct uplink_response *resp);

#endif
