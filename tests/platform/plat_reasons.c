/* GET /api/v1/evaluation-reasons?scheme= (section 6a): the reason list set for a level scheme by
 * POST /admin/eval-reasons, so a test can publish a new version; 404 while none is set. */
#include "tests/platform/plat.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/platform/plat_json.h"

void plat_reasons_get(struct plat *p, struct MHD_Connection *conn, struct plat_reply *reply)
{
	const char *scheme = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "scheme");
	sqlite3_stmt *st = NULL;
	json_t *body = NULL;

	if (!scheme || !scheme[0]) {
		plat_reply_error(reply, 400, "invalid", "scheme", "the level scheme is required");
		return;
	}
	if (sqlite3_prepare_v2(p->db, "SELECT body FROM eval_reasons WHERE scheme = ?", -1, &st, NULL) != SQLITE_OK) {
		plat_reply_error(reply, 500, "internal", NULL, "database error");
		return;
	}
	sqlite3_bind_text(st, 1, scheme, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) == SQLITE_ROW)
		body = json_loads((const char *)sqlite3_column_text(st, 0), 0, NULL);
	sqlite3_finalize(st);
	if (!body) {
		plat_reply_error(reply, 404, "not_found", "scheme", "no reason list for %s", scheme);
		return;
	}
	plat_reply_json(reply, 200, body);
}

/* The list is stored as given (less its scheme): a test may publish a malformed one to see the
 * terminal refuse it. */
void plat_admin_reasons(struct plat *p, const char *body, size_t len, struct plat_reply *reply)
{
	struct plat_json_err err;
	json_t *root = plat_json_parse(body, len, &err);
	sqlite3_stmt *st = NULL;
	const char *scheme;
	char *text = NULL;

	if (!root) {
		plat_reply_error(reply, 400, err.code, NULL, "%s", err.message);
		return;
	}
	scheme = plat_json_str(root, "scheme");
	if (!scheme || !scheme[0]) {
		plat_reply_error(reply, 400, "invalid", "scheme", "required");
		goto out;
	}
	text = json_dumps(root, JSON_COMPACT);
	if (!text || sqlite3_prepare_v2(p->db, "INSERT OR REPLACE INTO eval_reasons (scheme, body) VALUES (?, ?)", -1,
					&st, NULL) != SQLITE_OK) {
		plat_reply_error(reply, 500, "internal", NULL, "database error");
		goto out;
	}
	sqlite3_bind_text(st, 1, scheme, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, text, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE) {
		plat_reply_error(reply, 500, "internal", NULL, "database error");
		goto out;
	}
	plat_log_info(p, "reason list for %s now %s", scheme, plat_json_str(root, "version") ?: "(no version)");
	plat_reply_json(reply, 200, json_pack("{s:s}", "scheme", scheme));
out:
	sqlite3_finalize(st);
	free(text);
	json_decref(root);
}
