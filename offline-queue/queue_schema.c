/* The store's schema as an ordered list of migrations; PRAGMA user_version says how many have run.
 * A step is never edited once released: a change is a new step at the end. */
#include "offline-queue/queue_impl.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

/* Written by step 1 and checked at every open, so that another program's SQLite file is never taken
 * for ours. */
#define STORE_MARK "kiosk-offline-queue"

struct step {
	int version;
	const char *sql;
};

/* Tables are STRICT so a wrong type is an error, not a silent conversion. Personal columns are ANY
 * so that the encrypted blobs of queue_field.c can replace plain text later without rebuilding the
 * tables. Times are ms since the epoch (UTC); "created_ms" is when the row was stored, by the
 * store's clock. */
static const struct step steps[] = {
	{ 1, "CREATE TABLE meta ("
	     "  key TEXT PRIMARY KEY,"
	     "  value TEXT NOT NULL"
	     ") STRICT;"
	     "INSERT INTO meta (key, value) VALUES ('store', '" STORE_MARK "');"
	     /* One row per day of the case number: the last sequence handed out. Rows are never
	      * deleted, so a clock set back to an earlier day continues that day's count instead of
	      * repeating it. */
	     "CREATE TABLE case_seq ("
	     "  day TEXT PRIMARY KEY,"
	     "  last INTEGER NOT NULL CHECK (last >= 1)"
	     ") STRICT;"
	     "CREATE TABLE cases ("
	     "  id INTEGER PRIMARY KEY,"
	     "  case_no TEXT NOT NULL UNIQUE,"
	     "  query_code TEXT NOT NULL UNIQUE,"
	     "  impl_code TEXT NOT NULL,"
	     "  item_name TEXT NOT NULL,"
	     "  case_kind INTEGER NOT NULL CHECK (case_kind IN (1, 2)),"
	     "  applicant_name ANY NOT NULL,"
	     "  id_type TEXT NOT NULL,"
	     "  id_number ANY NOT NULL,"
	     "  sex ANY,"
	     "  birth ANY,"
	     "  address ANY,"
	     "  mobile ANY,"
	     "  delivery TEXT,"
	     "  mail_address ANY,"
	     "  region_code TEXT,"
	     "  accepted_ms INTEGER NOT NULL,"
	     "  clock_trusted INTEGER NOT NULL CHECK (clock_trusted IN (0, 1)),"
	     "  promised_date TEXT,"
	     "  with_gaps INTEGER NOT NULL CHECK (with_gaps IN (0, 1)),"
	     "  platform_no TEXT,"
	     "  created_ms INTEGER NOT NULL"
	     ") STRICT;"
	     "CREATE TABLE materials ("
	     "  id INTEGER PRIMARY KEY,"
	     "  case_id INTEGER NOT NULL REFERENCES cases (id),"
	     "  ord INTEGER NOT NULL,"
	     "  code TEXT NOT NULL,"
	     "  name TEXT NOT NULL,"
	     "  status TEXT NOT NULL"
	     "    CHECK (status IN ('received', 'missing', 'commitment', 'ecert', 'optional')),"
	     "  UNIQUE (case_id, ord)"
	     ") STRICT;"
	     "CREATE TABLE pages ("
	     "  id INTEGER PRIMARY KEY,"
	     "  material_id INTEGER NOT NULL REFERENCES materials (id),"
	     "  ord INTEGER NOT NULL,"
	     "  file_name TEXT NOT NULL UNIQUE,"
	     "  size INTEGER NOT NULL CHECK (size > 0),"
	     "  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),"
	     "  UNIQUE (material_id, ord)"
	     ") STRICT;"
	     /* The level is stored by name, never as a provincial code: the codes run in opposite
	      * directions in different standards and are mapped at upload. */
	     "CREATE TABLE evaluations ("
	     "  id INTEGER PRIMARY KEY,"
	     "  case_no TEXT,"
	     "  impl_code TEXT,"
	     "  level TEXT NOT NULL CHECK (level IN ('very_satisfied', 'satisfied', 'basic',"
	     "    'dissatisfied', 'very_dissatisfied')),"
	     "  reasons TEXT,"
	     "  text ANY,"
	     "  named INTEGER NOT NULL CHECK (named IN (0, 1)),"
	     "  evaluator_id ANY,"
	     "  time_ms INTEGER NOT NULL,"
	     "  followup INTEGER NOT NULL CHECK (followup IN (0, 1)),"
	     "  created_ms INTEGER NOT NULL,"
	     "  CHECK ((named = 1) = (evaluator_id IS NOT NULL))"
	     ") STRICT;"
	     "CREATE TABLE outbox ("
	     "  id INTEGER PRIMARY KEY,"
	     "  kind TEXT NOT NULL CHECK (kind IN ('case', 'eval')),"
	     "  ref_id INTEGER NOT NULL,"
	     "  idempotency_key TEXT NOT NULL UNIQUE,"
	     "  state TEXT NOT NULL DEFAULT 'pending'"
	     "    CHECK (state IN ('pending', 'sending', 'acked', 'rejected')),"
	     "  attempts INTEGER NOT NULL DEFAULT 0,"
	     "  next_attempt_ms INTEGER NOT NULL DEFAULT 0,"
	     "  last_error TEXT,"
	     "  created_ms INTEGER NOT NULL,"
	     "  UNIQUE (kind, ref_id)"
	     ") STRICT;"
	     "CREATE INDEX outbox_due ON outbox (state, next_attempt_ms);"
	     "CREATE INDEX materials_case ON materials (case_id);" },
	/* The uplink (docs/uplink.md): which pages the platform holds whole, when an entry was
	 * acknowledged and under which platform reference, and the platform's view of each case for
	 * 进度查询 when the terminal is offline. next_attempt_ms is on the monotonic clock. */
	{ 2, "ALTER TABLE pages ADD COLUMN uploaded INTEGER NOT NULL DEFAULT 0"
	     "  CHECK (uploaded IN (0, 1));"
	     "ALTER TABLE outbox ADD COLUMN acked_ms INTEGER;"
	     "ALTER TABLE outbox ADD COLUMN remote_ref TEXT;"
	     "ALTER TABLE cases ADD COLUMN remote_status TEXT;"
	     "ALTER TABLE cases ADD COLUMN remote_status_text TEXT;"
	     "ALTER TABLE cases ADD COLUMN remote_promised_date TEXT;"
	     "ALTER TABLE cases ADD COLUMN remote_checked_ms INTEGER;" },
	/* Receipt prints (queue_receipt.c): 0 never printed, n printed n times. Cases stored before
	 * this step get -1: whether their receipt printed is not known, and they are not reported
	 * as unprinted. */
	{ 3, "ALTER TABLE cases ADD COLUMN receipt_prints INTEGER NOT NULL DEFAULT 0"
	     "  CHECK (receipt_prints >= -1);"
	     "ALTER TABLE cases ADD COLUMN receipt_printed_ms INTEGER;"
	     "UPDATE cases SET receipt_prints = -1;" },
	/* Certificate prints for the platform (queue_cert_print.c, docs/uplink.md section 7a). The
	 * outbox takes a third kind: SQLite cannot change a CHECK, so the table is rebuilt with its
	 * rows, ids and index as they were. */
	{ 4, "CREATE TABLE cert_prints ("
	     "  id INTEGER PRIMARY KEY,"
	     "  cert_id TEXT NOT NULL CHECK (length(cert_id) BETWEEN 1 AND 63),"
	     "  printed_ms INTEGER NOT NULL,"
	     "  pages INTEGER NOT NULL CHECK (pages >= 1),"
	     "  created_ms INTEGER NOT NULL"
	     ") STRICT;"
	     "CREATE TABLE outbox_v4 ("
	     "  id INTEGER PRIMARY KEY,"
	     "  kind TEXT NOT NULL CHECK (kind IN ('case', 'eval', 'cert_print')),"
	     "  ref_id INTEGER NOT NULL,"
	     "  idempotency_key TEXT NOT NULL UNIQUE,"
	     "  state TEXT NOT NULL DEFAULT 'pending'"
	     "    CHECK (state IN ('pending', 'sending', 'acked', 'rejected')),"
	     "  attempts INTEGER NOT NULL DEFAULT 0,"
	     "  next_attempt_ms INTEGER NOT NULL DEFAULT 0,"
	     "  last_error TEXT,"
	     "  created_ms INTEGER NOT NULL,"
	     "  acked_ms INTEGER,"
	     "  remote_ref TEXT,"
	     "  UNIQUE (kind, ref_id)"
	     ") STRICT;"
	     "INSERT INTO outbox_v4 (id, kind, ref_id, idempotency_key, state, attempts,"
	     "  next_attempt_ms, last_error, created_ms, acked_ms, remote_ref)"
	     "  SELECT id, kind, ref_id, idempotency_key, state, attempts, next_attempt_ms,"
	     "  last_error, created_ms, acked_ms, remote_ref FROM outbox;"
	     "DROP TABLE outbox;"
	     "ALTER TABLE outbox_v4 RENAME TO outbox;"
	     "CREATE INDEX outbox_due ON outbox (state, next_attempt_ms);" },
	/* A material the platform wants as one PDF (the catalog's "format") is stored as a single page of
	 * that type; every page stored before is a JPEG. */
	{ 5, "ALTER TABLE pages ADD COLUMN media_type TEXT NOT NULL DEFAULT 'image/jpeg'"
	     "  CHECK (media_type IN ('image/jpeg', 'application/pdf'));" },
	/* 好差评 complete: who gave a rating (the resident, or the mapping's "no rating after N days"
	 * default), which case a follow-up (追评) rates when that case may be another terminal's (its
	 * platform number then comes from the platform's answer), the version of the reason list the
	 * codes come from, and the platform's reason list per level scheme, kept across restarts. */
	{ 6, "ALTER TABLE evaluations ADD COLUMN origin TEXT NOT NULL DEFAULT 'resident'"
	     "  CHECK (origin IN ('resident', 'default'));"
	     "ALTER TABLE evaluations ADD COLUMN platform_no TEXT;"
	     "ALTER TABLE evaluations ADD COLUMN reasons_version TEXT;"
	     "CREATE INDEX evaluations_case ON evaluations (case_no);"
	     "CREATE TABLE eval_reasons ("
	     "  scheme TEXT PRIMARY KEY,"
	     "  version TEXT NOT NULL,"
	     "  body TEXT NOT NULL,"
	     "  fetched_ms INTEGER NOT NULL"
	     ") STRICT;" },
};

