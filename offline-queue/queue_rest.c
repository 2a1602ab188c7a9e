/* Personal data at rest, store-wide: the key check at open, the one-time sealing of stores written
 * before encryption, and the purge of what the platform has held for the retention period. */
#include "offline-queue/queue_impl.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_CHECK_AAD  "kiosk-key-check/v1"
#define KEY_CHECK_TEXT "kiosk-offline-queue"
/* Cases purged per transaction, so the kiosk's handle never waits long for the write lock. */
#define PURGE_BATCH 64

const struct queue_personal_column queue_personal_columns[] = {
	{"cases", "applicant_name"}, {"cases", "id_number"},  {"cases", "sex"},
	{"cases", "birth"},	     {"cases", "address"},    {"cases", "mobile"},
	{"cases", "mail_address"},   {"evaluations", "text"}, {"evaluations", "evaluator_id"},
};
const size_t queue_n_personal_columns =
	sizeof(queue_personal_columns) / sizeof(queue_personal_columns[0]);

static enum kerr meta_get(struct queue *q, const char *key, char *buf, size_t size, bool *found)
{
	sqlite3_stmt *st = NULL;
	enum kerr err;
	int rc;

	*found = false;
	err = queue_db_prepare(q, "SELECT value FROM meta WHERE key = ?1", &st);
	if (!err)
		err = queue_db_bind_text(q, st, 1, key);
	if (err)
		goto out;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*found = true;
		err = queue_db_text(q, st, 0, buf, size);
	} else if (rc != SQLITE_DONE) {
		err = queue_db_err(q, rc, "read store settings");
	}
out:
	sqlite3_finalize(st);
	return err;
}

static enum kerr meta_put(struct queue *q, const char *key, const char *value)
{
	sqlite3_stmt *st = NULL;
	enum kerr err;

	err = queue_db_prepare(q, "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)", &st);
	if (!err)
		err = queue_db_bind_text(q, st, 1, key);
	if (!err)
		err = queue_db_bind_text(q, st, 2, value);
	if (!err)
		err = queue_db_done(q, st);
	sqlite3_finalize(st);
	return err;
}

static void to_hex(const unsigned char *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

static bool from_hex(const char *s, unsigned char *out, size_t cap, size_t *ret_len)
{
	size_t n = strlen(s);

	if (n % 2 || n / 2 > cap)
		return false;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return false;
		out[i] = (unsigned char)v;
	}
	*ret_len = n / 2;
	return true;
}

/* A known text sealed with the store's first key: opening the store with any other key fails here,
 * with one clear message, instead of at every row later. */
static enum kerr key_check(struct queue *q)
{
	unsigned char sealed[sizeof(KEY_CHECK_TEXT) + QUEUE_CRYPT_MAX_OVERHEAD];
	unsigned char plain[sizeof(KEY_CHECK_TEXT)];
	char hex[2 * sizeof(sealed) + 1];
	size_t len = 0, got = 0;
	bool found;
	enum kerr err;

	err = meta_get(q, "key_check", hex, sizeof(hex), &found);
	if (err)
		return err;
	if (!found) {
		err = queue_crypt_seal(q->crypt, (const unsigned char *)KEY_CHECK_AAD,
				       sizeof(KEY_CHECK_AAD) - 1,
				       (const unsigned char *)KEY_CHECK_TEXT,
				       sizeof(KEY_CHECK_TEXT) - 1, sealed, sizeof(sealed), &len);
		if (err)
			return queue_fail(q, err, "cannot seal the store's key check");
		to_hex(sealed, len, hex);
		return meta_put(q, "key_check", hex);
	}
	if (!from_hex(hex, sealed, sizeof(sealed), &len))
		return queue_fail(q, KERR_CORRUPT, "%s/%s: the key check is malformed", q->dir,
				  QUEUE_DB_NAME);
	err = queue_crypt_open(q->crypt, (const unsigned char *)KEY_CHECK_AAD,
			       sizeof(KEY_CHECK_AAD) - 1, sealed, len, plain, sizeof(plain), &got);
	if (err == KERR_CORRUPT || (!err && (got != sizeof(KEY_CHECK_TEXT) - 1 ||
					     memcmp(plain, KEY_CHECK_TEXT, got) != 0)))
		return queue_fail(q, KERR_PERM,
				  "%s/%s was sealed with another data key: restore its key file "
				  "(store.key_file); nothing was changed",
				  q->dir, QUEUE_DB_NAME);
	if (err)
		return queue_fail(q, err, "cannot check the data key");
	return KERR_OK;
}

