/* The delivery ledger of section 13: how often each case and evaluation was created, replayed under
 * its key, or attempted again under another key, for the tests' checker
 * (tests/support/deliver_check.c). */
#include "tests/platform/plat.h"

#include <string.h>

enum kerr plat_ledger_note(struct plat *p, const char *terminal, const char *kind, const char *ref,
			   const char *key, const char *outcome)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(p->db,
			       "INSERT INTO ledger (terminal, kind, ref, key, outcome, at_ms) "
			       "VALUES (?, ?, ?, ?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK) {
		plat_log_err("ledger: %s", sqlite3_errmsg(p->db));
		return KERR_IO;
	}
	sqlite3_bind_text(st, 1, terminal, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, ref, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, key ? key : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, outcome, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, plat_now_ms());
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		plat_log_err("ledger: %s", sqlite3_errmsg(p->db));
		return KERR_IO;
	}
	return KERR_OK;
}

static const char *text(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return s ? s : "";
}

static json_t *pages_of(struct plat *p, long long case_id)
{
	sqlite3_stmt *st = NULL;
	json_t *list = json_array();

	if (sqlite3_prepare_v2(p->db,
			       "SELECT id, material, ord, size, offset, complete, sha256 FROM "
			       "pages WHERE case_id = ?"
			       " ORDER BY material, ord",
			       -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, case_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char held[65];

		if (!plat_pages_digest(p, sqlite3_column_int64(st, 0), held))
			goto fail;
		json_array_append_new(
			list, json_pack("{s:i, s:i, s:I, s:I, s:b, s:s, s:s}", "material",
					sqlite3_column_int(st, 1), "ord", sqlite3_column_int(st, 2),
					"size", (json_int_t)sqlite3_column_int64(st, 3), "offset",
					(json_int_t)sqlite3_column_int64(st, 4), "complete",
					sqlite3_column_int(st, 5), "sha256", text(st, 6),
					"sha256_held", held));
	}
	sqlite3_finalize(st);
	return list;
fail:
	sqlite3_finalize(st);
	json_decref(list);
	return NULL;
}

/* Replays are noted by key: they count for the case or evaluation whose creation carried that key.
 */
static const char cases_sql[] = "SELECT c.id, c.terminal, c.case_no, c.platform_no, c.status,"
				" (SELECT key FROM ledger l WHERE l.kind = 'case' AND l.terminal = "
				"c.terminal AND l.ref = c.case_no"
				"   AND l.outcome = 'created' ORDER BY rowid LIMIT 1),"
				" (SELECT COUNT(*) FROM ledger l WHERE l.kind = 'case' AND "
				"l.terminal = c.terminal AND l.ref = c.case_no"
				"   AND l.outcome = 'created'),"
				" (SELECT COUNT(*) FROM ledger r WHERE r.kind = 'case' AND "
				"r.outcome = 'replayed' AND r.terminal = c.terminal"
				"   AND r.key IN (SELECT key FROM ledger l WHERE l.kind = 'case' "
				"AND l.terminal = c.terminal"
				"   AND l.ref = c.case_no AND l.outcome = 'created')),"
				" (SELECT COUNT(*) FROM ledger l WHERE l.kind = 'case' AND "
				"l.terminal = c.terminal AND l.ref = c.case_no"
				"   AND l.outcome = 'duplicate')"
				" FROM cases c ORDER BY c.id";

static const char evals_sql[] = "SELECT e.terminal, e.eval_id, e.case_no, e.level, e.body,"
				" (SELECT key FROM ledger l WHERE l.kind = 'eval' AND l.terminal = "
				"e.terminal AND l.ref = e.eval_id"
				"   AND l.outcome = 'created' ORDER BY rowid LIMIT 1),"
				" (SELECT COUNT(*) FROM ledger r WHERE r.kind = 'eval' AND "
				"r.outcome = 'replayed' AND r.terminal = e.terminal"
				"   AND r.key IN (SELECT key FROM ledger l WHERE l.kind = 'eval' "
				"AND l.terminal = e.terminal"
				"   AND l.ref = e.eval_id AND l.outcome = 'created'))"
				" FROM evaluations e ORDER BY e.id";

static json_t *cases_of(struct plat *p)
{
	sqlite3_stmt *st = NULL;
	json_t *list = json_array(), *pages;

	if (sqlite3_prepare_v2(p->db, cases_sql, -1, &st, NULL) != SQLITE_OK)
		goto fail;
	while (sqlite3_step(st) == SQLITE_ROW) {
		pages = pages_of(p, sqlite3_column_int64(st, 0));
		if (!pages)
			goto fail;
		json_array_append_new(
			list,
			json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:o}", "terminal",
				  text(st, 1), "case_no", text(st, 2), "platform_no", text(st, 3),
				  "status", text(st, 4), "key", text(st, 5), "created",
				  sqlite3_column_int(st, 6), "replayed", sqlite3_column_int(st, 7),
				  "duplicates", sqlite3_column_int(st, 8), "pages", pages));
	}
	sqlite3_finalize(st);
	return list;
fail:
	plat_log_err("ledger: %s", sqlite3_errmsg(p->db));
	sqlite3_finalize(st);
	json_decref(list);
	return NULL;
}

static json_t *evals_of(struct plat *p)
{
	sqlite3_stmt *st = NULL;
	json_t *list = json_array();

	if (sqlite3_prepare_v2(p->db, evals_sql, -1, &st, NULL) != SQLITE_OK)
		goto fail;
	while (sqlite3_step(st) == SQLITE_ROW) {
		/* The body was checked when it came, so rated_ms is there; a duplicate under
		 * another key shows as a second evaluation with the same case and rating time. */
		json_t *body = json_loads(text(st, 4), 0, NULL);

		json_array_append_new(
			list,
			json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:b, s:i}", "terminal",
				  text(st, 0), "eval_id", text(st, 1), "case_no", text(st, 2),
				  "level", text(st, 3), "key", text(st, 5), "rated_ms",
				  (json_int_t)json_integer_value(json_object_get(body, "rated_ms")),
				  "followup", json_is_true(json_object_get(body, "followup")),
				  "replayed", sqlite3_column_int(st, 6)));
		json_decref(body);
	}
	sqlite3_finalize(st);
	return list;
fail:
	plat_log_err("ledger: %s", sqlite3_errmsg(p->db));
	sqlite3_finalize(st);
	json_decref(list);
	return NULL;
}

void plat_admin_ledger(struct plat *p, struct plat_reply *reply)
{
	json_t *cases = cases_of(p), *evals = evals_of(p);

	if (!cases || !evals) {
		json_decref(cases);
		json_decref(evals);
		plat_reply_error(reply, 500, "internal", NULL, "database error");
		return;
	}
	plat_reply_json(reply, 200, json_pack("{s:o, s:o}", "cases", cases, "evaluations", evals));
}
