/* The uplink contract's bytes (docs/uplink.md): request bodies built from
 * stored records, and the platform's replies and headers parsed and checked.
 * Pure functions over memory: no network, no store, no clock, so every parser
 * here is unit-tested and fuzzed on its own. */
#ifndef OFFLINE_QUEUE_UPLINK_CODEC_H
#define OFFLINE_QUEUE_UPLINK_CODEC_H

#include "common/kerr.h"
#include "offline-queue/queue.h"
#include "offline-queue/queue_cert_print.h"
#include "offline-queue/queue_sync.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits of section 11. */
#define UPLINK_MAX_REPLY       (1u << 20)
#define UPLINK_MAX_CATALOG     (4u << 20)
#define UPLINK_MAX_CHUNK       (4u << 20)
#define UPLINK_MAX_QUERY_CASES 20
#define UPLINK_MAX_CERTS 16
#define UPLINK_MAX_CERT_BYTES (8u << 20)
#define UPLINK_LEVELS	       5

/* Fields of an evaluation body that a province's interface may require (section 6). */
enum uplink_required {
	UPLINK_REQ_CASE_NO = 1u << 0,
	UPLINK_REQ_IMPL_CODE = 1u << 1,
	UPLINK_REQ_PLATFORM_NO = 1u << 2,
};

/* A deployment's evaluation mapping (section 6): the province's codes for the five named levels
 * and what else its interface wants. */
struct uplink_scheme {
	char name[32];
	char codes[UPLINK_LEVELS][8];  /* very_satisfied … very_dissatisfied */
	char channel[8];	       /* "": "5" */
	char interface_version[16];    /* "": not sent */
	char reasons_version[32];      /* "": not sent */
	unsigned required;	       /* enum uplink_required bits */
	int callback_days, rectify_days; /* for bad ratings; 0: not sent */
	bool working_days;	       /* the deadlines count working days, else calendar days */
};

/* What a heartbeat reports (section 8). */
#define UPLINK_MAX_DEVICES 8
struct uplink_health {
	size_t n_devices;
	struct {
		char name[16];
		char state[24];
	} devices[UPLINK_MAX_DEVICES];
	int64_t free_mb; /* -1: unknown */
	int64_t receipts_unprinted; /* stored cases whose receipt never printed; -1: unknown */
	int64_t reserve_mb; /* -1: unknown */
	int accepting;	    /* new cases taken: 1 yes, 0 no (below the reserve), -1 unknown */
};

/* Bad ratings one heartbeat flags at most (section 8). */
#define UPLINK_MAX_BAD 10

struct uplink_beat {
	const char *terminal_id;
	const char *software_version;
	const char *catalog_version;
	int64_t sent_ms;
	int64_t uptime_s;
	const struct uplink_health *health;
	const struct queue_sync_stats *queue;
	const struct queue_eval_row *bad; /* bad ratings to flag for a call back */
	size_t n_bad;
};

/* Bodies. Each *ret is a NUL-terminated JSON text the caller frees with
 * uplink_body_free() (it may hold personal data, so it is zeroed first).
 * KERR_INVAL when a record cannot be expressed (an unknown level, a level
 * without a code, a field the scheme requires missing, a material without its
 * pages); KERR_NOMEM. */
enum kerr uplink_body_case(const struct queue_case_rec *c, char **ret);
enum kerr uplink_body_eval(const struct queue_eval_rec *e, const char *terminal_id,
			   const struct uplink_scheme *scheme, char **ret);
enum kerr uplink_body_beat(const struct uplink_beat *b, char **ret);
/* A certificate printed here (section 7a). KERR_INVAL for an empty cert_id or a count or time not
 * positive. */
enum kerr uplink_body_cert_print(const struct queue_cert_print *p, const char *terminal_id,
				 char **ret);
/* A 进度查询: by query code (id_number NULL) or by card (query_code NULL). */
enum kerr uplink_body_query(const char *query_code, const char *id_type, const char *id_number,
			    char **ret);
/* 证照打印 (section 7a): the holder's certificates (cert_id NULL) or one certificate's PDF. */
enum kerr uplink_body_certs(const char *cert_id, const char *id_type, const char *id_number, char **ret);
void uplink_body_free(char *body);

