/* Inside the store: the handle and the helpers its files share (database, files, identifiers,
 * personal fields). Not for use outside offline-queue/ except by its own unit tests. */
#ifndef OFFLINE_QUEUE_QUEUE_IMPL_H
#define OFFLINE_QUEUE_QUEUE_IMPL_H

#include "common/clock.h"
#include "common/kerr.h"
#include "offline-queue/queue.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define QUEUE_DB_NAME "kiosk.db"
#define QUEUE_SCANS_NAME "scans"
/* A scan file is 32 hex digits of randomness and ".jpg"; while being written it also ends in
 * ".tmp". */
#define QUEUE_SCAN_NAME_LEN 36
#define QUEUE_TMP_SUFFIX ".tmp"
#define QUEUE_SHA256_HEX 65
#define QUEUE_UUID_LEN 37
#define QUEUE_QUERY_CODE_LEN 8

struct queue {
	sqlite3 *db;
	int dir_fd;   /* the store folder, for fsync after creating scans/ and for free space */
	int scans_fd; /* dir/scans: scan files are opened, renamed and unlinked relative to it */
	char *dir;
	char prefix[QUEUE_PREFIX_MAX + 1];
	uint64_t reserve;
	struct clock real_clock;
	const struct clock *clk; /* real_clock, or borrowed from queue_set_clock() */
	char errmsg[QUEUE_ERRMSG_SIZE];
	uint64_t seed; /* 0: OpenSSL's generator; else a fixed sequence (queue_set_seed) */
};

/* queue.c: the SQLite edge. Every SQLite result code becomes an enum kerr in queue_db_err(), which
 * also keeps SQLite's message on the handle; the others return its result. */
enum kerr queue_db_err(struct queue *q, int rc, const char *what);
enum kerr queue_db_exec(struct queue *q, const char *sql);
enum kerr queue_db_prepare(struct queue *q, const char *sql, sqlite3_stmt **ret);
/* Bind a parameter that is not personal data; a NULL value binds SQL NULL. value must stay valid
 * until the statement is finalized. */
enum kerr queue_db_bind_text(struct queue *q, sqlite3_stmt *st, int idx, const char *value);
enum kerr queue_db_bind_int(struct queue *q, sqlite3_stmt *st, int idx, int64_t value);
/* Steps a statement that returns no row. */
enum kerr queue_db_done(struct queue *q, sqlite3_stmt *st);
/* BEGIN IMMEDIATE: takes the write lock now, so a writer never fails half-way on a lock upgrade. */
enum kerr queue_db_begin(struct queue *q);
enum kerr queue_db_commit(struct queue *q);
/* Rolls back an open transaction, keeping the message of the error that caused it. */
void queue_db_rollback(struct queue *q);
/* Runs a query returning one integer. */
enum kerr queue_db_int(struct queue *q, const char *sql, int64_t *ret);
/* Copies a text column that is not personal data; KERR_CORRUPT when it does not fit. NULL
 * gives "". */
enum kerr queue_db_text(struct queue *q, sqlite3_stmt *st, int col, char *buf, size_t size);
/* Formats a message onto the handle and returns err (for failures that are ours, not a
 * library's). */
enum kerr queue_fail(struct queue *q, enum kerr err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* queue_schema.c. check reads only: KERR_CORRUPT for another program's database or a newer schema,
 * before anything is written to the file. migrate brings the schema to the version this build
 * knows, in one transaction. */
enum kerr queue_schema_check(struct queue *q);
enum kerr queue_schema_migrate(struct queue *q);
/* The schema version this build writes. */
int queue_schema_version(void);

/* queue_file.c: the OS edge for the folder and the scan files. */
/* Creates dir (and parents, 0700) and dir/scans, checks the folder is writable, opens both
 * folders. */
enum kerr queue_file_prepare(struct queue *q, const char *dir);
/* KERR_CORRUPT when path exists, is not empty, and does not start with the SQLite header. Reads
 * only. */
enum kerr queue_file_check_sqlite(struct queue *q, const char *path);
/* Writes data to scans/name.tmp, fsyncs it and renames it to scans/name. The folder is not fsynced:
 * call queue_file_sync_scans() once after a batch. */
enum kerr queue_file_put(struct queue *q, const char *name, const unsigned char *data, size_t len);
enum kerr queue_file_sync_scans(struct queue *q);
/* Opens scans/name for reading; *ret_fd is the caller's. */
enum kerr queue_file_open_read(struct queue *q, const char *name, int *ret_fd);
/* Removes scans/name; a missing file is not an error. */
enum kerr queue_file_remove(struct queue *q, const char *name);
/* Removes scans/name on a path that is already failing: best effort, and the message of the first
 * error stays. What cannot be removed now is swept at the next open. */
void queue_file_discard(struct queue *q, const char *name);
/* Removes every stale temporary file in scans/, and every scan file for which is_named() says
 * false. Call with the write lock held, so no case being stored can lose its files. ret_removed
 * counts what went. */
enum kerr queue_file_sweep(struct queue *q,
			   enum kerr (*is_named)(struct queue *q, const char *name, bool *ret),
			   int *ret_removed);

/* queue_id.c: the OpenSSL edge. Randomness, digests and the identifiers made from them. */
enum kerr queue_id_uuid4(struct queue *q, char ret[QUEUE_UUID_LEN]);
/* 8 characters from an alphabet without 0, O, 1, I and L. */
enum kerr queue_id_query_code(struct queue *q, char ret[QUEUE_QUERY_CODE_LEN + 1]);
/* A fresh scan file name: 32 hex digits and ".jpg". */
enum kerr queue_id_scan_name(struct queue *q, char ret[QUEUE_SCAN_NAME_LEN + 1]);
/* True when name has the form queue_id_scan_name() gives, optionally followed by
 * QUEUE_TMP_SUFFIX; *ret_tmp then says which. */
bool queue_id_is_scan_name(const char *name, bool *ret_tmp);
enum kerr queue_id_sha256(struct queue *q, const unsigned char *data, size_t len,
			  char ret[QUEUE_SHA256_HEX]);
/* <prefix><YYYYMMDD><NNNN>: the sequence is zero-padded to 4 digits and grows past them after
 * 9999. */
enum kerr queue_id_case_no(struct queue *q, const char *day, int64_t seq, char ret[40]);
/* YYYYMMDD of a wall-clock time in the deployment zone (UTC+8). */
void queue_id_day(int64_t wall_ms, char ret[9]);

/* queue_field.c: every personal field is written and read here, and nowhere else. put binds value
 * (NULL binds SQL NULL; value must stay valid until the statement is finalized); get copies a
 * column into buf, KERR_CORRUPT when it does not fit. */
enum kerr queue_field_put(struct queue *q, sqlite3_stmt *st, int idx, const char *value);
enum kerr queue_field_get(struct queue *q, sqlite3_stmt *st, int col, char *buf, size_t size);

/* queue_eval.c: the level index (as struct queue_eval's) of a level as stored, -1 for none. */
int queue_eval_level_of(const char *name);

/* queue_outbox.c: an outbox entry for a row just written, with a fresh idempotency key; inside the
 * caller's transaction. kind is "case" or "eval". */
enum kerr queue_outbox_add(struct queue *q, const char *kind, int64_t ref_id);

#endif
