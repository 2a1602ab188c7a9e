/* The reference platform's shared state and the parts its files call in each other (docs/uplink.md, section 13).
 * Built only for tests and `make run`; it shares nothing with offline-queue/ or kiosk/ but common/. */
#ifndef PLAT_H
#define PLAT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <sqlite3.h>

#include "common/kerr.h"

#define PLAT_MAX_CASE (1024 * 1024)
#define PLAT_MAX_EVAL (16 * 1024)
#define PLAT_MAX_BEAT (64 * 1024)
#define PLAT_MAX_QUERY (4 * 1024)
#define PLAT_MAX_CERT_PDF (8 * 1024 * 1024)
#define PLAT_MAX_CHUNK (4 * 1024 * 1024)
#define PLAT_MAX_CATALOG (4 * 1024 * 1024)
#define PLAT_MAX_ADMIN (64 * 1024)
#define PLAT_HEARTBEAT_S 60

/* Fault switches of POST /admin/faults; counters go down as faults are taken. */
struct plat_faults {
	long long slow_ms;
	long long fail_500;
	long long drop_mid_body;
	long long lose_response;
};

/* A request still being worked on under its idempotency key (409 in_progress for a twin). */
struct plat_inflight {
	char terminal[24];
	char key[132];
	char fingerprint[65];
	struct plat_inflight *next;
};

/* The one platform, built in main(). lock guards everything below it: the database connection, the faults,
 * the in-flight keys and the catalog; hold it only for short work, never while sleeping. */
struct plat {
	bool quiet;
	bool client_certs; /* --client-ca given: every API request needs a certificate whose CN is its terminal */
	pthread_mutex_t lock;
	sqlite3 *db;
	struct plat_faults faults;
	struct plat_inflight *inflight; /* owned */
	char *catalog;                  /* owned; NULL when none is served */
	size_t catalog_len;
	char catalog_version[65];
};

/* What a handler answers; plat_http.c sends it. body is owned by the reply (plat_reply_finish frees it). */
struct plat_reply {
	unsigned status;
	char *body;
	size_t len;
	long long upload_offset;   /* Upload-Offset header, -1 for none */
	long long upload_length;   /* Upload-Length header, -1 for none */
	int upload_complete;       /* Upload-Complete ?1 / ?0, -1 for none */
	int retry_after;           /* seconds, 0 for none */
	bool replayed;             /* Idempotent-Replayed: true */
	char etag[72];             /* ETag header with its quotes, "" for none */
	long long page_id;         /* the page a PATCH touched, for its idempotency row; 0 for none */
	const char *content_type;  /* of a non-JSON body (a static string); NULL: application/json */
};

/* One received request as the handlers see it; everything is borrowed from plat_http.c for the call. */
struct plat_req {
	const char *method;
	const char *path;
	const char *terminal; /* X-Terminal-Id, checked: 1 to 20 letters and digits */
	const char *body;
	size_t len;
	const char *key; /* Idempotency-Key of a write, "" otherwise */
	struct MHD_Connection *conn;
};

