/* The store's handle: open and close, the durability pragmas, and the one place where SQLite's
 * result codes become enum kerr. */
#include "offline-queue/queue_impl.h"

#include "common/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Long enough to ride out the uplink's handle holding the write lock for a commit, short enough
 * that a stuck writer shows up as KERR_BUSY rather than a frozen screen. */
#define BUSY_TIMEOUT_MS 5000

/* The only translation of SQLite codes. sys_errno refines CANTOPEN, which SQLite also uses for
 * permissions. */
static enum kerr from_sqlite(int rc, int sys_errno)
{
	if (rc == SQLITE_IOERR_NOMEM)
		return KERR_NOMEM;
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return KERR_OK;
	case SQLITE_NOMEM:
		return KERR_NOMEM;
	case SQLITE_FULL:
		return KERR_FULL;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return KERR_CORRUPT;
	case SQLITE_PERM:
	case SQLITE_READONLY:
	case SQLITE_AUTH:
		return KERR_PERM;
	case SQLITE_CANTOPEN:
		if (sys_errno == EACCES || sys_errno == EPERM || sys_errno == EROFS)
			return KERR_PERM;
		return KERR_IO;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return KERR_BUSY;
	default:
		return KERR_IO;
	}
}

enum kerr queue_fail(struct queue *q, enum kerr err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(q->errmsg, sizeof(q->errmsg), fmt, ap);
	va_end(ap);
	return err;
}

enum kerr queue_db_err(struct queue *q, int rc, const char *what)
{
	enum kerr err = from_sqlite(rc, q->db ? sqlite3_system_errno(q->db) : 0);
	const char *native = q->db ? sqlite3_errmsg(q->db) : sqlite3_errstr(rc);

	if (err == KERR_OK)
		return KERR_OK;
	if ((rc & 0xff) == SQLITE_NOTADB)
		return queue_fail(q, err,
				  "%s/%s is not an SQLite database and was left untouched (%s: %s)",
				  q->dir, QUEUE_DB_NAME, what, native);
	return queue_fail(q, err, "%s: %s", what, native);
}

enum kerr queue_db_exec(struct queue *q, const char *sql)
{
	int rc = sqlite3_exec(q->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? KERR_OK : queue_db_err(q, rc, sql);
}

enum kerr queue_db_prepare(struct queue *q, const char *sql, sqlite3_stmt **ret)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(q->db, sql, -1, &st, NULL);

	if (rc != SQLITE_OK)
		return queue_db_err(q, rc, "prepare");
	*ret = st;
	return KERR_OK;
}

enum kerr queue_db_done(struct queue *q, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_DONE)
		return KERR_OK;
	if (rc == SQLITE_ROW)
		return queue_fail(q, KERR_IO, "statement returned a row where none was expected");
	return queue_db_err(q, rc, "step");
}

enum kerr queue_db_bind_text(struct queue *q, sqlite3_stmt *st, int idx, const char *value)
{
	int rc;

	/* Not copied: every caller steps and finalizes the statement while value is still valid. */
	if (value)
		rc = sqlite3_bind_text(st, idx, value, -1, SQLITE_STATIC);
	else
		rc = sqlite3_bind_null(st, idx);
	return rc == SQLITE_OK ? KERR_OK : queue_db_err(q, rc, "bind");
}

enum kerr queue_db_bind_int(struct queue *q, sqlite3_stmt *st, int idx, int64_t value)
{
	int rc = sqlite3_bind_int64(st, idx, value);

	return rc == SQLITE_OK ? KERR_OK : queue_db_err(q, rc, "bind");
}

enum kerr queue_db_begin(struct queue *q)
{
	return queue_db_exec(q, "BEGIN IMMEDIATE");
}

enum kerr queue_db_commit(struct queue *q)
{
	return queue_db_exec(q, "COMMIT");
}

void queue_db_rollback(struct queue *q)
{
	/* SQLite may already have rolled back by itself (after an I/O error or SQLITE_FULL). */
	if (!sqlite3_get_autocommit(q->db))
		sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
}

enum kerr queue_db_int(struct queue *q, const char *sql, int64_t *ret)
{
	sqlite3_stmt *st = NULL;
	enum kerr err;
	int rc;

	err = queue_db_prepare(q, sql, &st);
	if (err)
		return err;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		err = rc == SQLITE_DONE ? queue_fail(q, KERR_IO, "no result from: %s", sql)
					: queue_db_err(q, rc, sql);
		goto out;
	}
	*ret = sqlite3_column_int64(st, 0);
out:
	sqlite3_finalize(st);
	return err;
}

enum kerr queue_db_text(struct queue *q, sqlite3_stmt *st, int col, char *buf, size_t size)
{
	const unsigned char *s;
	size_t n;