static enum kerr seal_files(struct queue *q, int *ret_files)
{
	sqlite3_stmt *st = NULL;
	char name[QUEUE_SCAN_NAME_LEN + 1];
	enum kerr err;
	int rc = SQLITE_DONE, files = 0;

	err = queue_db_prepare(q, "SELECT file_name FROM pages ORDER BY id", &st);
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		bool sealed = false;

		err = queue_db_text(q, st, 0, name, sizeof(name));
		if (!err)
			err = queue_file_seal_plain(q, name, &sealed);
		files += sealed;
	}
	if (!err && rc != SQLITE_DONE)
		err = queue_db_err(q, rc, "list scan files");
	sqlite3_finalize(st);
	/* The renames must be on disk before the mark that says they were done. */
	if (!err && files > 0)
		err = queue_file_sync_scans(q);
	if (!err)
		*ret_files = files;
	return err;
}

/* The ids of the rows whose column is still plain text, gathered before any is changed: a
 * statement's results are undefined once its own connection writes the table. */
static enum kerr plain_rows(struct queue *q, const struct queue_personal_column *pc, int64_t **ret,
			    size_t *ret_n)
{
	sqlite3_stmt *st = NULL;
	int64_t *ids = NULL, *grown;
	size_t n = 0, cap = 0;
	char sql[160];
	enum kerr err;
	int rc = SQLITE_DONE;

	snprintf(sql, sizeof(sql), "SELECT id FROM %s WHERE typeof(%s) = 'text' ORDER BY id",
		 pc->table, pc->column);
	err = queue_db_prepare(q, sql, &st);
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			grown = realloc(ids, cap * sizeof(*ids));
			if (!grown) {
				err = queue_fail(q, KERR_NOMEM, "out of memory");
				break;
			}
			ids = grown;
		}
		ids[n++] = sqlite3_column_int64(st, 0);
	}
	if (!err && rc != SQLITE_DONE)
		err = queue_db_err(q, rc, "find plain personal fields");
	sqlite3_finalize(st);
	if (err) {
		free(ids);
		return err;
	}
	*ret = ids;
	*ret_n = n;
	return KERR_OK;
}

static enum kerr seal_row(struct queue *q, const struct queue_personal_column *pc, int64_t id)
{
	struct queue_field_row row = {pc->table, id};
	sqlite3_stmt *sel = NULL, *upd = NULL;
	char sql[160], *value = NULL;
	enum kerr err;
	int rc;

	snprintf(sql, sizeof(sql), "SELECT %s FROM %s WHERE id = ?1", pc->column, pc->table);
	err = queue_db_prepare(q, sql, &sel);
	if (!err)
		err = queue_db_bind_int(q, sel, 1, id);
	if (err)
		goto out;
	rc = sqlite3_step(sel);
	if (rc != SQLITE_ROW) {
		err = queue_db_err(q, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc, "read plain field");
		goto out;
	}
	value = strdup(sqlite3_column_type(sel, 0) == SQLITE_NULL
			       ? ""
			       : (const char *)sqlite3_column_text(sel, 0));
	sqlite3_finalize(sel);
	sel = NULL;
	if (!value) {
		err = queue_fail(q, KERR_NOMEM, "out of memory");
		goto out;
	}
	snprintf(sql, sizeof(sql), "UPDATE %s SET %s = ?1 WHERE id = ?2", pc->table, pc->column);
	err = queue_db_prepare(q, sql, &upd);
	if (!err)
		err = queue_field_put(q, upd, 1, &row, pc->column, value);
	if (!err)
		err = queue_db_bind_int(q, upd, 2, id);
	if (!err)
		err = queue_db_done(q, upd);
out:
	if (value) {
		OPENSSL_cleanse(value, strlen(value));
		free(value);
	}
	sqlite3_finalize(upd);
	sqlite3_finalize(sel);
	return err;
}