/* plat_log.c: "platform: ..." lines on stderr; info lines are dropped with --quiet. */
void plat_log_info(const struct plat *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void plat_log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Milliseconds since the epoch, and the same instant as RFC 3339 with +08:00 into out (at least 32 bytes). */
int64_t plat_now_ms(void);
void plat_format_at(int64_t ms, char *out, size_t n);

/* plat_reply.c */
void plat_reply_init(struct plat_reply *r);
void plat_reply_finish(struct plat_reply *r);
/* Sets status and a JSON body (takes the reference of body). */
void plat_reply_json(struct plat_reply *r, unsigned status, json_t *body);
/* Sets an error reply {"error":{code,message,field}}; field may be NULL. */
void plat_reply_error(struct plat_reply *r, unsigned status, const char *code, const char *field, const char *fmt,
		      ...) __attribute__((format(printf, 5, 6)));

/* plat_store.c: opens (creating) the database with its schema; KERR_IO with the message in err. */
enum kerr plat_store_open(struct plat *p, const char *path, char *err, size_t n);
void plat_store_close(struct plat *p);
/* BEGIN IMMEDIATE / COMMIT / ROLLBACK on p->db, lock held. */
enum kerr plat_store_begin(struct plat *p);
enum kerr plat_store_commit(struct plat *p);
void plat_store_rollback(struct plat *p);
/* Runs one statement without results; KERR_IO on failure. */
enum kerr plat_store_exec(struct plat *p, const char *sql);

/* plat_idem.c: the idempotency table (section 3), lock held for each call. */
enum plat_idem {
	PLAT_IDEM_NEW,    /* unknown key: marked in flight, do the work then plat_idem_store and plat_idem_release */
	PLAT_IDEM_REPLAY, /* reply filled with the stored answer */
	PLAT_IDEM_BUSY,   /* reply filled with 409 in_progress */
	PLAT_IDEM_REUSED, /* reply filled with 422 key_reused */
	PLAT_IDEM_ERROR,  /* reply filled with 500 */
};
bool plat_idem_key_ok(const char *key);
/* SHA-256 over method, path and body, as 64 lowercase hex characters into out[65]. */
void plat_idem_fingerprint(const char *method, const char *path, const char *body, size_t len, char out[65]);
enum plat_idem plat_idem_begin(struct plat *p, const char *terminal, const char *key, const char *fp,
			       struct plat_reply *reply);
/* Stores a finished answer with its key, inside the caller's transaction. */
enum kerr plat_idem_store(struct plat *p, const char *terminal, const char *key, const char *fp,
			  const struct plat_req *req, const struct plat_reply *reply);
/* Forgets the keys whose answers were about a page (its bytes were dropped, so those answers no longer hold). */
enum kerr plat_idem_forget_page(struct plat *p, long long page_id);
void plat_idem_release(struct plat *p, const char *terminal, const char *key);

/* Handlers, lock held and a transaction open: they fill reply; a 5xx reply makes the caller roll back. */
void plat_cases_submit(struct plat *p, const struct plat_req *req, struct plat_reply *reply);
void plat_pages_head(struct plat *p, const struct plat_req *req, const char *platform_no, int m, int pg,
		     struct plat_reply *reply);
/* upload_offset is the request's Upload-Offset; req->body holds the bytes (for a dropped connection, the part
 * that arrived: it is appended by the same rules, and the caller sends no reply). */
void plat_pages_patch(struct plat *p, const struct plat_req *req, const char *platform_no, int m, int pg,
		      long long upload_offset, struct plat_reply *reply);
/* SHA-256 of the bytes held for a page, as lowercase hex into out[65]; false on a database error. */
bool plat_pages_digest(struct plat *p, long long page_id, char out[65]);
void plat_evals_submit(struct plat *p, const struct plat_req *req, struct plat_reply *reply);
void plat_query_cases(struct plat *p, const struct plat_req *req, struct plat_reply *reply);
void plat_beat_receive(struct plat *p, const struct plat_req *req, struct plat_reply *reply);
void plat_catalog_get(struct plat *p, const char *if_none_match, struct plat_reply *reply);
/* Loads the catalog from a file (startup) or a body (admin); KERR_INVAL when it is not an object with a version. */
enum kerr plat_catalog_set(struct plat *p, const char *doc, size_t len, char *err, size_t n);
enum kerr plat_catalog_load(struct plat *p, const char *path, char *err, size_t n);
void plat_admin_state(struct plat *p, struct plat_reply *reply);
void plat_admin_faults(struct plat *p, const char *body, size_t len, struct plat_reply *reply);
void plat_admin_status(struct plat *p, const char *platform_no, const char *body, size_t len,
		       struct plat_reply *reply);
void plat_admin_catalog(struct plat *p, const char *body, size_t len, struct plat_reply *reply);

/* plat_ledger.c: every creation of a case or evaluation, every idempotent replay of one and every refused second
 * creation of a case (another key for a case number held), so a checker tells a replay (fine) from a duplicate
 * (a terminal fault). kind is "case" or "eval"; ref the case number or evaluation id (NULL for a replay, found by
 * its key); outcome "created", "replayed" or "duplicate". Lock held; inside the caller's transaction if any. */
enum kerr plat_ledger_note(struct plat *p, const char *terminal, const char *kind, const char *ref, const char *key,
			   const char *outcome);
/* GET /admin/ledger: cases with their creation counts and pages, evaluations with theirs. */
void plat_admin_ledger(struct plat *p, struct plat_reply *reply);

/* plat_certs.c: 证照打印 (section 8a). issue renders and stores one certificate (lock held); load issues a file's
 * list at start unless the database already holds certificates. */
enum kerr plat_certs_issue(struct plat *p, json_t *c, char cert_id[64], char *err, size_t n);
enum kerr plat_certs_load(struct plat *p, const char *path, char *err, size_t n);
void plat_certs_query(struct plat *p, const struct plat_req *req, struct plat_reply *reply);
void plat_certs_fetch(struct plat *p, const struct plat_req *req, struct plat_reply *reply);
void plat_admin_certs(struct plat *p, const char *body, size_t len, struct plat_reply *reply);
/* At exit: drops the renderer's caches. */
void plat_certs_shutdown(void);

/* plat_tls.c: with client certificates required, checks the connection's certificate against the trusted CA
 * and its CN against terminal; fills reply with 401 unauthenticated or 403 forbidden and returns false. */
bool plat_tls_check(struct MHD_Connection *conn, const char *terminal, struct plat_reply *reply);

/* plat_http.c */
struct plat_http_opts {
	const char *tls_cert_pem; /* borrowed; NULL for plain HTTP */
	const char *tls_key_pem;
	const char *client_ca_pem;
	unsigned port;
};
struct MHD_Daemon;
/* Starts listening on 127.0.0.1; ret_port is the port it got. */
enum kerr plat_http_start(struct plat *p, const struct plat_http_opts *o, struct MHD_Daemon **ret_daemon,
			  unsigned *ret_port);
void plat_http_stop(struct MHD_Daemon *d);

#endif
