/* The durable local store: cases, their materials and scanned pages, evaluations, and the outbox the uplink
 * drains. SQLite in WAL mode with synchronous=FULL; scans are files, fsynced and renamed before the row that
 * names them commits. A case returned by queue_case_add() survives any crash that follows. */
#ifndef OFFLINE_QUEUE_QUEUE_H
#define OFFLINE_QUEUE_QUEUE_H

#include "common/clock.h"
#include "common/kerr.h"
#include "offline-queue/queue_crypt.h"
#include "offline-queue/queue_key.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct queue;

/* Size of an error report from queue_open_msg() and of the message behind queue_errmsg(). */
#define QUEUE_ERRMSG_SIZE 256
/* Longest terminal prefix: with the date and the sequence it still fits a case number of 40
 * bytes. */
#define QUEUE_PREFIX_MAX 20
/* Bounds on one case, so a single resident cannot fill the store. */
#define QUEUE_MAX_MATERIALS 128
#define QUEUE_MAX_PAGES 64                /* per material */
#define QUEUE_MAX_PAGE_BYTES (32u << 20) /* per page */
#define QUEUE_MAX_CASE_BYTES (256u << 20) /* all pages of a case */

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

/* A stored page read back: its file under scans/, size, digest, and whether the platform holds it
 * whole. */
struct queue_page_rec {
	char file_name[40];
	int64_t size;
	char sha256[65];
	bool uploaded;
};

