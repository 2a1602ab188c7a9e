/* The durable local store: cases, their materials and scanned pages, evaluations, and the outbox the uplink
 * drains. SQLite in WAL mode with synchronous=FULL; scans are files, fsynced and renamed before the row that
 * names them commits. A case returned by queue_case_add() survives any crash that follows. */
#ifndef OFFLINE_QUEUE_QUEUE_H
#define OFFLINE_QUEUE_QUEUE_H

#include "common/kerr.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct queue;

/* How each material of a case was handled. */
enum queue_material_status {
	QUEUE_MAT_RECEIVED,   /* scanned: n_pages pages */
	QUEUE_MAT_MISSING,    /* not given; accepted with gaps (容缺), promised later */
	QUEUE_MAT_COMMITMENT, /* replaced by a signed commitment (告知承诺) */
	QUEUE_MAT_ECERT,      /* the platform holds it as an electronic certificate */
	QUEUE_MAT_OPTIONAL,   /* optional and not given */
	QUEUE_MAT__COUNT
};

/* A scanned page to store: JPEG bytes, borrowed for the call. */
struct queue_page {
	const unsigned char *data;
	size_t len;
};

struct queue_material {
	const char *code;
	const char *name;
	enum queue_material_status status;
	const struct queue_page *pages; /* borrowed */
	size_t n_pages;
};

/* A case as the kiosk hands it over; every pointer is borrowed for the call. */
struct queue_case {
	const char *impl_code;    /* the item's implementation code (实施编码) */
	const char *item_name;
	int case_kind;            /* 1 immediate (即办件), 2 promised (承诺件) */
	const char *applicant_name;
	const char *id_type;      /* "111" resident ID card, or the card type's code */
	const char *id_number;
	char sex;                 /* '1' male, '2' female */
	const char *birth;        /* YYYYMMDD */
	const char *address;
	const char *mobile;
	const char *delivery;     /* "pickup" or "mail" */
	const char *mail_address; /* with "mail" */
	const char *region_code;  /* where the case was accepted */
	int64_t accepted_ms;      /* wall clock, ms since the epoch */
	bool clock_trusted;       /* false when the terminal's clock was never synchronised */
	const char *promised_date; /* YYYYMMDD, or NULL for an immediate case */
	bool with_gaps;           /* accepted with gaps (容缺受理): the resident confirmed the commitment */
	const struct queue_material *materials;
	size_t n_materials;
};

/* A stored case read back. Owned by the caller: queue_case_rec_free() zeroes and frees it. */
struct queue_case_rec {
	char case_no[40];
	char query_code[16];
	char impl_code[72];
	char item_name[256];
	int case_kind;
	char applicant_name[96];
	char id_type[8];
	char id_number[40];
	char mobile[24];
	char delivery[16];
	int64_t accepted_ms;
	bool clock_trusted;
	char promised_date[9];
	bool with_gaps;
	char platform_no[64];     /* the platform's own number, once synced; empty before */
	size_t n_materials;
	struct queue_material_rec {
		char code[72];
		char name[256];
		enum queue_material_status status;
		size_t n_pages;
		char sha256[8][65]; /* hex SHA-256 of the first pages as stored */
	} *materials;
};

/* A 好差评 evaluation. level is the named level's index: 0 非常满意, 1 满意, 2 基本满意, 3 不满意, 4 非常不满意;
 * provincial codes are mapped at upload, never stored. */
struct queue_eval {
	const char *case_no;      /* NULL: the terminal or service itself was rated */
	const char *impl_code;    /* NULL when no item */
	int level;
	const char *reasons;      /* comma-separated reason codes; required for levels 3 and 4 */
	const char *text;         /* optional free text */
	bool named;               /* the resident agreed to be called back */
	const char *evaluator_id; /* ID number when named; NULL when anonymous */
	int64_t time_ms;
	bool followup;            /* a follow-up rating (追评) of an earlier case */
};

/* Opens (creating if needed) the store in folder dir: dir/kiosk.db and dir/scans/. The terminal prefix starts
 * every case number. Sets WAL and synchronous=FULL and reads both back; runs schema migrations; deletes scan
 * files that no committed row names (left by a crash between file and row). reserve_bytes of free space are kept:
 * below that, new cases are refused with KERR_FULL.
 * Errors: KERR_PERM (folder not writable), KERR_IO, KERR_CORRUPT (not a kiosk store, or newer schema), KERR_NOMEM.
 * *ret is owned by the caller; close with queue_close(). */
enum kerr queue_open(const char *dir, const char *terminal_prefix, uint64_t reserve_bytes, struct queue **ret);
void queue_close(struct queue *q);
/* The last native error message (SQLite's or the OS's), for the log. Never NULL. */
const char *queue_errmsg(const struct queue *q);

/* KERR_FULL when storing need_bytes more would cut into the reserve; KERR_OK otherwise. */
enum kerr queue_space_check(struct queue *q, uint64_t need_bytes);

/* Stores a case: its pages as files (each fsynced, renamed, the folder fsynced), then one transaction holding the
 * case row, its materials, its pages with SHA-256, and an outbox entry with a fresh idempotency key. Mints the
 * case number <prefix><YYYYMMDD><NNNN> (sequence per day, never repeated across restarts) and an 8-character
 * query code. ret_case_no and ret_query_code are written only on success (sizes 40 and 16).
 * Errors: KERR_INVAL, KERR_FULL, KERR_IO, KERR_NOMEM. On error nothing is stored. */
enum kerr queue_case_add(struct queue *q, const struct queue_case *c, char ret_case_no[40], char ret_query_code[16]);

/* Reads a stored case by case number or query code. Errors: KERR_NOT_FOUND, KERR_IO, KERR_NOMEM. */
enum kerr queue_case_get(struct queue *q, const char *case_no_or_query_code, struct queue_case_rec **ret);
void queue_case_rec_free(struct queue_case_rec *r);
/* Number of stored cases. */
enum kerr queue_case_count(struct queue *q, int64_t *ret);

/* Stores an evaluation and its outbox entry in one transaction. Errors: KERR_INVAL (bad level, bad rating
 * without reasons), KERR_FULL, KERR_IO. */
enum kerr queue_eval_add(struct queue *q, const struct queue_eval *e, int64_t *ret_id);
enum kerr queue_eval_count(struct queue *q, int64_t *ret);

/* Entries waiting for the uplink. */
enum kerr queue_outbox_pending(struct queue *q, int64_t *ret);

const char *queue_material_status_str(enum queue_material_status s);

#endif
