/* POST /api/v1/heartbeat (section 8): the terminal's health, answered with the platform's clock, the catalog
 * version it serves and the period to use. */
#include "tests/platform/plat.h"

#include "tests/platform/plat_json.h"

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
	if (sqlite3_step(st) != SQLITE_DONE)
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