/* The error object of section 10; fields are "" when absent. */
struct uplink_error {
	char code[32];
	char message[256];
	char field[64];
};

struct uplink_case_reply {
	char platform_no[64];
	char status[24];
	int64_t pages_missing;
};

struct uplink_eval_reply {
	char eval_id[64];
};

struct uplink_case_status {
	char platform_no[64];
	char case_no[40];
	char impl_code[72];
	char item_name[256];
	char status[24];
	char status_text[256];
	char promised_date[9];
	int64_t updated_ms;
};

struct uplink_query_reply {
	size_t n;
	struct uplink_case_status cases[UPLINK_MAX_QUERY_CASES];
};

/* A printable certificate or proof the platform holds for a resident. */
struct uplink_cert {
	char cert_id[64];
	char title[256];
	char issuer[256];
	char issued_date[9];
	int64_t pages;
	int64_t size;
	char sha256[65];
};

struct uplink_cert_list {
	size_t n;
	struct uplink_cert certs[UPLINK_MAX_CERTS];
};

struct uplink_beat_reply {
	int64_t server_ms;
	char catalog_version[72]; /* "" when absent */
	int64_t heartbeat_s;	  /* 0 when absent */
};

/* Replies: KERR_PROTO with why (one English line, may be NULL) for anything
 * that is not the contract's shape; the *ret of a failed parse is unspecified.
 */
enum kerr uplink_parse_case(const char *body, size_t len, struct uplink_case_reply *ret, char *why,
			    size_t why_size);
enum kerr uplink_parse_eval(const char *body, size_t len, struct uplink_eval_reply *ret, char *why,
			    size_t why_size);
/* The reply to a certificate print: its print_id, into a buffer of size (at least 1). */
enum kerr uplink_parse_cert_print(const char *body, size_t len, char *print_id, size_t size,
				  char *why, size_t why_size);
enum kerr uplink_parse_query(const char *body, size_t len, struct uplink_query_reply *ret,
			     char *why, size_t why_size);
enum kerr uplink_parse_certs(const char *body, size_t len, struct uplink_cert_list *ret, char *why,
			     size_t why_size);
enum kerr uplink_parse_beat(const char *body, size_t len, struct uplink_beat_reply *ret, char *why,
			    size_t why_size);
/* Never fails: what cannot be read stays "". */
void uplink_parse_error(const char *body, size_t len, struct uplink_error *ret);

/* Headers. Upload-Offset: decimal digits only, at most 2^53. */
enum kerr uplink_parse_offset(const char *value, int64_t *ret);
/* Upload-Complete: "?1" true, "?0" (or absent, NULL) false. */
bool uplink_parse_complete(const char *value);
/* Retry-After as delay-seconds or an IMF-fixdate, in ms from now_wall_ms; 0
 * when absent or unreadable, capped at one day. */
int64_t uplink_parse_retry_after(const char *value, int64_t now_wall_ms);

/* What to do with a reply (section 10). */
enum uplink_verdict {
	UPLINK_OK,
	UPLINK_RETRY,	 /* try again later */
	UPLINK_REJECT,	 /* refused for good: keep it, mark it rejected */
	UPLINK_RESUBMIT, /* the platform does not know the case: submit it again */
	UPLINK_OFFSET,	 /* continue an upload from the platform's offset */
	UPLINK_DIGEST,	 /* a page's bytes did not match */
};
enum uplink_verdict uplink_classify(long status, const char *error_code);

/* Full-jitter exponential backoff: random in [0, min(cap, base * 2^attempts)]
 * from rnd. */
int64_t uplink_backoff_ms(int attempts, int64_t base_ms, int64_t cap_ms, uint64_t rnd);

/* RFC 3339 in UTC+8 to the second: "2026-11-23T09:31:05+08:00". */
void uplink_time_str(int64_t wall_ms, char ret[32]);

/* For the reply parsers: writes the reason into why (when given) and returns KERR_PROTO, the one code a
 * malformed reply gets. */
enum kerr uplink_why_fail(char *why, size_t why_size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
