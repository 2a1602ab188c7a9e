/* The sync worker: a thread of its own, with its own store handle and its own
 * HTTPS connection, that drains the outbox to the platform (docs/uplink.md),
 * sends heartbeats and pulls the catalog. The kiosk never waits for it: it
 * stores a case, kicks the worker and goes on. */
#ifndef OFFLINE_QUEUE_UPLINK_H
#define OFFLINE_QUEUE_UPLINK_H

#include "common/clock.h"
#include "common/kerr.h"
#include "offline-queue/queue_crypt.h"
#include "offline-queue/uplink_codec.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct uplink;

struct uplink_config {
	const char *url;       /* platform base URL; required */
	const char *ca_file;   /* may be NULL: the system store */
	const char *cert_file; /* per-terminal client certificate, or NULL */
	const char *key_file;
	const char *pin;       /* the platform's public-key pins (uplink_http.h), or NULL */
	long connect_timeout_s; /* 0: 10 */
	long stall_s;	        /* below 1 KiB/s this long is a stalled link; 0: 30 */
	const char *data_dir; /* the store's folder (queue_open) and where
				 catalog.json goes */
	/* The data key sealing the store (borrowed for uplink_start(); NULL: the
	 * store's default key file) and the cipher new values are sealed with. */
	const struct queue_key *store_key;
	enum queue_cipher store_cipher;
	/* The store's reserve (queue_open), so the heartbeat can say whether new cases are taken. */
	uint64_t store_reserve;
	const char *terminal_id;
	const char *software_version;
	struct uplink_scheme scheme; /* the province's evaluation codes */
	size_t chunk_bytes;	     /* page upload chunk; 0: 1 MiB */
	int batch;		     /* entries per round; 0: 20 */
	int64_t backoff_base_ms;     /* 0: 2,000 */
	int64_t backoff_cap_ms;	     /* 0: 300,000 */
	int64_t heartbeat_ms;	     /* 0: 60,000 */
	int64_t catalog_ms;	     /* 0: 3,600,000 */
	const char *catalog_etag;    /* of the catalog in use, or NULL */
	const char *catalog_version;
	/* Checks a fetched catalog with the kiosk's own loader: KERR_OK and its
	 * version, or an error and why (English). Called on the worker's thread; must
	 * not touch kiosk state. */
	enum kerr (*catalog_check)(void *ctx, const char *body, size_t len, char *version,
				   size_t version_size, char *why, size_t why_size);
	/* Something the screen may show changed (a query answered, a catalog stored,
	 * online or not); called on the worker's thread, so it must only wake the
	 * kiosk's loop. */
	void (*notify)(void *ctx);
	void *ctx;
	uint64_t seed; /* non-zero: jitter from a fixed sequence (script runs); 0:
			  OpenSSL */
};

/* What the kiosk may show or report. */
struct uplink_status {
	bool online;	      /* the last exchange reached the platform */
	bool busy;	      /* a round is running */
	int64_t last_ok_ms;   /* wall clock of the last reply; 0: never */
	char last_error[256]; /* of the last failure, "" after a success */
	int64_t pending, rejected, acked;
	bool clock_trusted;	  /* the platform's clock agreed with ours at the last
				     heartbeat */
	unsigned rounds;	  /* rounds finished so far */
	int64_t next_due_ms;	  /* monotonic: when the worker next has something to do */
	unsigned catalog_updates; /* catalogs written to data_dir/catalog.json so far */
	char catalog_version[72];
	unsigned reasons_updates; /* reason lists stored in the store so far (queue_reasons_get) */
};

/* libcurl's process-wide set-up: once, from the main thread, before the first
 * uplink_start(). */
enum kerr uplink_global_init(void);

/* Starts the worker. clk is borrowed and must outlive the worker: on a virtual
 * clock the worker waits only for uplink_kick(), never on real time, so
 * scripted runs stay deterministic. Errors: KERR_INVAL (no URL), KERR_NOMEM,
 * and the store's errors. */
enum kerr uplink_start(const struct uplink_config *cfg, const struct clock *clk,
		       struct uplink **ret);
/* Stops the worker (an exchange under way is finished or times out first) and
 * frees it. NULL is fine. */
void uplink_stop(struct uplink *u);
/* Something changed: a case was stored, the network may be back, a virtual
 * clock moved. The worker runs a round now, ignoring the backoff of the link
 * (not of each entry). */
void uplink_kick(struct uplink *u);
void uplink_get_status(struct uplink *u, struct uplink_status *ret);
/* The devices' states and free space for the next heartbeat. */
void uplink_set_health(struct uplink *u, const struct uplink_health *h);
/* Waits (real time, at most timeout_ms) until a round that started after the latest
 * uplink_kick() has finished: kick, then wait. KERR_OK, or KERR_BUSY on timeout.
 * For tests and scripts. */
enum kerr uplink_wait_round(struct uplink *u, int64_t timeout_ms);

/* 进度查询 at the platform, answered on the worker's thread ahead of the
 * outbox: by query code (id_number NULL) or by card. A new query replaces one
 * not yet answered. */
enum kerr uplink_query(struct uplink *u, const char *query_code, const char *id_type,
		       const char *id_number);
/* The answer once it came: true and *ret (and *ret_err: KERR_OK, KERR_NET
 * offline, KERR_PROTO a bad reply) exactly once per query; false while it is
 * outstanding. */
bool uplink_query_take(struct uplink *u, struct uplink_query_reply *ret, enum kerr *ret_err);

/* 证照打印's answer: the holder's certificates, or one certificate's PDF (pdf owned by the taker; its size and
 * SHA-256 were checked against the list entry the fetch named). */
struct uplink_certs_reply {
	struct uplink_cert_list list;
	unsigned char *pdf;
	size_t pdf_len;
};
/* 证照打印 at the platform, answered on the worker's thread ahead of the outbox like uplink_query(): the holder's
 * certificates (want NULL), or the PDF of want, an entry of the list the last answer gave. A new request replaces
 * one not yet answered. KERR_INVAL for a missing or too long identity. */
enum kerr uplink_certs(struct uplink *u, const struct uplink_cert *want, const char *id_type,
		       const char *id_number);
/* The answer once it came: true and *ret (and *ret_err: KERR_OK; KERR_NET offline; KERR_NOT_FOUND the platform
 * no longer has it; KERR_CORRUPT a PDF that does not match its entry; KERR_PROTO a bad reply) exactly once per
 * request; false while it is outstanding. */
bool uplink_certs_take(struct uplink *u, struct uplink_certs_reply *ret, enum kerr *ret_err);
/* Zeroes and frees the PDF (personal data). */
void uplink_certs_reply_clear(struct uplink_certs_reply *r);

#endif