#define N_STEPS ((int)(sizeof(steps) / sizeof(steps[0])))

int queue_schema_version(void)
{
	return steps[N_STEPS - 1].version;
}

static enum kerr check_mark(struct queue *q)
{
	sqlite3_stmt *st = NULL;
	const char *mark;
	int64_t tables;
	enum kerr err;
	int rc;

	err = queue_db_int(
		q, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'meta'",
		&tables);
	if (err)
		return err;
	if (tables == 0)
		return queue_fail(
			q, KERR_CORRUPT,
			"%s/%s is an SQLite database but not a kiosk store (no meta table)", q->dir,
			QUEUE_DB_NAME);
	err = queue_db_prepare(q, "SELECT value FROM meta WHERE key = 'store'", &st);
	if (err)
		return err;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		err = queue_db_err(q, rc, "read store mark");
		goto out;
	}
	mark = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
	if (!mark || strcmp(mark, STORE_MARK) != 0)
		err = queue_fail(q, KERR_CORRUPT,
				 "%s/%s is an SQLite database but not a kiosk store (wrong mark)",
				 q->dir, QUEUE_DB_NAME);
out:
	sqlite3_finalize(st);
	return err;
}

/* Reads only: the version of the schema in the file, after making sure the file is ours to
 * change. */
static enum kerr identify(struct queue *q, int64_t *ret_version)
{
	int64_t version, tables;
	enum kerr err;

