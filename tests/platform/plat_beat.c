/* POST /api/v1/heartbeat (section 8): the terminal's health, answered with the platform's clock, the catalog
 * version it serves and the period to use. */
#include "tests/platform/plat.h"

#include "tests/platform/plat_json.h"

#include <stdlib.h>

/* Flags of bad ratings for the back office's call back, one per terminal and ref however often a
 * heartbeat repeats it. */
static bool keep_bad(struct plat *p, const char *terminal, json_t *root, int64_t now)
{
	json_t *b;
	size_t i;

	json_array_foreach(json_object_get(root, "bad_ratings"), i, b) {
		sqlite3_stmt *st = NULL;
		char *reasons = json_dumps(json_object_get(b, "reasons"), JSON_COMPACT);
		bool ok = reasons && sqlite3_prepare_v2(p->db,
						"INSERT OR IGNORE INTO bad_ratings (terminal, ref, case_no,"
						" level, reasons, named, rated_ms, received_ms)"
						" VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
						-1, &st, NULL) == SQLITE_OK;

		if (ok) {
			sqlite3_bind_text(st, 1, terminal, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, plat_json_str(b, "ref"), -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, plat_json_str(b, "case_no"), -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 4, plat_json_str(b, "level"), -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 5, reasons, -1, SQLITE_STATIC);
			sqlite3_bind_int(st, 6, json_is_true(json_object_get(b, "named")));
			sqlite3_bind_int64(st, 7, json_integer_value(json_object_get(b, "rated_ms")));
			sqlite3_bind_int64(st, 8, now);
			ok = sqlite3_step(st) == SQLITE_DONE;
		}
		sqlite3_finalize(st);
		free(reasons);
		if (!ok)
			return false;
		plat_log_info(p, "bad rating %s from %s: %s, call back", plat_json_str(b, "ref"), terminal,
			      plat_json_str(b, "level"));
	}
	return true;
}

void plat_beat_receive(struct plat *p, const struct plat_req *req, struct plat_reply *reply)
{
	struct plat_json_err err;
	json_t *root = plat_json_parse(req->body, req->len, &err), *out, *q;
	sqlite3_stmt *st = NULL;
	int64_t now = plat_now_ms();
	char at[40];

	if (!root) {
		plat_reply_error(reply, 400, err.code, NULL, "%s", err.message);
		return;
	}
	if (!plat_json_beat(root, req->terminal, &err)) {
		plat_reply_error(reply, 400, err.code, err.field, "%s", err.message);
		goto done;
	}
	if (sqlite3_prepare_v2(p->db, "INSERT INTO heartbeats (terminal, received_ms, body) VALUES (?, ?, ?)", -1, &st,
			       NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_text(st, 1, req->terminal, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_text(st, 3, req->body, (int)req->len, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE || !keep_bad(p, req->terminal, root, now))
		goto fail;
	plat_format_at(now, at, sizeof(at));
	out = json_pack("{s:I, s:s, s:i}", "server_ms", (json_int_t)now, "server_at", at, "heartbeat_s",
			PLAT_HEARTBEAT_S);
	if (out && p->catalog)
		json_object_set_new(out, "catalog_version", json_string(p->catalog_version));
	plat_reply_json(reply, 200, out);
	q = json_object_get(root, "queue");
	plat_log_info(p, "heartbeat %s (catalog %s, %lld pending, %lld rejected)", req->terminal,
		      plat_json_str(root, "catalog_version") ? plat_json_str(root, "catalog_version") : "-",
		      (long long)json_integer_value(json_object_get(q, "pending")),
		      (long long)json_integer_value(json_object_get(q, "rejected")));
	goto done;
fail:
	plat_reply_error(reply, 500, "internal", NULL, "database error");
done:
	sqlite3_finalize(st);
	json_decref(root);
}