static enum kerr seal_column(struct queue *q, const struct queue_personal_column *pc, int *count)
{
	int64_t *ids = NULL;
	size_t n = 0;
	enum kerr err;

	err = plain_rows(q, pc, &ids, &n);
	for (size_t i = 0; !err && i < n; i++)
		err = seal_row(q, pc, ids[i]);
	free(ids);
	if (!err)
		*count += (int)n;
	return err;
}

static enum kerr migrate(struct queue *q)
{
	int files = 0, fields = 0;
	enum kerr err;

	/* Files first and each replaced atomically: a crash part-way leaves some sealed, some
	 * plain, and the next open carries on (a sealed file is recognised and skipped). */
	err = seal_files(q, &files);
	for (size_t i = 0; !err && i < queue_n_personal_columns; i++)
		err = seal_column(q, &queue_personal_columns[i], &fields);
	/* From now on a plain value or file is refused as tampering. */
	if (!err)
		err = meta_put(q, "at_rest", "sealed-v1");
	return err;
}

enum kerr queue_rest_prepare(struct queue *q)
{
	char mark[32];
	bool found;
	enum kerr err;

	err = queue_db_begin(q);
	if (err)
		return err;
	err = key_check(q);
	if (!err)
		err = meta_get(q, "at_rest", mark, sizeof(mark), &found);
	if (!err && !found)
		err = migrate(q);
	if (err) {
		queue_db_rollback(q);
		return err;
	}
	return queue_db_commit(q);
}

/* Up to PURGE_BATCH acknowledged cases still holding personal data, acked at or before cutoff. */
static enum kerr due_cases(struct queue *q, int64_t cutoff, int64_t *ids, int *ret_n)
{
	sqlite3_stmt *st = NULL;
	enum kerr err;
	int rc = SQLITE_DONE, n = 0;

	err = queue_db_prepare(q,
			       "SELECT c.id FROM cases c JOIN outbox o ON o.kind = 'case' AND "
			       "o.ref_id = c.id WHERE o.state = 'acked' AND o.acked_ms <= ?1 AND "
			       "length(c.applicant_name) > 0 ORDER BY c.id LIMIT ?2",
			       &st);
	if (!err)
		err = queue_db_bind_int(q, st, 1, cutoff);
	if (!err)
		err = queue_db_bind_int(q, st, 2, PURGE_BATCH);
	while (!err && n < PURGE_BATCH && (rc = sqlite3_step(st)) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(st, 0);
	if (!err && rc != SQLITE_DONE && rc != SQLITE_ROW)
		err = queue_db_err(q, rc, "find cases to purge");
	sqlite3_finalize(st);
	if (!err)
		*ret_n = n;
	return err;
}

static enum kerr remove_scans(struct queue *q, int64_t case_id)
{
	sqlite3_stmt *st = NULL;
	char name[QUEUE_SCAN_NAME_LEN + 1];
	enum kerr err;
	int rc = SQLITE_DONE;

	err = queue_db_prepare(q,
			       "SELECT p.file_name FROM pages p JOIN materials m ON m.id = "
			       "p.material_id WHERE m.case_id = ?1",
			       &st);
	if (!err)
		err = queue_db_bind_int(q, st, 1, case_id);
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		err = queue_db_text(q, st, 0, name, sizeof(name));
		if (!err)
			err = queue_file_remove(q, name);
	}
	if (!err && rc != SQLITE_DONE)
		err = queue_db_err(q, rc, "list scans to purge");
	sqlite3_finalize(st);
	return err;
}

