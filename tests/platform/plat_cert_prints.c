/* POST /api/v1/certificate-prints (section 7a): a certificate printed at a terminal, numbered P000001,
 * P000002 ... The idempotency layer (plat_idem.c) answers a retried key with the first reply, so a
 * print is counted once however often the terminal had to send it. */
#include "tests/platform/plat.h"

#include <stdio.h>

#include "tests/platform/plat_json.h"

void plat_cert_prints_submit(struct plat *p, const struct plat_req *req, struct plat_reply *reply)
{
	struct plat_json_err err;
	json_t *root = plat_json_parse(req->body, req->len, &err);
	sqlite3_stmt *st = NULL;
	long long seq = 0;
	char print_id[24];

	if (!root) {
		plat_reply_error(reply, 400, err.code, NULL, "%s", err.message);
		return;
	}
	if (!plat_json_cert_print(root, req->terminal, &err)) {
		plat_reply_error(reply, 400, err.code, err.field, "%s", err.message);
		goto out;
	}
	if (sqlite3_prepare_v2(p->db, "SELECT COALESCE(MAX(id), 0) + 1 FROM cert_prints", -1, &st, NULL) !=
	    SQLITE_OK)
		goto fail;
	if (sqlite3_step(st) == SQLITE_ROW)
		seq = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	snprintf(print_id, sizeof(print_id), "P%06lld", seq);
	if (seq < 1 || sqlite3_prepare_v2(p->db,
					  "INSERT INTO cert_prints (print_id, terminal, cert_id, printed_ms, pages,"
					  " received_ms) VALUES (?, ?, ?, ?, ?, ?)",
					  -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_text(st, 1, print_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, req->terminal, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, plat_json_str(root, "cert_id"), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, json_integer_value(json_object_get(root, "printed_ms")));
	sqlite3_bind_int64(st, 5, json_integer_value(json_object_get(root, "pages")));
	sqlite3_bind_int64(st, 6, plat_now_ms());
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	plat_reply_json(reply, 201, json_pack("{s:s}", "print_id", print_id));
	plat_log_info(p, "certificate %s printed at %s (%lld pages) as %s", plat_json_str(root, "cert_id"),
		      req->terminal, (long long)json_integer_value(json_object_get(root, "pages")), print_id);
	goto out;
fail:
	plat_log_err("certificate print from %s: %s", req->terminal, sqlite3_errmsg(p->db));
	plat_reply_error(reply, 500, "internal", NULL, "database error");
out:
	sqlite3_finalize(st);
	json_decref(root);
}