	err = queue_db_int(q, "PRAGMA user_version", &version);
	if (err)
		return err;
	if (version > queue_schema_version())
		return queue_fail(q, KERR_CORRUPT,
				  "%s/%s has schema version %lld, newer than the %d this build "
				  "knows; refusing to use "
				  "it (was the kiosk software downgraded?)",
				  q->dir, QUEUE_DB_NAME, (long long)version,
				  queue_schema_version());
	if (version < 0)
		return queue_fail(q, KERR_CORRUPT, "%s/%s has a negative schema version", q->dir,
				  QUEUE_DB_NAME);
	if (version == 0) {
		/* Version 0 with tables is someone else's database, not an empty one of ours. */
		err = queue_db_int(q, "SELECT count(*) FROM sqlite_schema", &tables);
		if (err)
			return err;
		if (tables > 0)
			return queue_fail(q, KERR_CORRUPT,
					  "%s/%s is an SQLite database but not a kiosk store "
					  "(tables, no version)",
					  q->dir, QUEUE_DB_NAME);
	} else {
		err = check_mark(q);
		if (err)
			return err;
	}
	*ret_version = version;
	return KERR_OK;
}

enum kerr queue_schema_check(struct queue *q)
{
	int64_t version;

	return identify(q, &version);
}

static enum kerr migrate_locked(struct queue *q)
{
	int64_t version;
	char sql[64];
	enum kerr err;

	/* Again under the lock: another handle may have migrated since queue_schema_check(). */
	err = identify(q, &version);
	if (err)
		return err;
	if (version == queue_schema_version())
		return KERR_OK;
	for (int i = 0; i < N_STEPS; i++) {
		assert(steps[i].version == i + 1);
		if (steps[i].version <= version)
			continue;
		err = queue_db_exec(q, steps[i].sql);
		if (err)
			return err;
	}
	/* A pragma cannot take a bound parameter; the value is our own constant. */
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", queue_schema_version());
	err = queue_db_exec(q, sql);
	if (err)
		return err;
	return check_mark(q);
}

enum kerr queue_schema_migrate(struct queue *q)
{
	enum kerr err;

	/* Under the write lock, so two handles opening a new store at once cannot both run
	 * step 1. */
	err = queue_db_begin(q);
	if (err)
		return err;
	err = migrate_locked(q);
	if (err) {
		queue_db_rollback(q);
		return err;
	}
	return queue_db_commit(q);
}