/* A stored case read back. Owned by the caller: queue_case_rec_free() zeroes and frees it. */
struct queue_case_rec {
	int64_t id;
	char case_no[40];
	char query_code[16];
	char impl_code[72];
	char item_name[256];
	int case_kind;
	char applicant_name[96];
	char id_type[8];
	char id_number[40];
	char sex[2];
	char birth[9];
	char address[512];
	char mobile[24];
	char delivery[16];
	char mail_address[512];
	char region_code[32];
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
		struct queue_page_rec *pages;
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

/* Opens (creating if needed) the store in folder dir: dir/kiosk.db and dir/scans/. The folder and
 * its parents are created with mode 0700. The terminal prefix (1 to QUEUE_PREFIX_MAX letters or
 * digits) starts every case number. Sets WAL and synchronous=FULL and reads both back; runs schema
 * migrations; deletes scan files that no committed row names (left by a crash between file and
 * row) and stale temporary files. reserve_bytes of free space are kept: below that, new cases are
 * refused with KERR_FULL. A file that is not a kiosk store is never modified or deleted. Several
 * handles on one folder are safe (each thread its own handle).
 * Errors: KERR_INVAL (bad prefix, path too long), KERR_PERM (folder not writable or not a folder),
 * KERR_IO, KERR_BUSY, KERR_CORRUPT (not an SQLite file, not a kiosk store, or a schema newer than
 * this build), KERR_NOMEM.
 * *ret is owned by the caller; close with queue_close(). */
enum kerr queue_open(const char *dir, const char *terminal_prefix, uint64_t reserve_bytes, struct queue **ret);
/* queue_open() that also explains a failure: as there is no handle then, the message that
 * queue_errmsg() would give is copied into errbuf (QUEUE_ERRMSG_SIZE bytes, may be NULL). errbuf
 * is left alone on success. */
enum kerr queue_open_msg(const char *dir, const char *terminal_prefix, uint64_t reserve_bytes,
			 char *errbuf, struct queue **ret);
/* How a store is opened beyond its folder and prefix. Zero-initialised means: no reserve, the data
 * key in dir/store.key (created on first open), AES-256-GCM. */
struct queue_options {
	uint64_t reserve_bytes;
	/* Borrowed for the open: the handle keeps only keys derived from it. The kiosk loads
	 * store.key_file once and lends it to every handle. NULL: the handle loads (or creates)
	 * dir/store.key itself. */
	const struct queue_key *key;
	/* What new values and scans are sealed with; values sealed with the other are still read.
	 */
	enum queue_cipher cipher;
};

/* queue_open_msg() with options. Personal fields and scan files are sealed at rest (queue_crypt.h)
 * with the data key; at open the key is checked against the store (KERR_PERM: the store was sealed
 * with another key, nothing is changed), and a store written before encryption is sealed once,
 * under the write lock (its scan files, then all its rows in one transaction). Also the errors of
 * queue_key_load() for the default key file, and KERR_UNSUPPORTED when OpenSSL lacks a cipher. */
enum kerr queue_open_with(const char *dir, const char *terminal_prefix,
			  const struct queue_options *opts, char *errbuf, struct queue **ret);
/* Closes the store and frees q. Accepts NULL. */
void queue_close(struct queue *q);
/* The last native error message (SQLite's, OpenSSL's or the OS's, with what was being done), for
 * the log. Never NULL. */
const char *queue_errmsg(const struct queue *q);
/* The clock that stamps the "created" time of rows; a real clock until set. clk is borrowed and
 * must outlive q (tests pass a virtual clock). */
void queue_set_clock(struct queue *q, const struct clock *clk);

/* Makes query codes, idempotency keys and file names a fixed sequence from seed (non-zero), so a
 * scripted run on a virtual clock shows the same screens every time. Never on a deployed terminal:
 * query codes must not be guessable. */
void queue_set_seed(struct queue *q, uint64_t seed);

/* KERR_FULL when storing need_bytes more would cut into the reserve; KERR_OK otherwise; KERR_IO
 * when the free space cannot be read. */
enum kerr queue_space_check(struct queue *q, uint64_t need_bytes);

/* Stores a case: its pages as files (each fsynced, renamed, the folder fsynced), then one transaction holding the
 * case row, its materials, its pages with SHA-256, and an outbox entry with a fresh idempotency key. Mints the
 * case number <prefix><YYYYMMDD><NNNN> (sequence per day, never repeated across restarts) and an 8-character
 * query code. ret_case_no and ret_query_code are written only on success (sizes 40 and 16).
 * KERR_INVAL: a required field (impl_code, item_name, applicant_name, id_type, id_number) missing
 * or longer than its field in struct queue_case_rec; a "111" ID number that fails its check;
 * case_kind not 1 or 2; a malformed date; accepted_ms not positive; "mail" without mail_address; a
 * material without a code or name, with a bad status, with pages but no page array or an empty
 * page; a MISSING material without with_gaps; more than the QUEUE_MAX_* bounds.
 * Errors: KERR_INVAL, KERR_FULL, KERR_IO, KERR_BUSY, KERR_NOMEM. On error nothing is stored.
 * (Should the final commit itself fail, its page files stay until the next queue_open() sweeps
 * them: a failed commit may still be found committed after a crash and must keep its scans.) */
enum kerr queue_case_add(struct queue *q, const struct queue_case *c, char ret_case_no[40], char ret_query_code[16]);

/* Reads a stored case by case number or query code (the query code in either case, as residents
 * type it). *ret is owned by the caller. Errors: KERR_INVAL (empty key), KERR_NOT_FOUND, KERR_IO,
 * KERR_CORRUPT, KERR_NOMEM. */
enum kerr queue_case_get(struct queue *q, const char *case_no_or_query_code, struct queue_case_rec **ret);
/* The same by the case's row id (struct queue_case_rec's id). */
enum kerr queue_case_get_by_id(struct queue *q, int64_t id, struct queue_case_rec **ret);
/* Zeroes (it holds personal data) and frees a record. Accepts NULL. */
void queue_case_rec_free(struct queue_case_rec *r);
/* Number of stored cases. */
enum kerr queue_case_count(struct queue *q, int64_t *ret);

/* Stores an evaluation and its outbox entry in one transaction; *ret_id is its row id. The reserve
 * of queue_open() does not apply: an evaluation is a few hundred bytes and the resident's right to
 * rate must not depend on scans filling the disk. Errors: KERR_INVAL (level outside 0..4, level 3
 * or 4 without reasons, evaluator_id missing when named or given when anonymous, a time not
 * positive), KERR_FULL, KERR_IO, KERR_BUSY. */
enum kerr queue_eval_add(struct queue *q, const struct queue_eval *e, int64_t *ret_id);
enum kerr queue_eval_count(struct queue *q, int64_t *ret);

/* An evaluation as statistics and the back office see it: no personal data (neither the free text
 * nor the evaluator's identity). */
struct queue_eval_row {
	int64_t id;
	char key[40];	      /* its outbox idempotency key, also the key the platform saw */
	char case_no[40];     /* "" when the terminal or a service was rated without a case */
	char impl_code[72];   /* "" when no item */
	char item_name[256];  /* of the rated case; "" without one */
	int level;	      /* as struct queue_eval */
	char reasons[256];    /* comma-separated codes */
	bool named, followup;
	int64_t time_ms;      /* rated, wall clock */
	int64_t created_ms;
};

/* Which evaluations queue_eval_each() visits. */
struct queue_eval_filter {
	int64_t from_ms, to_ms; /* rated within [from_ms, to_ms); 0, 0: any time */
	int64_t after_id;	/* only rows with a larger id */
	bool bad_only;		/* 不满意 and 非常不满意 only */
	size_t limit;		/* at most this many; 0: no limit */
};

/* Calls each() for every evaluation the filter lets through, oldest (by row id) first, until it
 * returns false. Errors: KERR_IO, KERR_BUSY, KERR_CORRUPT (an unknown level in the store). */
enum kerr queue_eval_each(struct queue *q, const struct queue_eval_filter *f,
			  bool (*each)(void *ctx, const struct queue_eval_row *r), void *ctx);

/* What queue_purge() removed. */
struct queue_purge_result {
	int cases; /* cases whose personal fields and scan files went */
	int evals; /* evaluations whose free text and evaluator identity went */
};
/* Retention: the personal data of every case and evaluation the platform acknowledged at least
 * retention_ms ago (by the store's clock, queue_set_clock()) is purged: scan files removed (the
 * folder fsynced), then in one transaction per batch the personal fields blanked (secure_delete
 * overwrites them). The skeleton stays: case number, query code, item, times, states, page digests,
 * so 进度查询 by query code still finds the case (not by ID card: the number is gone). Cases not yet
 * acknowledged, or refused by the platform, are never purged. Safe to call often: what is already
 * purged is skipped. Errors: KERR_IO, KERR_BUSY, KERR_NOMEM. */
enum kerr queue_purge(struct queue *q, int64_t retention_ms, struct queue_purge_result *ret);

/* Entries waiting for the uplink: pending or being sent. */
enum kerr queue_outbox_pending(struct queue *q, int64_t *ret);
/* The kiosk's health probe: one small committed write (the time, in the meta table). Errors: KERR_BUSY (the
 * write lock stayed taken), KERR_PERM, KERR_FULL, KERR_IO. */
enum kerr queue_probe(struct queue *q);

const char *queue_material_status_str(enum queue_material_status s);

#endif
