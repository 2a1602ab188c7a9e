/* The platform's SQLite database: schema, pragmas and transactions. One connection, used under plat.lock. */
#include "tests/platform/plat.h"

#include <stdio.h>

/* Page bytes are rows of chunks, so appending a chunk, dropping a page and storing the idempotency answer all sit
 * in one transaction. UNIQUE (terminal, key) and UNIQUE (terminal, case_no) are the two nets of section 3. */
static const char schema[] =
	"CREATE TABLE IF NOT EXISTS cases ("
	"  id INTEGER PRIMARY KEY,"
	"  terminal TEXT NOT NULL,"
	"  case_no TEXT NOT NULL,"
	"  platform_no TEXT NOT NULL UNIQUE,"
	"  query_code TEXT NOT NULL,"
	"  id_type TEXT NOT NULL,"
	"  id_number TEXT NOT NULL,"
	"  impl_code TEXT NOT NULL,"
	"  item_name TEXT NOT NULL,"
	"  status TEXT NOT NULL,"
	"  status_text TEXT,"
	"  promised_date TEXT,"
	"  clock_trusted INTEGER NOT NULL,"
	"  received_ms INTEGER NOT NULL,"
	"  updated_ms INTEGER NOT NULL,"
	"  body TEXT NOT NULL,"
	"  UNIQUE (terminal, case_no)"
	");"
	"CREATE TABLE IF NOT EXISTS materials ("
	"  case_id INTEGER NOT NULL REFERENCES cases(id),"
	"  ord INTEGER NOT NULL,"
	"  code TEXT,"
	"  name TEXT,"
	"  status TEXT NOT NULL,"
	"  PRIMARY KEY (case_id, ord)"
	");"
	"CREATE TABLE IF NOT EXISTS pages ("
	"  id INTEGER PRIMARY KEY,"
	"  case_id INTEGER NOT NULL REFERENCES cases(id),"
	"  material INTEGER NOT NULL,"
	"  ord INTEGER NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  sha256 TEXT NOT NULL,"
	"  offset INTEGER NOT NULL DEFAULT 0,"
	"  complete INTEGER NOT NULL DEFAULT 0,"
	"  UNIQUE (case_id, material, ord)"
	");"
	"CREATE TABLE IF NOT EXISTS chunks ("
	"  page_id INTEGER NOT NULL REFERENCES pages(id),"
	"  offset INTEGER NOT NULL,"
	"  data BLOB NOT NULL,"
	"  PRIMARY KEY (page_id, offset)"
	");"
	"CREATE TABLE IF NOT EXISTS evaluations ("
	"  id INTEGER PRIMARY KEY,"
	"  eval_id TEXT NOT NULL UNIQUE,"
	"  terminal TEXT NOT NULL,"
	"  case_no TEXT,"
	"  platform_no TEXT,"
	"  level TEXT NOT NULL,"
	"  received_ms INTEGER NOT NULL,"
	"  body TEXT NOT NULL"
	");"
	"CREATE TABLE IF NOT EXISTS bad_ratings ("
	"  terminal TEXT NOT NULL,"
	"  ref TEXT NOT NULL,"
	"  case_no TEXT,"
	"  level TEXT NOT NULL,"
	"  reasons TEXT NOT NULL,"
	"  named INTEGER NOT NULL,"
	"  rated_ms INTEGER NOT NULL,"
	"  received_ms INTEGER NOT NULL,"
	"  UNIQUE (terminal, ref)"
	");"
	"CREATE TABLE IF NOT EXISTS heartbeats ("
	"  id INTEGER PRIMARY KEY,"
	"  terminal TEXT NOT NULL,"
	"  received_ms INTEGER NOT NULL,"
	"  body TEXT NOT NULL"
	");"
	"CREATE TABLE IF NOT EXISTS idem ("
	"  terminal TEXT NOT NULL,"
	"  key TEXT NOT NULL,"
	"  fingerprint TEXT NOT NULL,"
	"  method TEXT NOT NULL,"
	"  path TEXT NOT NULL,"
	"  status INTEGER NOT NULL,"
	"  body BLOB,"
	"  upload_offset INTEGER,"
	"  upload_complete INTEGER,"
	"  page_id INTEGER,"
	"  created_ms INTEGER NOT NULL,"
	"  UNIQUE (terminal, key)"
	");"
	"CREATE INDEX IF NOT EXISTS idem_page ON idem (page_id);"
	"CREATE TABLE IF NOT EXISTS ledger ("
	"  terminal TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  ref TEXT,"
	"  key TEXT NOT NULL,"
	"  outcome TEXT NOT NULL,"
	"  at_ms INTEGER NOT NULL"
	");"
	"CREATE INDEX IF NOT EXISTS ledger_key ON ledger (terminal, key);"
	"CREATE TABLE IF NOT EXISTS certificates ("
	"  id INTEGER PRIMARY KEY,"
	"  cert_id TEXT NOT NULL UNIQUE,"
	"  id_type TEXT NOT NULL,"
	"  id_number TEXT NOT NULL,"
	"  title TEXT NOT NULL,"
	"  issuer TEXT NOT NULL,"
	"  issued_date TEXT NOT NULL,"
	"  pdf BLOB NOT NULL,"
	"  sha256 TEXT NOT NULL"
	");";

enum kerr plat_store_open(struct plat *p, const char *path, char *err, size_t n)
{
	char *msg = NULL;

	if (sqlite3_open_v2(path, &p->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_busy_timeout(p->db, 5000);
	/* WAL + FULL: an answered request survives a crash of the platform, as a real one's would. */
	if (sqlite3_exec(p->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", NULL, NULL, &msg) != SQLITE_OK)
		goto fail;
	if (sqlite3_exec(p->db, schema, NULL, NULL, &msg) != SQLITE_OK)
		goto fail;
	return KERR_OK;
fail:
	snprintf(err, n, "%s: %s", path, msg ? msg : p->db ? sqlite3_errmsg(p->db) : "cannot open");
	sqlite3_free(msg);
	sqlite3_close(p->db);
	p->db = NULL;
	return KERR_IO;
}

void plat_store_close(struct plat *p)
{
	sqlite3_close(p->db);
	p->db = NULL;
}

enum kerr plat_store_exec(struct plat *p, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(p->db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return KERR_OK;
	plat_log_err("database: %s", msg ? msg : sqlite3_errmsg(p->db));
	sqlite3_free(msg);
	return KERR_IO;
}

enum kerr plat_store_begin(struct plat *p)
{
	return plat_store_exec(p, "BEGIN IMMEDIATE");
}

enum kerr plat_store_commit(struct plat *p)
{
	return plat_store_exec(p, "COMMIT");
}

void plat_store_rollback(struct plat *p)
{
	if (!sqlite3_get_autocommit(p->db))
		sqlite3_exec(p->db, "ROLLBACK", NULL, NULL, NULL);
}
