/* Inside the store: the handle and the helpers its files share (database, files, identifiers,
 * personal fields). Not for use outside offline-queue/ except by its own unit tests. */
#ifndef OFFLINE_QUEUE_QUEUE_IMPL_H
#define OFFLINE_QUEUE_QUEUE_IMPL_H

#include "common/clock.h"
#include "common/kerr.h"
#include "offline-queue/queue.h"
#include "offline-queue/queue_crypt.h"
#include "offline-queue/queue_key.h"
#include "offline-queue/queue_scan.h"

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
/* The data key's file when the caller gives none: beside the database, never inside it. */
#define QUEUE_KEY_DEFAULT_NAME "store.key"
/* Sealed scan files (queue_scan.c): header bytes and the plaintext bytes sealed per chunk. */
#define QUEUE_SCAN_HEADER 20
#define QUEUE_SCAN_CHUNK (64u * 1024u)

struct queue {
	sqlite3 *db;
	int dir_fd;   /* the store folder, for fsync after creating scans/ and for free space */
	int scans_fd; /* dir/scans: scan files are opened, renamed and unlinked relative to it */
	int writers_fd; /* dir/scans.lock: shared by a handle writing scans, exclusive for a sweep */
	char *dir;
	char prefix[QUEUE_PREFIX_MAX + 1];
	uint64_t reserve;
	struct clock real_clock;
	const struct clock *clk; /* real_clock, or borrowed from queue_set_clock() */
	char errmsg[QUEUE_ERRMSG_SIZE];
	uint64_t seed; /* 0: OpenSSL's generator; else a fixed sequence (queue_set_seed) */
	struct queue_crypt *crypt; /* seals every personal field and scan file */
	struct queue_key *own_key; /* the default key file's key when the caller gave none */
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
/* Seals data into scans/name.tmp chunk by chunk, fsyncs it and renames it to scans/name. The folder
 * is not fsynced: call queue_file_sync_scans() once after a batch. */
enum kerr queue_file_put(struct queue *q, const char *name, const unsigned char *data, size_t len);
enum kerr queue_file_sync_scans(struct queue *q);
/* Opens the sealed scans/name for reading; *ret is the caller's (queue_scan_close()). KERR_CORRUPT
 * for a malformed name, a file that is not sealed or whose length disagrees with its header. */
enum kerr queue_file_open_read(struct queue *q, const char *name, struct queue_scan **ret);
/* Writes all of data to fd (scan name for messages). */
enum kerr queue_file_write(struct queue *q, int fd, const char *name, const unsigned char *data,
			   size_t len);
/* A scan file written before at-rest encryption: sealed in place (streamed into a temporary file,
 * fsynced, renamed over the plain one). A file already sealed, or gone, is left alone; *ret_sealed
 * says whether this call sealed it. The folder is not fsynced. */
enum kerr queue_file_seal_plain(struct queue *q, const char *name, bool *ret_sealed);
/* Removes scans/name; a missing file is not an error. */
enum kerr queue_file_remove(struct queue *q, const char *name);
/* Removes scans/name on a path that is already failing: best effort, and the message of the first
 * error stays. What cannot be removed now is swept at the next open. */
void queue_file_discard(struct queue *q, const char *name);
/* Held shared from a case's first scan file until its rows commit or its files are discarded, by
 * every handle in every process (flock on dir/scans.lock, so a SIGKILL releases it). A sweep takes
 * it exclusively and only if free: files between write and commit are never taken for a crash's
 * leftovers, and the write lock of the database is not held while scans are written. */
enum kerr queue_file_writers_enter(struct queue *q);
void queue_file_writers_leave(struct queue *q);
/* Removes every stale temporary file in scans/, and every scan file for which is_named() says
 * false, if no handle is storing a case now (else *ret_swept is false and nothing is removed: the
 * next open sweeps). is_named() must not run inside a read transaction begun before the call: it
 * has to see every row committed before the lock was taken. ret_removed counts what went. */
enum kerr queue_file_sweep(struct queue *q,
			   enum kerr (*is_named)(struct queue *q, const char *name, bool *ret),
			   int *ret_removed, bool *ret_swept);

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

/* queue_scan.c: the sealed scan file format. */
struct queue_scan_header {
	unsigned char alg; /* queue_crypt's alg byte of every chunk */
	uint32_t chunk;	   /* plaintext bytes per chunk */
	uint64_t size;	   /* plaintext bytes in all */
};
/* Checks and decodes a header (first QUEUE_SCAN_HEADER bytes); false when malformed. */
bool queue_scan_header_parse(const unsigned char *buf, size_t len, struct queue_scan_header *ret);
/* True when buf starts like a sealed file (its magic), whatever follows. */
bool queue_scan_is_sealed(const unsigned char *buf, size_t len);
/* The length of the whole sealed file a header describes. */
uint64_t queue_scan_file_len(const struct queue_scan_header *h);
/* Writes a sealed file of size plaintext bytes to fd, asking next() for each chunk's n bytes in
 * order. name is the file's final name, which every chunk is bound to. */
enum kerr queue_scan_write(struct queue *q, int fd, const char *name, uint64_t size,
			   enum kerr (*next)(void *ctx, unsigned char *buf, size_t n), void *ctx);
/* Reads the header of the sealed file open on fd (taken over: closed on failure too). */
enum kerr queue_scan_open(struct queue *q, int fd, const char *name, struct queue_scan **ret);

/* queue_field.c: every personal field is written and read here, and nowhere else. Each value is
 * sealed bound to its row: the table, the row's id and the column, so a value copied to another
 * row or column fails to open. */
struct queue_field_row {
	const char *table;
	int64_t id;
};
/* Seals value and binds the blob (NULL binds SQL NULL). */
enum kerr queue_field_put(struct queue *q, sqlite3_stmt *st, int idx,
			  const struct queue_field_row *row, const char *column, const char *value);
/* Opens the column into buf. SQL NULL and the empty blob of a purged value give "". KERR_CORRUPT
 * when the value fails its check, is stored unsealed, or does not fit; the message names the row
 * and column, never the value. */
enum kerr queue_field_get(struct queue *q, sqlite3_stmt *st, int col,
			  const struct queue_field_row *row, const char *column, char *buf,
			  size_t size);
/* The next row id of table (inside the caller's write transaction), so a row's fields can be
 * sealed to it before it is inserted. */
enum kerr queue_field_next_id(struct queue *q, const char *table, int64_t *ret);

/* queue_rest.c: personal data at rest. */
/* At open, under the write lock: checks the data key against the store's key check (KERR_PERM with
 * a clear message for another key), and, once per store, seals what was written before at-rest
 * encryption: every scan file, then every personal column of every row in one transaction. */
enum kerr queue_rest_prepare(struct queue *q);
/* Every personal column, for the migration and the purge. */
struct queue_personal_column {
	const char *table;
	const char *column;
};
extern const struct queue_personal_column queue_personal_columns[];
extern const size_t queue_n_personal_columns;

/* queue_eval.c: an evaluation's checks (KERR_INVAL with the reason in the handle's message), and its
 * row and outbox entry written inside the caller's transaction. */
enum kerr queue_eval_check(struct queue *q, const struct queue_eval *e);
enum kerr queue_eval_insert(struct queue *q, const struct queue_eval *e, int64_t *ret_id);
/* queue_eval.c: the level index (as struct queue_eval's) of a level as stored, -1 for none. */
int queue_eval_level_of(const char *name);

/* queue_outbox.c: an outbox entry for a row just written, with a fresh idempotency key; inside the
 * caller's transaction. kind is "case", "eval" or "cert_print". */
enum kerr queue_outbox_add(struct queue *q, const char *kind, int64_t ref_id);

#endif