static enum kerr blank_case(struct queue *q, int64_t id)
{
	sqlite3_stmt *st = NULL;
	enum kerr err;

	/* The empty blob keeps NOT NULL columns valid and reads back as "" (queue_field_get). */
	err = queue_db_prepare(
		q,
		"UPDATE cases SET applicant_name = x'', id_number = x'', sex = NULL, "
		"birth = NULL, address = NULL, mobile = NULL, mail_address = NULL "
		"WHERE id = ?1",
		&st);
	if (!err)
		err = queue_db_bind_int(q, st, 1, id);
	if (!err)
		err = queue_db_done(q, st);
	sqlite3_finalize(st);
	return err;
}

static enum kerr blank_evals(struct queue *q, int64_t cutoff, int *ret_n)
{
	sqlite3_stmt *st = NULL;
	enum kerr err;

	/* evaluator_id stays non-NULL when named (a CHECK says so): the empty blob again. */
	err = queue_db_prepare(
		q,
		"UPDATE evaluations SET text = CASE WHEN text IS NULL THEN NULL ELSE x'' END, "
		"evaluator_id = CASE WHEN evaluator_id IS NULL THEN NULL ELSE x'' END "
		"WHERE (length(text) > 0 OR length(evaluator_id) > 0) AND id IN (SELECT ref_id "
		"FROM outbox WHERE kind = 'eval' AND state = 'acked' AND acked_ms <= ?1)",
		&st);
	if (!err)
		err = queue_db_bind_int(q, st, 1, cutoff);
	if (!err)
		err = queue_db_done(q, st);
	if (!err)
		*ret_n = sqlite3_changes(q->db);
	sqlite3_finalize(st);
	return err;
}

/* One batch: the scans go first, then the rows in one transaction. A crash between leaves a case
 * with its fields but no files, which the next purge finishes. */
static enum kerr purge_batch(struct queue *q, int64_t cutoff, int *ret_cases, int *ret_evals)
{
	int64_t ids[PURGE_BATCH];
	int n = 0;
	enum kerr err;

	err = due_cases(q, cutoff, ids, &n);
	for (int i = 0; !err && i < n; i++)
		err = remove_scans(q, ids[i]);
	if (!err && n > 0)
		err = queue_file_sync_scans(q);
	if (err)
		return err;
	err = queue_db_begin(q);
	if (err)
		return err;
	for (int i = 0; !err && i < n; i++)
		err = blank_case(q, ids[i]);
	if (!err)
		err = blank_evals(q, cutoff, ret_evals);
	if (!err)
		err = queue_db_commit(q);
	if (err) {
		queue_db_rollback(q);
		return err;
	}
	*ret_cases = n;
	return KERR_OK;
}

enum kerr queue_purge(struct queue *q, int64_t retention_ms, struct queue_purge_result *ret)
{
	int64_t cutoff = clock_wall_ms(q->clk) - (retention_ms > 0 ? retention_ms : 0);
	struct queue_purge_result r = {0, 0};
	enum kerr err;
	int cases, evals;

	do {
		cases = evals = 0;
		err = purge_batch(q, cutoff, &cases, &evals);
		r.cases += cases;
		r.evals += evals;
	} while (!err && cases == PURGE_BATCH);
	if (err)
		return err;
	/* Old versions of the rows sit in WAL frames until a checkpoint; with secure_delete on,
	 * a truncating checkpoint leaves none in the files. A reader holding the WAL makes it
	 * wait for a later purge: not an error. */
	if (r.cases + r.evals > 0)
		sqlite3_wal_checkpoint_v2(q->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	*ret = r;
	return KERR_OK;
}