	if (sqlite3_column_type(st, col) == SQLITE_NULL) {
		buf[0] = '\0';
		return KERR_OK;
	}
	s = sqlite3_column_text(st, col);
	if (!s)
		return queue_db_err(q, SQLITE_NOMEM, "read column");
	n = (size_t)sqlite3_column_bytes(st, col);
	if (n >= size)
		return queue_fail(q, KERR_CORRUPT,
				  "stored %s is %zu bytes, longer than its field of %zu",
				  sqlite3_column_name(st, col), n, size - 1);
	memcpy(buf, s, n);
	buf[n] = '\0';
	return KERR_OK;
}

/* Applies a pragma and reads it back: a pragma that SQLite cannot apply (WAL on a filesystem
 * without shared memory, say) is silently ignored, and durability must not be assumed. */
static enum kerr pragma_set(struct queue *q, const char *set, const char *get, const char *want)
{
	sqlite3_stmt *st = NULL;
	enum kerr err;
	const char *got;
	int rc;

	err = queue_db_exec(q, set);
	if (err)
		return err;
	err = queue_db_prepare(q, get, &st);
	if (err)
		return err;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		err = queue_db_err(q, rc, get);
		goto out;
	}
	got = (const char *)sqlite3_column_text(st, 0);
	if (!got || strcmp(got, want) != 0)
		err = queue_fail(q, KERR_IO, "%s did not take effect: %s gives %s, %s needed", set,
				 get, got ? got : "nothing", want);
out:
	sqlite3_finalize(st);
	return err;
}

/* Settings of the connection alone: nothing is written to the file. */
static enum kerr connect(struct queue *q, const char *path)
{
	int rc;

	rc = sqlite3_open_v2(path, &q->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK)
		return queue_db_err(q, rc, "open database");
	rc = sqlite3_extended_result_codes(q->db, 1);
	/* Defensive mode stops SQL (and a hostile file) from writing the schema behind SQLite's
	 * back. */
	if (rc == SQLITE_OK)
		rc = sqlite3_db_config(q->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_busy_timeout(q->db, BUSY_TIMEOUT_MS);
	if (rc != SQLITE_OK)
		return queue_db_err(q, rc, "configure database connection");
	return KERR_OK;
}

/* Settings that persist in the file or need it writable; only for a file known to be ours. */
static enum kerr configure(struct queue *q)
{
	enum kerr err;

	/* WAL with FULL is durable on power loss with one fsync per commit (reliability.md). */
	err = pragma_set(q, "PRAGMA journal_mode=WAL", "PRAGMA journal_mode", "wal");
	if (!err)
		err = pragma_set(q, "PRAGMA synchronous=FULL", "PRAGMA synchronous", "2");
	if (!err)
		err = pragma_set(q, "PRAGMA foreign_keys=ON", "PRAGMA foreign_keys", "1");
	/* Deleted rows hold personal data: overwrite them rather than leave them in free pages. */
	if (!err)
		err = pragma_set(q, "PRAGMA secure_delete=ON", "PRAGMA secure_delete", "1");
	return err;
}

static enum kerr is_named(struct queue *q, const char *name, bool *ret)
{
	sqlite3_stmt *st = NULL;
	enum kerr err;
	int rc;

	err = queue_db_prepare(q, "SELECT 1 FROM pages WHERE file_name = ?1", &st);
	if (err)
		return err;
	err = queue_db_bind_text(q, st, 1, name);
	if (err)
		goto out;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		err = queue_db_err(q, rc, "look up scan file");
		goto out;
	}
	*ret = rc == SQLITE_ROW;
out:
	sqlite3_finalize(st);
	return err;
}

/* Outside any transaction: each lookup sees every row committed before the sweep took the
 * writers' lock, so a case another handle stored a moment ago keeps its files, and one it is
 * storing now makes the sweep wait for a later open (queue_file_sweep). */
static enum kerr sweep(struct queue *q)
{
	enum kerr err;
	int removed = 0;
	bool swept = false;

	err = queue_file_sweep(q, is_named, &removed, &swept);
	if (!err && removed > 0)
		log_debug("queue: removed %d scan files left by an interrupted write", removed);
	if (!err && !swept)
		log_debug("queue: a case is being stored; leftovers are swept at a later open");
	return err;
}

static bool prefix_valid(const char *p)
{
	size_t n = 0;

	if (!p)
		return false;
	for (; p[n]; n++) {
		char c = p[n];

		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
			return false;
	}
	return n >= 1 && n <= QUEUE_PREFIX_MAX;
}

/* The caller's key, or the default key file beside the database. The handle keeps only the keys
 * derived from it (queue_crypt), so a borrowed key need only outlive the open. */
static enum kerr prepare_crypt(struct queue *q, const char *dir, const struct queue_options *o)
{
	char path[4096], why[QUEUE_KEY_ERRMSG_SIZE] = "";
	const struct queue_key *key = o->key;
	enum kerr err;
	int n;

	if (!key) {
		n = snprintf(path, sizeof(path), "%s/%s", dir, QUEUE_KEY_DEFAULT_NAME);
		if (n < 0 || (size_t)n >= sizeof(path))
			return queue_fail(q, KERR_INVAL, "store folder path too long");
		err = queue_key_load(path, true, why, &q->own_key);
		if (err)
			return queue_fail(q, err, "%s", why);
		key = q->own_key;
	}
	err = queue_crypt_create(key, o->cipher, &q->crypt);
	if (err)
		return queue_fail(q, err, "cannot set up %s encryption (OpenSSL)",
				  queue_cipher_str(o->cipher));
	return KERR_OK;
}

static enum kerr open_into(struct queue *q, const char *dir, const char *prefix,
			   const struct queue_options *o)
{
	char path[4096];
	enum kerr err;
	int n;

	if (!dir || !dir[0])
		return queue_fail(q, KERR_INVAL, "no store folder given");
	if (!prefix_valid(prefix))
		return queue_fail(q, KERR_INVAL,
				  "terminal prefix must be 1 to %d letters or digits",
				  QUEUE_PREFIX_MAX);
	memcpy(q->prefix, prefix, strlen(prefix) + 1);
	q->dir = strdup(dir);
	if (!q->dir)
		return queue_fail(q, KERR_NOMEM, "out of memory");
	n = snprintf(path, sizeof(path), "%s/%s", dir, QUEUE_DB_NAME);
	if (n < 0 || (size_t)n >= sizeof(path))
		return queue_fail(q, KERR_INVAL, "store folder path too long");

	err = queue_file_prepare(q, dir);
	if (err)
		return err;
	err = prepare_crypt(q, dir, o);
	if (err)
		return err;
	/* SQLite would report a foreign file only at the first statement; looking first guarantees
	 * nothing is written to it, not even a WAL header. */
	err = queue_file_check_sqlite(q, path);
	if (err)
		return err;
	err = connect(q, path);
	if (err)
		return err;
	err = queue_schema_check(q);
	if (err)
		return err;
	err = configure(q);
	if (err)
		return err;
	err = queue_schema_migrate(q);
	if (err)
		return err;
	err = queue_rest_prepare(q);
	if (err)
		return err;
	return sweep(q);
}

enum kerr queue_open_with(const char *dir, const char *terminal_prefix,
			  const struct queue_options *opts, char *errbuf, struct queue **ret)
{
	struct queue_options none = { 0 };
	struct queue *q;
	enum kerr err;

	if (!opts)
		opts = &none;

	q = calloc(1, sizeof(*q));
	if (!q) {
		if (errbuf)
			snprintf(errbuf, QUEUE_ERRMSG_SIZE, "out of memory");
		return KERR_NOMEM;
	}
	q->dir_fd = -1;
	q->scans_fd = -1;
	q->writers_fd = -1;
	q->reserve = opts->reserve_bytes;
	clock_init_real(&q->real_clock);
	q->clk = &q->real_clock;

	err = open_into(q, dir, terminal_prefix, opts);
	if (err) {
		if (errbuf)
			snprintf(errbuf, QUEUE_ERRMSG_SIZE, "%s", q->errmsg);
		queue_close(q);
		return err;
	}
	q->errmsg[0] = '\0';
	*ret = q;
	return KERR_OK;
}

enum kerr queue_open_msg(const char *dir, const char *terminal_prefix, uint64_t reserve_bytes,
			 char *errbuf, struct queue **ret)
{
	struct queue_options o = { .reserve_bytes = reserve_bytes };

	return queue_open_with(dir, terminal_prefix, &o, errbuf, ret);
}

enum kerr queue_open(const char *dir, const char *terminal_prefix, uint64_t reserve_bytes,
		     struct queue **ret)
{
	return queue_open_msg(dir, terminal_prefix, reserve_bytes, NULL, ret);
}

void queue_close(struct queue *q)
{
	if (!q)
		return;
	/* Every statement is finalized where it is used, so close cannot be refused as busy. */
	sqlite3_close(q->db);
	if (q->scans_fd >= 0)
		close(q->scans_fd);
	if (q->writers_fd >= 0)
		close(q->writers_fd);
	if (q->dir_fd >= 0)
		close(q->dir_fd);
	free(q->dir);
	queue_crypt_destroy(q->crypt);
	queue_key_destroy(q->own_key);
	free(q);
}

const char *queue_errmsg(const struct queue *q)
{
	if (!q)
		return "no store";
	return q->errmsg;
}

void queue_set_clock(struct queue *q, const struct clock *clk)
{
	q->clk = clk ? clk : &q->real_clock;
}

static const char *const material_status_names[QUEUE_MAT__COUNT] = {
	[QUEUE_MAT_RECEIVED] = "RECEIVED",
	[QUEUE_MAT_MISSING] = "MISSING",
	[QUEUE_MAT_COMMITMENT] = "COMMITMENT",
	[QUEUE_MAT_ECERT] = "ECERT",
	[QUEUE_MAT_OPTIONAL] = "OPTIONAL",
};

const char *queue_material_status_str(enum queue_material_status s)
{
	if ((unsigned)s >= QUEUE_MAT__COUNT || !material_status_names[s])
		return "UNKNOWN";
	return material_status_names[s];
}

void queue_set_seed(struct queue *q, uint64_t seed)
{
	q->seed = seed;
}
